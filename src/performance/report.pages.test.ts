/**
 * The quarterly report, its CSV, the scrutiny view and the benchmarking page over the demo, through
 * `app.inject()`: each agrees with the measures service (status and values the same on the page, in
 * the CSV and in the API); the scrutiny view is refused to the public and to another council's
 * councillor, whatever they ask; spend per head is the outturn over the population, worked out here
 * from the tables; and no query gives a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { getPage, openDemoApp, signIn, type Session } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import type { Database } from '../db/index.ts';
import { formatPounds } from '../finance/index.ts';
import { todayInLondon } from '../platform/index.ts';
import { apiNumber } from './measures.service.ts';
import { MEASURES } from './measures.ts';
import { lastEndedQuarter, previousPeriod } from './periods.ts';
import { REPORT_COLUMNS } from './report.csv.ts';
import { exceptionReasons } from './report.service.ts';
import { STATUS_WORDS } from './report-words.ts';

const PASSWORD = 'a long enough password for the report pages';
const BURNLEY = 'E07000117';
const PENDLE = 'E07000122';

describe('the quarterly report, the scrutiny view and benchmarking', () => {
  let app: FastifyInstance;
  let services: AppServices;
  let database: Database;
  let close: () => Promise<void>;
  let councillor: Session;
  let otherCouncillor: Session;
  // The demo's cases are of the year to today: the last quarter ended is the report's default.
  const quarter = lastEndedQuarter(todayInLondon())!;
  const earlier = previousPeriod(quarter)!;

  const councillorOf = async (email: string, gss: string) => {
    const orgId = (await services.register.organisation(gss)).orgId;
    await services.auth.createAccount({
      email,
      displayName: `Councillor of ${gss}`,
      password: PASSWORD,
      grants: [{ orgId, role: 'councillor', partnershipId: null, lgslCodes: null }],
    });
    return signIn(app, email, PASSWORD);
  };

  before(async () => {
    ({ app, services, database, close } = await openDemoApp());
    councillor = await councillorOf('councillor.burnley.report@example.org', BURNLEY);
    otherCouncillor = await councillorOf('councillor.pendle.report@example.org', PENDLE);
  });
  after(() => close?.());

  it('shows every measure with the status and value the API gives, and a chart with a table for each trend', async () => {
    for (const period of [quarter, earlier]) {
      const page = await getPage(app, `/organisations/${BURNLEY}/report?period=${period.id}`);
      assert.equal(page.statusCode, 200);
      const api = (await getPage(app, `/api/v1/measures?org=${BURNLEY}&period=${period.id}`)).json() as {
        measures: Array<{ id: string; status: string | null; value: number | null }>;
      };
      assert.equal(api.measures.length, MEASURES.length);
      let rated = 0;
      for (const m of api.measures) {
        const row = new RegExp(`<tr class="govuk-table__row" id="measure-${m.id}">([\\s\\S]*?)</tr>`).exec(
          page.body,
        );
        assert.ok(row, `a row for ${m.id}`);
        const tag = /<strong class="govuk-tag[^"]*">([^<]+)<\/strong>/.exec(row[1]!)?.[1];
        if (m.status) {
          assert.equal(tag, STATUS_WORDS[m.status as 'red'], `${m.id}'s status in ${period.id}`);
          rated++;
        } else assert.ok(tag && !Object.values(STATUS_WORDS).includes(tag), `${m.id} has no status word`);
      }
      assert.ok(rated >= 3, `the demo's targets rate measures (${rated} in ${period.id})`);
      const sections = page.body.match(/<section class="app-trend"/g) ?? [];
      const charts = page.body.match(/<svg [^>]*role="img"/g) ?? [];
      const tables = page.body.match(/by quarter<\/caption>/g) ?? [];
      assert.ok(sections.length >= 5, `trends: ${sections.length}`);
      assert.equal(charts.length, sections.length, 'one chart a trend');
      assert.equal(tables.length, sections.length, 'one table a trend');
      assert.match(page.body, /id="period"/);
      assert.match(page.body, new RegExp(`Locality plan 2025-26`));
    }
  });

  it('gives the same measures as CSV, in the API’s numbers', async () => {
    const csv = await getPage(app, `/organisations/${BURNLEY}/report.csv?period=${quarter.id}`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(
      String(csv.headers['content-disposition']),
      new RegExp(`${BURNLEY}-${quarter.id}-quarterly-report\\.csv`),
    );
    const rows = parse(csv.body, { bom: true }) as string[][];
    assert.deepEqual(rows[0], [...REPORT_COLUMNS]);
    assert.equal(rows.length, MEASURES.length + 1);
    const report = await services.measures.report(BURNLEY, quarter.id);
    for (const line of report.measures) {
      const row = rows.find((r) => r[3] === line.measure.id);
      assert.ok(row, line.measure.id);
      const value = apiNumber(line.measure.unit, line.value);
      assert.equal(row[8], value === null ? '' : String(value), `${line.measure.id} value`);
    }
  });

  it('keeps the scrutiny view to the council’s own people, and lists its exceptions', async () => {
    const url = `/organisations/${BURNLEY}/scrutiny?period=${quarter.id}`;
    const signedOut = await getPage(app, url);
    assert.equal(signedOut.statusCode, 303);
    assert.match(String(signedOut.headers.location), /^\/sign-in/);
    assert.equal((await getPage(app, url, otherCouncillor)).statusCode, 403);
    await assert.rejects(services.reports.scrutiny(undefined, BURNLEY, quarter.id), { status: 403 });
    const page = await getPage(app, url, councillor);
    assert.equal(page.statusCode, 200);
    const report = await services.measures.report(BURNLEY, quarter.id);
    const expected = report.measures.filter((l) => exceptionReasons(l).length > 0).map((l) => l.measure.id);
    assert.ok(expected.length >= 1, 'the demo has an exception to list');
    const listed = [...page.body.matchAll(/id="measure-([a-z0-9_]+)"/g)].map((m) => m[1]);
    assert.deepEqual(listed, expected);
    assert.match(page.body, /Decisions waiting on Burnley Borough Council/);
    // The report links to it for its own councillor only.
    const own = await getPage(app, `/organisations/${BURNLEY}/report?period=${quarter.id}`, councillor);
    assert.match(own.body, /\/scrutiny\?period=/);
    const other = await getPage(
      app,
      `/organisations/${BURNLEY}/report?period=${quarter.id}`,
      otherCouncillor,
    );
    assert.doesNotMatch(other.body, /\/scrutiny\?period=/);
  });

  it('works out spend per head from the outturn and the population, against ten peers of the same class', async () => {
    const page = await getPage(app, `/organisations/${BURNLEY}/benchmarking?period=${quarter.id}`);
    assert.equal(page.statusCode, 200);
    const {
      rows: [own],
    } = await sql<{ pence: string; population: number }>`
      SELECT r.amount_pence::text AS pence, o.population FROM revenue_outturn r
      JOIN organisation o ON o.gss_code = r.ons_code
      WHERE r.ons_code = ${BURNLEY} AND r.line = 699 AND r.year = '2017-18'`.execute(database.db);
    // Whole pence, halves away from zero.
    const pence = BigInt(own!.pence);
    const population = BigInt(own!.population);
    const perHead = (pence * 2n + population) / (population * 2n);
    assert.match(
      page.body,
      new RegExp(`Burnley Borough Council ${formatPounds(perHead).replace('.', '\\.')}`),
    );
    assert.match(page.body, /2017-18/);
    assert.match(page.body, /Peers are the 10 district councils in England nearest in population/);
    const peers = page.body.split('The peers</caption>')[1]!.split('</table>')[0]!;
    const codes = [...peers.matchAll(/<td class="govuk-table__cell">(E0\d{7})<\/td>/g)].map((m) => m[1]!);
    assert.equal(codes.length, 10);
    const { rows: kinds } = await sql<{ kind: string }>`
      SELECT DISTINCT kind FROM organisation WHERE gss_code = ANY(${codes}::text[])`.execute(database.db);
    assert.deepEqual(
      kinds.map((k) => k.kind),
      ['district'],
    );
    assert.ok(!codes.includes(BURNLEY));
    // Its partners, each with a chart and a table of the shared measures.
    assert.match(page.body, /Against its partners/);
    assert.match(page.body, /Pendle Borough Council/);
  });

  it('answers a wrong period with a 400 that says why, an unknown council with a 404, and never a 500', async () => {
    const year = await getPage(app, `/organisations/${BURNLEY}/report?period=2025-26`);
    assert.equal(year.statusCode, 400);
    assert.match(year.body, /Ask for a quarter/);
    assert.equal((await getPage(app, `/organisations/${BURNLEY}/benchmarking?period=Q9`)).statusCode, 400);
    assert.equal((await getPage(app, '/organisations/E07999999/report')).statusCode, 404);
    // A county has no locality plan: its report says nothing of one.
    const county = await getPage(app, `/organisations/E10000017/report?period=${quarter.id}`);
    assert.equal(county.statusCode, 200);
    assert.doesNotMatch(county.body, /<h2 class="govuk-heading-l">Locality plan<\/h2>/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('report', 'report.csv', 'benchmarking', 'scrutiny'),
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom('2025-26-Q5', '1999-00-Q1', '2098-99-Q4', '%00'),
        ),
        async (page, period) => {
          const response = await app.inject({
            method: 'GET',
            url: `/organisations/${BURNLEY}/${page}?period=${encodeURIComponent(period)}&extra=1`,
            headers: { cookie: councillor.cookie },
          });
          assert.ok(response.statusCode < 500, `${page}?period=${period}: ${response.statusCode}`);
        },
      ),
      { numRuns: 40 },
    );
  });
});
