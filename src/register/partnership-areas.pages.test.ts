/**
 * Defining a partnership's area from postcode sectors on its page: who may (the partnership's
 * administrators, checked by the service for every caller), what is refused and how (an error
 * summary and a message by each field, everything typed kept, nothing written), and the area
 * once defined, which "who is responsible" and /api/v1/areas then find.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import {
  buildTestApp,
  getPage,
  orgIdsBySlug,
  postForm,
  signIn,
  type Session,
} from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import { PUBLIC_ACTOR } from './register.service.ts';
import { areaKeeperOrg, mayDefineAreas } from './partnership-areas.ts';

const PASSWORD = 'a long enough password for tests';
const CULLOMPTON = 'integrated-devon:locality:cullompton';

describe('areaKeeperOrg', () => {
  it('is the organisation of an administrator grant for the partnership, and nobody else’s', () => {
    const admin = { ...PUBLIC_ACTOR, keepsRegisterOf: [{ partnershipId: 7, orgId: 3 }] };
    assert.equal(areaKeeperOrg(admin, 7), 3);
    assert.equal(areaKeeperOrg(admin, 8), null);
    assert.equal(areaKeeperOrg(PUBLIC_ACTOR, 7), null);
    assert.equal(mayDefineAreas({ ...PUBLIC_ACTOR, keepsRegisterOf: [] }, 7), false);
  });
});

describe('the page to define an area from postcode sectors', () => {
  let database: Database;
  let app: FastifyInstance;
  let admin: Session;
  let officer: Session;
  let otherAdmin: Session;

  const areaCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('partnership_area')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Postcodes of the directory in the sectors, counted here from the table, not by the code under test. */
  const postcodesIn = async (...sectors: string[]) =>
    (
      await sql<{ n: number }>`select count(*)::int as n from postcode
        where ${sql.join(
          sectors.map((s) => sql`postcode like ${`${s}%`}`),
          sql` or `,
        )}`.execute(database.db)
    ).rows[0]!.n;

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    const orgs = await orgIdsBySlug(database.db, ['devon', 'mid-devon', 'cotswold']);
    const partnerships = Object.fromEntries(
      (await database.db.selectFrom('partnership').select(['slug', 'partnership_id']).execute()).map((p) => [
        p.slug,
        p.partnership_id,
      ]),
    );
    const account = (
      email: string,
      orgId: number,
      role: 'partnership_admin' | 'officer',
      partnershipId: number | null,
    ) =>
      built.services.auth.createAccount({
        email,
        displayName: email,
        password: PASSWORD,
        grants: [{ orgId, role, partnershipId, lgslCodes: null }],
      });
    await account(
      'keeper.devon@example.org',
      orgs.devon!,
      'partnership_admin',
      partnerships['integrated-devon']!,
    );
    await account('officer.middevon@example.org', orgs['mid-devon']!, 'officer', null);
    await account(
      'keeper.cotswold@example.org',
      orgs.cotswold!,
      'partnership_admin',
      partnerships['2020-vision']!,
    );
    admin = await signIn(app, 'keeper.devon@example.org', PASSWORD);
    officer = await signIn(app, 'officer.middevon@example.org', PASSWORD);
    otherAdmin = await signIn(app, 'keeper.cotswold@example.org', PASSWORD);
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  const form = (session: Session, fields: Record<string, string>) =>
    postForm(app, '/partnerships/integrated-devon/areas', session, { _csrf: session.csrf, ...fields });

  it('links to the form from the partnership’s page for its administrator only', async () => {
    const link = /href="\/partnerships\/integrated-devon\/areas\/new">Define an area from postcode sectors/;
    assert.match((await getPage(app, '/partnerships/integrated-devon', admin)).body, link);
    assert.doesNotMatch((await getPage(app, '/partnerships/integrated-devon', officer)).body, link);
    assert.doesNotMatch((await getPage(app, '/partnerships/integrated-devon', otherAdmin)).body, link);
    assert.doesNotMatch((await getPage(app, '/partnerships/integrated-devon')).body, link);
    const page = await getPage(app, '/partnerships/integrated-devon/areas/new', admin);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="_csrf"/);
    assert.match(page.body, /<textarea[^>]*name="sectors"/);
  });

  it('defines the area, shows it with the number of postcodes it holds, and routing finds it', async () => {
    const before = await areaCount();
    const response = await form(admin, {
      name: 'Cullompton',
      kind: 'locality',
      sectors: 'EX15 1\r\nex15 2, EX15 1',
    });
    assert.equal(response.statusCode, 303, response.body);
    assert.equal(
      response.headers.location,
      `/partnerships/integrated-devon/areas/${encodeURIComponent(CULLOMPTON)}?defined=1`,
    );
    assert.equal(await areaCount(), before + 1);
    const expected = await postcodesIn('EX15 1', 'EX15 2');
    assert.ok(expected > 0);
    const shown = await getPage(app, String(response.headers.location), admin);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /Area defined/);
    assert.match(shown.body, new RegExp(`Cullompton holds ${expected} postcodes of the postcode directory`));
    assert.match(shown.body, /EX15 1, EX15 2/);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['entity_type', 'action'])
      .where('entity_key', '=', CULLOMPTON)
      .execute();
    assert.deepEqual(audit, [{ entity_type: 'area', action: 'create' }]);
    const areas = await app.inject({ method: 'GET', url: '/api/v1/areas?postcode=EX15%201BU' });
    assert.ok(
      areas
        .json<{ areas: Array<{ code: string; kind: string }> }>()
        .areas.some((a) => a.code === CULLOMPTON && a.kind === 'locality'),
    );
    assert.match((await getPage(app, '/partnerships/integrated-devon')).body, /Cullompton<\/a> \(locality\)/);
  });

  const refusals: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'a sector in the wrong format',
      { name: 'Silverton', kind: 'locality', sectors: 'EX5 4\nbins\nEX5' },
      'sectors',
      /“bins”, “EX5” are not postcode sectors: a sector is the postcode district, a space and one digit/,
    ],
    [
      'a sector holding no postcode',
      { name: 'Silverton', kind: 'market_town', sectors: 'EX16 6\nEX16 1' },
      'sectors',
      /EX16 1 holds no postcode in the postcode directory/,
    ],
    [
      'a name the partnership already has',
      { name: 'tiverton', kind: 'market_town', sectors: 'EX16 6' },
      'name',
      /Integrated Devon already has an area called Tiverton \(locality\)/,
    ],
    [
      'no name, no kind and no sectors',
      { name: ' ', kind: '', sectors: '' },
      'kind',
      /Select the kind of area/,
    ],
    [
      'a kind there is not',
      { name: 'Silverton', kind: 'county', sectors: 'EX16 6' },
      'kind',
      /Select the kind of area/,
    ],
  ];
  for (const [what, fields, field, message] of refusals) {
    it(`refuses ${what} with an error summary and a message by the field, keeping what was typed`, async () => {
      if (what === 'a sector holding no postcode') assert.equal(await postcodesIn('EX16 1'), 0);
      const before = await areaCount();
      const response = await form(admin, fields);
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /govuk-error-summary/);
      assert.match(response.body, new RegExp(`href="#${field}"`));
      assert.match(response.body, message);
      assert.match(response.body, new RegExp(`id="${field}-error"`));
      assert.match(response.body, /<title>Error: /);
      if (fields.sectors)
        assert.ok(response.body.includes(`${fields.sectors.trim()}</textarea>`), 'the sectors are kept');
      if (fields.name?.trim())
        assert.match(response.body, new RegExp(`name="name"[^>]*value="${fields.name}"`));
      assert.equal(await areaCount(), before);
    });
  }

  it('refuses another council’s officer and another partnership’s administrator, and writes nothing', async () => {
    const before = await areaCount();
    for (const session of [officer, otherAdmin]) {
      assert.equal((await getPage(app, '/partnerships/integrated-devon/areas/new', session)).statusCode, 403);
      const response = await form(session, { name: 'Bradninch', kind: 'locality', sectors: 'EX5 4' });
      assert.equal(response.statusCode, 403);
      assert.doesNotMatch(response.body, /Bradninch/);
    }
    assert.equal(await areaCount(), before);
  });

  it('asks a signed-out person to sign in, and a post without a session is refused', async () => {
    const before = await areaCount();
    const page = await getPage(app, '/partnerships/integrated-devon/areas/new');
    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/sign-in?returnTo=%2Fpartnerships%2Fintegrated-devon%2Fareas%2Fnew');
    const response = await app.inject({
      method: 'POST',
      url: '/partnerships/integrated-devon/areas',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Bradninch&kind=locality&sectors=EX5+4',
    });
    assert.ok([401, 403].includes(response.statusCode), String(response.statusCode));
    assert.equal(await areaCount(), before);
  });

  it('refuses a post whose CSRF token is not the session’s', async () => {
    const before = await areaCount();
    const response = await postForm(app, '/partnerships/integrated-devon/areas', admin, {
      _csrf: officer.csrf,
      name: 'Bradninch',
      kind: 'locality',
      sectors: 'EX5 4',
    });
    assert.equal(response.statusCode, 403);
    assert.equal(await areaCount(), before);
  });

  it('is a 404 for an area that is not the partnership’s', async () => {
    assert.equal(
      (await getPage(app, '/partnerships/2020-vision/areas/integrated-devon%3Alocality%3Ativerton'))
        .statusCode,
      404,
    );
    assert.equal((await getPage(app, '/partnerships/integrated-devon/areas/E07000042')).statusCode, 404);
  });
});
