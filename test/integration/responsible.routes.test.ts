/**
 * `GET /api/v1/responsible` over the real reference data: the answer's shape the other parts of
 * Jointly rely on, every status it can give (resolved, ambiguous, unknown_place, unknown_service),
 * malformed questions, arrangements read as at a date, and an override of the tier rule.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp } from '../support/app.ts';
import type { Database } from '../../src/db/engine.ts';
import { withTenant } from '../../src/db/context.ts';
import type { Actor } from '../../src/register/register.service.ts';

const PROBLEM = 'application/problem+json; charset=utf-8';

const DEVON = 'E10000008';
const EXETER = 'E07000041';
const TEIGNBRIDGE = 'E07000045';

describe('GET /api/v1/responsible', () => {
  let database: Database;
  let app: FastifyInstance;
  const org: Record<string, number> = {};
  const get = (query: string) => app.inject({ method: 'GET', url: `/api/v1/responsible?${query}` });

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    const built = await buildTestApp(database);
    app = built.app;
    const rows = await database.db
      .selectFrom('organisation')
      .select(['org_id', 'gss_code'])
      .where('gss_code', 'in', [DEVON, EXETER, TEIGNBRIDGE])
      .execute();
    for (const row of rows) org[row.gss_code!] = Number(row.org_id);
    const officerOf = (orgId: number): Actor => ({
      scope: { readOrgs: [orgId], writeOrgs: [orgId], accountId: null },
      accountId: null,
      mayChange: (o) => o === orgId,
    });
    // Exeter's household waste (LGSL 524): in-house until 2020, then Teignbridge as lead authority.
    const first = await built.services.register.recordArrangement(officerOf(org[EXETER]!), {
      orgId: org[EXETER]!,
      lgslCode: 524,
      validFrom: '2010-04-01',
      mode: 'retained',
      level: 'district',
      providerOrgId: org[EXETER]!,
    });
    await built.services.register.recordArrangement(officerOf(org[EXETER]!), {
      orgId: org[EXETER]!,
      lgslCode: 524,
      validFrom: '2020-04-01',
      mode: 'lead_authority',
      level: 'district',
      providerOrgId: org[TEIGNBRIDGE]!,
      expectedCurrentId: first.arrangementId,
    });
    // Devon takes a district-tier service (LGSL 530, household garden waste) for Exeter from 2024.
    await withTenant(database.db, { readOrgs: [], writeOrgs: [org[DEVON]!], accountId: null }, (tx) =>
      tx
        .insertInto('responsibility_override')
        .values({
          org_id: org[DEVON]!,
          lgsl_code: 530,
          area_code: EXETER,
          valid_from: '2024-04-01',
          reason: 'Delegated to the county by agreement.',
        })
        .execute(),
    );
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers a district-tier service in a two-tier area with the district and the provider in force', async () => {
    const response = await get('service=524&postcode=EX1%201AE&date=2025-01-01');
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const body = response.json();
    assert.equal(body.status, 'resolved');
    assert.deepEqual(
      { gss: body.responsible.gss, name: body.responsible.name },
      { gss: EXETER, name: 'Exeter City Council' },
    );
    assert.equal(body.provider.name, 'Teignbridge District Council');
    assert.equal(body.provider.arrangement, 'lead_authority');
    assert.equal(body.provider.since, '2020-04-01');
    assert.equal(typeof body.provider.arrangementId, 'number');
    assert.deepEqual(
      body.candidates.map((c: { gss: string }) => c.gss),
      [EXETER],
    );
    assert.deepEqual(
      body.reasons.map((r: { rule: string }) => r.rule),
      ['place', 'tier', 'arrangement'],
    );
    assert.match(body.reason, /Teignbridge District Council delivers it on behalf of Exeter City Council/);
  });

  it('reads the arrangement in force on the date asked, and before any arrangement says so', async () => {
    const inHouse = (await get('service=524&postcode=EX1%201AE&date=2015-06-30')).json();
    assert.equal(inHouse.provider.name, 'Exeter City Council');
    assert.equal(inHouse.provider.arrangement, 'retained');
    assert.equal(inHouse.provider.since, '2010-04-01');
    const none = (await get('service=524&postcode=EX1%201AE&date=2009-01-01')).json();
    assert.equal(none.status, 'resolved');
    assert.equal(none.provider.since, null);
    assert.equal(none.reasons.at(-1).rule, 'default');
  });

  it('answers a county-tier service in the same place with the county', async () => {
    const body = (await get('service=160&postcode=EX1%201AE')).json();
    assert.equal(body.status, 'resolved');
    assert.equal(body.responsible.gss, DEVON);
    assert.equal(body.responsible.name, 'Devon County Council');
  });

  it('answers a point as it answers a postcode', async () => {
    const body = (await get('service=160&lat=50.722777&lon=-3.531951')).json();
    assert.equal(body.status, 'resolved');
    assert.equal(body.responsible.gss, DEVON);
    assert.equal(body.place.kind, 'point');
  });

  it('follows an override from its date, and the tier rule before it', async () => {
    const before = (await get('service=530&postcode=EX1%201AE&date=2024-03-31')).json();
    assert.equal(before.responsible.gss, EXETER);
    const after = (await get('service=530&postcode=EX1%201AE&date=2024-04-01')).json();
    assert.equal(after.status, 'resolved');
    assert.equal(after.responsible.gss, DEVON);
    assert.ok(after.reasons.some((r: { rule: string }) => r.rule === 'override'));
    assert.match(after.reason, /Delegated to the county by agreement/);
    // The override is for Exeter only: Teignbridge keeps the tier rule.
    const elsewhere = (await get('service=530&postcode=TQ12%202BH&date=2025-01-01')).json();
    assert.notEqual(elsewhere.responsible?.gss, DEVON);
  });

  it('says a point on the boundary of two districts is ambiguous, lists both, and names no one', async () => {
    const response = await get('service=524&lat=50.692964&lon=-3.540154');
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.status, 'ambiguous');
    assert.equal(body.responsible, null);
    assert.equal(body.provider, null);
    assert.deepEqual(body.candidates.map((c: { gss: string }) => c.gss).sort(), [EXETER, TEIGNBRIDGE]);
    assert.match(body.reason, /More than one council could be responsible here/);
  });

  it('takes the council the person chooses among the candidates, and only among them', async () => {
    const chosen = (await get(`service=524&lat=50.692964&lon=-3.540154&choose=${org[TEIGNBRIDGE]}`)).json();
    assert.equal(chosen.status, 'resolved');
    assert.equal(chosen.responsible.gss, TEIGNBRIDGE);
    assert.ok(chosen.reasons.some((r: { rule: string }) => r.rule === 'chosen'));
    assert.match(chosen.reason, /the person chose Teignbridge District Council/);
    const notACandidate = (await get(`service=524&lat=50.692964&lon=-3.540154&choose=${org[DEVON]}`)).json();
    assert.equal(notACandidate.status, 'ambiguous');
    assert.equal(notACandidate.responsible, null);
  });

  it('resolves that same ambiguous point for a county service both districts share', async () => {
    const body = (await get('service=160&lat=50.692964&lon=-3.540154')).json();
    assert.equal(body.status, 'resolved');
    assert.equal(body.responsible.gss, DEVON);
  });

  it('answers an unknown postcode with a 404 problem whose code is unknown_place', async () => {
    const response = await get('service=524&postcode=EX1%209ZZ');
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['content-type'], PROBLEM);
    const body = response.json();
    assert.equal(body.status, 404);
    assert.equal(body.code, 'unknown_place');
    assert.equal(body.responsible, null);
    assert.equal(body.provider, null);
    assert.deepEqual(body.candidates, []);
    assert.match(body.reason, /EX1 9ZZ is not in the postcode directory/);
    assert.equal(body.detail, body.reason);
  });

  it('answers a point in the sea with a 404 problem whose code is unknown_place', async () => {
    const body = (await get('service=524&lat=50.2&lon=-4.0')).json();
    assert.deepEqual([body.status, body.code], [404, 'unknown_place']);
  });

  it('answers an LGSL code that does not exist with a 404 problem whose code is unknown_service', async () => {
    const response = await get('service=9999&postcode=EX1%201AE');
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['content-type'], PROBLEM);
    const body = response.json();
    assert.equal(body.status, 404);
    assert.equal(body.code, 'unknown_service');
    assert.equal(body.responsible, null);
    assert.match(body.reason, /There is no LGSL service 9999/);
  });

  for (const [query, problem] of [
    ['service=524', /postcode, or both lat and lon/],
    ['service=waste&postcode=EX1%201AE', /service must be a whole number/],
    ['service=-3&postcode=EX1%201AE', /service must be at least 1/],
    ['service=524&postcode=12345', /not a UK postcode/],
    ['service=524&postcode=EX1%201AE&date=2025-02-30', /date must be a real date as YYYY-MM-DD/],
    ['service=524&lat=95&lon=-3.5', /lat must be at most 90/],
    ['service=524&lat=50.7', /postcode, or both lat and lon/],
  ] as const) {
    it(`refuses ${query} with a 400 problem saying what is wrong`, async () => {
      const response = await get(query);
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.headers['content-type'], PROBLEM);
      const body = response.json();
      assert.equal(body.status, 400);
      assert.match(body.detail, problem);
    });
  }
});
