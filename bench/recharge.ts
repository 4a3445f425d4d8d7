/**
 * A recharge's database and arithmetic work over a large pool, against plain SQL GROUP BYs over
 * the same rows in the same run, on PostgreSQL:
 *
 * - The recharge: the pool's ledger total for the financial year (`ledgerTotal`, the statement a
 *   run makes), the caseload of the pool's councils for its service over the year
 *   (`caseloadByCouncil`, the front door's count), and the shares worked out by `allocate` on that
 *   caseload.
 * - The baseline: `SELECT org_id, sum(amount_pence) FROM ledger_line GROUP BY org_id` and
 *   `SELECT org_id, count(*) FROM service_case GROUP BY org_id`: reading every row, nothing more.
 *
 * Rows are made with generate_series in a scratch database that the bench creates, migrates and
 * drops: first 1 million ledger lines and 200,000 cases, then 5 million and 1 million. Each side is
 * timed REPEATS times, taking turns; the median is reported, and the peak resident memory of this
 * process during each side (sampled every 5 ms), to show that it does not grow with the rows.
 *
 * BENCH_DATABASE_URL (or TEST_DATABASE_URL) names the server, connecting as a role that may create
 * databases. Run with `npm run bench:recharge`. Not part of `npm test`.
 */
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/db/engine.ts';
import { withSystem } from '../src/db/index.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { caseloadByCouncil } from '../src/frontdoor/index.ts';
import { allocate, type Member } from '../src/finance/index.ts';
import { ledgerTotal } from '../src/finance/finance.repository.ts';
import { loadFixture } from '../test/support/fixtures.ts';
import { createScratchDatabase } from './scratch-database.ts';

const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const REPEATS = Number(process.env.BENCH_RECHARGE_REPEATS ?? 7);
const STAGES = [
  { ledger: 1_000_000, cases: 200_000 },
  { ledger: 5_000_000, cases: 1_000_000 },
];
const YEAR = { first: '2025-04-01', last: '2026-03-31' };
const LGSL = 524;

if (!SERVER) {
  console.error('bench:recharge needs BENCH_DATABASE_URL (or TEST_DATABASE_URL): a PostgreSQL server');
  process.exit(1);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** Runs `work`, sampling this process's resident memory; its time and the peak seen. */
async function measured(work: () => Promise<unknown>): Promise<{ ms: number; rss: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - started;
  return { ms, rss: Math.max(peak, process.memoryUsage().rss) };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(SERVER!, 'recharge');
  let database: Database | undefined;
  try {
    database = await openDatabase({ url: scratch.url });
    await migrateToLatest(database);
    const { db } = database;
    const fixture = await loadFixture(db);
    const councils = [fixture.org.exeter, fixture.org.teignbridge, fixture.org.devon];
    const keeper = councils[0]!;
    const { poolId, importId } = await withSystem(db, async (tx) => {
      const pool = await tx
        .insertInto('cost_pool')
        .values({ org_id: keeper, partnership_id: fixture.partnershipId, name: 'Bench', lgsl_codes: [LGSL] })
        .returning('pool_id')
        .executeTakeFirstOrThrow();
      const imported = await tx
        .insertInto('ledger_import')
        .values({
          org_id: keeper,
          pool_id: pool.pool_id,
          file_name: 'bench.csv',
          file_sha256: '0'.repeat(64),
          line_count: 0,
          total_pence: 0,
          mapping: '{}',
        })
        .returning('import_id')
        .executeTakeFirstOrThrow();
      return { poolId: pool.pool_id, importId: imported.import_id };
    });
    const members: Member[] = councils.map((id) => ({ key: String(id), name: `Council ${id}` }));

    const recharge = async () => {
      const [ledger, caseload] = await Promise.all([
        withSystem(db, (tx) => ledgerTotal(tx, keeper, poolId, YEAR.first, YEAR.last)),
        caseloadByCouncil(db, { orgIds: councils, lgslCodes: [LGSL], first: YEAR.first, last: YEAR.last }),
      ]);
      const drivers = { caseload: new Map([...caseload].map(([id, n]) => [String(id), BigInt(n)])) };
      const lines = allocate(BigInt(ledger.pence), members, { kind: 'driver', driver: 'caseload' }, drivers);
      if (lines.reduce((sum, l) => sum + l.pence, 0n) !== BigInt(ledger.pence))
        throw new Error('lines do not add up');
      return lines;
    };
    const baseline = async () => {
      await Promise.all([
        sql`select org_id, sum(amount_pence) from ledger_line group by org_id`.execute(db),
        sql`select org_id, count(*) from service_case group by org_id`.execute(db),
      ]);
    };

    let ledgerRows = 0;
    let caseRows = 0;
    const results: string[] = [];
    for (const stage of STAGES) {
      const t = performance.now();
      await sql`
        insert into ledger_line (org_id, import_id, line_number, pool_id, paid_on, amount_pence, supplier)
        select ${keeper}, ${importId}, i, ${poolId},
          date '2025-04-01' + (i % 365), (i::bigint * 7919) % 500000 - 1000, 'Supplier ' || (i % 997)
        from generate_series(${ledgerRows + 1}::int, ${stage.ledger}::int) as i`.execute(db);
      await sql`
        insert into service_case (org_id, reference, lgsl_code, provider_org_id, status, description, channel, routing, opened_at)
        select org, 'BE' || (i / 1000000) || '-2025-' || lpad((i % 1000000)::text, 6, '0'), ${LGSL}, org, 'open', 'Bench case', 'web', '{}'::jsonb,
          timestamptz '2025-04-01 12:00:00+00' + ((i % 365) || ' days')::interval
        from generate_series(${caseRows + 1}::int, ${stage.cases}::int) as i,
          lateral (select (${sql.raw(`ARRAY[${councils.join(',')}]`)})[1 + i % ${councils.length}] as org) o`.execute(
        db,
      );
      ledgerRows = stage.ledger;
      caseRows = stage.cases;
      await sql`vacuum analyze ledger_line`.execute(db);
      await sql`vacuum analyze service_case`.execute(db);
      console.error(
        `${ledgerRows.toLocaleString('en-GB')} ledger lines and ${caseRows.toLocaleString('en-GB')} cases loaded in ${((performance.now() - t) / 1000).toFixed(0)} s`,
      );
      // One of each first, to warm the cache for both alike.
      await recharge();
      await baseline();
      const times = { recharge: [] as number[], baseline: [] as number[] };
      const peaks = { recharge: 0, baseline: 0 };
      for (let i = 0; i < REPEATS; i++) {
        for (const [side, work] of [
          ['recharge', recharge],
          ['baseline', baseline],
        ] as const) {
          const m = await measured(work);
          times[side].push(m.ms);
          peaks[side] = Math.max(peaks[side], m.rss);
        }
      }
      const r = median(times.recharge);
      const b = median(times.baseline);
      results.push(
        `| ${ledgerRows.toLocaleString('en-GB')} ledger lines, ${caseRows.toLocaleString('en-GB')} cases ` +
          `| ${r.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(r / b).toFixed(2)}× | ${mib(peaks.recharge)} | ${mib(peaks.baseline)} |`,
      );
    }
    console.log(
      '| Rows | Recharge (median) | Plain GROUP BY (median) | Ratio | Peak RSS, recharge | Peak RSS, baseline |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const line of results) console.log(line);
    console.log(`(${REPEATS} repeats of each, taking turns)`);
  } finally {
    await database?.close();
    await scratch.drop();
  }
}

await main();
