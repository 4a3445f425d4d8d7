/**
 * The front door's write and read paths over HTTP, against the database's own single-row rates in
 * the same run at the same concurrency (8):
 *
 * - Open311 `POST /open311/v2/requests.json`: routing (who is responsible at the point), the
 *   contact, the case, its first history event, outbox messages and the idempotency row, all in
 *   one committed transaction per request; against single-row INSERTs (pgbench on PostgreSQL; the
 *   same statement through the engine on PGlite, which has no pgbench).
 * - `GET /open311/v2/requests/{id}.json`: one case as a jurisdiction sees it; against single-row
 *   primary-key SELECTs.
 *
 * - A bare Fastify POST route (form body in, a one-element JSON array out) driven by the same HTTP
 *   client at the same concurrency: the most any HTTP intake can do on this machine, in the same
 *   run, so the share of that ceiling the front door's own work costs can be read off.
 *
 * Reports requests per second, the ratio to the baseline's rate and p99 latency. PostgreSQL runs
 * when BENCH_DATABASE_URL names a database the bench may fill (it is migrated and loaded with the
 * reference data), with BENCH_DATABASE_APP_URL for request work as jointly_app; PGlite runs on a data folder on disk, so commits are durable on both.
 * Run with `npm run bench:intake`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import { sql } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import { buildServer } from '../src/app/server.ts';
import { createServices } from '../src/app/services.ts';
import { importAllReferenceData } from '../src/app/import.command.ts';
import { openDatabase, type Database } from '../src/db/engine.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createApiKey } from '../src/frontdoor/index.ts';
import { silentProgress } from '../src/platform/import/progress.ts';

const config = loadConfig({ ...process.env, JOINTLY_DEMO: 'false', LOG_LEVEL: 'silent' });
const REQUESTS = Number(process.env.BENCH_INTAKE_REQUESTS ?? 1500);
const CONCURRENCY = 8;
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 10);

interface Run {
  perSecond: number;
  p99ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Runs `work(i)` for i in 0..total-1, `CONCURRENCY` at a time; rate and p99 latency. */
async function drive(total: number, work: (i: number) => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      await work(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p99ms: percentile(latencies, 99) };
}

/** pgbench with a custom script: transactions per second and p99 latency from its per-transaction log. */
async function pgbench(url: string, script: string, folder: string): Promise<Run> {
  const file = path.join(folder, 'script.sql');
  await writeFile(file, script);
  const logs = path.join(folder, `log-${Date.now()}`);
  const output = execFileSync(
    'pgbench',
    [
      '-n',
      '-c',
      String(CONCURRENCY),
      '-j',
      '2',
      '-T',
      String(PGBENCH_SECONDS),
      '-f',
      file,
      '-l',
      '--log-prefix',
      logs,
      url,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tps = Number(/tps = ([0-9.]+)/.exec(output)?.[1]);
  const latencies: number[] = [];
  for (const name of (await readdir(folder)).filter((n) => n.startsWith(path.basename(logs)))) {
    for (const line of (await readFile(path.join(folder, name), 'utf8')).split('\n')) {
      const microseconds = Number(line.split(' ')[2]);
      if (Number.isFinite(microseconds) && line !== '') latencies.push(microseconds / 1000);
    }
  }
  latencies.sort((a, b) => a - b);
  return { perSecond: tps, p99ms: percentile(latencies, 99) };
}

async function prepare(database: Database): Promise<void> {
  await migrateToLatest(database);
  await importAllReferenceData(database.db, config.referenceDataDir, silentProgress);
  await sql`DROP TABLE IF EXISTS bench_row`.execute(database.db);
  await sql`CREATE TABLE bench_row (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`.execute(
    database.db,
  );
}

/** Open311 intake and lookups over HTTP on this database. */
async function measureApp(database: Database): Promise<{ intake: Run; lookup: Run }> {
  const services = await createServices(config, database);
  const app = await buildServer(services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/open311/v2`;
  const key = await createApiKey(database.db, { jurisdiction: 'exeter', name: 'benchmark client' });
  const points = await database.db
    .selectFrom('postcode')
    .select(['lat', 'lon'])
    .where('postcode', 'like', 'EX%')
    .where('lat', 'is not', null)
    .orderBy('postcode')
    .execute();
  const runId = Date.now().toString(36);
  const ids: string[] = [];
  const post = async (i: number) => {
    const p = points[(i * 7919) % points.length]!;
    const response = await fetch(`${base}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': `${runId}-${i}` },
      body: new URLSearchParams({
        jurisdiction_id: 'exeter',
        api_key: key.key,
        service_code: i % 2 === 0 ? '564' : '577',
        lat: String(p.lat),
        long: String(p.lon),
        description: `Benchmark request ${i}`,
        email: `resident${i}@example.org`,
      }),
    });
    const body = (await response.json()) as Array<{ service_request_id?: string }>;
    // A point on a boundary is refused as ambiguous (400): it still did the routing and no harm.
    if (response.status >= 500) throw new Error(`${response.status} from POST requests.json`);
    if (body[0]?.service_request_id) ids.push(body[0].service_request_id);
  };
  await drive(Math.min(100, REQUESTS), (i) => post(REQUESTS + i)); // warm up
  const intake = await drive(REQUESTS, post);
  const lookup = await drive(REQUESTS, async (i) => {
    const response = await fetch(`${base}/requests/${ids[i % ids.length]}.json?jurisdiction_id=exeter`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${response.status} from GET requests/{id}.json`);
  });
  await app.close();
  return { intake, lookup };
}

/** A bare Fastify POST route over HTTP with the same client: the ceiling for any HTTP intake. */
async function bareRoute(): Promise<Run> {
  const app = Fastify();
  await app.register(formbody);
  app.post('/requests.json', async () => [{ service_request_id: 'X', token: 'Y' }]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/requests.json`;
  const post = async (i: number) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': `bare-${i}` },
      body: new URLSearchParams({
        jurisdiction_id: 'exeter',
        service_code: '564',
        description: `Request ${i}`,
      }),
    });
    await response.json();
  };
  await drive(Math.min(100, REQUESTS), post); // warm up
  const run = await drive(REQUESTS * 2, post);
  await app.close();
  return run;
}

