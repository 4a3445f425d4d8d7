/**
 * A council's measures and its quarterly report page over HTTP at the demo's size and at 5 million
 * cases, on PostgreSQL, against a bare Fastify route measured in the same run:
 *
 * - Stage 1: a scratch database, migrated, with the reference data and the demo (its year of cases
 *   and their day summaries). The application runs as `jointly serve` in a process of its own
 *   (demo loading off, logs silent, a free port) and is driven over loopback by autocannon from
 *   this process, CONNECTIONS at a time for SECONDS, after a short warm-up, at each of `PAGES`: the
 *   measures API and the quarterly report page for a demo council and the last full quarter. A URL
 *   that does not answer 200 is reported and left out.
 * - Stage 2: `service_case` filled up to CASES rows with generate_series in SQL, in batches, each
 *   new case a copy of one of the demo's own cases (its council, service, postcode and place,
 *   channel, front door, routing, status and the times from opening to its due time, closing and
 *   last change) opened on the same weekday and time of day in a week of the demo's year, taken
 *   in turn so every week has its share; a copy whose closing would fall after now is still in
 *   progress. Its reference is numbered on from the council's case_number row, which is kept up to
 *   date, so the front door goes on numbering after them. The day summaries are then made again
 *   over the whole span with `refreshSummaries`, timed, and the application is started afresh.
 * - The baseline: a bare Fastify route answering a small JSON body (`reference-server.ts`), in its
 *   own process, driven by the same client the same way, at both stages: the most any route can
 *   do on this machine.
 *
 * Each time the application starts it first makes the day summaries of the recent days again (as
 * it does every hour); the loads begin only when that has finished. Reports requests per second,
 * mean, p50 and p99 latency at both stages, and the ratio of mean latencies, stage 2 ÷ stage 1
 * (the aim is at most 1.5×). The scratch database is dropped at the end, also after a failure.
 *
 * BENCH_DATABASE_URL (or TEST_DATABASE_URL) names the server, connecting as a role that may create
 * databases; BENCH_DATABASE_APP_URL (or TEST_DATABASE_APP_URL) the same server as jointly_app
 * (default: the owner's URL as jointly_app with the password jointly_app). BENCH_MEASURES_CASES
 * (default 5,000,000) and BENCH_MEASURES_SECONDS (default 10) set the size and each load's length.
 * Run with `npm run bench:measures`. Not part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/app/config.ts';
import type { DB } from '../src/db/index.ts';
import { openDatabase, type Database } from '../src/db/engine.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadDemo } from '../src/demo/demo.loader.ts';
import { periodContaining, previousPeriod } from '../src/performance/index.ts';
import { refreshSummaries } from '../src/performance/summary.service.ts';
import { terminalProgress } from '../src/platform/import/progress.ts';
import { todayInLondon } from '../src/platform/index.ts';
import { createScratchDatabase } from './scratch-database.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const config = loadConfig({ ...process.env, JOINTLY_DEMO: 'false', LOG_LEVEL: 'silent' });
const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const CASES = Number(process.env.BENCH_MEASURES_CASES ?? 5_000_000);
const SECONDS = Number(process.env.BENCH_MEASURES_SECONDS ?? 10);
const WARM_UP_SECONDS = 2;
const CONNECTIONS = 8;
const BATCH = 250_000;
/** How long a start-up refresh of the recent days may take before the bench gives up on it. */
const REFRESH_WAIT_MS = 30 * 60_000;
const WEEK_SECONDS = 7 * 86_400;

/** Cotswold (a demo council) and the last full quarter before today: the demo has cases in it. */
const ORG = 'E07000079';
const PERIOD = previousPeriod(periodContaining(todayInLondon(), 'quarter')!)!.id;
const PAGES = [
  { name: 'GET /api/v1/measures', path: `/api/v1/measures?org=${ORG}&period=${PERIOD}` },
  { name: 'Quarterly report page', path: `/organisations/${ORG}/report?period=${PERIOD}` },
] as const;

if (!SERVER) {
  console.error('bench:measures needs BENCH_DATABASE_URL (or TEST_DATABASE_URL): a PostgreSQL server');
  process.exit(1);
}

function appServerUrl(owner: string): string {
  const given = process.env.BENCH_DATABASE_APP_URL ?? process.env.TEST_DATABASE_APP_URL;
  if (given) return given;
  const url = new URL(owner);
  url.username = 'jointly_app';
  url.password = 'jointly_app';
  return url.toString();
}

