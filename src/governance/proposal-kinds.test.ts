/**
 * Proposals that change how a cost pool is shared and who is a member, over the demo's 2020 Vision
 * partnership: every council the change reaches decides, nothing changes with an approval missing,
 * a rejection leaves everything as it was, and what takes effect does so in one audited
 * transaction through the finance and register modules' own doors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '../../test/support/database.ts';
import { rejectsWithProblem as rejects } from '../../test/support/problems.ts';
import { rowCount } from '../../test/support/rows.ts';
import type { Database } from '../db/engine.ts';
import { withSystem } from '../db/index.ts';
import { createRegisterService, type RegisterService } from '../register/index.ts';
import { NOBODY, OPERATOR, type GovernanceActor } from './governance-actor.ts';
import { createGovernanceService, type GovernanceService, type ProposalInput } from './proposal.service.ts';
import { proposalJson } from './proposal.schemas.ts';

const CHELTENHAM = 'E07000078';
const COTSWOLD = 'E07000079';
const FOREST_OF_DEAN = 'E07000080';
const WEST_OXFORDSHIRE = 'E07000181';
const VISION = [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN, WEST_OXFORDSHIRE];
/** A real neighbouring council, not in the partnership: the one a join proposal brings in. */
const STROUD = 'E07000082';
const QUARTERS = { kind: 'fixed', shares: Object.fromEntries(VISION.map((g) => [g, 2500])) };

