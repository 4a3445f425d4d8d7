/**
 * Reviewing the risks of a partnership's log, and adding one, over the demo: the rules of a review
 * (pure), the keeper's review written once with its audit row (before and after, who and when), a
 * review made from an older reading refused without overwriting, refusals for a council's clerk,
 * the public and another partnership's keeper, bad input in each field writing nothing, and the
 * pages' forms (error summary, what was typed kept, CSRF refused).
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
import { ProblemError, todayInLondon } from '../platform/index.ts';
import { NOBODY, OPERATOR, type GovernanceActor } from './governance-actor.ts';
import { reviewProblems, riskVersion, type RiskReviewInput, type RiskView } from './risk.service.ts';

const PASSWORD = 'a long enough password for the risk forms';
const COTSWOLD = 'E07000079';
const LOG = '/partnerships/2020-vision/risks';

const refused = (work: Promise<unknown>, status: number, what = '') =>
  assert.rejects(work, (e: unknown) => e instanceof ProblemError && e.status === status, `${status} ${what}`);

const GOOD = {
  owner: 'Programme Board',
  inherent: { likelihood: 4, impact: 4 },
  residual: { likelihood: 2, impact: 3 },
  treatment: 'treat',
  treatmentNotes: 'Pension strain costs shared by agreement.',
  reviewedOn: '2026-01-10',
  nextReviewOn: '2026-04-10',
};

describe('the rules of a risk review', () => {
  it('takes whole scores from 1 to 5, one of the four treatments, an owner and dates in order', () => {
    assert.deepEqual(reviewProblems(GOOD, '2026-02-01'), {});
    const bad = reviewProblems(
      {
        owner: ' ',
        inherent: { likelihood: 0, impact: 2.5 },
        residual: { likelihood: 6, impact: Number.NaN },
        treatment: 'ignore',
        treatmentNotes: 'x'.repeat(4001),
        reviewedOn: '2026-03-01',
        nextReviewOn: '2026-03-01',
      },
      '2026-02-01',
    );
    assert.deepEqual(Object.keys(bad).sort(), [
      'inherent.impact',
      'inherent.likelihood',
      'nextReviewOn',
      'owner',
      'residual.impact',
      'residual.likelihood',
      'reviewedOn',
      'treatment',
      'treatmentNotes',
    ]);
    assert.match(bad.reviewedOn!, /cannot be in the future/);
    assert.match(
      reviewProblems({ ...GOOD, nextReviewOn: '2026-01-09' }, '2026-02-01').nextReviewOn!,
      /after/,
    );
    assert.match(
      reviewProblems({ ...GOOD, reviewedOn: '2026-02-30' }, '2026-03-01').reviewedOn!,
      /real date/,
    );
  });

  it('gives the same version to the same values, whichever way the engine returns a score', () => {
    const row = {
      owner: 'A',
      inherent_likelihood: 3,
      inherent_impact: 4,
      residual_likelihood: 2,
      residual_impact: 2,
      treatment: 'treat' as const,
      treatment_notes: '',
      last_reviewed_on: null,
      next_review_on: '2026-01-01',
    };
    assert.equal(riskVersion(row), riskVersion({ ...row, inherent_impact: '4' as unknown as number }));
    assert.notEqual(riskVersion(row), riskVersion({ ...row, owner: 'B' }));
    assert.notEqual(riskVersion(row), riskVersion({ ...row, next_review_on: '2026-01-02' }));
  });
});

describe('reviewing and adding risks', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let close: () => Promise<void>;
  let keeper: GovernanceActor;
  let devonKeeper: GovernanceActor;
  let cotswold: number;
  let adminAccount: number;
  const sessions = {} as Record<'admin' | 'clerk' | 'devonAdmin', Session>;

  const counts = async () => ({
    risks: await rowCount(database, 'risk'),
    audits: await rowCount(database, 'audit_log'),
  });
  const stored = (riskId: number) =>
    withSystem(database.db, (tx) =>
      tx.selectFrom('risk').selectAll().where('risk_id', '=', riskId).executeTakeFirstOrThrow(),
    );
  const riskOf = async (actor: GovernanceActor, index = 0): Promise<RiskView> =>
    (await services.risks.riskLog(actor, '2020-vision')).risks[index]!;

  before(async () => {
    ({ database, app, services, close } = await openDemoApp());
    const vision = await services.register.partnership('2020-vision');
    const devon = await services.register.partnership('integrated-devon');
    cotswold = (await services.register.organisation(COTSWOLD)).orgId;
    const devonCouncil = (await services.register.organisation('devon')).orgId;
    adminAccount = (
      await withSystem(database.db, (tx) =>
        tx
          .selectFrom('account')
          .select('account_id')
          .where('email', '=', 'admin.2020vision@example.org')
          .executeTakeFirstOrThrow(),
      )
    ).account_id;
    keeper = {
      ...NOBODY,
      accountId: adminAccount,
      keeps: [{ partnershipId: vision.partnershipId, orgId: cotswold }],
    };
    devonKeeper = { ...NOBODY, keeps: [{ partnershipId: devon.partnershipId, orgId: devonCouncil }] };
    await services.auth.createAccount({
      email: 'clerk.cotswold.risks@example.org',
      displayName: 'Democratic services, Cotswold',
      password: PASSWORD,
      grants: [{ orgId: cotswold, role: 'clerk', partnershipId: null, lgslCodes: null }],
    });
    sessions.admin = await signIn(app, 'admin.2020vision@example.org', DEMO_PASSWORD);
    sessions.clerk = await signIn(app, 'clerk.cotswold.risks@example.org', PASSWORD);
    sessions.devonAdmin = await signIn(app, 'admin.devon@example.org', DEMO_PASSWORD);
  });
  after(() => close?.());

  it('lets the keeper alone review a risk, and refuses bad input in each field writing nothing', async () => {
    const risk = await riskOf(keeper);
    assert.equal(risk.mayReview, true);
    assert.equal((await riskOf(NOBODY)).mayReview, false);
    const input: RiskReviewInput = { ...GOOD, version: risk.version };
    const before = await counts();
    const row = await stored(risk.riskId);
    const clerk = { ...NOBODY, clerkOf: [cotswold], orgIds: [cotswold] };
    await refused(services.risks.review(clerk, risk.riskId, input), 403, 'a clerk');
    await refused(services.risks.review(NOBODY, risk.riskId, input), 403, 'the public');
    await refused(
      services.risks.review(devonKeeper, risk.riskId, input),
      403,
      "another partnership's keeper",
    );
    await refused(services.risks.review(keeper, 999_999_999, input), 404, 'no such risk');
    for (const [field, change] of [
      ['owner', { owner: '' }],
      ['owner', { owner: 'x'.repeat(201) }],
      ['inherent likelihood', { inherent: { likelihood: 0, impact: 3 } }],
      ['inherent impact', { inherent: { likelihood: 3, impact: 6 } }],
      ['residual likelihood', { residual: { likelihood: 2.5, impact: 3 } }],
      ['residual impact', { residual: { likelihood: 2, impact: Number.NaN } }],
      ['treatment', { treatment: 'ignore' }],
      ['treatment notes', { treatmentNotes: 'x'.repeat(4001) }],
      ['review date', { reviewedOn: 'yesterday' }],
      ['review date in the future', { reviewedOn: '2999-01-01', nextReviewOn: '2999-02-01' }],
      ['next review', { nextReviewOn: '' }],
      ['next review not after', { nextReviewOn: GOOD.reviewedOn }],
    ] as const)
      await refused(services.risks.review(keeper, risk.riskId, { ...input, ...change }), 400, field);
    assert.deepEqual(await counts(), before, 'nothing written');
    assert.deepEqual(await stored(risk.riskId), row, 'the risk is as it was');

    const reviewed = await services.risks.review(keeper, risk.riskId, input);
    assert.deepEqual(
      [reviewed.owner, reviewed.inherent.score, reviewed.residual.score, reviewed.treatment],
      ['Programme Board', 16, 6, 'treat'],
    );
    assert.equal(reviewed.lastReviewedOn, '2026-01-10');
    assert.notEqual(reviewed.version, risk.version);
    const now = await counts();
    assert.deepEqual(now, { risks: before.risks, audits: before.audits + 1 });
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'risk')
      .where('entity_key', '=', String(risk.riskId))
      .orderBy('audit_id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(audit.account_id, adminAccount, 'who');
    assert.equal(audit.org_id, cotswold);
    assert.ok(Date.now() - new Date(audit.occurred_at).getTime() < 60_000, 'when');
    const auditBefore = audit.before as Record<string, unknown>;
    const auditAfter = audit.after as Record<string, unknown>;
    assert.equal(auditBefore.owner, row.owner);
    assert.equal(Number(auditBefore.residual_likelihood), row.residual_likelihood);
    assert.equal(auditAfter.owner, 'Programme Board');
    assert.equal(auditAfter.next_review_on, '2026-04-10');

    // The same form sent again (its version is now stale) overwrites nothing.
    await assert.rejects(
      services.risks.review(keeper, risk.riskId, { ...input, owner: 'Someone else' }),
      (e: unknown) =>
        e instanceof ProblemError && e.status === 409 && /reviewed by someone else/.test(e.detail),
    );
    assert.equal((await stored(risk.riskId)).owner, 'Programme Board');
    assert.deepEqual(await counts(), now);

    // The operator keeps every log.
    const operatorView = await services.risks.review(OPERATOR, risk.riskId, {
      ...input,
      reviewedOn: todayInLondon(),
      nextReviewOn: '2999-01-01',
      version: reviewed.version,
    });
    assert.equal(operatorView.reviewOverdue, false);
  });

  it('refuses one of two reviews made from the same reading, sent at the same moment', async () => {
    const risk = await riskOf(keeper, 1);
    const input = { ...GOOD, version: risk.version };
    const results = await Promise.allSettled([
      services.risks.review(keeper, risk.riskId, { ...input, owner: 'First' }),
      services.risks.review(keeper, risk.riskId, { ...input, owner: 'Second' }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((lost.reason as ProblemError).status, 409);
    const won = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<RiskView>;
    assert.equal((await stored(risk.riskId)).owner, won.value.owner);
  });

  it('keeps an internal risk from those who may not read it, even when asked to review it', async () => {
    const made = await services.risks.createRisk(keeper, '2020-vision', {
      title: 'Internal: negotiation position',
      owner: 'Programme Board',
      inherent: { likelihood: 2, impact: 2 },
      residual: { likelihood: 1, impact: 2 },
      treatment: 'tolerate',
      nextReviewOn: '2099-01-01',
      internal: true,
    });
    await refused(services.risks.review(devonKeeper, made.riskId, { ...GOOD, version: made.version }), 404);
    const page = await getPage(app, `${LOG}/${made.riskId}/review`, sessions.devonAdmin);
    assert.equal(page.statusCode, 404);
  });

  it('reviews through the page: link for the keeper, errors by field with input kept, stale form refused', async () => {
    const log = await getPage(app, LOG, sessions.admin);
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /Overdue: was due/, 'overdue reviews still show');
    assert.match(log.body, /href="\/partnerships\/2020-vision\/risks\/new"/);
    const risk = await riskOf(keeper, 2);
    const href = `${LOG}/${risk.riskId}/review`;
    assert.ok(log.body.includes(`href="${href}"`), 'linked from the log');
    const publicLog = await getPage(app, LOG);
    assert.doesNotMatch(publicLog.body, /\/review"/);
    assert.doesNotMatch(publicLog.body, /risks\/new/);
    assert.equal((await getPage(app, href, sessions.clerk)).statusCode, 403);
    assert.equal((await getPage(app, href)).statusCode, 303, 'the public is asked to sign in');

    const form = await getPage(app, href, sessions.admin);
    assert.equal(form.statusCode, 200);
    const { version, _csrf } = hiddenFields(form.body);
    assert.equal(version, risk.version);
    assert.ok(form.body.includes(`value="${risk.owner}"`), 'opens with what is recorded');
    const good = {
      _csrf: _csrf!,
      version: version!,
      'reviewedOn-day': '10',
      'reviewedOn-month': '1',
      'reviewedOn-year': '2026',
      inherentLikelihood: '3',
      inherentImpact: '4',
      residualLikelihood: '2',
      residualImpact: '3',
      treatment: 'transfer',
      treatmentNotes: 'Insured.',
      owner: 'Head of Paid Service',
      'nextReviewOn-day': '10',
      'nextReviewOn-month': '7',
      'nextReviewOn-year': '2026',
    };
    const before = await counts();
    for (const [change, field, message] of [
      [
        { inherentLikelihood: 'three' },
        'inherentLikelihood',
        /likelihood before treatment must be a whole number/,
      ],
      [{ inherentImpact: '' }, 'inherentImpact', /impact before treatment/],
      [{ residualLikelihood: '2.5' }, 'residualLikelihood', /likelihood after treatment/],
      [{ residualImpact: '9' }, 'residualImpact', /impact after treatment/],
      [{ treatment: '' }, 'treatment', /Select the treatment/],
      [{ owner: '' }, 'owner', /Enter who owns the risk/],
      [{ 'reviewedOn-month': '13' }, 'reviewedOn-day', /The date of the review must be a real date/],
      [{ 'nextReviewOn-year': '2025' }, 'nextReviewOn-day', /must be after the date of this review/],
      [{ 'nextReviewOn-day': '' }, 'nextReviewOn-day', /must include a day/],
    ] as const) {
      const response = await postForm(app, href, sessions.admin, { ...good, ...change });
      assert.equal(response.statusCode, 400, field);
      assert.match(response.body, new RegExp(`<a href="#${field}">`), field);
      assert.match(response.body, message, field);
      if (field !== 'owner') assert.match(response.body, /value="Head of Paid Service"/, 'kept');
    }
    assert.equal((await postForm(app, href, sessions.admin, { ...good, _csrf: 'forged' })).statusCode, 403);
    assert.equal(
      (await postForm(app, href, sessions.clerk, { ...good, _csrf: sessions.clerk.csrf })).statusCode,
      403,
    );
    assert.deepEqual(await counts(), before, 'nothing written');

    const saved = await postForm(app, href, sessions.admin, good);
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${LOG}?done=reviewed#risk-${risk.riskId}`);
    assert.match((await getPage(app, `${LOG}?done=reviewed`, sessions.admin)).body, /The review is saved/);
    assert.equal((await stored(risk.riskId)).owner, 'Head of Paid Service');

    const stale = await postForm(app, href, sessions.admin, { ...good, owner: 'A stale owner' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /reviewed by someone else after you opened the form/);
    assert.match(stale.body, /What is recorded now/);
    assert.match(stale.body, /value="A stale owner"/, 'what was typed is kept');
    assert.equal((await stored(risk.riskId)).owner, 'Head of Paid Service', 'not overwritten');
    assert.notEqual(hiddenFields(stale.body).version, version, 'the form now carries the current version');
  });

  it('adds a risk through the page for the keeper, with mistakes shown and nothing written', async () => {
    const href = `${LOG}/new`;
    assert.equal((await getPage(app, href, sessions.clerk)).statusCode, 403);
    assert.equal((await getPage(app, href, sessions.admin)).statusCode, 200);
    const good = {
      _csrf: sessions.admin.csrf,
      title: 'Shared ICT contract ends early',
      description: 'The supplier may give notice.',
      owner: 'ICT Board',
      bearer: '',
      inherentLikelihood: '2',
      inherentImpact: '5',
      residualLikelihood: '1',
      residualImpact: '4',
      treatment: 'treat',
      treatmentNotes: '',
      'lastReviewedOn-day': '',
      'lastReviewedOn-month': '',
      'lastReviewedOn-year': '',
      'nextReviewOn-day': '1',
      'nextReviewOn-month': '6',
      'nextReviewOn-year': '2027',
    };
    const before = await counts();
    for (const [change, field] of [
      [{ title: '' }, 'title'],
      [{ owner: '' }, 'owner'],
      [{ bearer: 'not a partner' }, 'bearer'],
      [{ inherentImpact: '6' }, 'inherentLikelihood'],
      [{ residualLikelihood: 'x' }, 'residualLikelihood'],
      [{ treatment: 'hope' }, 'treatment'],
      [
        { 'lastReviewedOn-day': '40', 'lastReviewedOn-month': '1', 'lastReviewedOn-year': '2026' },
        'lastReviewedOn-day',
      ],
      [{ 'nextReviewOn-year': '' }, 'nextReviewOn-day'],
      [{ description: 'x'.repeat(4001) }, 'description'],
    ] as const) {
      const response = await postForm(app, href, sessions.admin, { ...good, ...change });
      assert.equal(response.statusCode, 400, field);
      assert.match(response.body, new RegExp(`<a href="#${field}">`), field);
      if (field !== 'owner') assert.match(response.body, /value="ICT Board"/);
    }
    assert.equal(
      (await postForm(app, href, sessions.clerk, { ...good, _csrf: sessions.clerk.csrf })).statusCode,
      403,
    );
    assert.equal((await postForm(app, href, sessions.admin, { ...good, _csrf: 'forged' })).statusCode, 403);
    assert.deepEqual(await counts(), before, 'nothing written');

    const saved = await postForm(app, href, sessions.admin, {
      ...good,
      bearer: String(cotswold),
      internal: 'yes',
    });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${LOG}?done=added`);
    const added = (await services.risks.riskLog(keeper, '2020-vision')).risks.find(
      (r) => r.title === 'Shared ICT contract ends early',
    )!;
    assert.equal(added.bearer, 'Cotswold District Council');
    assert.equal(added.internal, true);
    assert.deepEqual(await counts(), { risks: before.risks + 1, audits: before.audits + 1 });
  });
});
