/**
 * The measures Jointly computes from the day summaries are the measures the case rows give: for
 * every demo council and every quarter of the demo year (and each year), each measure from cases
 * is worked out here again by plain SQL straight from service_case, contact, case_event and
 * bank_holiday, and compared.
 *
 * The SQL is independent of the summaries and of the pure rules: London dates by `AT TIME ZONE`,
 * working days by counting the weekdays after the day opened up to the day closed that are not an
 * England and Wales bank holiday (generate_series over bank_holiday, not the front door's
 * calendar), percentiles by `percentile_disc` (the nearest rank), shares rounded by `round` on
 * numeric, repeats by a self-join within 30 days on the same full postcode or within 50 metres by
 * the haversine formula.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/index.ts';
import { createRegisterService } from '../register/index.ts';
import { todayInLondon } from '../platform/index.ts';
import { createMeasuresService, apiNumber, type MeasuresService } from './measures.service.ts';
import { periodContaining, quartersOf, type ReportingPeriod } from './periods.ts';
import { refreshSummaries } from './summary.service.ts';
import { mergeSummaries } from './day-summary.ts';
import { periodCounts, readSummaries } from './summary.repository.ts';
import { withSystem } from '../db/index.ts';

const LONDON = (column: string) => sql.raw(`((${column}) AT TIME ZONE 'Europe/London')::date`);

interface Expected {
  [measureId: string]: number | null;
}

async function expectedFromCases(db: Database['db'], orgId: number, p: ReportingPeriod): Promise<Expected> {
  const { rows: received } = await sql<{ channel: string; n: string }>`
    SELECT channel, count(*) AS n FROM service_case
    WHERE org_id = ${orgId}::bigint AND referred_from_org_id IS NULL
      AND ${LONDON('opened_at')} BETWEEN ${p.first}::date AND ${p.last}::date
    GROUP BY channel`.execute(db);
  const byChannel = new Map(received.map((r) => [r.channel, Number(r.n)]));
  const total = [...byChannel.values()].reduce((a, b) => a + b, 0);

  const {
    rows: [contacts],
  } = await sql<{ n: string; resolved: string }>`
    SELECT count(*) AS n,
           count(*) FILTER (WHERE coalesce(ct.resolved_at_first_contact, false) OR EXISTS (
             SELECT 1 FROM case_event e WHERE e.org_id = c.org_id AND e.case_id = c.case_id
               AND e.kind = 'resolved_at_first_contact')) AS resolved
    FROM service_case c
    LEFT JOIN contact ct ON ct.org_id = c.contact_org_id AND ct.contact_id = c.contact_id
    WHERE c.contact_org_id = ${orgId}::bigint AND c.referred_from_org_id IS NULL
      AND ${LONDON('c.opened_at')} BETWEEN ${p.first}::date AND ${p.last}::date`.execute(db);

  const {
    rows: [closed],
  } = await sql<{
    with_target: string;
    within: string;
    median: number | null;
    p90: number | null;
  }>`
    WITH closed AS (
      SELECT c.due_at, c.closed_at,
             (SELECT count(*) FROM generate_series(${LONDON('c.opened_at')} + 1, ${LONDON('c.closed_at')}, interval '1 day') AS d
              WHERE extract(isodow FROM d) < 6
                AND d::date NOT IN (SELECT holiday_date FROM bank_holiday WHERE division = 'england-and-wales')) AS wd
      FROM service_case c
      WHERE c.org_id = ${orgId}::bigint AND c.closed_at IS NOT NULL
        AND ${LONDON('c.closed_at')} BETWEEN ${p.first}::date AND ${p.last}::date
    )
    SELECT count(*) FILTER (WHERE due_at IS NOT NULL) AS with_target,
           count(*) FILTER (WHERE due_at IS NOT NULL AND closed_at <= due_at) AS within,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY least(wd, 366)) AS median,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY least(wd, 366)) AS p90
    FROM closed`.execute(db);

  const {
    rows: [referrals],
  } = await sql<{ out: string; in: string }>`
    SELECT count(*) FILTER (WHERE org_id = ${orgId}::bigint) AS out,
           count(*) FILTER (WHERE related_org_id = ${orgId}::bigint) AS in
    FROM case_event
    WHERE kind = 'referred_out' AND copied_from_org_id IS NULL
      AND ${LONDON('occurred_at')} BETWEEN ${p.first}::date AND ${p.last}::date`.execute(db);

  const {
    rows: [repeats],
  } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM service_case c
    WHERE c.org_id = ${orgId}::bigint AND c.referred_from_org_id IS NULL
      AND ${LONDON('c.opened_at')} BETWEEN ${p.first}::date AND ${p.last}::date
      AND EXISTS (
        SELECT 1 FROM service_case e
        WHERE e.org_id = c.org_id AND e.lgsl_code = c.lgsl_code AND e.referred_from_org_id IS NULL
          AND (e.opened_at < c.opened_at OR (e.opened_at = c.opened_at AND e.case_id < c.case_id))
          AND e.opened_at >= c.opened_at - interval '30 days'
          AND ((c.postcode ~ '^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$' AND e.postcode = c.postcode)
            OR (c.lat IS NOT NULL AND e.lat IS NOT NULL AND
                2 * 6371008.8 * asin(least(1, sqrt(
                  power(sin(radians(e.lat - c.lat) / 2), 2) +
                  cos(radians(c.lat)) * cos(radians(e.lat)) * power(sin(radians(e.lon - c.lon) / 2), 2)))) <= 50)))`.execute(
    db,
  );

  const percent = async (part: number, whole: number) => {
    if (whole === 0) return null;
    const { rows } = await sql<{
      v: string;
    }>`SELECT round(100.0 * ${part}::int / ${whole}::int, 1)::text AS v`.execute(db);
    return Number(rows[0]!.v);
  };
  const withTarget = Number(closed!.with_target);
  const expected: Expected = {
    requests_received: total,
    first_contact_resolution: await percent(Number(contacts!.resolved), Number(contacts!.n)),
    closed_within_service_level: await percent(Number(closed!.within), withTarget),
    median_working_days_to_close: closed!.median === null ? null : Number(closed!.median),
    p90_working_days_to_close: closed!.p90 === null ? null : Number(closed!.p90),
    referrals_out: Number(referrals!.out),
    referrals_in: Number(referrals!.in),
    repeat_requests: await percent(Number(repeats!.n), total),
  };
  for (const channel of ['web', 'phone', 'face_to_face', 'kiosk', 'email', 'app', 'open311']) {
    expected[`requests_received_${channel}`] = byChannel.get(channel) ?? 0;
  }
  return expected;
}

/**
 * The demo's cases have no referrals and no contact records: some are added here, as the front
 * door writes them (a contact row, resolved at first contact or not; a referral's event, the
 * referred case opened at the other council, the original marked referred), so that those
 * measures are compared on figures other than 0.
 */