describe('proposals that change a cost pool’s rule or the membership', () => {
  let database: Database;
  let governance: GovernanceService;
  let register: RegisterService;
  const org = new Map<string, number>();
  const cabinet = new Map<string, number>();
  let admin: GovernanceActor;
  let ict: { orgId: number; poolId: number };

  const clerk = (gss: string): GovernanceActor => ({
    ...NOBODY,
    clerkOf: [org.get(gss)!],
    orgIds: [org.get(gss)!],
  });
  const approvals = (councils: readonly string[]) =>
    councils.map((gss) => ({ orgId: org.get(gss)!, bodyId: cabinet.get(gss)! }));
  const recommendation = { by: '2020 Vision Joint Committee', on: '2026-06-01', minute: 'JC 20/26' };
  const decide = (gss: string, id: string, decision = 'approved') =>
    governance.recordDecision(clerk(gss), id, {
      orgId: org.get(gss)!,
      bodyId: cabinet.get(gss)!,
      decision,
      decidedOn: '2026-07-01',
      minute: `${gss}/${decision}`,
    });
  const rulesOfIct = () =>
    withSystem(database.db, (tx) =>
      tx
        .selectFrom('allocation_rule')
        .select(['valid_from', 'rule', 'notes'])
        .where('org_id', '=', ict.orgId)
        .where('pool_id', '=', ict.poolId)
        .orderBy('valid_from')
        .execute(),
    );
  const membership = (gss: string) =>
    withSystem(database.db, (tx) =>
      tx
        .selectFrom('partnership_member as m')
        .innerJoin('partnership as p', 'p.partnership_id', 'm.partnership_id')
        .select(['m.role', 'm.joined_on', 'm.left_on'])
        .where('p.slug', '=', '2020-vision')
        .where('m.org_id', '=', org.get(gss)!)
        .executeTakeFirst(),
    );
  const ruleProposal = (extra: Partial<ProposalInput> = {}): ProposalInput => ({
    title: 'Share ICT in four equal quarters',
    effectiveFrom: '2030-04-01',
    changes: [{ kind: 'allocation_rule', poolId: ict.poolId, rule: QUARTERS }],
    approvals: approvals(VISION),
    ...extra,
  });

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    register = createRegisterService(database.db);
    governance = createGovernanceService({ db: database.db, register });
    const rows = await withSystem(database.db, (tx) =>
      tx.selectFrom('organisation').select(['org_id', 'gss_code']).execute(),
    );
    for (const r of rows) if (r.gss_code) org.set(r.gss_code, r.org_id);
    const vision = await register.partnership('2020-vision');
    admin = { ...NOBODY, keeps: [{ partnershipId: vision.partnershipId, orgId: org.get(COTSWOLD)! }] };
    await governance.createBody(OPERATOR, {
      orgId: org.get(STROUD)!,
      name: 'Strategy and Resources Committee',
      kind: 'cabinet',
    });
    for (const b of await governance.bodies([...VISION, STROUD].map((g) => org.get(g)!)))
      if (b.kind === 'cabinet') cabinet.set([...org].find(([, id]) => id === b.orgId)![0], b.bodyId);
    const pool = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('cost_pool')
        .select(['org_id', 'pool_id'])
        .where('partnership_id', '=', vision.partnershipId)
        .where('name', '=', 'ICT')
        .executeTakeFirstOrThrow(),
    );
    ict = { orgId: pool.org_id, poolId: pool.pool_id };
  });
  after(() => database.close());

  it('refuses a rule change with a council that shares the pool left out, a bad rule, or partial adoption, writing nothing', async () => {
    const proposals = await rowCount(database, 'proposal');
    await rejects(
      governance.create(admin, '2020-vision', ruleProposal({ approvals: approvals(VISION.slice(1)) })),
      400,
      /Cheltenham Borough Council’s register changes: name the body/,
    );
    const uneven = { kind: 'fixed', shares: { ...QUARTERS.shares, [CHELTENHAM]: 4000 } };
    await rejects(
      governance.create(
        admin,
        '2020-vision',
        ruleProposal({ changes: [{ kind: 'allocation_rule', poolId: ict.poolId, rule: uneven }] }),
      ),
      400,
      /Change 1: The shares add up to 115\.00%, not 100\.00%/,
    );
    const stranger = { kind: 'fixed', shares: { [CHELTENHAM]: 5000, [STROUD]: 5000 } };
    await rejects(
      governance.create(
        admin,
        '2020-vision',
        ruleProposal({ changes: [{ kind: 'allocation_rule', poolId: ict.poolId, rule: stranger }] }),
      ),
      400,
      /not a member/,
    );
    await rejects(
      governance.create(
        admin,
        '2020-vision',
        ruleProposal({ changes: [{ kind: 'allocation_rule', poolId: 999_999, rule: QUARTERS }] }),
      ),
      400,
      /Change 1: select a cost pool of 2020 Vision/,
    );
    await rejects(
      governance.create(admin, '2020-vision', ruleProposal({ partialAdoption: true })),
      400,
      /cannot be adopted in part/,
    );
    assert.equal(await rowCount(database, 'proposal'), proposals);
  });

  it('changes the rule from its date only when every sharing council approved, and says before and after', async () => {
    const before = await rulesOfIct();
    const draft = await governance.create(admin, '2020-vision', ruleProposal());
    const [change] = draft.changes;
    assert.equal(change?.kind, 'allocation_rule');
    assert.equal(change?.service, 'How ICT is shared');
    assert.match(change?.before?.text ?? '', /A mix: 50\.00% by .*population/);
    assert.match(change?.after.text ?? '', /Cheltenham Borough Council 25\.00%/);
    assert.deepEqual(
      [...new Set(draft.approvals.map((a) => a.council.gss))].sort(),
      [...VISION].sort(),
      'every council sharing the pool is asked',
    );
    await governance.submit(admin, draft.id, recommendation);
    for (const gss of VISION.slice(0, 3)) await decide(gss, draft.id);
    assert.deepEqual(await governance.applyDue('2031-01-01'), [], 'three of four approvals change nothing');
    assert.deepEqual(await rulesOfIct(), before);
    await decide(WEST_OXFORDSHIRE, draft.id);
    assert.deepEqual(await governance.applyDue('2030-03-31'), []);
    const audits = await rowCount(database, 'audit_log');
    assert.deepEqual(await governance.applyDue('2030-04-01'), [draft.id]);
    const after = await rulesOfIct();
    assert.equal(after.length, before.length + 1);
    const made = after.find((r) => r.valid_from === '2030-04-01');
    assert.deepEqual(made?.rule, QUARTERS);
    assert.match(made?.notes ?? '', /Share ICT in four equal quarters/);
    assert.equal((await rowCount(database, 'audit_log')) - audits, 2, 'the rule and the proposal, audited');
    const view = await governance.proposal(NOBODY, draft.id);
    assert.equal(view.state, 'in_effect');
    assert.equal(view.changes[0]?.adopted, true);
    assert.match(
      view.changes[0]?.before?.text ?? '',
      /A mix/,
      'once in effect, before is the rule it replaced',
    );
    const json = proposalJson(view).changes[0]!;
    assert.equal(json.kind, 'allocation_rule');
    assert.equal(json.lgsl, null);
    assert.deepEqual(json.pool, { id: ict.poolId, name: 'ICT' });
    assert.equal(json.after.kind === 'allocation_rule' ? json.after.valid_from : null, '2030-04-01');
  });

  it('lets a council join only with its own decision and every member council’s, and a rejection leaves it out', async () => {
    const join: ProposalInput = {
      title: 'Stroud joins the partnership',
      effectiveFrom: '2031-04-01',
      changes: [{ kind: 'join', orgId: org.get(STROUD)!, role: 'member' }],
      approvals: approvals(VISION),
    };
    await rejects(
      governance.create(admin, '2020-vision', join),
      400,
      /Stroud District Council’s register changes/,
    );
    await rejects(
      governance.create(admin, '2020-vision', {
        ...join,
        changes: [{ kind: 'join', orgId: org.get(COTSWOLD)! }],
      }),
      400,
      /is a member of 2020 Vision already/,
    );
    const rejected = await governance.create(admin, '2020-vision', {
      ...join,
      approvals: approvals([...VISION, STROUD]),
    });
    assert.equal(rejected.changes[0]?.before?.text, 'Not a member of 2020 Vision');
    await governance.submit(admin, rejected.id, recommendation);
    await decide(STROUD, rejected.id);
    const forCheltenham = {
      orgId: org.get(CHELTENHAM)!,
      bodyId: cabinet.get(CHELTENHAM)!,
      decision: 'approved',
      decidedOn: '2026-07-01',
      minute: 'S 1/26',
    };
    await rejects(governance.recordDecision(clerk(STROUD), rejected.id, forCheltenham), 403);
    for (const gss of VISION.slice(0, 3)) await decide(gss, rejected.id);
    await decide(WEST_OXFORDSHIRE, rejected.id, 'rejected');
    assert.deepEqual(await governance.applyDue('2032-01-01'), []);
    assert.equal(await membership(STROUD), undefined, 'one rejection and the council stays out');
    assert.equal((await governance.proposal(NOBODY, rejected.id)).state, 'rejected');

    const approved = await governance.create(admin, '2020-vision', {
      ...join,
      title: 'Stroud joins the partnership, again asked',
      approvals: approvals([...VISION, STROUD]),
    });
    await governance.submit(admin, approved.id, recommendation);
    for (const gss of [...VISION, STROUD]) await decide(gss, approved.id);
    assert.deepEqual(await governance.applyDue('2031-04-01'), [approved.id]);
    assert.deepEqual(await membership(STROUD), { role: 'member', joined_on: '2031-04-01', left_on: null });
    const view = await governance.proposal(NOBODY, approved.id);
    assert.equal(view.changes[0]?.after.text, 'A member from 2031-04-01');
  });

  it('lets a council leave from its date, ending its share of the pools, once every council decided', async () => {
    const leave: ProposalInput = {
      title: 'West Oxfordshire leaves the partnership',
      effectiveFrom: '2032-04-01',
      changes: [{ kind: 'leave', orgId: org.get(WEST_OXFORDSHIRE)! }],
      approvals: approvals([...VISION, STROUD]),
    };
    await rejects(
      governance.create(admin, '2020-vision', {
        ...leave,
        changes: [{ kind: 'leave', orgId: org.get('E07000044')! }],
      }),
      400,
      /select a member council of 2020 Vision that leaves/,
    );
    const draft = await governance.create(admin, '2020-vision', leave);
    assert.match(draft.changes[0]?.before?.text ?? '', /^A member since \d{4}-\d{2}-\d{2}$/);
    await governance.submit(admin, draft.id, recommendation);
    for (const gss of [...VISION, STROUD]) await decide(gss, draft.id);
    assert.deepEqual(await governance.applyDue('2032-04-01'), [draft.id]);
    assert.equal((await membership(WEST_OXFORDSHIRE))?.left_on, '2032-04-01');
    const open = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('pool_member')
        .select(['pool_id', 'left_on'])
        .where('member_org_id', '=', org.get(WEST_OXFORDSHIRE)!)
        .execute(),
    );
    assert.ok(open.length > 0);
    assert.ok(
      open.every((m) => m.left_on !== null && m.left_on <= '2032-04-01'),
      'no pool of the partnership still charges the council that left',
    );
    const vision = await register.partnership('2020-vision');
    assert.equal(vision.members.find((m) => m.gss === WEST_OXFORDSHIRE)?.leftOn, '2032-04-01');
  });
});
