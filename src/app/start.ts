/** Starts the web application on an open database and stops it cleanly on SIGTERM or SIGINT. */
import { ConfigError, type Config } from './config.ts';
import type { Database } from '../db/index.ts';
import { createServices } from './services.ts';
import { buildServer } from './server.ts';
import { demoAccountCreator, isRegisterEmpty, loadDemo } from '../demo/index.ts';
import { terminalProgress } from '../platform/index.ts';
import { createOutboxWorker, localSender } from '../platform/index.ts';
import { notifySender } from '../platform/index.ts';
import { dueProposalsTimer } from '../governance/index.ts';
import { summaryRefreshTimer } from '../performance/index.ts';

export async function startServer(config: Config, database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    console.log(
      `Using the embedded database in ${database.location}. It is for trying Jointly out, development and ` +
        'small pilots; run production on PostgreSQL (set DATABASE_URL).',
    );
  }
  if (database.kind === 'postgres' && config.databaseAppUrl === undefined) {
    throw new ConfigError(
      'DATABASE_APP_URL is required on PostgreSQL: request work connects as the role jointly_app, ' +
        'never as the owner in DATABASE_URL (see docs/operations.md, "The request role").',
    );
  }
  const services = await createServices(config, database);
  if (config.loadDemo && (await isRegisterEmpty(database.db))) {
    console.log('The register is empty: loading the demo partnerships from', config.referenceDataDir);
    await loadDemo(
      database.db,
      config.referenceDataDir,
      terminalProgress(process.stderr),
      demoAccountCreator(services.auth),
    );
    await services.geography.reload();
  }
  const app = await buildServer(services, {
    logger: { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
  });

  const outbox = createOutboxWorker({
    db: database.db,
    sender: config.notify ? notifySender(config.notify.apiKey, config.notify.templates) : localSender,
    log: (entry, message) => app.log.warn(entry, message),
  });

  const dueProposals = dueProposalsTimer({
    governance: services.governance,
    log: (entry, message) => app.log.warn(entry, message),
  });

  const summaries = summaryRefreshTimer({
    db: database.db,
    log: (entry, message) => app.log.warn(entry, message),
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    try {
      dueProposals.stop();
      summaries.stop();
      await outbox.stop();
      await app.close();
    } finally {
      await database.close();
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  outbox.start();
  dueProposals.start();
  summaries.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(
    `Jointly is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/`,
  );
}