async function addReferralsAndContacts(db: Database['db']): Promise<void> {
  await sql`
    WITH picked AS (
      SELECT org_id, case_id, contact_org_id, channel, opened_at, row_number() OVER (ORDER BY case_id) AS n
      FROM service_case WHERE contact_org_id IS NOT NULL AND case_id % 7 = 3
    ), made AS (
      INSERT INTO contact (org_id, channel, received_at, resolved_at_first_contact)
      SELECT contact_org_id, channel, opened_at, n % 3 = 0 FROM picked
      RETURNING org_id, contact_id, received_at, channel
    )
    UPDATE service_case c SET contact_id = m.contact_id
    FROM picked p JOIN made m ON m.org_id = p.contact_org_id AND m.received_at = p.opened_at AND m.channel = p.channel
    WHERE c.org_id = p.org_id AND c.case_id = p.case_id`.execute(db);
  const { rows: referred } = await sql<{
    org_id: number | string;
    case_id: number | string;
    to_org: number | string;
  }>`
    SELECT c.org_id, c.case_id,
           (SELECT o.org_id FROM organisation o WHERE o.gss_code IS NOT NULL AND o.org_id <> c.org_id
              AND o.org_id IN (SELECT org_id FROM service_case) ORDER BY (o.org_id + c.case_id) % 5, o.org_id LIMIT 1) AS to_org
    FROM service_case c
    WHERE c.closed_at IS NULL AND c.case_id % 11 = 5 AND c.opened_at + interval '2 days' < now()
    ORDER BY c.case_id`.execute(db);
  for (const r of referred) {
    await sql`
      WITH original AS (SELECT * FROM service_case WHERE org_id = ${r.org_id}::bigint AND case_id = ${r.case_id}::bigint),
      opened AS (
        INSERT INTO service_case (org_id, reference, lgsl_code, provider_org_id, status, description, postcode, lat, lon,
                                  channel, contact_org_id, routing, opened_at, updated_at, due_at,
                                  referred_from_org_id, referred_from_case_id)
        SELECT ${r.to_org}::bigint, reference, lgsl_code, ${r.to_org}::bigint, 'open', description, postcode, lat, lon,
               channel, contact_org_id, routing, opened_at + interval '2 days', opened_at + interval '2 days', NULL,
               org_id, case_id
        FROM original
        RETURNING org_id, case_id, opened_at
      ), event AS (
        INSERT INTO case_event (org_id, case_id, occurred_at, kind, status, body, related_org_id, related_case_id)
        SELECT o.org_id, o.case_id, n.opened_at, 'referred_out', 'referred', 'Passed on.', n.org_id, n.case_id
        FROM original o, opened n
        RETURNING 1
      )
      UPDATE service_case c SET status = 'referred', referred_to_org_id = n.org_id, referred_to_case_id = n.case_id
      FROM opened n WHERE c.org_id = ${r.org_id}::bigint AND c.case_id = ${r.case_id}::bigint`.execute(db);
  }
  // A referred case closed, with no service level: counted in closed, left out of the share.
  await sql`
    UPDATE service_case SET status = 'fixed', closed_at = opened_at + interval '3 days'
    WHERE referred_from_org_id IS NOT NULL AND case_id % 2 = 0 AND opened_at + interval '3 days' < now()`.execute(
    db,
  );
}

