/**
 * The locality plan service over the demo: who may change what (the county keeps its own
 * commitments in a district's plan and none of the district's; another district's officer, a
 * councillor and the public are refused; the district's clerk records agreement and nothing else;
 * the partnership's administrator sets plans out), every refused or mistaken change writing
 * nothing, and each change audited with who, when, and what it replaced.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDemoApp } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import { withSystem, type Database } from '../db/index.ts';
import { ProblemError, ValidationProblem } from '../platform/index.ts';
import { LOCALITY_PUBLIC, type LocalityActor } from './locality-actor.ts';
import {
  agreementProblems,
  commitmentProblems,
  planProblems,
  stateProblems,
  tierIn,
  type PlanView,
} from './locality.service.ts';

const BURNLEY = 'E07000117';
const PENDLE = 'E07000122';
const LANCASHIRE = 'E10000017';
const TABLES = ['locality_plan', 'plan_objective', 'plan_commitment', 'audit_log'] as const;

const actor = (
  accountId: number,
  orgId: number,
  role: string,
  partnershipId: number | null = null,
): LocalityActor => ({
  accountId,
  grants: [{ orgId, role, partnershipId }],
});

async function refusedWith(status: number, work: () => Promise<unknown>) {
  await assert.rejects(work, (e: unknown) => e instanceof ProblemError && e.status === status);
}

describe('the locality plan service', () => {
  let services: AppServices;
  let database: Database;
  let close: () => Promise<void>;
  let burnley: number;
  let pendle: number;
  let county: number;
  let partnershipId: number;
  let plan: PlanView;
  const counts = () =>
    withSystem(database.db, async (tx) => {
      const found: Record<string, number> = {};
      for (const t of TABLES)
        found[t] = Number(
          (await sql<{ n: string }>`select count(*) as n from ${sql.table(t)}`.execute(tx)).rows[0]!.n,
        );
      return found;
    });
  const reload = () => services.localities.plan(LOCALITY_PUBLIC, BURNLEY, { year: '2025-26' });
  const commitmentOf = (p: PlanView, tier: string, objective = 0) =>
    p.objectives[objective]!.commitments.find((c) => c.tier === tier)!;

  before(async () => {
    ({ services, database, close } = await openDemoApp());
    burnley = (await services.register.organisation(BURNLEY)).orgId;
    pendle = (await services.register.organisation(PENDLE)).orgId;
    county = (await services.register.organisation(LANCASHIRE)).orgId;
    partnershipId = (await services.register.partnership('transforming-lancashire')).partnershipId;
    plan = await reload();
  });
  after(() => close?.());

  it('lets the county update its own commitment in a district’s plan, but not the district’s', async () => {
    const countyOfficer = actor(910001, county, 'officer');
    const own = commitmentOf(plan, 'county');
    const districts = commitmentOf(plan, 'district');
    await services.localities.updateState(countyOfficer, burnley, own.commitmentId, {
      state: 'on_track',
      note: 'Highways decisions now come to the district’s enhanced local governing body.',
    });
    const before = await counts();
    await refusedWith(403, () =>
      services.localities.updateState(countyOfficer, burnley, districts.commitmentId, {
        state: 'done',
        note: '',
      }),
    );
    assert.deepEqual(await counts(), before, 'nothing is written when refused');
    const now = await reload();
    assert.equal(commitmentOf(now, 'county').state, 'on_track');
    assert.equal(commitmentOf(now, 'district').state, 'not_started');
    // The county's officer sees only its own commitment as theirs to update.
    const seen = await services.localities.plan(countyOfficer, BURNLEY, { year: '2025-26' });
    assert.equal(commitmentOf(seen, 'county').mayUpdate, true);
    assert.equal(commitmentOf(seen, 'district').mayUpdate, false);
  });

  it('lets the district update every commitment of its own plan', async () => {
    const officer = actor(910002, burnley, 'officer');
    for (const c of plan.objectives[1]!.commitments)
      await services.localities.updateState(officer, burnley, c.commitmentId, { state: 'done', note: '' });
    const now = await reload();
    assert.ok(now.objectives[1]!.commitments.every((c) => c.state === 'done'));
    assert.equal(now.states.find((s) => s.state === 'done')!.count, plan.objectives[1]!.commitments.length);
  });

  it('refuses another district’s officer, a councillor, a clerk and the public, and writes nothing', async () => {
    const c = commitmentOf(plan, 'district', 2);
    const before = await counts();
    for (const who of [
      actor(910003, pendle, 'officer'),
      actor(910004, pendle, 'partnership_admin', 999999),
      actor(910005, burnley, 'councillor'),
      actor(910006, burnley, 'clerk'),
      actor(910007, burnley, 'agent'),
      LOCALITY_PUBLIC,
    ]) {
      await refusedWith(403, () =>
        services.localities.updateState(who, burnley, c.commitmentId, { state: 'done', note: '' }),
      );
      await refusedWith(403, () =>
        services.localities.addCommitment(who, burnley, plan.planId, {
          objectivePosition: 0,
          committedOrgId: burnley,
          commitment: 'Something',
          owner: 'Chief Executive',
          measureIds: [],
        }),
      );
      await refusedWith(403, () =>
        services.localities.addObjective(who, burnley, plan.planId, { title: 'Something' }),
      );
      await refusedWith(403, () =>
        services.localities.createPlan(who, 'transforming-lancashire', burnley, {
          year: '2026-27',
          title: 'Next',
        }),
      );
    }
    for (const who of [actor(910003, pendle, 'clerk'), actor(910002, burnley, 'officer'), LOCALITY_PUBLIC])
      await refusedWith(403, () =>
        services.localities.recordAgreement(who, burnley, plan.planId, {
          bodyId: 1,
          agreedOn: '2025-06-12',
          minute: 'M1',
        }),
      );
    assert.deepEqual(await counts(), before);
  });

  it('refuses each mistaken field, writing nothing', async () => {
    const officer = actor(910002, burnley, 'officer');
    const clerk = actor(910008, burnley, 'clerk');
    const c = commitmentOf(plan, 'district', 3);
    const bodyId = (await services.governance.bodies([burnley]))[0]!.bodyId;
    const pendleBody = (await services.governance.bodies([pendle]))[0]!.bodyId;
    const before = await counts();
    const mistaken = async (field: string, work: () => Promise<unknown>) =>
      assert.rejects(work, (e: unknown) => e instanceof ValidationProblem && field in e.fields, field);
    await mistaken('state', () =>
      services.localities.updateState(officer, burnley, c.commitmentId, { state: 'late', note: '' }),
    );
    await mistaken('note', () =>
      services.localities.updateState(officer, burnley, c.commitmentId, { state: 'at_risk', note: ' ' }),
    );
    await mistaken('note', () =>
      services.localities.updateState(officer, burnley, c.commitmentId, {
        state: 'on_track',
        note: 'x'.repeat(2001),
      }),
    );
    const add = (over: Record<string, unknown>) =>
      services.localities.addCommitment(officer, burnley, plan.planId, {
        objectivePosition: 0,
        committedOrgId: burnley,
        commitment: 'Something',
        owner: 'Chief Executive, Burnley Borough Council',
        measureIds: [],
        ...over,
      });
    await mistaken('objectivePosition', () => add({ objectivePosition: 99 }));
    await mistaken('committedOrgId', () => add({ committedOrgId: pendle }));
    await mistaken('committedOrgId', () => add({ committedOrgId: -1 }));
    await mistaken('commitment', () => add({ commitment: '  ' }));
    await mistaken('commitment', () => add({ commitment: 'x'.repeat(2001) }));
    await mistaken('owner', () => add({ owner: '' }));
    await mistaken('owner', () => add({ owner: 'x'.repeat(201) }));
    await mistaken('measureIds', () => add({ measureIds: ['not_a_measure'] }));
    await mistaken('measureIds', () => add({ measureIds: ['requests_received', 'requests_received'] }));
    await mistaken('title', () =>
      services.localities.addObjective(officer, burnley, plan.planId, { title: '' }),
    );
    const create = (over: Record<string, unknown>) =>
      services.localities.createPlan(officer, 'transforming-lancashire', burnley, {
        year: '2026-27',
        title: 'Next',
        ...over,
      });
    await mistaken('year', () => create({ year: '2025-27' }));
    await mistaken('year', () => create({ year: '2025-26-Q1' }));
    await mistaken('year', () => create({ year: '2025-26' }));
    await mistaken('title', () => create({ title: 'x'.repeat(201) }));
    const agree = (over: Record<string, unknown>) =>
      services.localities.recordAgreement(clerk, burnley, plan.planId, {
        bodyId,
        agreedOn: '2025-06-12',
        minute: 'ELGB/25/4',
        ...over,
      });
    await mistaken('bodyId', () => agree({ bodyId: pendleBody }));
    await mistaken('agreedOn', () => agree({ agreedOn: '2025-02-30' }));
    await mistaken('agreedOn', () => agree({ agreedOn: '2999-01-01' }));
    await mistaken('minute', () => agree({ minute: '' }));
    await mistaken('minute', () => agree({ minute: 'x'.repeat(201) }));
    assert.deepEqual(await counts(), before);
  });

  it('records agreement by the district’s clerk, and plans and commitments by the partnership’s administrator', async () => {
    const clerk = actor(910008, burnley, 'clerk');
    const body = (await services.governance.bodies([burnley])).find((b) => b.kind === 'committee')!;
    await services.localities.recordAgreement(clerk, burnley, plan.planId, {
      bodyId: body.bodyId,
      agreedOn: '2025-06-12',
      minute: 'ELGB/25/4',
    });
    const agreed = await reload();
    assert.deepEqual(agreed.agreement, {
      bodyId: body.bodyId,
      body: body.name,
      agreedOn: '2025-06-12',
      minute: 'ELGB/25/4',
    });
    const admin = actor(910009, county, 'partnership_admin', partnershipId);
    const planId = await services.localities.createPlan(admin, 'transforming-lancashire', burnley, {
      year: '2026-27',
      title: 'Locality Plan for Burnley Borough Council',
    });
    const position = await services.localities.addObjective(admin, burnley, planId, {
      title: 'Single customer access',
    });
    await services.localities.addCommitment(admin, burnley, planId, {
      objectivePosition: position,
      committedOrgId: county,
      commitment: 'County services at the one stop shop',
      owner: 'Chief Executive, Lancashire County Council',
      measureIds: ['first_contact_resolution'],
    });
    const next = await services.localities.plan(LOCALITY_PUBLIC, BURNLEY, { year: '2026-27' });
    assert.equal(next.objectives[0]!.commitments[0]!.tier, 'county');
    assert.deepEqual(next.years, ['2025-26', '2026-27']);
  });

  it('audits each change with who, when and what it replaced', async () => {
    const countyOfficer = actor(910010, county, 'officer');
    const c = commitmentOf(plan, 'county', 4);
    const started = new Date();
    await services.localities.updateState(countyOfficer, burnley, c.commitmentId, {
      state: 'at_risk',
      note: 'The definition waits on the district.',
    });
    const rows = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_type', '=', 'plan_commitment')
        .where('entity_key', '=', String(c.commitmentId))
        .where('action', '=', 'update')
        .execute(),
    );
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(Number(row.org_id), county, 'under the council that made the change');
    assert.equal(Number(row.account_id), 910010);
    assert.ok(new Date(row.occurred_at).getTime() >= started.getTime() - 5000);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
    assert.equal(parse(row.before).state, 'not_started');
    assert.equal(parse(row.after).state, 'at_risk');
    assert.equal(parse(row.after).note, 'The definition waits on the district.');
    const agreement = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_type', '=', 'locality_plan')
        .where('account_id', '=', 910008)
        .execute(),
    );
    assert.equal(agreement.length, 1);
    assert.equal(parse(agreement[0]!.before).agreedOn, null);
    const shown = commitmentOf(await reload(), 'county', 4);
    assert.equal(shown.stateNote, 'The definition waits on the district.');
    assert.ok(shown.stateUpdatedAt);
  });
});

describe('the locality plan rules', () => {
  it('gives each council its tier in a district’s plan, and none to another district or county', () => {
    const district = { orgId: 1, parentOrgId: 2 };
    assert.equal(tierIn(district, { orgId: 1, kind: 'district' }), 'district');
    assert.equal(tierIn(district, { orgId: 2, kind: 'county' }), 'county');
    assert.equal(tierIn(district, { orgId: 3, kind: 'unitary' }), 'unitary');
    assert.equal(tierIn(district, { orgId: 4, kind: 'other_public_body' }), 'partner');
    assert.equal(tierIn(district, { orgId: 5, kind: 'district' }), null);
    assert.equal(tierIn(district, { orgId: 6, kind: 'county' }), null);
  });

  it('names each mistake by its field', () => {
    assert.deepEqual(Object.keys(stateProblems({ state: 'dropped', note: '' })), ['note']);
    assert.deepEqual(Object.keys(stateProblems({ state: 'done', note: '' })), []);
    assert.deepEqual(Object.keys(planProblems({ year: '2025', title: '' })).sort(), ['title', 'year']);
    assert.deepEqual(
      Object.keys(
        agreementProblems({ bodyId: 1, agreedOn: '2025-06-12', minute: 'M' }, [{ bodyId: 1 }], '2025-06-11'),
      ),
      ['agreedOn'],
    );
    assert.deepEqual(
      Object.keys(
        commitmentProblems(
          { objectivePosition: 0, committedOrgId: 1, commitment: 'x', owner: 'y', measureIds: [] },
          { positions: [0], councils: [{ orgId: 1, name: 'A' }] },
        ),
      ),
      [],
    );
  });
});
