/**
 * Revising an option of the 2020 Vision appraisal over the demo: the keeper changes its ratings and
 * shortlisting, the scores and ranks follow (`scoreOptions`), the change is audited with before and
 * after, who and when; a clerk, the public and another partnership's keeper are refused, bad ratings
 * and a stale form write nothing; and the page's form shows each mistake and refuses a forged form.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  getPage,
  hiddenFields,
  openDemoApp,
  postForm,
  signIn,
  type Session,
} from '../../test/support/app.ts';
import { rowCount } from '../../test/support/rows.ts';
import type { AppServices } from '../app/services.ts';
import type { Database } from '../db/engine.ts';
import { withSystem } from '../db/index.ts';
import { DEMO_PASSWORD } from '../demo/accounts.ts';
import { ProblemError } from '../platform/index.ts';
import { scoreOptions, type AppraisalView } from './appraisal.service.ts';
import { NOBODY, type GovernanceActor } from './governance-actor.ts';

const PASSWORD = 'a long enough password for the appraisal forms';
const COTSWOLD = 'E07000079';
const LIST = '/partnerships/2020-vision/appraisals';

const refused = (work: Promise<unknown>, status: number, what = '') =>
  assert.rejects(work, (e: unknown) => e instanceof ProblemError && e.status === status, `${status} ${what}`);

describe("revising an appraisal's options", () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let close: () => Promise<void>;
  let keeper: GovernanceActor;
  let devonKeeper: GovernanceActor;
  let cotswold: number;
  const sessions = {} as Record<'admin' | 'clerk', Session>;

  const counts = async () => ({
    options: await rowCount(database, 'appraisal_option'),
    audits: await rowCount(database, 'audit_log'),
  });
  const appraisal = async (actor: GovernanceActor = NOBODY): Promise<AppraisalView> =>
    (await services.appraisals.appraisals('2020-vision', actor))[0]!;
  const storedOptions = () =>
    withSystem(database.db, (tx) =>
      tx.selectFrom('appraisal_option').selectAll().orderBy('appraisal_id').orderBy('position').execute(),
    );

  before(async () => {
    ({ database, app, services, close } = await openDemoApp());
    const vision = await services.register.partnership('2020-vision');
    const devon = await services.register.partnership('integrated-devon');
    cotswold = (await services.register.organisation(COTSWOLD)).orgId;
    const account = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('account')
        .select('account_id')
        .where('email', '=', 'admin.2020vision@example.org')
        .executeTakeFirstOrThrow(),
    );
    keeper = {
      ...NOBODY,
      accountId: account.account_id,
      keeps: [{ partnershipId: vision.partnershipId, orgId: cotswold }],
    };
    devonKeeper = {
      ...NOBODY,
      keeps: [
        { partnershipId: devon.partnershipId, orgId: (await services.register.organisation('devon')).orgId },
      ],
    };
    await services.auth.createAccount({
      email: 'clerk.cotswold.appraisal@example.org',
      displayName: 'Democratic services, Cotswold',
      password: PASSWORD,
      grants: [{ orgId: cotswold, role: 'clerk', partnershipId: null, lgslCodes: null }],
    });
    sessions.admin = await signIn(app, 'admin.2020vision@example.org', DEMO_PASSWORD);
    sessions.clerk = await signIn(app, 'clerk.cotswold.appraisal@example.org', PASSWORD);
  });
  after(() => close?.());

  it('lets the keeper alone revise an option, scores it again and audits it; bad or stale input writes nothing', async () => {
    const view = await appraisal(keeper);
    assert.equal(view.mayKeep, true);
    assert.equal((await appraisal()).mayKeep, false);
    const make = view.options.find((o) => o.kind === 'make')!;
    const input = { ratings: ['high', 'high', 'high', 'high'], shortlisted: true, version: make.version };
    const before = await counts();
    const rows = await storedOptions();
    const clerk = { ...NOBODY, clerkOf: [cotswold], orgIds: [cotswold] };
    const revise = (
      actor: GovernanceActor,
      change: object = {},
      slug = '2020-vision',
      position = make.position,
    ) => services.appraisals.reviseOption(actor, slug, view.appraisalId, position, { ...input, ...change });
    await refused(revise(clerk), 403, 'a clerk');
    await refused(revise(NOBODY), 403, 'the public');
    await refused(revise(devonKeeper, {}, 'integrated-devon'), 404, "another partnership's appraisal");
    await refused(revise(keeper, {}, '2020-vision', 99), 404, 'no such option');
    await refused(revise(keeper, { ratings: ['high', 'high', 'high'] }), 400, 'too few ratings');
    await refused(revise(keeper, { ratings: ['high', 'high', 'high', 'top'] }), 400, 'not a rating');
    await refused(revise(keeper, { ratings: ['high', 'high', 'high', 'high', 'low'] }), 400, 'too many');
    await refused(revise(keeper, { shortlisted: null }), 400, 'shortlisting not said');
    await refused(revise(keeper, { version: 'stale' }), 409, 'a stale form');
    assert.deepEqual(await counts(), before, 'nothing written');
    assert.deepEqual(await storedOptions(), rows);

    const revised = await revise(keeper);
    const option = revised.options.find((o) => o.position === make.position)!;
    assert.deepEqual(option.scores, [3, 3, 3, 3]);
    assert.equal(option.total, 12);
    assert.equal(option.rank, 1);
    assert.equal(option.shortlisted, true);
    const expected = scoreOptions(
      revised.outcomes,
      revised.options.map((o) => ({
        kind: o.kind,
        name: o.name,
        shortlisted: o.shortlisted,
        ratings: o.ratings,
      })),
    );
    assert.deepEqual(
      revised.options.map((o) => [o.total, o.rank]),
      expected.map((o) => [o.total, o.rank]),
    );
    assert.deepEqual(await counts(), { options: before.options, audits: before.audits + 1 });
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'appraisal_option')
      .where('entity_key', '=', `${view.appraisalId}:${make.position}`)
      .executeTakeFirstOrThrow();
    assert.equal(audit.account_id, keeper.accountId);
    assert.equal(audit.org_id, cotswold);
    assert.ok(Date.now() - new Date(audit.occurred_at).getTime() < 60_000, 'when');
    assert.deepEqual(audit.before, { ratings: make.ratings, shortlisted: make.shortlisted });
    assert.deepEqual(audit.after, { ratings: input.ratings, shortlisted: true });

    await refused(revise(keeper, { ratings: ['low', 'low', 'low', 'low'] }), 409, 'the same form again');
    assert.deepEqual(
      (await appraisal()).options.find((o) => o.position === make.position)!.ratings,
      input.ratings,
    );
  });

  it('revises through the page: linked for the keeper, mistakes shown with choices kept, forged form refused', async () => {
    const list = await getPage(app, LIST, sessions.admin);
    const view = await appraisal(keeper);
    const buy = view.options.find((o) => o.kind === 'buy')!;
    const href = `${LIST}/${view.appraisalId}/options/${buy.position}`;
    assert.ok(list.body.includes(`href="${href}"`), 'linked from the report');
    assert.ok(!(await getPage(app, LIST)).body.includes(href), 'not for the public');
    assert.equal((await getPage(app, href, sessions.clerk)).statusCode, 403);
    assert.equal(
      (await getPage(app, `${LIST}/${view.appraisalId}/options/77`, sessions.admin)).statusCode,
      404,
    );
    assert.equal(
      (await getPage(app, `${LIST}/${view.appraisalId}/options/x`, sessions.admin)).statusCode,
      400,
    );

    const form = await getPage(app, href, sessions.admin);
    assert.equal(form.statusCode, 200);
    const { version, _csrf } = hiddenFields(form.body);
    const good = {
      _csrf: _csrf!,
      version: version!,
      'rating-0': 'medium',
      'rating-1': 'medium',
      'rating-2': 'low',
      'rating-3': 'high',
      shortlisted: 'no',
    };
    const before = await counts();
    for (const [change, field] of [
      [{ 'rating-0': '' }, 'rating-0'],
      [{ 'rating-3': 'best' }, 'rating-3'],
      [{ shortlisted: 'perhaps' }, 'shortlisted'],
    ] as const) {
      const response = await postForm(app, href, sessions.admin, { ...good, ...change });
      assert.equal(response.statusCode, 400, field);
      assert.match(response.body, new RegExp(`<a href="#${field}">`), field);
      assert.match(response.body, /name="rating-2" type="radio" value="low" checked/, 'choices kept');
    }
    assert.equal((await postForm(app, href, sessions.admin, { ...good, _csrf: 'forged' })).statusCode, 403);
    assert.equal(
      (await postForm(app, href, sessions.clerk, { ...good, _csrf: sessions.clerk.csrf })).statusCode,
      403,
    );
    assert.deepEqual(await counts(), before, 'nothing written');

    const saved = await postForm(app, href, sessions.admin, good);
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${LIST}?done=revised`);
    assert.match(
      (await getPage(app, String(saved.headers.location), sessions.admin)).body,
      /ratings are saved/,
    );
    const now = (await appraisal()).options.find((o) => o.position === buy.position)!;
    assert.deepEqual([now.ratings, now.total], [['medium', 'medium', 'low', 'high'], 8]);

    const stale = await postForm(app, href, sessions.admin, { ...good, 'rating-0': 'low' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /revised by someone else after you opened the form/);
    assert.equal((await appraisal()).options.find((o) => o.position === buy.position)!.ratings[0], 'medium');
  });
});