describe('measures from the day summaries', () => {
  let database: Database;
  let measures: MeasuresService;
  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    measures = createMeasuresService({ db: database.db, register: createRegisterService(database.db) });
    await addReferralsAndContacts(database.db);
    // The demo loads them; made again here so the test stands on the code it tests, not on a snapshot.
    const first = todayInLondon(new Date(Date.now() - 370 * 86_400_000));
    await refreshSummaries(database.db, { first, last: todayInLondon() });
  });
  after(() => database.close());

  it('match the same measures worked out by SQL from the case rows, for every demo council, quarter and year', async () => {
    const { rows: councils } = await sql<{ org_id: number | string; gss_code: string }>`
      SELECT DISTINCT o.org_id, o.gss_code FROM organisation o
      JOIN service_case c ON o.org_id IN (c.org_id, c.contact_org_id)
      WHERE o.gss_code IS NOT NULL ORDER BY o.gss_code`.execute(database.db);
    assert.ok(councils.length >= 10, `demo councils with cases: ${councils.length}`);
    const now = todayInLondon();
    const yearAgo = todayInLondon(new Date(Date.now() - 366 * 86_400_000));
    const years = [periodContaining(yearAgo, 'year')!, periodContaining(now, 'year')!];
    const periods = [
      ...new Map([...years, ...years.flatMap(quartersOf)].map((p) => [p.id, p])).values(),
    ].filter((p) => p.last >= yearAgo && p.first <= now);
    let compared = 0;
    const nonZero = new Set<string>();
    for (const council of councils) {
      for (const period of periods) {
        const report = await measures.report(council.gss_code, period.id);
        const expected = await expectedFromCases(database.db, Number(council.org_id), period);
        for (const line of report.measures.filter((l) => l.measure.source === 'cases')) {
          assert.ok(line.measure.id in expected, `no SQL for ${line.measure.id}`);
          assert.equal(
            apiNumber(line.measure.unit, line.value),
            expected[line.measure.id],
            `${line.measure.id} for ${council.gss_code} in ${period.id}`,
          );
          compared++;
          if (typeof expected[line.measure.id] === 'number' && expected[line.measure.id]! > 0)
            nonZero.add(line.measure.id);
        }
      }
    }
    assert.ok(compared > 100, `compared ${compared} values`);
    assert.ok(nonZero.has('referrals_out') && nonZero.has('referrals_in'), 'referrals were compared');
    assert.ok(nonZero.has('first_contact_resolution'), 'first-contact resolution was compared');
    assert.ok(nonZero.has('repeat_requests'), 'repeats were compared');
  });

  it('adds up the day summaries in the database per period as they add up day by day, for overlapping periods and a service', async () => {
    const now = todayInLondon();
    const year = periodContaining(todayInLondon(new Date(Date.now() - 200 * 86_400_000)), 'year')!;
    const spans = [
      year,
      ...quartersOf(year),
      { id: 'two-months', first: quartersOf(year)[1]!.first, last: now },
    ];
    const { rows: orgs } = await sql<{ org_id: number | string }>`
      SELECT DISTINCT org_id FROM case_day_summary ORDER BY org_id LIMIT 6`.execute(database.db);
    const orgIds = orgs.map((o) => Number(o.org_id));
    for (const lgslCodes of [undefined, [524]]) {
      await withSystem(database.db, async (tx) => {
        const totals = await periodCounts(tx, {
          orgIds,
          periods: spans,
          ...(lgslCodes ? { lgslCodes } : {}),
        });
        let nonEmpty = 0;
        for (const span of spans) {
          for (const orgId of orgIds) {
            const days = await readSummaries(tx, {
              orgIds: [orgId],
              first: span.first,
              last: span.last,
              ...(lgslCodes ? { lgslCodes } : {}),
            });
            const expected = mergeSummaries(days);
            const got = mergeSummaries(
              totals.filter((t) => t.periodId === span.id && t.orgId === orgId).map((t) => t.counts),
            );
            assert.deepEqual(
              got,
              expected,
              `${span.id} for council ${orgId}, services ${lgslCodes ?? 'all'}`,
            );
            if (days.length > 0) nonEmpty++;
          }
        }
        assert.ok(nonEmpty > 5, `compared ${nonEmpty} non-empty totals`);
      });
    }
  });
});
