/**
 * Drafting a proposal on its page, over the demo: only the partnership's administrator drafts; a
 * refused form names every problem, keeps what was typed and writes nothing; a good one saves the
 * draft and goes to its page; and no form sent gives a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import { rowCount } from '../../test/support/rows.ts';
import { buildTestApp, getPage, postForm, signIn, type Session } from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';

const PASSWORD = 'a long enough password for tests';
const VISION = ['E07000078', 'E07000079', 'E07000080', 'E07000181'];
const NEW = '/partnerships/2020-vision/proposals/new';
const post = (kind: string) => `/partnerships/2020-vision/proposals?change=${kind}`;

describe('drafting a proposal on its page', () => {
  let database: Database;
  let app: FastifyInstance;
  let admin: Session;
  let clerk: Session;
  const org = new Map<string, number>();
  const body = new Map<string, number>();
  let jointCommittee: number;
  let ict: number;

  const written = async () => ({
    proposals: await rowCount(database, 'proposal'),
    audits: await rowCount(database, 'audit_log'),
  });
  const approvals = () =>
    Object.fromEntries(VISION.map((g) => [`approval-${org.get(g)}`, String(body.get(g))]));
  const common = (extra: Record<string, string> = {}) => ({
    _csrf: admin.csrf,
    title: 'Share economic development through the partnership venture',
    'effectiveFrom-day': '1',
    'effectiveFrom-month': '4',
    'effectiveFrom-year': '2030',
    ...approvals(),
    ...extra,
  });
  /** A form with each council ticked, as a browser sends repeated checkboxes. */
  const sendWithCouncils = (url: string, form: Record<string, string>, councils: readonly string[]) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams([
        ...Object.entries(form),
        ...councils.map((c) => ['councils', c]),
      ]).toString(),
    });

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    const { register, governance, auth } = built.services;
    const vision = await register.partnership('2020-vision');
    for (const m of vision.members) if (m.gss) org.set(m.gss, m.orgId);
    jointCommittee = vision.members.find((m) => m.name === '2020 Vision Joint Committee')!.orgId;
    for (const b of await governance.bodies(VISION.map((g) => org.get(g)!)))
      if (b.kind === 'cabinet')
        body.set(
          VISION.find((g) => org.get(g) === b.orgId)!,
          b.bodyId,
        );
    const account = async (email: string, role: 'clerk' | 'partnership_admin', p: number | null) => {
      await auth.createAccount({
        email,
        displayName: email,
        password: PASSWORD,
        grants: [{ orgId: org.get('E07000079')!, role, partnershipId: p, lgslCodes: null }],
      });
      return signIn(app, email, PASSWORD);
    };
    admin = await account('draft.admin@example.org', 'partnership_admin', vision.partnershipId);
    clerk = await account('draft.clerk@example.org', 'clerk', null);
    ict = (
      await governance.draftOptions(
        {
          keeps: [{ partnershipId: vision.partnershipId, orgId: org.get('E07000079')! }],
          accountId: null,
          clerkOf: [],
          orgIds: [],
        },
        '2020-vision',
      )
    ).pools.find((p) => p.name === 'ICT')!.poolId;
  });
  after(async () => {
    await app.close();
    await database.close();
  });

  it('is for the partnership’s administrator: signed out goes to sign in, a clerk is refused', async () => {
    const out = await getPage(app, NEW);
    assert.ok([302, 303].includes(out.statusCode), String(out.statusCode));
    assert.equal((await getPage(app, NEW, clerk)).statusCode, 403);
    const before = await written();
    const sent = await sendWithCouncils(post('arrangement'), { ...common(), _csrf: clerk.csrf }, []);
    assert.equal(sent.statusCode, 403);
    assert.deepEqual(await written(), before);
    const list = await getPage(app, '/partnerships/2020-vision/proposals', admin);
    assert.match(list.body, /href="\/partnerships\/2020-vision\/proposals\/new"/);
    assert.doesNotMatch(
      (await getPage(app, '/partnerships/2020-vision/proposals', clerk)).body,
      /proposals\/new/,
    );
  });

  it('asks first what the proposal changes, then shows the form for that kind', async () => {
    const choose = await getPage(app, NEW, admin);
    assert.equal(choose.statusCode, 200);
    assert.match(choose.body, /What does the proposal change\?/);
    for (const kind of ['arrangement', 'allocation_rule', 'join', 'leave'])
      assert.match(choose.body, new RegExp(`value="${kind}"`));
    const form = await getPage(app, `${NEW}?change=arrangement`, admin);
    assert.match(form.body, /Councils whose arrangement changes/);
    assert.match(form.body, /Cheltenham Borough Council/);
    assert.match(
      (await getPage(app, `${NEW}?change=allocation_rule`, admin)).body,
      /<option value="\d+">ICT<\/option>/,
    );
  });

  it('names every problem of a bad form, keeps what was typed, and writes nothing', async () => {
    const before = await written();
    const sent = await sendWithCouncils(
      post('arrangement'),
      common({
        title: 'Kept as typed',
        'effectiveFrom-day': '31',
        'effectiveFrom-month': '2',
        service: '',
        mode: '',
      }),
      [],
    );
    assert.equal(sent.statusCode, 400);
    assert.match(sent.body, /There is a problem/);
    assert.match(sent.body, /The date it takes effect must be a real date/);
    assert.match(sent.body, /Select each council whose arrangement changes/);
    assert.match(sent.body, /value="Kept as typed"/);
    assert.deepEqual(await written(), before);

    const partial = await sendWithCouncils(
      post('allocation_rule'),
      common({ 'effectiveFrom-day': '', pool: String(ict), ruleKind: 'fixed', 'share-E07000078': '60' }),
      [],
    );
    assert.equal(partial.statusCode, 400);
    assert.match(partial.body, /The date it takes effect must include a day/);
    assert.doesNotMatch(
      partial.body,
      /The rule must be an object/,
      'a rule the page could not read is said once',
    );
    assert.match(partial.body, /Enter Cotswold District Council(&#39;|')s share as a percentage/);
    assert.deepEqual(await written(), before);

    const stranger = await sendWithCouncils(post('join'), common({ council: 'E99999999' }), []);
    assert.equal(stranger.statusCode, 400);
    assert.match(stranger.body, /There is no council with the code (&quot;|")E99999999/);
    const noCsrf = await sendWithCouncils(
      post('leave'),
      { ...common(), _csrf: '', council: String(org.get('E07000181')) },
      [],
    );
    assert.equal(noCsrf.statusCode, 403);
    assert.deepEqual(await written(), before);
  });

  it('saves a good draft and shows it with what it changes', async () => {
    const before = await written();
    const sent = await sendWithCouncils(
      post('arrangement'),
      common({
        service: '347',
        mode: 'shared_venture',
        level: 'district',
        provider: String(jointCommittee),
        matters: 'Fees and charges\n',
      }),
      VISION.map((g) => String(org.get(g))),
    );
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 400));
    const href = String(sent.headers.location);
    assert.match(href, /^\/proposals\/[0-9a-f-]{36}\?done=drafted$/);
    assert.equal((await written()).proposals, before.proposals + 1);
    const page = await getPage(app, href, admin);
    assert.match(page.body, /The draft is saved/);
    assert.match(page.body, /Shared through the partnership venture: 2020 Vision Joint Committee/);

    const rule = await sendWithCouncils(
      post('allocation_rule'),
      common({
        title: 'ICT in quarters',
        pool: String(ict),
        ruleKind: 'fixed',
        ...Object.fromEntries(VISION.map((g) => [`share-${g}`, '25'])),
      }),
      [],
    );
    assert.equal(rule.statusCode, 303, rule.body.slice(0, 400));
    const rulePage = await getPage(app, String(rule.headers.location), admin);
    assert.match(rulePage.body, /How ICT is shared/);
    assert.match(rulePage.body, /Cheltenham Borough Council 25\.00%/);
  });

  it('answers any form with a page, never a 500', async () => {
    const kinds = fc.constantFrom(
      'arrangement',
      'allocation_rule',
      'join',
      'leave',
      '',
      'x%00',
      'join&change=leave',
    );
    const field = fc.constantFrom(
      'title',
      'service',
      'mode',
      'provider',
      'pool',
      'ruleKind',
      'json',
      'council',
      'councils',
      'effectiveFrom-day',
      `approval-${org.get('E07000078')}`,
      'tolerance',
      'role',
      'area',
    );
    await fc.assert(
      fc.asyncProperty(
        kinds,
        fc.dictionary(field, fc.string({ maxLength: 40 }), { maxKeys: 8 }),
        async (kind, form) => {
          const sent = await postForm(
            app,
            `/partnerships/2020-vision/proposals?change=${encodeURIComponent(kind)}`,
            admin,
            { _csrf: admin.csrf, ...form },
          );
          assert.ok(sent.statusCode < 500, `${sent.statusCode} for ${kind} ${JSON.stringify(form)}`);
        },
      ),
      { numRuns: 40 },
    );
    for (const url of [
      `${NEW}?change=%00`,
      `${NEW}?change=${'x'.repeat(500)}`,
      '/partnerships/NOT_A_SLUG/proposals/new',
    ])
      assert.ok((await getPage(app, url, admin)).statusCode < 500, url);
  });
});
