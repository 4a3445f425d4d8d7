/**
 * A Fastify app listening on a free port of the loopback interface, for tests that need real HTTP
 * (browser tests).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(app: FastifyInstance): Promise<TestServer> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}
