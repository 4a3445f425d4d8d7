/**
 * Benchmarks, reported as ratios against a baseline measured in the same run on the same machine
 * (these machines are shared, so absolute times mean little). Run with `npm run bench`; the figures
 * go in docs/benchmarks.md.
 *
 * 1. Who is responsible, in process: `responsible.find` per postcode against a bare primary-key
 *    select of the same postcode on the same engine.
 * 2. Who is responsible, over HTTP: `GET /api/v1/responsible` against a bare Fastify route, both
 *    served on loopback and driven by the same client with the same concurrency.
 * 3. Point lookups: `lookupPoint` at each postcode's position against the same bare select.
 * 4. Postcode import: rows per second against reading the same file with csv-parse alone, and peak
 *    memory for a file four times larger (flat memory gives a ratio near 1).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { parse } from 'csv-parse';
import { loadConfig } from '../src/app/config.ts';
import { buildServer } from '../src/app/server.ts';
import { createServices } from '../src/app/services.ts';
import { openDatabase } from '../src/db/engine.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadDemo } from '../src/demo/demo.loader.ts';
import { silentProgress } from '../src/platform/import/progress.ts';
import { writeSyntheticPostcodes } from './synthetic-postcodes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const config = loadConfig({ ...process.env, JOINTLY_DEMO: 'false', LOG_LEVEL: 'silent' });
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 2000);
const HTTP_REQUESTS = Number(process.env.BENCH_HTTP_REQUESTS ?? 3000);
const CONCURRENCY = 8;
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function drive(url: (i: number) => string, total: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const response = await fetch(url(i));
      await response.arrayBuffer();
      if (response.status >= 500) throw new Error(`${response.status} from ${url(i)}`);
    }
  };
  return timed(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => undefined));
}

const report = (name: string, value: string) => console.log(`${name}: ${value}`);

const database = await openDatabase({ memory: true });
await migrateToLatest(database);
console.log('loading the reference data and the demo…');
await loadDemo(database.db, config.referenceDataDir, silentProgress);
const services = await createServices(config, database);
const postcodes = await database.db
  .selectFrom('postcode')
  .select(['postcode', 'lat', 'lon'])
  .where('lat', 'is not', null)
  .orderBy('postcode')
  .execute();
const sample = Array.from({ length: LOOKUPS }, (_, i) => postcodes[(i * 7919) % postcodes.length]!);

// 1. In process.
const bare = await timed(async () => {
  for (const p of sample) {
    await database.db.selectFrom('postcode').selectAll().where('postcode', '=', p.postcode).execute();
  }
});
const find = await timed(async () => {
  for (const p of sample) await services.responsible.find({ service: 524, postcode: p.postcode });
});
report('responsible.find per postcode ÷ bare select (time)', (find / bare).toFixed(1));
report('responsible.find lookups per second (this run)', (LOOKUPS / find).toFixed(0));

// 3. Points.
await services.geography.lookupPoint(sample[0]!.lat!, sample[0]!.lon!); // builds the index
const points = await timed(async () => {
  for (const p of sample) await services.geography.lookupPoint(p.lat!, p.lon!);
});
report('lookupPoint ÷ bare select (time)', (points / bare).toFixed(2));
report('lookupPoint per second (this run)', (LOOKUPS / points).toFixed(0));

// 2. HTTP.
const app = await buildServer(services);
await app.listen({ host: '127.0.0.1', port: 0 });
const baseline = Fastify();
baseline.get('/bare', async () => ({ status: 'ok' }));
await baseline.listen({ host: '127.0.0.1', port: 0 });
const portOf = (s: typeof app | typeof baseline) => (s.server.address() as { port: number }).port;
const warm = (n: number) => Math.min(n, 200);
await drive(() => `http://127.0.0.1:${portOf(baseline)}/bare`, warm(HTTP_REQUESTS));
const bareHttp = await drive(() => `http://127.0.0.1:${portOf(baseline)}/bare`, HTTP_REQUESTS);
const pathFor = (i: number) =>
  `/api/v1/responsible?service=524&postcode=${encodeURIComponent(sample[i % sample.length]!.postcode)}`;
await drive((i) => `http://127.0.0.1:${portOf(app)}${pathFor(i)}`, warm(HTTP_REQUESTS));
const apiHttp = await drive((i) => `http://127.0.0.1:${portOf(app)}${pathFor(i)}`, HTTP_REQUESTS);
report('GET /api/v1/responsible ÷ bare Fastify route (time per request)', (apiHttp / bareHttp).toFixed(1));
report('GET /api/v1/responsible requests per second (this run)', (HTTP_REQUESTS / apiHttp).toFixed(0));
await app.close();
await baseline.close();
await database.close();

// 4. Import.
const folder = await mkdtemp(path.join(os.tmpdir(), 'jointly-bench-'));
try {
  const measure = async (count: number, databaseUrl?: string) => {
    const file = path.join(folder, `postcodes-${count}.csv`);
    const written = await writeSyntheticPostcodes(config.referenceDataDir, file, count);
    const parseOnly = await timed(async () => {
      for await (const record of createReadStream(file).pipe(parse({ bom: true }))) void record;
    });
    const child = JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', path.join(here, 'import-child.ts'), file, ...(databaseUrl ? [databaseUrl] : [])],
        {
          encoding: 'utf8',
        },
      )
        .trim()
        .split('\n')
        .at(-1)!,
    ) as { rows: number; seconds: number; peakMiB: number };
    return { written, parseOnly, ...child };
  };
  const small = await measure(IMPORT_ROWS);
  const large = await measure(IMPORT_ROWS * 4);
  report(
    'postcode import ÷ csv-parse alone (time, embedded engine on disk)',
    (large.seconds / large.parseOnly).toFixed(1),
  );
  report('postcode import rows per second (this run)', (large.rows / large.seconds).toFixed(0));
  report(
    `peak memory, ${large.rows} rows ÷ ${small.rows} rows`,
    `${(large.peakMiB / small.peakMiB).toFixed(2)} (${small.peakMiB.toFixed(0)} MiB → ${large.peakMiB.toFixed(0)} MiB)`,
  );
  const server = process.env.BENCH_DATABASE_URL;
  if (server) {
    // On a server the importer's process holds no database: its memory is the importer's own.
    const smallPg = await measure(IMPORT_ROWS, server);
    const largePg = await measure(IMPORT_ROWS * 4, server);
    report(
      'postcode import ÷ csv-parse alone (time, PostgreSQL)',
      (largePg.seconds / largePg.parseOnly).toFixed(1),
    );
    report(
      'postcode import rows per second on PostgreSQL (this run)',
      (largePg.rows / largePg.seconds).toFixed(0),
    );
    report(
      `peak memory on PostgreSQL, ${largePg.rows} rows ÷ ${smallPg.rows} rows`,
      `${(largePg.peakMiB / smallPg.peakMiB).toFixed(2)} (${smallPg.peakMiB.toFixed(0)} MiB → ${largePg.peakMiB.toFixed(0)} MiB)`,
    );
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
