/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database on
 * the PostgreSQL server named by TEST_DATABASE_URL (dropped again when the test file is done).
 * Each is a copy of a database prepared once per run (prepared-databases.ts): migrated, and with
 * `data: 'reference'` or `data: 'demo'` holding the reference data or the whole demo too. No test
 * file sees another's writes.
 * On PostgreSQL, request work connects as the login role jointly_app: TEST_DATABASE_APP_URL when
 * set, else TEST_DATABASE_URL's server as jointly_app with the password "jointly_app", which the
 * owner (a role that may create roles, as in .ci/run) gives it when it cannot log in yet.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/engine.ts';
import {
  ensurePgliteSnapshot,
  ensurePostgresTemplate,
  openPgliteCopy,
  templateName,
  whenLeft,
  type PreparedKind,
} from './prepared-databases.ts';

export const testEngine = (): 'postgres' | 'pglite' =>
  process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

const TEST_APP_PASSWORD = 'jointly_app';

/** The URL for request work on test database `name`. */
export function testAppUrl(serverUrl: string, name: string): string {
  const url = new URL(process.env.TEST_DATABASE_APP_URL ?? serverUrl);
  if (process.env.TEST_DATABASE_APP_URL === undefined) {
    url.username = 'jointly_app';
    url.password = TEST_APP_PASSWORD;
  }
  url.pathname = `/${name}`;
  return url.toString();
}

/** Lets jointly_app log in with the test password, unless it already can. */
export async function ensureAppLogin(ownerUrl: string, appUrl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const probe = new pg.Client({ connectionString: appUrl });
    try {
      await probe.connect();
      await probe.end();
      return;
    } catch (error) {
      await probe.end().catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (process.env.TEST_DATABASE_APP_URL !== undefined || !['28P01', '28000'].includes(code ?? '')) {
        throw error;
      }
      if (attempt === 5) throw error;
    }
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await owner.query(`alter role jointly_app login password '${TEST_APP_PASSWORD}'`);
    } catch (error) {
      // Another test file may be doing the same at this moment: try again.
      if ((error as { code?: string }).code !== 'XX000') throw error;
    } finally {
      await owner.end();
    }
  }
}

export interface TestDatabaseOptions {
  /** false leaves the new database empty, for a test of the migrations themselves. */
  migrate?: boolean;
  /** What the migrated database holds besides: all the reference data, or the whole demo. */
  data?: 'reference' | 'demo';
}

/** The owner's and the request role's connections to database `name` on the test server. */
function openOnServer(serverUrl: string, name: string): Promise<Database> {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return openDatabase({ url: url.toString(), appUrl: testAppUrl(serverUrl, name) });
}

/** Builds the prepared database of `kind` for this engine, unless it is there already. */
export async function prepareTestDatabase(kind: PreparedKind): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    await ensurePgliteSnapshot(kind);
    return;
  }
  await ensurePostgresTemplate(
    serverUrl,
    kind,
    (building) => openOnServer(serverUrl, building),
    (building) => ensureAppLogin(serverUrl, testAppUrl(serverUrl, building)),
  );
}

export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<Database> {
  const prepared: PreparedKind | undefined =
    options.migrate === false ? undefined : (options.data ?? 'migrated');
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return prepared ? openPgliteCopy(prepared) : openDatabase({ memory: true });
  const name = `jointly_test_${randomBytes(6).toString('hex')}`;
  if (prepared) await prepareTestDatabase(prepared);
  const template = prepared ? templateName(prepared) : undefined;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await whenLeft(admin, `create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const database = await openOnServer(serverUrl, name);
  if (prepared) await ensureAppLogin(serverUrl, testAppUrl(serverUrl, name));
  return {
    ...database,
    db: database.db,
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await dropDatabase(cleanup, name);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** A copy of a prepared database that another process opens: `jointly serve`, for example. */
export type PreparedCopy = (
  | { dataDir: string; url?: undefined; appUrl?: undefined }
  | { dataDir?: undefined; url: string; appUrl: string }
) & { remove(): Promise<void> };

/**
 * A copy of the prepared `kind` database outside this process: on PGlite a data folder of its own
 * (the snapshot unpacked, as the engine would have written it), on PostgreSQL a database cloned
 * from the template, with the owner's URL and the request role's. `remove()` deletes it.
 */
export async function copyPreparedDatabase(kind: PreparedKind): Promise<PreparedCopy> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const snapshot = await ensurePgliteSnapshot(kind);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `jointly-${kind}-`));
    await promisify(execFile)('tar', ['-xf', snapshot, '-C', dataDir]);
    return { dataDir, remove: () => rm(dataDir, { recursive: true, force: true }) };
  }
  await prepareTestDatabase(kind);
  const name = `jointly_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await whenLeft(admin, `create database ${name} template ${templateName(kind)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const appUrl = testAppUrl(serverUrl, name);
  await ensureAppLogin(serverUrl, appUrl);
  return {
    url: url.toString(),
    appUrl,
    async remove() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await dropDatabase(cleanup, name);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/**
 * Drops a test database. A plain DROP stops an autovacuum worker that is busy in it (one often is
 * after a test has written a lot), which DROP … WITH (FORCE) may not do for a role that is not a
 * superuser; FORCE is for sessions that the test left open.
 */
async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`drop database if exists ${name}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt === 5) {
        await client.query(`drop database if exists ${name} with (force)`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
