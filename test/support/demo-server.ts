/**
 * The whole application with the demo partnerships and accounts loaded, listening on loopback:
 * what browser tests of signed-in journeys run against.
 */
import type { Database } from '../../src/db/engine.ts';
import { demoAccountCreator, loadDemo } from '../../src/demo/demo.loader.ts';
import { loadConfig } from '../../src/app/config.ts';
import { silentProgress } from '../../src/platform/import/progress.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { openTestDatabase } from './database.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface DemoServer extends TestServer {
  database: Database;
  services: TestApp['services'];
}

export async function startDemoServer(): Promise<DemoServer> {
  const database = await openTestDatabase();
  const built = await buildTestApp(database);
  await loadDemo(
    database.db,
    loadConfig().referenceDataDir,
    silentProgress,
    demoAccountCreator(built.services.auth),
  );
  await built.services.geography.reload();
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
