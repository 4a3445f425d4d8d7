/**
 * The locality plan pages over the demo, through `app.inject()`: the partnership's districts and a
 * district's plan, published to everyone with no forms; each form for those who may (a mistake
 * shown in the error summary with what was typed and nothing written, then accepted); a form sent
 * without the session's CSRF token refused before anything is written; other people refused by the
 * service; and odd query parameters, ids and form fields never giving a 500 or writing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { getPage, openDemoApp, postForm, signIn, type Session } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import { withSystem, type Database } from '../db/index.ts';
import { LOCALITY_PUBLIC } from './locality-actor.ts';
import type { PlanView } from './locality.service.ts';

const PASSWORD = 'a long enough password for the plan pages';
const TABLES = ['locality_plan', 'plan_objective', 'plan_commitment', 'audit_log'] as const;
const PLAN = '/organisations/E07000117/locality-plan?year=2025-26';

describe('the locality plan pages', () => {
  let app: FastifyInstance;
  let services: AppServices;
  let database: Database;
  let close: () => Promise<void>;
  let officer: Session;
  let countyOfficer: Session;
  let clerk: Session;
  let otherOfficer: Session;
  let admin: Session;
  let plan: PlanView;
  let base: string;
  const counts = () =>
    withSystem(database.db, async (tx) => {
      const found: Record<string, number> = {};
      for (const t of TABLES)
        found[t] = Number(
          (await sql<{ n: string }>`select count(*) as n from ${sql.table(t)}`.execute(tx)).rows[0]!.n,
        );
      return found;
    });
  const account = async (
    email: string,
    gss: string,
    role: 'officer' | 'clerk' | 'partnership_admin',
    partnershipId: number | null = null,
  ) => {
    const orgId = (await services.register.organisation(gss)).orgId;
    await services.auth.createAccount({
      email,
      displayName: `${role} of ${gss}`,
      password: PASSWORD,
      grants: [{ orgId, role, partnershipId, lgslCodes: null }],
    });
    return signIn(app, email, PASSWORD);
  };

  before(async () => {
    ({ app, services, database, close } = await openDemoApp());
    const partnershipId = (await services.register.partnership('transforming-lancashire')).partnershipId;
    officer = await account('officer.burnley.plan@example.org', 'E07000117', 'officer');
    countyOfficer = await account('officer.lancashire.plan@example.org', 'E10000017', 'officer');
    clerk = await account('clerk.burnley.plan@example.org', 'E07000117', 'clerk');
    otherOfficer = await account('officer.pendle.plan@example.org', 'E07000122', 'officer');
    admin = await account(
      'admin.lancashire.plan@example.org',
      'E10000017',
      'partnership_admin',
      partnershipId,
    );
    plan = await services.localities.plan(LOCALITY_PUBLIC, 'E07000117', { year: '2025-26' });
    base = `/organisations/E07000117/locality-plan/${plan.planId}`;
  });
  after(() => close?.());

  it('lists the twelve districts with their plan’s year, agreement and commitments by state', async () => {
    const home = await getPage(app, '/partnerships/transforming-lancashire');
    assert.match(home.body, /href="\/partnerships\/transforming-lancashire\/localities"/);
    const page = await getPage(app, '/partnerships/transforming-lancashire/localities');
    assert.equal(page.statusCode, 200);
    assert.equal((page.body.match(/locality-plan\?year=2025-26/g) ?? []).length, 12);
    assert.match(page.body, /Not yet/);
    assert.match(page.body, /Not started/);
    const other = await getPage(app, '/partnerships/transforming-lancashire/localities?year=2031-32');
    assert.equal(other.statusCode, 200);
    assert.match(other.body, /No plan for 2031-32/);
  });

  it('publishes a district’s plan to everyone, with states in words and no forms', async () => {
    const page = await getPage(app, PLAN);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Locality plan 2025-26/);
    assert.match(page.body, /Highways and street scene brought together locally/);
    assert.match(page.body, /Chief Executive, Lancashire County Council/);
    assert.match(page.body, /<strong>Not started<\/strong>/);
    assert.match(page.body, /href="#measure-closed_within_service_level"/);
    assert.match(page.body, /id="measure-closed_within_service_level"/);
    assert.match(page.body, /Illustrative/);
    assert.doesNotMatch(page.body, /<form method="post" action="\/organisations/);
    // A district's plan by its GOV.UK name too, and its latest year without one.
    const named = await getPage(app, `/organisations/${plan.district.key}/locality-plan`);
    assert.equal(named.statusCode, 200);
    assert.equal((await getPage(app, '/organisations/E07000117/locality-plan?year=2031-32')).statusCode, 404);
    assert.equal((await getPage(app, '/organisations/E10000017/locality-plan')).statusCode, 404);
  });

  it('shows each person the forms they may use, and only those', async () => {
    const county = (await getPage(app, PLAN, countyOfficer)).body;
    const countyForms = county.match(/commitments\/\d+\/state/g) ?? [];
    assert.equal(countyForms.length, plan.objectives.length, 'one per county commitment');
    assert.doesNotMatch(county, /\/agreement"/);
    const own = (await getPage(app, PLAN, officer)).body;
    assert.equal((own.match(/commitments\/\d+\/state/g) ?? []).length, plan.commitmentCount);
    assert.match(own, /Add a commitment/);
    assert.doesNotMatch((await getPage(app, PLAN, otherOfficer)).body, /commitments\/\d+\/state/);
    assert.match((await getPage(app, PLAN, clerk)).body, /Record where the plan was agreed/);
  });

  it('updates a commitment’s state: a mistake first, then saved; refused without CSRF or for others', async () => {
    const c = plan.objectives[0]!.commitments.find((x) => x.tier === 'district')!;
    const url = `${base}/commitments/${c.commitmentId}/state`;
    const before = await counts();
    const noCsrf = await postForm(app, url, { ...officer, csrf: '' }, { state: 'done', note: '' });
    assert.equal(noCsrf.statusCode, 403);
    const wrongCsrf = await postForm(app, url, officer, { _csrf: 'not the token', state: 'done', note: '' });
    assert.equal(wrongCsrf.statusCode, 403);
    const mistake = await postForm(app, url, officer, { _csrf: officer.csrf, state: 'at_risk', note: '' });
    assert.equal(mistake.statusCode, 400);
    assert.match(mistake.body, /govuk-error-summary/);
    assert.match(mistake.body, new RegExp(`href="#c${c.commitmentId}-note"`));
    assert.match(mistake.body, /Say why the commitment is at risk/);
    assert.match(
      mistake.body,
      new RegExp(`id="c${c.commitmentId}-state-3" name="state" type="radio" value="at_risk" checked`),
    );
    for (const [who, status] of [
      [countyOfficer, 403],
      [otherOfficer, 403],
      [clerk, 403],
    ] as const) {
      const refused = await postForm(app, url, who, { _csrf: who.csrf, state: 'done', note: '' });
      assert.equal(refused.statusCode, status);
    }
    const signedOut = await app.inject({ method: 'POST', url, payload: { state: 'done' } });
    assert.ok([302, 303, 401, 403].includes(signedOut.statusCode), String(signedOut.statusCode));
    assert.deepEqual(await counts(), before, 'nothing written');
    const saved = await postForm(app, url, officer, {
      _csrf: officer.csrf,
      state: 'at_risk',
      note: 'Waiting on the county’s highways review.',
    });
    assert.equal(saved.statusCode, 303);
    const page = await getPage(app, saved.headers.location as string, officer);
    assert.match(page.body, /The commitment’s state is saved/);
    assert.match(page.body, /<strong>At risk<\/strong>: Waiting on the county’s highways review\./);
    assert.match(page.body, /by officer of E07000117/);
    const published = await getPage(app, PLAN);
    assert.match(
      published.body,
      /Waiting on the county’s highways review\.<br><span class="govuk-body-s">Updated \d/,
    );
    assert.doesNotMatch(published.body, /by officer of E07000117/, 'the public sees when, not who');
  });

  it('records agreement by the district’s clerk: a mistake first, then recorded', async () => {
    const body = (await services.governance.bodies([plan.district.orgId])).find(
      (b) => b.kind === 'committee',
    )!;
    const url = `${base}/agreement`;
    const before = await counts();
    const mistake = await postForm(app, url, clerk, {
      _csrf: clerk.csrf,
      body: String(body.bodyId),
      'agreedOn-day': '31',
      'agreedOn-month': '2',
      'agreedOn-year': '2025',
      minute: '',
    });
    assert.equal(mistake.statusCode, 400);
    assert.match(mistake.body, /The date the plan was agreed must be a real date/);
    assert.match(mistake.body, /Enter the minute reference/);
    assert.match(mistake.body, /name="agreedOn-day" type="text" value="31"/);
    const refused = await postForm(app, url, officer, {
      _csrf: officer.csrf,
      body: String(body.bodyId),
      'agreedOn-day': '12',
      'agreedOn-month': '6',
      'agreedOn-year': '2025',
      minute: 'ELGB/25/4',
    });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(await counts(), before);
    const saved = await postForm(app, url, clerk, {
      _csrf: clerk.csrf,
      body: String(body.bodyId),
      'agreedOn-day': '12',
      'agreedOn-month': '6',
      'agreedOn-year': '2025',
      minute: 'ELGB/25/4',
    });
    assert.equal(saved.statusCode, 303);
    const page = await getPage(app, PLAN);
    assert.match(page.body, /Agreed by Enhanced Local Governing Body on 12 June 2025, minute ELGB\/25\/4/);
  });

  it('adds a commitment for the partnership’s administrator: a mistake first, then added', async () => {
    const url = `${base}/commitments`;
    const county = plan.councils.find((c) => c.tier === 'county')!;
    const before = await counts();
    const mistake = await postForm(app, url, admin, {
      _csrf: admin.csrf,
      objective: '2',
      council: String(county.orgId),
      commitment: 'Publish the county’s service levels at the one stop shop',
      owner: '',
    });
    assert.equal(mistake.statusCode, 400);
    assert.match(mistake.body, /Enter the owner, by office/);
    assert.match(mistake.body, /Publish the county’s service levels at the one stop shop<\/textarea>/);
    const refused = await postForm(app, url, otherOfficer, {
      _csrf: otherOfficer.csrf,
      objective: '2',
      council: String(county.orgId),
      commitment: 'x',
      owner: 'y',
    });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(await counts(), before);
    const payload = new URLSearchParams({
      _csrf: admin.csrf,
      objective: '2',
      council: String(county.orgId),
      commitment: 'Publish the county’s service levels at the one stop shop',
      owner: 'Chief Executive, Lancashire County Council',
    });
    payload.append('measures', 'first_contact_resolution');
    payload.append('measures', 'closed_within_service_level');
    const saved = await app.inject({
      method: 'POST',
      url,
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: payload.toString(),
    });
    assert.equal(saved.statusCode, 303);
    const now = await services.localities.plan(LOCALITY_PUBLIC, 'E07000117', { year: '2025-26' });
    const added = now.objectives[1]!.commitments.find((x) =>
      x.commitment.startsWith('Publish the county’s'),
    )!;
    assert.equal(added.tier, 'county', 'listed with the county’s commitments');
    assert.deepEqual(
      added.measures.map((m) => m.id),
      ['first_contact_resolution', 'closed_within_service_level'],
    );
  });

  it('never answers odd query parameters, keys, ids or forms with a 500, and writes nothing for them', async () => {
    const before = await counts();
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '2025-26',
        '2025-26-Q1',
        '1999-00',
        '2099-00',
        '9999-99',
        ' 2025-26 ',
        '%00',
        'transforming-lancashire',
      ),
    );
    await fc.assert(
      fc.asyncProperty(text, text, text, text, async (year, partnership, done, key) => {
        const q = new URLSearchParams({ year, partnership, done }).toString();
        for (const url of [
          `/organisations/E07000117/locality-plan?${q}`,
          `/organisations/${encodeURIComponent(key)}/locality-plan?${q}`,
          `/partnerships/${encodeURIComponent(key)}/localities?${q}`,
          `/partnerships/transforming-lancashire/localities?${q}`,
        ]) {
          const response = await app.inject({ method: 'GET', url });
          assert.ok(response.statusCode < 500, `${url} answered ${response.statusCode}`);
        }
      }),
      { numRuns: 60 },
    );
    const c = plan.objectives[2]!.commitments[0]!.commitmentId;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(String(plan.planId)), fc.string({ maxLength: 25 })),
        fc.oneof(fc.constant(String(c)), fc.string({ maxLength: 25 })),
        fc.dictionary(
          fc.constantFrom(
            'state',
            'note',
            'body',
            'agreedOn-day',
            'agreedOn-month',
            'agreedOn-year',
            'minute',
            'objective',
            'council',
            'commitment',
            'owner',
            'measures',
          ),
          fc.oneof(
            fc.string({ maxLength: 40 }),
            fc.constantFrom('at_risk', '99999999999999999999', '-1', '0', '1e3'),
          ),
        ),
        async (planId, id, fields) => {
          for (const [url, who] of [
            [
              `/organisations/E07000117/locality-plan/${encodeURIComponent(planId)}/commitments/${encodeURIComponent(id)}/state`,
              countyOfficer,
            ],
            [`/organisations/E07000117/locality-plan/${encodeURIComponent(planId)}/agreement`, clerk],
            [
              `/organisations/E07000117/locality-plan/${encodeURIComponent(planId)}/commitments`,
              otherOfficer,
            ],
          ] as const) {
            const response = await postForm(app, url, who, {
              ...fields,
              _csrf: who.csrf,
              state: fields.state === 'at_risk' ? '' : (fields.state ?? ''),
            });
            assert.ok(
              response.statusCode < 500,
              `${url} answered ${response.statusCode}: ${response.body.slice(0, 200)}`,
            );
            assert.notEqual(response.statusCode, 303, `${url} wrote something`);
          }
        },
      ),
      { numRuns: 40 },
    );
    assert.deepEqual(await counts(), before);
  });
});
