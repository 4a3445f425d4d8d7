/**
 * One postcode import in its own process, so that its peak memory is its own. Prints one JSON line:
 * rows, seconds, and the peak resident set size in MiB. With a PostgreSQL URL (a database the bench
 * may empty) the process holds only the importer, not the database engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/engine.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { runImport } from '../src/app/import.command.ts';
import { silentProgress } from '../src/platform/import/progress.ts';

const [file, databaseUrl] = process.argv.slice(2);
const dataDir = databaseUrl ? undefined : await mkdtemp(path.join(os.tmpdir(), 'jointly-bench-db-'));
const database = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: dataDir! });
await migrateToLatest(database);
// A bench database on a server is emptied of postcodes first, so each run imports every row anew.
if (databaseUrl) await database.db.deleteFrom('postcode').execute();
const started = performance.now();
const summary = await runImport(database.db, 'postcodes', file!, silentProgress);
const seconds = (performance.now() - started) / 1000;
await database.close();
if (dataDir) await rm(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ rows: summary.read, seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }));