/** The same single-row statements through the engine, for PGlite (which has no pgbench). */
async function engineBaseline(database: Database): Promise<{ insert: Run; select: Run }> {
  const insert = await drive(REQUESTS, async (i) => {
    await sql`INSERT INTO bench_row (payload) VALUES (${`row ${i}`})`.execute(database.db);
  });
  const select = await drive(REQUESTS, async (i) => {
    await sql`SELECT * FROM bench_row WHERE id = ${(i % REQUESTS) + 1}`.execute(database.db);
  });
  return { insert, select };
}

const line = (what: string, run: Run, baseline: Run, baselineName: string) =>
  console.log(
    `${what}: ${run.perSecond.toFixed(0)}/s, p99 ${run.p99ms.toFixed(1)} ms; ${baselineName} ${baseline.perSecond.toFixed(0)}/s, p99 ${baseline.p99ms.toFixed(1)} ms; ratio ${(run.perSecond / baseline.perSecond).toFixed(3)}`,
  );

const folder = await mkdtemp(path.join(os.tmpdir(), 'jointly-bench-intake-'));
try {
  const server = process.env.BENCH_DATABASE_URL;
  if (server) {
    console.log('PostgreSQL: loading the reference data…');
    const appUrl = process.env.BENCH_DATABASE_APP_URL;
    if (!appUrl) throw new Error('BENCH_DATABASE_APP_URL (the same database as jointly_app) is needed too');
    const database = await openDatabase({ url: server, appUrl });
    await prepare(database);
    const { intake, lookup } = await measureApp(database);
    await database.close();
    const inserts = await pgbench(
      server,
      `INSERT INTO bench_row (payload) VALUES ('pgbench row');\n`,
      folder,
    );
    const rows = Math.max(1, Math.floor(inserts.perSecond * PGBENCH_SECONDS));
    const selects = await pgbench(
      server,
      `\\set id random(1, ${rows})\nSELECT * FROM bench_row WHERE id = :id;\n`,
      folder,
    );
    line('PostgreSQL Open311 POST intake', intake, inserts, 'pgbench single-row INSERT');
    line('PostgreSQL Open311 POST intake', intake, await bareRoute(), 'bare Fastify POST route');
    line('PostgreSQL Open311 GET one request', lookup, selects, 'pgbench primary-key SELECT');
  }
  console.log('PGlite on disk: loading the reference data…');
  const database = await openDatabase({ dataDir: path.join(folder, 'pglite') });
  await prepare(database);
  const { intake, lookup } = await measureApp(database);
  const baseline = await engineBaseline(database);
  await database.close();
  line('PGlite Open311 POST intake', intake, baseline.insert, 'single-row INSERT through the engine');
  line('PGlite Open311 POST intake', intake, await bareRoute(), 'bare Fastify POST route');
  line('PGlite Open311 GET one request', lookup, baseline.select, 'primary-key SELECT through the engine');
} finally {
  await rm(folder, { recursive: true, force: true });
}
