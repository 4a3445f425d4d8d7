/**
 * Places below the district: an arrangement recorded for a locality changes "who is responsible"
 * for a postcode inside it and not for one outside it, through the API and the pages. The demo's
 * localities of Integrated Devon are Tiverton (EX16) and Crediton (EX17), where Mid Devon keeps
 * household waste collection (LGSL 524) itself from 2010-04-01 while the rest of Mid Devon is
 * served by the East cluster's team (hosted by East Devon) from 2009-04-07.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp } from '../support/app.ts';
import type { Database } from '../../src/db/engine.ts';
import { withSystem } from '../../src/db/context.ts';
import type { AppServices } from '../../src/app/services.ts';
import { runImport } from '../../src/app/import.command.ts';
import { silentProgress } from '../../src/platform/import/progress.ts';
import { RESIDENT, type CaseActor } from '../../src/frontdoor/cases/case-actor.ts';
import { watchStatements } from '../support/statements.ts';

const TIVERTON = 'integrated-devon:locality:tiverton';
const CREDITON = 'integrated-devon:locality:crediton';

interface Answer {
  status: string;
  responsible: { name: string; gss: string } | null;
  provider: { name: string; level: string | null; area: { code: string; name: string; kind: string } | null };
  reason: string;
  reasons: Array<{ rule: string; text: string }>;
}

describe('places below the district', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  // Watching from before the database opens, so that every connection is watched.
  const watcher = watchStatements();

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    ({ app, services } = await buildTestApp(database));
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  const responsible = async (postcode: string, date = '2026-06-01'): Promise<Answer> => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/responsible?service=524&postcode=${encodeURIComponent(postcode)}&date=${date}`,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Answer>();
  };

  it('answers a Tiverton postcode with Mid Devon’s own market-town arrangement, and names the area', async () => {
    const answer = await responsible('EX16 6AR');
    assert.equal(answer.responsible?.gss, 'E07000042');
    assert.equal(answer.provider.name, 'Mid Devon District Council');
    assert.equal(answer.provider.level, 'locality');
    assert.deepEqual(answer.provider.area, { code: TIVERTON, name: 'Tiverton', kind: 'locality' });
    assert.match(answer.reason, /in Tiverton \(locality, integrated-devon:locality:tiverton\)/);
  });

  it('answers a Crediton postcode the same way, with its own area', async () => {
    const answer = await responsible(await firstPostcode('EX17 ', 'E07000042'));
    assert.equal(answer.provider.area?.code, CREDITON);
  });

  it('answers a Mid Devon postcode outside both towns with the cluster arrangement of the whole district', async () => {
    const answer = await responsible('EX15 1BU');
    assert.equal(answer.responsible?.gss, 'E07000042');
    assert.equal(answer.provider.name, 'East Devon District Council');
    assert.equal(answer.provider.level, 'cluster');
    assert.equal(answer.provider.area, null);
  });

  it('answers a Tiverton postcode by the cluster before the market-town arrangement began', async () => {
    const answer = await responsible('EX16 6AR', '2009-06-01');
    assert.equal(answer.provider.name, 'East Devon District Council');
    assert.equal(answer.provider.area, null);
  });

  it('leaves another council’s postcode in the same postcode district to that council', async () => {
    // EX16 9JL is in North Devon: Mid Devon's arrangement for Tiverton is Mid Devon's alone.
    const answer = await responsible('EX16 9JL');
    assert.equal(answer.responsible?.gss, 'E07000043');
    assert.equal(answer.provider.area, null);
    assert.notEqual(answer.provider.name, 'Mid Devon District Council');
  });

  it('places a full postcode, with the locality listing its sector, in one statement', async () => {
    await services.geography.lookupPostcode('EX16 6AR'); // the area graph and boundaries, read once
    const { result, statements } = await watcher.during(() => services.geography.lookupPostcode('EX16 6AR'));
    assert.equal(result.status, 'found');
    assert.ok(
      result.areas.some((a) => a.code === TIVERTON),
      JSON.stringify(result.areas),
    );
    assert.equal(statements.length, 1, statements.join('\n---\n'));
  });

  it('lists the locality among the areas covering the postcode, with its kind', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/areas?postcode=EX16%206AR' });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ areas: Array<{ code: string; kind: string }>; reason: string }>();
    assert.ok(
      body.areas.some((a) => a.code === TIVERTON && a.kind === 'locality'),
      JSON.stringify(body.areas),
    );
    assert.ok(!body.areas.some((a) => a.code === CREDITON));
    assert.match(body.reason, /It is in Tiverton \(locality\)/);
    const outside = await app.inject({ method: 'GET', url: '/api/v1/areas?postcode=EX15%201BU' });
    assert.ok(!outside.json<{ areas: Array<{ kind: string }> }>().areas.some((a) => a.kind === 'locality'));
  });

  it('says on the page which area’s arrangement applied, and says nothing of it outside the area', async () => {
    const inside = await app.inject({ method: 'GET', url: '/responsible?postcode=EX16+6AR&service=524' });
    assert.equal(inside.statusCode, 200);
    assert.match(
      inside.body,
      /Arrangement for<\/dt><dd class="govuk-summary-list__value">Tiverton \(locality\)/,
    );
    const outside = await app.inject({ method: 'GET', url: '/responsible?postcode=EX15+1BU&service=524' });
    assert.equal(outside.statusCode, 200);
    assert.doesNotMatch(outside.body, /Arrangement for</);
  });

  it('says a service with no providing tier leaves the council open, not the place, and offers both', async () => {
    // LGSL 1152, abandoned shopping trolleys: GOV.UK's list gives it no providing tier.
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/responsible?service=1152&postcode=EX1%201AE',
    });
    assert.equal(response.statusCode, 200, response.body);
    const answer = response.json<Answer & { candidates: Array<{ gss: string }> }>();
    assert.equal(answer.status, 'ambiguous');
    assert.deepEqual(answer.candidates.map((c) => c.gss).sort(), ['E07000041', 'E10000008']);
    assert.match(answer.reason, /providing tier of Abandoned shopping trolleys \(LGSL 1152\) is unknown/);
    assert.doesNotMatch(answer.reason, /address|point on a map/);
  });

  it('gives a case referred back to Mid Devon in Tiverton the town’s own provider, and one outside it the cluster’s', async () => {
    const midDevon = (await services.register.organisation('E07000042')).orgId;
    const devon = (await services.register.organisation('E10000008')).orgId;
    const officerOf = (orgId: number): CaseActor => ({
      accountId: null,
      name: 'Sam Officer',
      readOrgs: [orgId],
      writeOrgs: [orgId],
      frontDoorOrgs: [orgId],
      mayHandle: (o, p) => o === orgId || p === orgId,
      mayNote: (o, p) => o === orgId || p === orgId,
      mayRefer: (o, p) => o === orgId || p === orgId,
    });
    for (const [postcode, provider, area] of [
      ['EX16 6AR', 'Mid Devon District Council', TIVERTON],
      ['EX15 1BU', 'East Devon District Council', null],
    ] as const) {
      const result = await services.cases.intake(RESIDENT, {
        lgslCode: 524,
        postcode,
        description: 'The bins in our street were not collected on Tuesday.',
        reporterName: 'Pat Resident',
        reporterEmail: 'pat.resident@example.org',
        channel: 'web',
      });
      assert.equal(result.outcome, 'opened', postcode);
      const opened = result.outcome === 'opened' ? result.case : assert.fail('not opened');
      assert.equal(opened.responsible.orgId, midDevon, postcode);
      assert.equal(opened.provider.name, provider, `${postcode}: at intake`);
      // To the county and back: Mid Devon's case takes the provider at the case's place again.
      const atMidDevon = await services.cases.detail(officerOf(midDevon), midDevon, opened.reference);
      await services.cases.refer(officerOf(midDevon), midDevon, opened.reference, {
        toOrgId: devon,
        reason: 'The resident says the county empties these bins.',
        expectedVersion: atMidDevon.version,
      });
      const atDevon = await services.cases.detail(officerOf(devon), devon, opened.reference);
      await services.cases.refer(officerOf(devon), devon, opened.reference, {
        toOrgId: midDevon,
        reason: 'Household waste is collected by the district.',
        expectedVersion: atDevon.version,
      });
      const back = await services.cases.detail(officerOf(midDevon), midDevon, opened.reference);
      assert.equal(back.status, 'reopened', postcode);
      assert.equal(back.provider.name, provider, `${postcode}: after the referral back`);
      const reasons = (back.routing as { reasons: Array<{ rule: string; text: string }> }).reasons;
      const arrangement = reasons.find((r) => r.rule === 'arrangement')?.text ?? '';
      if (area) assert.match(arrangement, new RegExp(`in Tiverton \\(locality, ${area}\\)`), postcode);
      else assert.doesNotMatch(arrangement, /locality/, postcode);
    }
  });

  it('takes an override for the market town over a newer one for its whole district, and only inside the town', async () => {
    // Household garden waste (LGSL 530), for this test only: Devon for all of Mid Devon from 2020,
    // Mid Devon itself in Tiverton from 2015. The town's is older but more specific.
    const ids = Object.fromEntries(
      (
        await database.db
          .selectFrom('organisation')
          .select(['org_id', 'gss_code'])
          .where('gss_code', 'in', ['E10000008', 'E07000042'])
          .execute()
      ).map((o) => [o.gss_code!, o.org_id]),
    );
    await withSystem(database.db, (tx) =>
      tx
        .insertInto('responsibility_override')
        .values([
          {
            org_id: ids.E10000008!,
            lgsl_code: 530,
            area_code: 'E07000042',
            valid_from: '2020-04-01',
            reason: 'Test: the county collects it.',
          },
          {
            org_id: ids.E07000042!,
            lgsl_code: 530,
            area_code: TIVERTON,
            valid_from: '2015-04-01',
            reason: 'Test: the town keeps it.',
          },
        ])
        .execute(),
    );
    try {
      const get = async (postcode: string) =>
        (
          await app.inject({
            method: 'GET',
            url: `/api/v1/responsible?service=530&postcode=${encodeURIComponent(postcode)}&date=2026-06-01`,
          })
        ).json<Answer>();
      const inTown = await get('EX16 6AR');
      assert.equal(inTown.responsible?.gss, 'E07000042');
      assert.match(
        inTown.reason,
        /in Tiverton \(integrated-devon:locality:tiverton\): Test: the town keeps it/,
      );
      const outside = await get('EX15 1BU');
      assert.equal(outside.responsible?.gss, 'E10000008');
      assert.match(outside.reason, /Test: the county collects it/);
    } finally {
      await withSystem(database.db, (tx) =>
        tx
          .deleteFrom('responsibility_override')
          .where('lgsl_code', '=', 530)
          .where('reason', 'like', 'Test:%')
          .execute(),
      );
    }
  });

  it('routes by a locality drawn as a boundary in GeoJSON: inside it by its override, outside it by the district’s', async () => {
    // Drawn for this test, not a real boundary: a box around EX15 1BU, 1ET, 1GS, 1JP and 1TG in
    // Cullompton that leaves EX15 1PX (2 km west) and EX15 1XQ (north) outside.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-drawn-'));
    const file = path.join(folder, 'cullompton.geojson');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: 'Cullompton (drawn for the test)' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [-3.4, 50.848],
                  [-3.386, 50.848],
                  [-3.386, 50.863],
                  [-3.4, 50.863],
                  [-3.4, 50.848],
                ],
              ],
            },
          },
        ],
      }),
    );
    const code = 'integrated-devon:locality:cullompton-drawn-for-the-test';
    const ids = Object.fromEntries(
      (
        await database.db
          .selectFrom('organisation')
          .select(['org_id', 'gss_code'])
          .where('gss_code', 'in', ['E10000008', 'E07000042'])
          .execute()
      ).map((o) => [o.gss_code!, o.org_id]),
    );
    try {
      const summary = await runImport(database.db, 'areas', file, silentProgress, file, {
        areas: { partnership: 'integrated-devon', kind: 'locality' },
      });
      assert.equal(summary.inserted, 1);
      assert.match(summary.note ?? '', /5 postcodes of the directory inside them/);
      await services.geography.reload();
      await withSystem(database.db, (tx) =>
        tx
          .insertInto('responsibility_override')
          .values([
            {
              org_id: ids.E10000008!,
              lgsl_code: 530,
              area_code: 'E07000042',
              valid_from: '2020-04-01',
              reason: 'Test: the county collects it.',
            },
            {
              org_id: ids.E07000042!,
              lgsl_code: 530,
              area_code: code,
              valid_from: '2015-04-01',
              reason: 'Test: the drawn town keeps it.',
            },
          ])
          .execute(),
      );
      const areasOf = async (postcode: string) =>
        (
          await app.inject({ method: 'GET', url: `/api/v1/areas?postcode=${encodeURIComponent(postcode)}` })
        ).json<{ areas: Array<{ code: string; kind: string }> }>().areas;
      assert.ok(
        (await areasOf('EX15 1BU')).some((a) => a.code === code && a.kind === 'locality'),
        'EX15 1BU is inside the drawn box',
      );
      assert.ok(!(await areasOf('EX15 1PX')).some((a) => a.code === code), 'EX15 1PX is outside it');
      const get = async (postcode: string) =>
        (
          await app.inject({
            method: 'GET',
            url: `/api/v1/responsible?service=530&postcode=${encodeURIComponent(postcode)}&date=2026-06-01`,
          })
        ).json<Answer>();
      const inside = await get('EX15 1JP');
      assert.equal(inside.responsible?.gss, 'E07000042');
      assert.match(inside.reason, /Cullompton \(drawn for the test\).*Test: the drawn town keeps it/);
      const outside = await get('EX15 1XQ');
      assert.equal(outside.responsible?.gss, 'E10000008');
      assert.match(outside.reason, /Test: the county collects it/);
    } finally {
      await withSystem(database.db, async (tx) => {
        await tx.deleteFrom('responsibility_override').where('reason', 'like', 'Test:%').execute();
        await tx.deleteFrom('boundary').where('area_code', '=', code).execute();
        await tx.deleteFrom('partnership_area').where('area_code', '=', code).execute();
        await tx.deleteFrom('area').where('code', '=', code).execute();
      });
      await services.geography.reload();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  /** A postcode of `outcode` in `district` from the shipped data, for a test that needs any one. */
  async function firstPostcode(outcode: string, district: string): Promise<string> {
    const row = await database.db
      .selectFrom('postcode')
      .select('postcode')
      .where('postcode', 'like', `${outcode}%`)
      .where('district_code', '=', district)
      .orderBy('postcode')
      .executeTakeFirstOrThrow();
    return row.postcode;
  }
});