interface Load {
  requests: number;
  /** Answers that were not 200, and errors (timeouts included). */
  failures: number;
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** autocannon at `url` for `seconds`: each 200 answer's latency, exactly (autocannon's own are whole ms). */
async function drive(url: string, seconds: number): Promise<Load> {
  const latencies: number[] = [];
  let failures = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds }, (error, done) =>
      error ? reject(error as Error) : resolve(done),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) latencies.push(ms);
      else failures++;
    });
  });
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures: failures + result.errors,
    perSecond: latencies.length / result.duration,
    meanMs: latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** A short load first, so both stages are measured on a process past its start. */
async function measure(url: string): Promise<Load> {
  await drive(url, WARM_UP_SECONDS);
  return drive(url, SECONDS);
}

interface Child {
  base: string;
  stop(): Promise<void>;
}

/** Starts a process and waits for the line of its output that `ready` finds an address in. */
async function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (line: string) => string | undefined,
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const base = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const found = ready(line);
      if (found) resolve(found);
    });
    void exited.then(([code]) =>
      reject(new Error(`${args.join(' ')} exited (${String(code)}) before it was ready`)),
    );
  });
  return {
    base,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** The bare route, in its own process. */
function startReferenceServer(): Promise<Child> {
  return startChild(['--import', 'tsx', path.join(here, 'reference-server.ts')], process.env, (line) => {
    const port = /^\{"port":(\d+)\}$/.exec(line)?.[1];
    return port === undefined ? undefined : `http://127.0.0.1:${port}`;
  });
}

/**
 * `jointly serve` on the scratch database, answering once its start-up refresh of the recent
 * days' summaries has committed (every request after that sees the same summaries).
 */
async function startApplication(
  db: Kysely<DB>,
  env: NodeJS.ProcessEnv,
): Promise<Child & { refreshS: number }> {
  const { rows } = await sql<{
    last: string | null;
  }>`SELECT max(run_id)::text AS last FROM case_summary_run`.execute(db);
  const before = rows[0]?.last ?? '0';
  const today = todayInLondon();
  const started = performance.now();
  const app = await startChild(
    [path.join(root, 'bin', 'jointly.js'), 'serve'],
    { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', JOINTLY_DEMO: 'false', LOG_LEVEL: 'silent' },
    (line) => /Jointly is running at (http:\/\/[^/\s]+)\//.exec(line)?.[1],
  );
  for (;;) {
    const { rows: done } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM case_summary_run
      WHERE run_id > ${before}::bigint AND last_day >= ${today}::date AND finished_at IS NOT NULL`.execute(
      db,
    );
    if (done[0]!.n > 0) break;
    if (performance.now() - started > REFRESH_WAIT_MS) {
      await app.stop();
      throw new Error('the application did not finish refreshing the recent days’ summaries');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const health = await fetch(`${app.base}/health`);
  if (health.status !== 200) throw new Error(`${health.status} from /health`);
  return { ...app, refreshS: (performance.now() - started) / 1000 };
}

interface Stage {
  cases: number;
  summaries: number;
  councilSummaries: number;
  startUpRefreshS: number;
  bare: Load;
  pages: Map<string, Load | { status: number }>;
}

async function countRows(db: Kysely<DB>): Promise<Pick<Stage, 'cases' | 'summaries' | 'councilSummaries'>> {
  const { rows } = await sql<{ cases: number; summaries: number; council: number }>`
    SELECT (SELECT count(*)::int FROM service_case) AS cases,
           (SELECT count(*)::int FROM case_day_summary) AS summaries,
           (SELECT count(*)::int FROM case_day_summary s JOIN organisation o USING (org_id)
             WHERE o.gss_code = ${ORG}) AS council`.execute(db);
  return { cases: rows[0]!.cases, summaries: rows[0]!.summaries, councilSummaries: rows[0]!.council };
}

/** The loads of one stage: the bare route, then each page on a freshly started application. */
async function runStage(db: Kysely<DB>, env: NodeJS.ProcessEnv, bare: Child, label: string): Promise<Stage> {
  const app = await startApplication(db, env);
  try {
    console.error(`${label}: the application refreshed the recent days in ${app.refreshS.toFixed(0)} s`);
    const pages = new Map<string, Load | { status: number }>();
    for (const page of PAGES) {
      const probe = await fetch(`${app.base}${page.path}`);
      await probe.arrayBuffer();
      if (probe.status !== 200) {
        console.error(`${label}: ${page.name} (${page.path}) answered ${probe.status}: left out`);
        pages.set(page.name, { status: probe.status });
        continue;
      }
      pages.set(page.name, await measure(`${app.base}${page.path}`));
    }
    return {
      ...(await countRows(db)),
      startUpRefreshS: app.refreshS,
      bare: await measure(`${bare.base}/bare`),
      pages,
    };
  } finally {
    await app.stop();
  }
}

/**
 * Fills service_case up to `total` rows with copies of the demo's cases (see the top), a batch at a
 * time, numbering each council's references on from its case_number row.
 */
async function fillCases(db: Kysely<DB>, total: number): Promise<number> {
  const { rows } = await sql<{ n: number; first: Date; weeks: number }>`
    SELECT count(*)::int AS n, min(opened_at) AS first,
           floor(extract(epoch FROM max(opened_at) - min(opened_at)) / ${WEEK_SECONDS})::int AS weeks
    FROM service_case`.execute(db);
  const { n: templates, first, weeks } = rows[0]!;
  if (total <= templates) return 0;
  await sql`
    CREATE TABLE bench_case_template AS
    SELECT (row_number() OVER (ORDER BY c.case_id) - 1)::bigint AS n, c.org_id, o.case_prefix AS prefix,
           c.lgsl_code, c.provider_org_id, c.arrangement_id, c.status, c.version, c.description,
           c.postcode, c.lat, c.lon, c.channel, c.contact_org_id, c.routing, c.opened_at, c.due_at,
           c.closed_at, c.updated_at
    FROM service_case c JOIN organisation o USING (org_id)`.execute(db);
  const made = total - templates;
  const progress = terminalProgress(process.stderr);
  progress.start(`Cases up to ${total.toLocaleString('en-GB')}`, made);
  try {
    for (let from = 0; from < made; from += BATCH) {
      const to = Math.min(made, from + BATCH) - 1;
      await sql`
        WITH copied AS (
          SELECT i, t.*,
                 -- The template's weekday and time of day, in week i of the year (in turn, so every week has its share).
                 ${first}::timestamptz
                   + (floor(i * ${weeks}::float8 / ${made}) * ${WEEK_SECONDS}
                      + mod(extract(epoch FROM t.opened_at - ${first}::timestamptz), ${WEEK_SECONDS}))::float8
                     * interval '1 second' AS new_opened
          FROM generate_series(${from}::bigint, ${to}::bigint) AS i
          JOIN bench_case_template t ON t.n = i % ${templates}
        ), shifted AS (
          SELECT c.*, c.new_opened - c.opened_at AS delta,
                 extract(year FROM c.new_opened AT TIME ZONE 'Europe/London')::int AS year,
                 (c.closed_at IS NOT NULL AND c.closed_at + (c.new_opened - c.opened_at) > now()) AS still_open
          FROM copied c
        ), numbered AS (
          SELECT s.*, coalesce(k.last_number, 0)
                        + row_number() OVER (PARTITION BY s.org_id, s.year ORDER BY s.i) AS number
          FROM shifted s
          LEFT JOIN case_number k ON k.org_id = s.org_id AND k.prefix = s.prefix AND k.year = s.year
        ), inserted AS (
          INSERT INTO service_case (org_id, reference, lgsl_code, provider_org_id, arrangement_id, status,
            version, description, postcode, lat, lon, channel, contact_org_id, routing, opened_at, due_at,
            closed_at, updated_at)
          SELECT org_id, prefix || '-' || year || '-' || lpad(number::text, 6, '0'), lgsl_code,
                 provider_org_id, arrangement_id, CASE WHEN still_open THEN 'in_progress' ELSE status END,
                 version, description, postcode, lat, lon, channel, contact_org_id,
                 jsonb_set(routing, '{date}', to_jsonb(to_char(new_opened AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'))),
                 new_opened, due_at + delta, CASE WHEN still_open THEN NULL ELSE closed_at + delta END,
                 least(updated_at + delta, now())
          FROM numbered ORDER BY new_opened
        )
        INSERT INTO case_number (org_id, prefix, year, last_number)
        SELECT org_id, prefix, year, max(number) FROM numbered GROUP BY org_id, prefix, year
        ON CONFLICT (org_id, prefix, year) DO UPDATE SET last_number = excluded.last_number`.execute(db);
      progress.tick(to - from + 1);
    }
  } finally {
    progress.stop();
  }
  await sql`DROP TABLE bench_case_template`.execute(db);
  await sql`VACUUM ANALYZE service_case`.execute(db);
  return made;
}

const count = (n: number) => n.toLocaleString('en-GB');
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const rate = (load: Load) =>
  `${load.perSecond.toFixed(0)}/s${load.failures > 0 ? ` (${load.failures} failed)` : ''}`;

function report(
  one: Stage,
  two: Stage,
  fill: { seconds: number; refreshS: number; rowsWritten: number },
): void {
  console.log(
    `\nCotswold (${ORG}), ${PERIOD}; ${CONNECTIONS} connections, ${SECONDS} s per load after ${WARM_UP_SECONDS} s of warm-up`,
  );
  console.log(
    `Stage 1: ${count(one.cases)} cases, ${count(one.summaries)} day summaries (${count(one.councilSummaries)} of ${ORG}); ` +
      `start-up refresh ${one.startUpRefreshS.toFixed(0)} s`,
  );
  console.log(
    `Stage 2: ${count(two.cases)} cases, ${count(two.summaries)} day summaries (${count(two.councilSummaries)} of ${ORG}); ` +
      `filled in ${fill.seconds.toFixed(0)} s, summaries made again in ${fill.refreshS.toFixed(0)} s ` +
      `(${count(fill.rowsWritten)} rows); start-up refresh ${two.startUpRefreshS.toFixed(0)} s\n`,
  );
  console.log(
    '| What | Stage 1 rate | p50 / p99 | Stage 2 rate | p50 / p99 | Mean latency, stage 2 ÷ stage 1 | Stage 1 ÷ bare (time) | Stage 2 ÷ bare (time) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const row = (name: string, a: Load, b: Load) =>
    console.log(
      `| ${name} | ${rate(a)} | ${ms(a.p50Ms)} / ${ms(a.p99Ms)} | ${rate(b)} | ${ms(b.p50Ms)} / ${ms(b.p99Ms)} ` +
        `| ${(b.meanMs / a.meanMs).toFixed(2)}× | ${(a.meanMs / one.bare.meanMs).toFixed(1)}× | ${(b.meanMs / two.bare.meanMs).toFixed(1)}× |`,
    );
  row('Bare Fastify route (ceiling)', one.bare, two.bare);
  for (const page of PAGES) {
    const a = one.pages.get(page.name);
    const b = two.pages.get(page.name);
    if (a && b && 'perSecond' in a && 'perSecond' in b) row(page.name, a, b);
    else {
      const status = (s: Load | { status: number } | undefined) =>
        s && 'status' in s ? String(s.status) : '—';
      console.log(`| ${page.name} | answered ${status(a)} | | answered ${status(b)} | | left out | | |`);
    }
  }
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(SERVER!, 'measures');
  const appUrl = scratch.urlAs(appServerUrl(SERVER!));
  const env = { DATABASE_URL: scratch.url, DATABASE_APP_URL: appUrl };
  let database: Database | undefined;
  let bare: Child | undefined;
  try {
    database = await openDatabase({ url: scratch.url, appUrl });
    await migrateToLatest(database);
    const { db } = database;
    await loadDemo(db, config.referenceDataDir, terminalProgress(process.stderr));
    bare = await startReferenceServer();

    const one = await runStage(db, env, bare, 'Stage 1');
    const filling = performance.now();
    await fillCases(db, CASES);
    const seconds = (performance.now() - filling) / 1000;
    const { rows } = await sql<{ first: string }>`
      SELECT min(opened_at AT TIME ZONE 'Europe/London')::date::text AS first FROM service_case`.execute(db);
    const refreshing = performance.now();
    const refreshed = await refreshSummaries(
      db,
      { first: rows[0]!.first, last: todayInLondon() },
      terminalProgress(process.stderr),
    );
    const refreshS = (performance.now() - refreshing) / 1000;
    await sql`VACUUM ANALYZE case_day_summary`.execute(db);
    const two = await runStage(db, env, bare, 'Stage 2');
    report(one, two, { seconds, refreshS, rowsWritten: refreshed.rowsWritten });
  } finally {
    await bare?.stop();
    await database?.close();
    await scratch.drop();
  }
}

await main();
