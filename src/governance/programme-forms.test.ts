/**
 * The programme's forms over the demo: a council's democratic services officer records that
 * council's go/no-go decision on the programme page (and only their own council's), the programme's
 * keeper marks a milestone reached; refusals (another council's clerk, the public, a clerk trying
 * the keeper's action, bad input in each field, a form without its CSRF token) write nothing, and
 * what is written is audited with who and when.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { getPage, openDemoApp, postForm, signIn, type Session } from '../../test/support/app.ts';
import { rowCount } from '../../test/support/rows.ts';
import type { AppServices } from '../app/services.ts';
import type { Database } from '../db/engine.ts';
import { DEMO_PASSWORD } from '../demo/accounts.ts';
import { ProblemError, todayInLondon } from '../platform/index.ts';
import { NOBODY, OPERATOR, type GovernanceActor } from './governance-actor.ts';
import type { MilestoneView } from './programme.service.ts';

const PASSWORD = 'a long enough password for the programme forms';
const CHELTENHAM = 'E07000078';
const COTSWOLD = 'E07000079';
const PAGE = '/partnerships/2020-vision/programme';

const refused = (work: Promise<unknown>, status: number) =>
  assert.rejects(work, (e: unknown) => e instanceof ProblemError && e.status === status, `${status}`);

describe('the programme forms', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let close: () => Promise<void>;
  let cheltenham: number;
  let cotswold: number;
  let keeper: GovernanceActor;
  const sessions = {} as Record<'admin' | 'cheltenham' | 'cotswold', Session>;
  const accounts = {} as Record<'cheltenham' | 'cotswold', number>;

  const clerk = (orgId: number): GovernanceActor => ({ ...NOBODY, clerkOf: [orgId], orgIds: [orgId] });
  const counts = async () => ({
    decisions: await rowCount(database, 'go_no_go_decision'),
    audits: await rowCount(database, 'audit_log'),
    reached: Number(
      (
        await sql<{
          n: string | number;
        }>`select count(*) as n from programme_milestone where completed_on is not null`.execute(database.db)
      ).rows[0]!.n,
    ),
  });
  const milestones = async (): Promise<MilestoneView[]> => {
    const [programme] = await services.programmes.programmes('2020-vision');
    return programme!.phases.flatMap((p) => p.milestones);
  };
  const points = async () => (await milestones()).filter((m) => m.kind === 'go_no_go');
  const unreached = async () => (await milestones()).filter((m) => m.status !== 'reached');

  before(async () => {
    ({ database, app, services, close } = await openDemoApp());
    const vision = await services.register.partnership('2020-vision');
    cheltenham = (await services.register.organisation(CHELTENHAM)).orgId;
    cotswold = (await services.register.organisation(COTSWOLD)).orgId;
    keeper = { ...NOBODY, keeps: [{ partnershipId: vision.partnershipId, orgId: cotswold }] };
    for (const [name, orgId] of [
      ['cheltenham', cheltenham],
      ['cotswold', cotswold],
    ] as const) {
      const email = `clerk.${name}.programme@example.org`;
      ({ accountId: accounts[name] } = await services.auth.createAccount({
        email,
        displayName: `Democratic services, ${name}`,
        password: PASSWORD,
        grants: [{ orgId, role: 'clerk', partnershipId: null, lgslCodes: null }],
      }));
      sessions[name] = await signIn(app, email, PASSWORD);
    }
    sessions.admin = await signIn(app, 'admin.2020vision@example.org', DEMO_PASSWORD);
  });
  after(() => close?.());

  it('says which councils a person records for, and who keeps the programme', async () => {
    const [asCheltenham] = await services.programmes.programmes('2020-vision', clerk(cheltenham));
    const point = asCheltenham!.phases.flatMap((p) => p.milestones).find((m) => m.kind === 'go_no_go')!;
    assert.deepEqual(point.mayRecordFor, [cheltenham]);
    assert.equal(asCheltenham!.mayKeep, false);
    const [asKeeper] = await services.programmes.programmes('2020-vision', keeper);
    assert.equal(asKeeper!.mayKeep, true);
    assert.ok(asKeeper!.phases.every((p) => p.milestones.every((m) => m.mayRecordFor.length === 0)));
    const [asPublic] = await services.programmes.programmes('2020-vision');
    assert.equal(asPublic!.mayKeep, false);
  });

  it('marks a milestone reached for the keeper only, audited with before and after', async () => {
    const [first] = await unreached();
    assert.ok(first, 'the demo programme has a milestone not yet reached');
    const before = await counts();
    await refused(
      services.programmes.completeMilestone(clerk(cheltenham), '2020-vision', first.milestoneId, {
        completedOn: '2015-04-01',
      }),
      403,
    );
    await refused(
      services.programmes.completeMilestone(NOBODY, '2020-vision', first.milestoneId, {
        completedOn: '2015-04-01',
      }),
      403,
    );
    await refused(
      services.programmes.completeMilestone(keeper, 'integrated-devon', first.milestoneId, {
        completedOn: '2015-04-01',
      }),
      404,
    );
    for (const completedOn of ['', '2015-02-30', 'soon', '2999-01-01'])
      await refused(
        services.programmes.completeMilestone(keeper, '2020-vision', first.milestoneId, { completedOn }),
        400,
      );
    assert.deepEqual(await counts(), before, 'nothing written');

    const view = await services.programmes.completeMilestone(
      { ...keeper, accountId: accounts.cotswold },
      '2020-vision',
      first.milestoneId,
      { completedOn: '2015-04-01' },
    );
    const reached = view.phases
      .flatMap((p) => p.milestones)
      .find((m) => m.milestoneId === first.milestoneId)!;
    assert.equal(reached.status, 'reached');
    assert.equal(reached.completedOn, '2015-04-01');
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'programme_milestone')
      .where('entity_key', '=', String(first.milestoneId))
      .executeTakeFirstOrThrow();
    assert.equal(audit.account_id, accounts.cotswold);
    assert.equal(audit.org_id, cotswold);
    assert.ok(Date.now() - new Date(audit.occurred_at).getTime() < 60_000, 'when: just now');
    assert.deepEqual(audit.before, { completedOn: null });
    assert.deepEqual(audit.after, { completedOn: '2015-04-01' });
    assert.equal((await counts()).reached, before.reached + 1);

    await services.programmes.completeMilestone(OPERATOR, '2020-vision', first.milestoneId, {
      completedOn: todayInLondon(),
    });
  });

  it('shows each clerk a form for their own council at each point, and the keeper a form per milestone', async () => {
    const asCheltenham = await getPage(app, PAGE, sessions.cheltenham);
    assert.equal(asCheltenham.statusCode, 200);
    const pointCount = (await points()).length;
    const forms = [...asCheltenham.body.matchAll(/<input type="hidden" name="council" value="([^"]+)">/g)];
    assert.equal(forms.length, pointCount, 'one form at each point');
    assert.ok(
      forms.every((f) => f[1] === CHELTENHAM),
      'for their own council only',
    );
    assert.doesNotMatch(asCheltenham.body, /Mark as reached/);

    const asAdmin = await getPage(app, PAGE, sessions.admin);
    assert.equal(
      [...asAdmin.body.matchAll(/action="[^"]+\/milestones\/\d+\/reached"/g)].length,
      (await unreached()).length,
    );
    assert.doesNotMatch(asAdmin.body, /name="council"/, 'the administrator records no decision');

    const asPublic = await getPage(app, PAGE);
    assert.doesNotMatch(asPublic.body, /<form method="post" action="\/partnerships/);
    assert.match(asPublic.body, /Phase 1: Preliminary Planning/);
  });

  it("records a clerk's decision through the page, with each mistake shown and nothing written", async () => {
    const point = (await points())[1]!;
    const action = `${PAGE}/points/${point.milestoneId}/decisions`;
    const good = {
      _csrf: sessions.cheltenham.csrf,
      council: CHELTENHAM,
      decision: 'no_go',
      'decidedOn-day': '20',
      'decidedOn-month': '9',
      'decidedOn-year': '2015',
      minute: 'CAB/15/51',
    };
    const before = await counts();
    const prefix = `point-${point.milestoneId}-${cheltenham}`;
    for (const [change, field, message] of [
      [{ decision: '' }, 'decision', /Select go, no-go or deferred/],
      [{ decision: 'maybe' }, 'decision', /Select go, no-go or deferred/],
      [
        { 'decidedOn-day': '', 'decidedOn-month': '', 'decidedOn-year': '' },
        'decidedOn-day',
        /Enter the date of the decision/,
      ],
      [{ 'decidedOn-day': '31', 'decidedOn-month': '2' }, 'decidedOn-day', /must be a real date/],
      [{ 'decidedOn-year': '2999' }, 'decidedOn-day', /cannot be in the future/],
      [{ minute: '  ' }, 'minute', /Enter the minute reference/],
      [{ minute: 'x'.repeat(201) }, 'minute', /up to 200 characters/],
    ] as const) {
      const response = await postForm(app, action, sessions.cheltenham, { ...good, ...change });
      assert.equal(response.statusCode, 400, field);
      assert.match(response.body, /class="govuk-error-summary/);
      assert.match(response.body, new RegExp(`href="#${prefix}-${field}"`), field);
      assert.match(response.body, message, field);
      assert.match(response.body, /<details class="govuk-details app-no-print" open>/, 'the form opens');
      if (field !== 'minute') assert.match(response.body, /value="CAB\/15\/51"/, 'what was typed is kept');
    }
    assert.deepEqual(await counts(), before, 'nothing written');

    // Another council's clerk, the public and a council the person does not clerk for are refused.
    const other = await postForm(app, action, sessions.cotswold, { ...good, _csrf: sessions.cotswold.csrf });
    assert.equal(other.statusCode, 403);
    const unknown = await postForm(app, action, sessions.cheltenham, { ...good, council: 'E99999999' });
    assert.equal(unknown.statusCode, 403);
    const anonymous = await app.inject({
      method: 'POST',
      url: action,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(good).toString(),
    });
    assert.equal(anonymous.statusCode, 303);
    assert.match(String(anonymous.headers.location), /^\/sign-in/);
    const forged = await postForm(app, action, sessions.cheltenham, { ...good, _csrf: 'not-the-token' });
    assert.equal(forged.statusCode, 403);
    const plain = (await milestones()).find((m) => m.kind === 'milestone')!;
    const notAPoint = await postForm(
      app,
      `${PAGE}/points/${plain.milestoneId}/decisions`,
      sessions.cheltenham,
      good,
    );
    assert.equal(notAPoint.statusCode, 404);
    assert.equal(
      (await postForm(app, `${PAGE}/points/abc/decisions`, sessions.cheltenham, good)).statusCode,
      400,
    );
    assert.deepEqual(await counts(), before, 'nothing written');

    const done = await postForm(app, action, sessions.cheltenham, good);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `${PAGE}?done=decision`);
    const page = await getPage(app, String(done.headers.location), sessions.cheltenham);
    assert.match(page.body, /The decision is recorded/);
    const row = (await points())[1]!.decisions.find((d) => d.council.gss === CHELTENHAM)!;
    assert.deepEqual([row.decision, row.decidedOn, row.minute], ['no_go', '2015-09-20', 'CAB/15/51']);
    const now = await counts();
    assert.equal(now.decisions, before.decisions + 1);
    assert.equal(now.audits, before.audits + 1);
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'go_no_go')
      .where('entity_key', '=', String(point.milestoneId))
      .orderBy('audit_id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(audit.account_id, accounts.cheltenham);
    assert.equal(audit.org_id, cheltenham);
  });

  it('marks a milestone reached through the page for the keeper, and refuses a clerk and bad dates', async () => {
    const target = (await unreached())[0]!;
    const action = `${PAGE}/milestones/${target.milestoneId}/reached`;
    const good = {
      _csrf: sessions.admin.csrf,
      'completedOn-day': '1',
      'completedOn-month': '10',
      'completedOn-year': '2015',
    };
    const before = await counts();
    for (const [change, message] of [
      [
        { 'completedOn-day': '', 'completedOn-month': '', 'completedOn-year': '' },
        /Enter the date it was reached/,
      ],
      [{ 'completedOn-month': '' }, /must include a month/],
      [{ 'completedOn-year': '2999' }, /cannot be in the future/],
    ] as const) {
      const response = await postForm(app, action, sessions.admin, { ...good, ...change });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, new RegExp(`href="#milestone-${target.milestoneId}-completedOn-day"`));
      assert.match(response.body, message);
    }
    const clerkTry = await postForm(app, action, sessions.cheltenham, {
      ...good,
      _csrf: sessions.cheltenham.csrf,
    });
    assert.equal(clerkTry.statusCode, 403, "a clerk does not do the keeper's work");
    assert.equal((await postForm(app, action, sessions.admin, { ...good, _csrf: 'wrong' })).statusCode, 403);
    assert.deepEqual(await counts(), before, 'nothing written');

    const done = await postForm(app, action, sessions.admin, good);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `${PAGE}?done=reached`);
    const reached = (await milestones()).find((m) => m.milestoneId === target.milestoneId)!;
    assert.equal(reached.completedOn, '2015-10-01');
    assert.equal((await counts()).audits, before.audits + 1);
  });
});
