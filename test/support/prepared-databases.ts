/**
 * Prepared databases for the test suite, built once per run instead of once per test file:
 *
 * - `migrated`: every migration applied;
 * - `reference`: migrated, with all the reference data in JOINTLY_REFERENCE_DATA (../shared/data);
 * - `demo`: migrated, with the demo loaded as `jointly serve` loads it (reference data, the demo
 *   partnerships, their accounts and a year of cases).
 *
 * On PGlite each is a tarball of the engine's data folder under node_modules/.cache/jointly-test,
 * which every test file opens as its own in-memory copy. On PostgreSQL each is a template database
 * (jointly_tpl_<kind>_<key>), which every test file clones with CREATE DATABASE … TEMPLATE.
 *
 * The key is a hash of what the prepared data is made from: the application's source (migrations,
 * importers, demo), this folder, the reference data files (names, sizes and times) and today's
 * date (the demo's cases are dated from today). A change to any of them gives a new key, so a
 * stale database is never used. `npm test` (scripts/test.mjs) builds them before any test file
 * starts; a test file run on its own builds what it needs (under a lock on PostgreSQL).
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  openAsBlob,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/engine.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export const PREPARED_KINDS = ['migrated', 'reference', 'demo'] as const;
export type PreparedKind = (typeof PREPARED_KINDS)[number];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'jointly-test');

const referenceDataDir = (): string =>
  path.resolve(process.env.JOINTLY_REFERENCE_DATA ?? path.join(ROOT, '../shared/data'));

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(full, keep);
      return keep(full) ? [full] : [];
    })
    .sort();
}

let cachedKey: string | undefined;

/** The hash of everything the prepared databases are made from (see above). */
export function preparedKey(): string {
  // scripts/test.mjs works it out once and hands it to every test file.
  cachedKey ??= process.env.JOINTLY_TEST_PREPARED_KEY;
  if (cachedKey) return cachedKey;
  const hash = createHash('sha256');
  const source = (file: string) => /\.(ts|json|csv|sql)$/.test(file) && !file.endsWith('.test.ts');
  for (const file of [
    ...filesUnder(path.join(ROOT, 'src'), source),
    ...filesUnder(path.join(ROOT, 'test', 'support'), source),
    path.join(ROOT, 'package-lock.json'),
  ]) {
    hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const data = referenceDataDir();
  for (const file of filesUnder(data, () => true)) {
    const stat = statSync(file);
    hash.update(`${path.relative(data, file)} ${stat.size} ${stat.mtimeMs}\0`);
  }
  hash.update(new Date().toISOString().slice(0, 10));
  cachedKey = hash.digest('hex').slice(0, 16);
  return cachedKey;
}

/**
 * The kind a kind is built on, copied rather than made again: the demo holds all the reference data,
 * whose import is most of the work of either.
 */
export const BUILT_ON: Partial<Record<PreparedKind, PreparedKind>> = { demo: 'reference' };

/** Fills a migrated database (a copy of `BUILT_ON[kind]`'s, where it has one) with what `kind` holds. */
async function fill(database: Database, kind: PreparedKind): Promise<void> {
  if (kind === 'migrated') return;
  const { silentProgress } = await import('../../src/platform/import/progress.ts');
  if (kind === 'reference') {
    const { importAllReferenceData } = await import('../../src/app/import.command.ts');
    await importAllReferenceData(database.db, referenceDataDir(), silentProgress);
    return;
  }
  // The demo is built on a copy of the reference kind (BUILT_ON), so its reference data is there.
  const { buildTestApp } = await import('./app.ts');
  const { demoAccountCreator, loadDemoOnReferenceData } = await import('../../src/demo/demo.loader.ts');
  const { app, services } = await buildTestApp(database);
  try {
    await loadDemoOnReferenceData(
      database.db,
      referenceDataDir(),
      silentProgress,
      demoAccountCreator(services.auth),
    );
  } finally {
    await app.close();
  }
}

// --- PGlite: a tarball of the data folder ---------------------------------------------------

const snapshotFile = (kind: PreparedKind) => path.join(CACHE_DIR, `pglite-${kind}-${preparedKey()}.tar`);

/** Builds the PGlite snapshot of `kind` unless this key's is there already; returns its file. */
export async function ensurePgliteSnapshot(kind: PreparedKind): Promise<string> {
  const file = snapshotFile(kind);
  try {
    statSync(file);
    return file;
  } catch {
    // not built yet
  }
  const base = BUILT_ON[kind];
  const database = base ? await openPgliteCopy(base) : await openDatabase({ memory: true });
  try {
    if (!base) await migrateToLatest(database);
    await fill(database, kind);
    const tarball = await database.snapshot!();
    mkdirSync(CACHE_DIR, { recursive: true });
    // Older snapshots of this kind are of sources that have changed since.
    for (const old of readdirSync(CACHE_DIR).filter((f) => f.startsWith(`pglite-${kind}-`))) {
      rmSync(path.join(CACHE_DIR, old), { force: true });
    }
    // Written aside and renamed, so that a reader never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, new Uint8Array(await tarball.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await database.close();
  }
  return file;
}

/** A new in-memory PGlite holding a copy of the `kind` snapshot. */
export async function openPgliteCopy(kind: PreparedKind): Promise<Database> {
  const file = await ensurePgliteSnapshot(kind);
  return openDatabase({ memory: true, snapshot: await openAsBlob(file) });
}

// --- PostgreSQL: a template database --------------------------------------------------------

export const templateName = (kind: PreparedKind) => `jointly_tpl_${kind}_${preparedKey()}`;

const code = (error: unknown) => (error as { code?: string }).code;

/** Runs `statement`, again after a short wait while another session is still leaving the database. */
export async function whenLeft(client: pg.Client, statement: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(statement);
      return;
    } catch (error) {
      // 55006: the database is being accessed by other users (a closed pool's backend still exiting).
      if (code(error) !== '55006' || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/**
 * Builds the template database of `kind` unless this key's exists. Test files that start side by
 * side take an advisory lock (one for each template) first, so one builds it and the others wait and then clone it; it is
 * built under another name and renamed when complete, so a template is never seen half made.
 */
export async function ensurePostgresTemplate(
  serverUrl: string,
  kind: PreparedKind,
  open: (name: string) => Promise<Database>,
  migrated: (name: string) => Promise<void>,
): Promise<string> {
  const name = templateName(kind);
  const base = BUILT_ON[kind];
  const baseName = base ? await ensurePostgresTemplate(serverUrl, base, open, migrated) : undefined;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`select pg_advisory_lock(hashtext($1))`, [name]);
    const { rows } = await admin.query(`select datname from pg_database where datname like 'jointly_tpl_%'`);
    const names = rows.map((r: { datname: string }) => r.datname);
    if (names.includes(name)) return name;
    const building = `${name}_partial`;
    await whenLeft(admin, `drop database if exists ${building}`);
    await whenLeft(admin, `create database ${building}${baseName ? ` template ${baseName}` : ''}`);
    const database = await open(building);
    try {
      if (!baseName) await migrateToLatest(database);
      await migrated(building);
      await fill(database, kind);
    } finally {
      await database.close();
    }
    await whenLeft(admin, `alter database ${building} rename to ${name}`);
    // Older templates of this kind are of sources that have changed since; one still being
    // cloned by another run is left for next time.
    for (const old of names.filter((n) => n.startsWith(`jointly_tpl_${kind}_`) && n !== name)) {
      await admin.query(`drop database if exists ${old}`).catch(() => undefined);
    }
    return name;
  } finally {
    await admin.query(`select pg_advisory_unlock(hashtext($1))`, [name]).catch(() => undefined);
    await admin.end();
  }
}
