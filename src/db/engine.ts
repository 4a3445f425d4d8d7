/**
 * Opens the database: the embedded engine (PGlite) in a data folder by default, or a PostgreSQL
 * server when a connection string is given. Both speak the same SQL and run the same migrations.
 */
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { keepPrepared } from './prepared.ts';
import type { DB } from './schema.ts';
import { registerEmbedded, registerRequestDb } from './context.ts';

export type EngineKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: EngineKind;
  /**
   * Connection as the schema owner: migrations, imports, the demo loader, sign-in and the outbox
   * worker. Request work goes through `withTenant` in `context.ts`, which on PostgreSQL takes a
   * connection of the request pool (the login role `jointly_app`, DATABASE_APP_URL) instead.
   */
  readonly db: Kysely<DB>;
  /** Where the data lives, for messages: a folder, "memory" or the server (without password). */
  readonly location: string;
  close(): Promise<void>;
  /**
   * The embedded engine's whole data folder as a tarball, which `{ memory: true, snapshot }` opens
   * again as a copy (the test suite's prepared databases). PGlite only.
   */
  snapshot?(): Promise<Blob>;
}

/**
 * `url` connects as the schema owner; `appUrl`, as the request role `jointly_app` (request work
 * on PostgreSQL needs it: see `withTenant`).
 */
export type DatabaseTarget =
  { url: string; appUrl?: string } | { dataDir: string } | { memory: true; snapshot?: Blob };

export { DatabaseInUseError } from './data-dir-lock.ts';

const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

function toSafeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`integer ${text} is too large to handle exactly`);
  return value;
}

/** Dates stay 'YYYY-MM-DD' strings and bigints become exact numbers, on both engines alike. */
const parsers = {
  [INT8]: toSafeNumber,
  [DATE]: (text: string) => text,
  [NUMERIC]: (text: string) => text,
};

function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

function postgresPool(url: string): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid in parsers
          ? parsers[oid as keyof typeof parsers]
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('connect', keepPrepared);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Two pools: the owner's, and (given `appUrl`) the request role's. Neither connects until used. */
async function openPostgres(url: string, appUrl: string | undefined): Promise<Database> {
  const db = postgresPool(url);
  const requestDb = appUrl === undefined ? undefined : postgresPool(appUrl);
  if (requestDb) registerRequestDb(db, requestDb);
  return {
    kind: 'postgres',
    db,
    location: describeUrl(url),
    close: async () => {
      await Promise.all([db.destroy(), requestDb?.destroy()]);
    },
  };
}

async function openEmbedded(dataDir: string | undefined, snapshot?: Blob): Promise<Database> {
  const lock = dataDir === undefined ? undefined : lockDataDir(dataDir);
  const unlock = async () => lock?.release();
  try {
    const engine = await PGlite.create({
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(snapshot === undefined ? {} : { loadDataDir: snapshot }),
      parsers: {
        [pgliteTypes.INT8]: toSafeNumber,
        [pgliteTypes.DATE]: (text: string) => text,
        [pgliteTypes.NUMERIC]: (text: string) => text,
      },
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(engine) });
    registerEmbedded(db);
    let closed = false;
    return {
      kind: 'pglite',
      db,
      location: dataDir ?? 'memory',
      async close() {
        if (closed) return;
        closed = true;
        await db.destroy();
        await unlock();
      },
      async snapshot() {
        await engine.exec('CHECKPOINT');
        return engine.dumpDataDir('none');
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ('url' in target) return openPostgres(target.url, target.appUrl);
  if ('dataDir' in target) return openEmbedded(target.dataDir);
  return openEmbedded(undefined, target.snapshot);
}
