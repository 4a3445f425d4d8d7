/**
 * The proposal pages over the demo: a partnership's list and a proposal's page for the public,
 * drafts kept from them, a council's democratic services officer recording its decision (and only
 * its own), the administrator submitting and withdrawing, every refused form shown again with its
 * messages and what was typed, with nothing written; and no parameter that gives a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import { rowCount } from '../../test/support/rows.ts';
import { buildTestApp, getPage, postForm, signIn, type Session } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import type { Database } from '../db/engine.ts';
import { withSystem } from '../db/index.ts';
import { NOBODY, type GovernanceActor } from './governance-actor.ts';
import { dateFrom } from '../platform/index.ts';
import type { ProposalInput } from './proposal.service.ts';

const PASSWORD = 'a long enough password for tests';
const VISION = ['E07000078', 'E07000079', 'E07000080', 'E07000181'];
const ECONOMIC_DEVELOPMENT = 347;
const SOVEREIGN_POLICY = 'Matters of policy over which the council keeps independent decision-making';

describe('reading a date from a date input', () => {
  it('gives the ISO date, or says what is missing or wrong', () => {
    const v = (day: string, month: string, year: string) => ({
      'd-day': day,
      'd-month': month,
      'd-year': year,
    });
    assert.deepEqual(dateFrom(v('1', '6', '2026'), 'd', 'the date'), { iso: '2026-06-01' });
    assert.match(dateFrom(v('', '', ''), 'd', 'the date').error ?? '', /^Enter the date$/);
    assert.match(dateFrom(v('1', '', ''), 'd', 'the date').error ?? '', /must include a month and year/);
    assert.match(dateFrom(v('30', '2', '2026'), 'd', 'the date').error ?? '', /must be a real date/);
    assert.match(dateFrom(v('x', '2', '2026'), 'd', 'the date').error ?? '', /must be a real date/);
  });
});

describe('the proposal pages', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  const org = new Map<string, number>();
  const cabinet = new Map<string, number>();
  let keeper: GovernanceActor;
  let devonId: string;
  let draftId: string;
  let openId: string;
  const sessions: Record<'admin' | 'cotswold' | 'cheltenham' | 'devonAdmin', Session> = {} as never;

  const count = (table: 'proposal_decision' | 'proposal' | 'arrangement' | 'audit_log') =>
    rowCount(database, table);
  const counts = async () => ({
    decisions: await count('proposal_decision'),
    proposals: await count('proposal'),
    arrangements: await count('arrangement'),
    audits: await count('audit_log'),
  });
  const submittedState = async (id: string) =>
    withSystem(database.db, (tx) =>
      tx
        .selectFrom('proposal')
        .select(['submitted_at', 'withdrawn_at'])
        .where('proposal_id', '=', id)
        .executeTakeFirstOrThrow(),
    );

  const share = (title: string, code = ECONOMIC_DEVELOPMENT): ProposalInput => ({
    title,
    effectiveFrom: '2030-04-01',
    changes: VISION.map((gss) => ({
      orgId: org.get(gss)!,
      lgslCode: code,
      mode: 'shared_venture',
      level: 'district',
      providerOrgId: org.get('joint committee')!,
    })),
    approvals: VISION.map((gss) => ({ orgId: org.get(gss)!, bodyId: cabinet.get(gss)! })),
  });
  const decisionForm = (session: Session, gss: string, extra: Record<string, string> = {}) => ({
    _csrf: session.csrf,
    approval: `${org.get(gss)}:${cabinet.get(gss)}`,
    decision: 'approved',
    'decidedOn-day': '1',
    'decidedOn-month': '7',
    'decidedOn-year': '2026',
    minute: `CAB ${gss}`,
    ...extra,
  });

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    services = built.services;
    const { register, governance, auth } = services;
    const vision = await register.partnership('2020-vision');
    for (const m of vision.members) {
      if (m.gss) org.set(m.gss, m.orgId);
      if (m.name === '2020 Vision Joint Committee') org.set('joint committee', m.orgId);
    }
    for (const b of await governance.bodies(VISION.map((g) => org.get(g)!)))
      if (b.kind === 'cabinet')
        cabinet.set(
          VISION.find((g) => org.get(g) === b.orgId)!,
          b.bodyId,
        );
    const cotswold = org.get('E07000079')!;
    keeper = { ...NOBODY, keeps: [{ partnershipId: vision.partnershipId, orgId: cotswold }] };
    const devon = await register.partnership('integrated-devon');
    const account = async (
      email: string,
      orgId: number,
      role: 'clerk' | 'partnership_admin',
      p: number | null,
    ) => {
      await auth.createAccount({
        email,
        displayName: email,
        password: PASSWORD,
        grants: [{ orgId, role, partnershipId: p, lgslCodes: null }],
      });
      return signIn(app, email, PASSWORD);
    };
    sessions.admin = await account(
      'test.admin.vision@example.org',
      cotswold,
      'partnership_admin',
      vision.partnershipId,
    );
    sessions.cotswold = await account('test.clerk.cotswold@example.org', cotswold, 'clerk', null);
    sessions.cheltenham = await account(
      'test.clerk.cheltenham@example.org',
      org.get('E07000078')!,
      'clerk',
      null,
    );
    const devonCounty = devon.members.find((m) => m.gss === 'E10000008')!.orgId;
    sessions.devonAdmin = await account(
      'test.admin.devon@example.org',
      devonCounty,
      'partnership_admin',
      devon.partnershipId,
    );
    devonId = (await governance.proposals(NOBODY, 'integrated-devon'))[0]!.id;
    draftId = (await governance.create(keeper, '2020-vision', share('A draft kept from the public'))).id;
    openId = (await governance.create(keeper, '2020-vision', share('Share economic development'))).id;
    await governance.submit(keeper, openId, {
      by: '2020 Vision Joint Committee',
      on: '2026-06-01',
      minute: 'JC 12/26',
    });
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it("lists a partnership's published proposals for the public, with their state and what they wait for", async () => {
    const page = await getPage(app, '/partnerships/integrated-devon/proposals');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1 class="govuk-heading-xl">Proposals that change the register<\/h1>/);
    assert.ok(page.body.includes(`href="/proposals/${devonId}"`), 'the demo proposal is linked');
    assert.match(page.body, /South cluster: one licensing team/);
    assert.match(page.body, /<strong class="govuk-tag">\s*Awaiting decisions\s*<\/strong>/);
    assert.match(page.body, /1 April 2027/);
    assert.match(page.body, /Waiting for the decision of Teignbridge District Council \(Executive\)/);
    const register = await getPage(app, '/partnerships/integrated-devon');
    assert.ok(
      register.body.includes('href="/partnerships/integrated-devon/proposals"'),
      'linked from the register',
    );
  });

  it('shows a proposal to the public: its changes before and after, approvals and why, and no forms', async () => {
    const page = await getPage(app, `/proposals/${devonId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /This proposal is illustrative/);
    assert.match(page.body, /Devon Local Government Steering Group/);
    assert.match(page.body, /Waiting for: Waiting for the decision of Teignbridge District Council/);
    assert.match(page.body, /Each change to the register, before and after/);
    assert.match(page.body, /Delivered by a joint team: Teignbridge District Council, per cluster/);
    assert.match(page.body, /Not yet decided/);
    assert.match(page.body, /Listed; it touches a reserved matter: Licensing decisions/);
    assert.match(page.body, /Hub Committee/);
    assert.doesNotMatch(page.body, /action="\/proposals\//, 'no form for the public');
    assert.doesNotMatch(
      page.body,
      /name="_csrf"[^>]*>\s*<div class="govuk-form-group">\s*<label[^>]*for="approval"/,
    );
  });

  it('keeps a draft from the public and from the list, and shows it to its keeper with the submit form', async () => {
    assert.equal((await getPage(app, `/proposals/${draftId}`)).statusCode, 404);
    const list = await getPage(app, '/partnerships/2020-vision/proposals');
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(draftId), 'the draft is not listed');
    assert.ok(list.body.includes(openId), 'the submitted one is');
    const own = await getPage(app, `/proposals/${draftId}`, sessions.admin);
    assert.equal(own.statusCode, 200);
    assert.ok(own.body.includes(`action="/proposals/${draftId}/submit"`));
    assert.ok(own.body.includes(`action="/proposals/${draftId}/withdraw"`));
    assert.ok(!own.body.includes(`action="/proposals/${draftId}/decisions"`));
    const listed = await getPage(app, '/partnerships/2020-vision/proposals', sessions.admin);
    assert.ok(listed.body.includes(draftId), 'the keeper sees the draft in the list');
    assert.equal((await getPage(app, '/partnerships/no-such-partnership/proposals')).statusCode, 404);
    const cotswold = org.get('E07000079')!;
    const reserved = await services.governance.create(keeper, '2020-vision', {
      ...share('Building control policy for Cotswold', 499),
      changes: [{ ...share('x', 499).changes[1]!, matters: [SOVEREIGN_POLICY] }],
      approvals: [{ orgId: cotswold, bodyId: cabinet.get('E07000079')! }],
    });
    const asked = await getPage(app, `/proposals/${reserved.id}`, sessions.admin);
    assert.match(asked.body, /Reserved matter: Matters of policy over which the council keeps/);
    assert.match(asked.body, /Listed; it touches a reserved matter: Matters of policy/);
  });

  it("gives a council's democratic services officer the form for their own council only", async () => {
    const page = await getPage(app, `/proposals/${openId}`, sessions.cotswold);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`action="/proposals/${openId}/decisions"`));
    assert.ok(page.body.includes(`value="${org.get('E07000079')}:${cabinet.get('E07000079')}"`));
    assert.ok(!page.body.includes(`value="${org.get('E07000078')}:${cabinet.get('E07000078')}"`));
    assert.ok(!page.body.includes(`/proposals/${openId}/withdraw`), 'a clerk does not keep the proposal');
    const devon = await getPage(app, `/proposals/${devonId}`, sessions.cheltenham);
    assert.equal(devon.statusCode, 200);
    assert.ok(!devon.body.includes('/decisions"'), 'no form on a proposal that does not ask their council');
  });

  it('refuses a decision from the officer of another council, and writes nothing', async () => {
    const before = await counts();
    const forCotswold = await postForm(
      app,
      `/proposals/${openId}/decisions`,
      sessions.cheltenham,
      decisionForm(sessions.cheltenham, 'E07000079'),
    );
    assert.equal(forCotswold.statusCode, 403);
    assert.match(forCotswold.body, /Only the council itself records its decision/);
    const devon = await services.governance.proposal(NOBODY, devonId);
    const teignbridge = devon.approvals.find((a) => a.council.gss === 'E07000045')!;
    const onDevon = await postForm(app, `/proposals/${devonId}/decisions`, sessions.cheltenham, {
      ...decisionForm(sessions.cheltenham, 'E07000078'),
      approval: `${teignbridge.council.orgId}:${teignbridge.body.bodyId}`,
    });
    assert.equal(onDevon.statusCode, 403);
    const byAdmin = await postForm(
      app,
      `/proposals/${openId}/decisions`,
      sessions.admin,
      decisionForm(sessions.admin, 'E07000079'),
    );
    assert.equal(byAdmin.statusCode, 403, 'not even the administrator records a council’s decision');
    const withoutToken = await postForm(app, `/proposals/${openId}/decisions`, sessions.cotswold, {
      ...decisionForm(sessions.cotswold, 'E07000079'),
      _csrf: 'not-the-token',
    });
    assert.equal(withoutToken.statusCode, 403);
    const signedOut = await app.inject({
      method: 'POST',
      url: `/proposals/${openId}/decisions`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(decisionForm(sessions.cotswold, 'E07000079')).toString(),
    });
    assert.ok([302, 303, 401, 403].includes(signedOut.statusCode), String(signedOut.statusCode));
    assert.deepEqual(await counts(), before);
  });

  it('shows a decision with mistakes again with every message and what was typed, and writes nothing', async () => {
    const before = await counts();
    const notes = 'n'.repeat(2001);
    const response = await postForm(app, `/proposals/${openId}/decisions`, sessions.cotswold, {
      ...decisionForm(sessions.cotswold, 'E07000079'),
      decision: '',
      'decidedOn-day': '30',
      'decidedOn-month': '2',
      'decidedOn-year': '2026',
      minute: '',
      paper: 'Report of the Chief Executive',
      notes,
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<title>Error: /);
    assert.match(response.body, /govuk-error-summary/);
    const hrefs = [...response.body.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(hrefs.slice(0, 4), ['decision', 'decidedOn-day', 'minute', 'notes']);
    assert.match(response.body, /The date of the decision must be a real date/);
    assert.match(response.body, /Select the decision/);
    assert.match(response.body, /Enter the minute reference/);
    assert.ok(response.body.includes(`>${notes}</textarea>`), 'the notes are kept whole');
    assert.ok(response.body.includes('value="Report of the Chief Executive"'));
    assert.match(response.body, /name="decidedOn-day" type="text" value="30"|value="30"/);
    const future = await postForm(app, `/proposals/${openId}/decisions`, sessions.cotswold, {
      ...decisionForm(sessions.cotswold, 'E07000079'),
      'decidedOn-year': '2099',
    });
    assert.equal(future.statusCode, 400);
    assert.match(future.body, /cannot be in the future/);
    const early = await postForm(app, `/proposals/${openId}/decisions`, sessions.cotswold, {
      ...decisionForm(sessions.cotswold, 'E07000079'),
      'decidedOn-month': '5',
    });
    assert.equal(early.statusCode, 400);
    assert.match(early.body, /before the recommendation/);
    const wrongBody = await postForm(app, `/proposals/${openId}/decisions`, sessions.cotswold, {
      ...decisionForm(sessions.cotswold, 'E07000079'),
      approval: `${org.get('E07000079')}:${cabinet.get('E07000078')}`,
    });
    assert.equal(wrongBody.statusCode, 400);
    assert.match(wrongBody.body, /href="#approval"/);
    const huge = await postForm(app, `/proposals/${openId}/decisions`, sessions.cotswold, {
      ...decisionForm(sessions.cotswold, 'E07000079'),
      minute: 'm'.repeat(20_000),
    });
    assert.equal(huge.statusCode, 400);
    assert.match(huge.body, /The minute reference must be 200 characters or fewer/);
    assert.deepEqual(await counts(), before);
  });

  it('records a decision and shows it with the success banner', async () => {
    const before = await count('proposal_decision');
    const response = await postForm(
      app,
      `/proposals/${openId}/decisions`,
      sessions.cotswold,
      decisionForm(sessions.cotswold, 'E07000079', { decision: 'deferred', notes: 'To the next meeting' }),
    );
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/proposals/${openId}?done=decision`);
    assert.equal((await count('proposal_decision')) - before, 1);
    const page = await getPage(app, response.headers.location, sessions.cotswold);
    assert.match(page.body, /govuk-notification-banner--success/);
    assert.match(page.body, /The decision is recorded\./);
    assert.match(page.body, /Cotswold District Council: Cabinet/);
    assert.match(page.body, /Deferred/);
    assert.match(page.body, /CAB E07000079/);
    assert.match(page.body, /To the next meeting/);
    assert.match(page.body, /Cotswold District Council \(Cabinet, deferred\)/);
  });

  it('lets the keeper submit and withdraw, showing mistakes with what was typed', async () => {
    const before = await counts();
    const bad = await postForm(app, `/proposals/${draftId}/submit`, sessions.admin, {
      _csrf: sessions.admin.csrf,
      recommendedBy: '2020 Vision Joint Committee',
      'recommendedOn-day': '1',
      'recommendedOn-month': '',
      'recommendedOn-year': '2026',
      recommendationMinute: '',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#recommendedOn-day"/);
    assert.match(bad.body, /must include a month/);
    assert.match(bad.body, /href="#recommendationMinute"/);
    assert.ok(bad.body.includes('value="2020 Vision Joint Committee"'));
    const byClerk = await postForm(app, `/proposals/${draftId}/submit`, sessions.cotswold, {
      _csrf: sessions.cotswold.csrf,
      recommendedBy: 'x',
      'recommendedOn-day': '1',
      'recommendedOn-month': '6',
      'recommendedOn-year': '2026',
      recommendationMinute: 'x',
    });
    assert.equal(byClerk.statusCode, 403);
    const emptyReason = await postForm(app, `/proposals/${draftId}/withdraw`, sessions.admin, {
      _csrf: sessions.admin.csrf,
      reason: '   ',
    });
    assert.equal(emptyReason.statusCode, 400);
    assert.match(emptyReason.body, /href="#reason"/);
    assert.deepEqual(await counts(), before);
    assert.equal((await submittedState(draftId)).submitted_at, null);

    const submitted = await postForm(app, `/proposals/${draftId}/submit`, sessions.admin, {
      _csrf: sessions.admin.csrf,
      recommendedBy: '2020 Vision Joint Committee',
      'recommendedOn-day': '1',
      'recommendedOn-month': '6',
      'recommendedOn-year': '2026',
      recommendationMinute: 'JC 13/26',
    });
    assert.equal(submitted.statusCode, 303);
    const page = await getPage(app, `/proposals/${draftId}?done=submitted`);
    assert.equal(page.statusCode, 200, 'published once submitted');
    assert.match(page.body, /The proposal is submitted/);
    assert.match(page.body, /2020 Vision Joint Committee, 1 June 2026, minute JC 13\/26/);
    const twice = await postForm(app, `/proposals/${draftId}/submit`, sessions.admin, {
      _csrf: sessions.admin.csrf,
      recommendedBy: 'x',
      'recommendedOn-day': '1',
      'recommendedOn-month': '6',
      'recommendedOn-year': '2026',
      recommendationMinute: 'x',
    });
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /href="#submit"/);
    assert.match(twice.body, /no longer a draft/);

    const withdrawn = await postForm(app, `/proposals/${draftId}/withdraw`, sessions.admin, {
      _csrf: sessions.admin.csrf,
      reason: 'Superseded by the company model',
    });
    assert.equal(withdrawn.statusCode, 303);
    const gone = await getPage(app, `/proposals/${draftId}?done=withdrawn`, sessions.admin);
    assert.match(gone.body, /The proposal is withdrawn/);
    assert.match(gone.body, /Superseded by the company model/);
    assert.ok(!gone.body.includes(`/proposals/${draftId}/withdraw"`), 'no withdraw form once withdrawn');
    const decideWithdrawn = await postForm(
      app,
      `/proposals/${draftId}/decisions`,
      sessions.cotswold,
      decisionForm(sessions.cotswold, 'E07000079'),
    );
    assert.equal(decideWithdrawn.statusCode, 409);
    assert.match(decideWithdrawn.body, /withdrawn/);
  });

  it('answers nasty ids, slugs and forms with a 4xx page, never a 500, and writes nothing', async () => {
    const before = await counts();
    const ids = [
      'nonsense',
      '00000000-0000-0000-0000-000000000000',
      `${openId.toUpperCase()}x`,
      "' or 1=1 --",
      '%00',
      '%E2%80%AE',
      '..%2F..%2Fetc%2Fpasswd',
      '9'.repeat(400),
      encodeURIComponent('☃'.repeat(50)),
      '1e400',
    ];
    for (const id of ids) {
      for (const session of [undefined, sessions.cotswold]) {
        const page = await getPage(app, `/proposals/${id}`, session);
        assert.ok(page.statusCode >= 400 && page.statusCode < 500, `${id}: ${page.statusCode}`);
        if (session) {
          for (const action of ['decisions', 'submit', 'withdraw']) {
            const post = await postForm(app, `/proposals/${id}/${action}`, session, { _csrf: session.csrf });
            assert.ok(post.statusCode >= 400 && post.statusCode < 500, `${id}/${action}: ${post.statusCode}`);
          }
        }
      }
    }
    for (const slug of [
      'NO',
      '-x',
      'a'.repeat(300),
      '%00',
      encodeURIComponent("x' or '1"),
      '2020-vision%2F..',
    ]) {
      const page = await getPage(app, `/partnerships/${slug}/proposals`);
      assert.ok(page.statusCode >= 400 && page.statusCode < 500, `${slug}: ${page.statusCode}`);
    }
    const odd = await getPage(app, `/proposals/${openId}?done=decision&done=x`);
    assert.equal(odd.statusCode, 200);
    const bodies: Array<{ payload: string; type: string }> = [
      { payload: 'approval=1&approval=2&decision=approved', type: 'application/x-www-form-urlencoded' },
      {
        payload: 'approval=99999999999999999999:1&decision=approved',
        type: 'application/x-www-form-urlencoded',
      },
      {
        payload: 'approval=-1:-1&decision=maybe&decidedOn-day=1e400',
        type: 'application/x-www-form-urlencoded',
      },
      { payload: 'minute=a%00b', type: 'application/x-www-form-urlencoded' },
      { payload: '"just a string"', type: 'application/json' },
      { payload: '{"approval": {"a": 1}, "minute": [1,2]}', type: 'application/json' },
    ];
    for (const { payload, type } of bodies) {
      for (const action of ['decisions', 'submit', 'withdraw']) {
        const separator = type.includes('json') ? '' : '&';
        const response = await app.inject({
          method: 'POST',
          url: `/proposals/${openId}/${action}`,
          headers: {
            cookie: sessions.cotswold.cookie,
            'content-type': type,
            'x-csrf-token': sessions.cotswold.csrf,
          },
          payload: type.includes('json')
            ? payload
            : `${payload}${separator}_csrf=${encodeURIComponent(sessions.cotswold.csrf)}`,
        });
        assert.ok(
          response.statusCode >= 400 && response.statusCode < 500,
          `${action} ${payload}: ${response.statusCode} ${response.body.slice(0, 200)}`,
        );
      }
    }
    assert.deepEqual(await counts(), before);
  });
});
