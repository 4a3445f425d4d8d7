/**
 * The whole application with the demo partnerships and accounts loaded, listening on loopback:
 * what browser tests of signed-in journeys run against.
 */
import type { Database } from '../../src/db/engine.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { openTestDatabase } from './database.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface DemoServer extends TestServer {
  database: Database;
  services: TestApp['services'];
}

export async function startDemoServer(): Promise<DemoServer> {
  const database = await openTestDatabase({ data: 'demo' });
  const built = await buildTestApp(database);
  const server = await startTestServer(built.app);
  return {
    ...server,
    database,
    services: built.services,
    async close() {
      await server.close();
      await database.close();
    },
  };
}
