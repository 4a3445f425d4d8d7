/**
 * A bare Fastify route answering a small JSON body, in a process of its own: the most any HTTP
 * route can do on this machine, measured in the same run as the application and driven by the same
 * client, so the application's figures can be read as a share of that ceiling. Listens on loopback
 * on a free port, prints `{"port": N}` as one line when it is ready, and stops on SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

const app = Fastify();
app.get('/bare', async () => ({ status: 'ok' }));
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }));
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
