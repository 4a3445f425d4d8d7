/**
 * The measures API over the demo: the shape, 404 and 400 answers, query parameters that
 * never make a 500, who may set targets and enter or import values (nothing written when refused),
 * and the day summaries refreshed one day at a time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDemoApp, signIn, type Session, type TestApp } from '../../test/support/app.ts';
import type { Database } from '../db/index.ts';
import { DEMO_PASSWORD } from '../demo/accounts.ts';
import { todayInLondon } from '../platform/index.ts';
import { periodContaining } from './periods.ts';
import { refreshSummaries } from './summary.service.ts';
import { MEASURES_OPERATOR, NOBODY } from './measures-actor.ts';

const EXETER = 'E07000041';
const EAST_DEVON = 'E07000040';

describe('the measures API', () => {
  let demo: TestApp & { database: Database; close(): Promise<void> };
  let exeterOfficer: Session;
  let devonAdmin: Session;
  const quarter = periodContaining(todayInLondon(new Date(Date.now() - 100 * 86_400_000)), 'quarter')!.id;
  before(async () => {
    demo = await openDemoApp();
    await refreshSummaries(demo.database.db, {
      first: todayInLondon(new Date(Date.now() - 370 * 86_400_000)),
      last: todayInLondon(),
    });
    exeterOfficer = await signIn(demo.app, 'officer.exeter@example.org', DEMO_PASSWORD);
    devonAdmin = await signIn(demo.app, 'admin.devon@example.org', DEMO_PASSWORD);
  });
  after(() => demo.close());

  const get = (url: string) => demo.app.inject({ method: 'GET', url });
  const post = (url: string, session: Session | undefined, body: unknown) =>
    demo.app.inject({
      method: 'POST',
      url,
      headers: session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {},
      payload: body as Record<string, unknown>,
    });
  const count = async (table: 'measure_target' | 'measure_value' | 'audit_log') =>
    Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(demo.database.db))
        .rows[0]!.n,
    );

  it('answers a council’s measures for a quarter in the issue’s shape', async () => {
    const response = await get(`/api/v1/measures?org=${EXETER}&period=${quarter}`);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.deepEqual(body.org, { gss: EXETER, name: body.org.name });
    assert.equal(body.period, quarter);
    const received = body.measures.find((m: { id: string }) => m.id === 'requests_received');
    assert.ok(received.value > 0, 'Exeter received requests in the quarter');
    for (const m of body.measures) {
      for (const key of [
        'id',
        'name',
        'definition',
        'unit',
        'polarity',
        'source',
        'value',
        'target',
        'status',
        'previous',
      ]) {
        assert.ok(key in m, `${m.id} has ${key}`);
      }
    }
    const share = body.measures.find((m: { id: string }) => m.id === 'closed_within_service_level');
    assert.equal(share.unit, 'percent');
    assert.ok(share.value === null || (share.value >= 0 && share.value <= 100));
  });

  it('answers an unknown council with a 404 and a malformed period with a 400 that says how', async () => {
    const unknown = await get(`/api/v1/measures?org=E07999999&period=${quarter}`);
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.headers['content-type'] as string, /problem\+json/);
    const bad = await get(`/api/v1/measures?org=${EXETER}&period=2025-27`);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().detail, /2025-26/);
    assert.equal((await get(`/api/v1/measures?org=${EXETER}&period=2025-26 Q3`)).statusCode, 400);
    assert.equal((await get(`/api/v1/measures/no_such_measure/values?org=${EXETER}`)).statusCode, 404);
  });

  it('never answers a 500, whatever the query', async () => {
    const values = [
      '',
      ' ',
      'x',
      '2025-26',
      '2025-26-Q9',
      '9999-00',
      "'; drop table x; --",
      '%00',
      'E07000041',
      '-1',
      '1e309',
      'Q3'.repeat(50),
    ];
    for (const org of values) {
      for (const period of values) {
        for (const extra of [
          '',
          '&service=524',
          '&service=abc',
          '&area=E07000041',
          '&area=%27',
          '&service=99999999999',
        ]) {
          const url = `/api/v1/measures?org=${encodeURIComponent(org)}&period=${encodeURIComponent(period)}${extra}`;
          const response = await get(url);
          assert.ok(response.statusCode < 500, `${url}: ${response.statusCode} ${response.body}`);
        }
      }
      const series = await get(
        `/api/v1/measures/requests_received/values?org=${encodeURIComponent(org)}&from=${encodeURIComponent(org)}`,
      );
      assert.ok(series.statusCode < 500, `series ${org}: ${series.statusCode} ${series.body}`);
    }
  });

  it('answers a measure’s series by quarter', async () => {
    const response = await get(`/api/v1/measures/requests_received/values?org=${EXETER}`);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.ok(body.values.length >= 4);
    assert.ok(body.values.some((v: { value: number }) => v.value > 0));
  });

  it('lets a council’s officer set its target, audited, and refuses another council’s, writing nothing', async () => {
    const refused = await post('/api/v1/measures/repeat_requests/targets', exeterOfficer, {
      org: EAST_DEVON,
      period: quarter,
      target: '85',
    });
    assert.equal(refused.statusCode, 403, refused.body);
    const targets = await count('measure_target');
    assert.equal(
      (
        await post('/api/v1/measures/repeat_requests/targets', undefined, {
          org: EXETER,
          period: quarter,
          target: '85',
        })
      ).statusCode,
      401,
    );

    const set = await post('/api/v1/measures/repeat_requests/targets', exeterOfficer, {
      org: EXETER,
      period: quarter,
      target: '85',
      tolerance: '5',
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json().target, 85);
    assert.equal(set.json().tolerance, 5);
    assert.ok(['red', 'amber', 'green'].includes(set.json().status));
    const again = await post('/api/v1/measures/repeat_requests/targets', devonAdmin, {
      org: EXETER,
      period: quarter,
      target: '90',
    });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(await count('measure_target'), targets + 1, 'changed in place');
    const { rows } = await sql<{ action: string }>`
      SELECT action FROM audit_log WHERE entity_type = 'measure_target' AND entity_key LIKE 'repeat_requests/%' ORDER BY audit_id`.execute(
      demo.database.db,
    );
    assert.deepEqual(
      rows.map((r) => r.action),
      ['create', 'update'],
    );
    const volume = await post('/api/v1/measures/requests_received/targets', exeterOfficer, {
      org: EXETER,
      period: quarter,
      target: '10',
    });
    assert.equal(volume.statusCode, 400);
  });

  it('sets many targets of a council all or none, and only for those who keep its measures', async () => {
    const { measures } = demo.services;
    const targets = await count('measure_target');
    const audits = await count('audit_log');
    const good = { measureId: 'repeat_requests', period: '2030-31-Q1', target: '5', tolerance: '1' };
    const bad = { measureId: 'requests_received', period: '2030-31-Q2', target: '10' };
    await assert.rejects(measures.setTargets(MEASURES_OPERATOR, EXETER, [good, bad]), { status: 400 });
    await assert.rejects(measures.setTargets(NOBODY, EXETER, [good]), { status: 403 });
    assert.equal(await count('measure_target'), targets, 'nothing written when one is wrong or refused');
    assert.equal(await count('audit_log'), audits);
    assert.equal(
      await measures.setTargets(MEASURES_OPERATOR, EXETER, [good, { ...good, period: '2030-31-Q2' }]),
      2,
    );
    assert.equal(await count('measure_target'), targets + 2);
    assert.equal(await count('audit_log'), audits + 2, 'one audit row a target');
  });

  it('imports a CSV file all or nothing, naming the lines that are wrong', async () => {
    const values = await count('measure_value');
    const devon = await sql<{ org_id: number; partnership_id: number }>`
      SELECT o.org_id, p.partnership_id FROM organisation o, partnership p
      WHERE o.gss_code = 'E10000008' AND p.slug = 'integrated-devon'`.execute(demo.database.db);
    const { org_id: orgId, partnership_id: partnershipId } = devon.rows[0]!;
    await sql`INSERT INTO measure_definition (org_id, measure_id, partnership_id, name, definition, unit, polarity, frequency, source)
      VALUES (${orgId}, 'visits_to_hubs', ${partnershipId}, 'Visits to community hubs', 'Visits counted at the door.', 'count', 'higher_is_better', 'quarterly', 'imported')`.execute(
      demo.database.db,
    );

    const bad = await post('/api/v1/measures/imports', devonAdmin, {
      file_name: 'hubs.csv',
      csv: `measure,org,period,value\nvisits_to_hubs,${EXETER},${quarter},120\nvisits_to_hubs,${EXETER},2025-27,5\nrequests_received,${EXETER},${quarter},4\n`,
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().detail, /Line 3/);
    assert.match(bad.json().detail, /Line 4/);
    assert.equal(await count('measure_value'), values, 'nothing imported');

    const otherCouncil = await post('/api/v1/measures/imports', exeterOfficer, {
      file_name: 'hubs.csv',
      csv: `measure,org,period,value\nvisits_to_hubs,${EAST_DEVON},${quarter},120\n`,
    });
    assert.equal(otherCouncil.statusCode, 400);
    assert.match(otherCouncil.json().detail, /Line 2: you may not/);
    assert.equal(await count('measure_value'), values);

    const good = await post('/api/v1/measures/imports', devonAdmin, {
      file_name: 'hubs.csv',
      csv: `measure,org,period,value\nvisits_to_hubs,${EXETER},${quarter},120\nvisits_to_hubs,${EAST_DEVON},${quarter},"1,040"\n`,
    });
    assert.equal(good.statusCode, 201, good.body);
    const { rows } = await sql<{ line: number; file_name: string; value: string }>`
      SELECT line, file_name, value::text AS value FROM measure_value WHERE file_name = 'hubs.csv' ORDER BY line`.execute(
      demo.database.db,
    );
    assert.deepEqual(
      rows.map((r) => [r.line, r.file_name, Number(r.value)]),
      [
        [2, 'hubs.csv', 120],
        [3, 'hubs.csv', 1040],
      ],
    );

    const entered = await post('/api/v1/measures/visits_to_hubs/values', exeterOfficer, {
      org: EXETER,
      period: quarter,
      value: '130',
    });
    assert.equal(entered.statusCode, 201, entered.body);
    assert.equal(entered.json().value, 130, 'the latest counts');
    const refused = await post('/api/v1/measures/visits_to_hubs/values', exeterOfficer, {
      org: EAST_DEVON,
      period: quarter,
      value: '1',
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(await count('measure_value'), values + 3);
  });

  it('refreshes one day: that day’s rows change and no other’s, and twice writes the same rows', async () => {
    const db = demo.database.db;
    const snapshot = async () =>
      (
        await sql<{ key: string }>`
          SELECT concat_ws('|', org_id, lgsl_code, area_code, day, received_by_channel::text, contacts, closed,
                           closed_with_target, closed_within_target, repeats, days_to_close::text) AS key
          FROM case_day_summary ORDER BY 1`.execute(db)
      ).rows.map((r) => r.key);
    const open = await db
      .selectFrom('service_case')
      .select(['org_id', 'case_id', 'opened_at'])
      .where('closed_at', 'is', null)
      .where('referred_to_org_id', 'is', null)
      .orderBy('opened_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const today = todayInLondon();
    const before = await snapshot();
    await refreshSummaries(db, { first: today, last: today });
    assert.deepEqual(await snapshot(), before, 'a refresh with no change writes the same rows');

    await db
      .updateTable('service_case')
      .set({ status: 'fixed', closed_at: new Date() })
      .where('org_id', '=', open.org_id)
      .where('case_id', '=', open.case_id)
      .execute();
    await refreshSummaries(db, { first: today, last: today });
    const afterClose = await snapshot();
    const changed = afterClose.filter((k) => !before.includes(k));
    const gone = before.filter((k) => !afterClose.includes(k));
    assert.ok(changed.length >= 1);
    for (const key of [...changed, ...gone])
      assert.equal(key.split('|')[3], today, `only today's rows: ${key}`);
    await refreshSummaries(db, { first: today, last: today });
    assert.deepEqual(await snapshot(), afterClose);
  });
});
