/**
 * Proposals over the demo's partnerships, through the governance service as every caller uses it:
 * the register changes on the effective date only when every approval is in, all in one
 * transaction and audited; a council that rejects keeps its register; a touched reserved matter
 * needs that council's own decision; and nobody records a decision for another council, not even a
 * query that forgets its filter. What the register holds is read back from the register.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import { rejectsWithProblem } from '../../test/support/problems.ts';
import { rowCount } from '../../test/support/rows.ts';
import type { Database } from '../db/engine.ts';
import { withSystem, withTenant } from '../db/index.ts';
import { ProblemError } from '../platform/index.ts';
import { PUBLIC_ACTOR, createRegisterService, type RegisterService } from '../register/index.ts';
import { NOBODY, OPERATOR, type GovernanceActor } from './governance-actor.ts';
import {
  createGovernanceService,
  type ArrangementChangeInput,
  type GovernanceService,
  type ProposalInput,
} from './proposal.service.ts';
import type { ArrangementSide, ProposalView } from './proposal.views.ts';

/** A council's change's arrangement as it stands before the proposal. */
const arrangementBefore = (view: ProposalView, gss: string): ArrangementSide | undefined => {
  const side = view.changes.find((c) => c.council.gss === gss)?.before;
  return side?.kind === 'arrangement' ? side : undefined;
};

const CHELTENHAM = 'E07000078';
const COTSWOLD = 'E07000079';
const FOREST_OF_DEAN = 'E07000080';
const WEST_OXFORDSHIRE = 'E07000181';
const VISION = [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN, WEST_OXFORDSHIRE];
const ECONOMIC_DEVELOPMENT = 347;
const BUILDING_CONTROL = 499;
const SOVEREIGN_POLICY = 'Matters of policy over which the council keeps independent decision-making';

const rejects = rejectsWithProblem;

describe('proposals that change the register', () => {
  let database: Database;
  let governance: GovernanceService;
  let register: RegisterService;
  const org = new Map<string, number>();
  const cabinet = new Map<string, number>();
  let visionId: number;
  let jointCommittee: number;
  let admin: GovernanceActor;
  const clerk = (gss: string): GovernanceActor => ({
    ...NOBODY,
    accountId: null,
    clerkOf: [org.get(gss)!],
    orgIds: [org.get(gss)!],
  });

  const count = (table: 'proposal' | 'proposal_decision' | 'arrangement' | 'audit_log') =>
    rowCount(database, table);

  /** Each council's arrangement for a service in force on a date, as the register answers. */
  const inForce = async (code: number, date: string) =>
    new Map(
      (
        await register.arrangementsInForce(
          PUBLIC_ACTOR,
          VISION.map((g) => org.get(g)!),
          date,
          [code],
        )
      ).map((a) => [a.orgId, a]),
    );

  /** Economic development shared through the joint committee by the four councils. */
  const shareEconomicDevelopment = (
    effectiveFrom: string,
    extra: Partial<ProposalInput> = {},
  ): ProposalInput => ({
    title: 'Share economic development through the partnership venture',
    effectiveFrom,
    changes: VISION.map((gss) => ({
      orgId: org.get(gss)!,
      lgslCode: ECONOMIC_DEVELOPMENT,
      mode: 'shared_venture',
      level: 'district',
      providerOrgId: jointCommittee,
    })),
    approvals: VISION.map((gss) => ({ orgId: org.get(gss)!, bodyId: cabinet.get(gss)! })),
    ...extra,
  });
  const recommendation = { by: '2020 Vision Joint Committee', on: '2026-06-01', minute: 'JC 12/26' };
  const decide = (gss: string, id: string, decision: string, decidedOn = '2026-07-01') =>
    governance.recordDecision(clerk(gss), id, {
      orgId: org.get(gss)!,
      bodyId: cabinet.get(gss)!,
      decision,
      decidedOn,
      minute: `${gss}/${decision}`,
    });

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    register = createRegisterService(database.db);
    governance = createGovernanceService({ db: database.db, register });
    const rows = await withSystem(database.db, (tx) =>
      tx.selectFrom('organisation').select(['org_id', 'gss_code', 'jurisdiction']).execute(),
    );
    for (const r of rows) {
      if (r.gss_code) org.set(r.gss_code, r.org_id);
      if (r.jurisdiction) org.set(r.jurisdiction, r.org_id);
    }
    const vision = await register.partnership('2020-vision');
    visionId = vision.partnershipId;
    jointCommittee = vision.members.find((m) => m.name === '2020 Vision Joint Committee')!.orgId;
    admin = { ...NOBODY, accountId: null, keeps: [{ partnershipId: visionId, orgId: org.get(COTSWOLD)! }] };
    for (const b of await governance.bodies(VISION.map((g) => org.get(g)!))) {
      if (b.kind === 'cabinet')
        cabinet.set(
          VISION.find((g) => org.get(g) === b.orgId)!,
          b.bodyId,
        );
    }
    assert.equal(cabinet.size, 4, 'the demo gives each 2020 Vision council a cabinet');
  });
  after(() => database.close());

  it('holds a proposal in Integrated Devon waiting on two councils', async () => {
    const [devon] = await governance.proposals(NOBODY, 'integrated-devon');
    assert.ok(devon, 'the demo has a published Integrated Devon proposal');
    assert.equal(devon.state, 'awaiting_decisions');
    const open = devon.approvals.filter((a) => a.latest === null).map((a) => a.council.name);
    assert.deepEqual(open.sort(), ['Teignbridge District Council', 'West Devon Borough Council']);
    assert.match(
      devon.waitingFor ?? '',
      /Teignbridge District Council \(Executive\) and West Devon Borough Council \(Hub Committee\)/,
    );
    assert.equal(devon.illustrative, true);
    assert.ok(devon.changes.every((c) => c.before !== null && c.adopted === null));
  });

  it('changes the register on its effective date only once every council approved, in one audited transaction', async () => {
    const draft = await governance.create(admin, '2020-vision', shareEconomicDevelopment('2030-04-01'));
    assert.equal(draft.state, 'draft');
    assert.deepEqual(await governance.proposals(NOBODY, '2020-vision').then((l) => l.map((p) => p.id)), []);
    await rejects(governance.proposal(NOBODY, draft.id), 404);
    const before = await inForce(ECONOMIC_DEVELOPMENT, '2030-04-01');
    assert.equal(before.get(org.get(WEST_OXFORDSHIRE)!)?.mode, 'retained');
    assert.equal(arrangementBefore(draft, WEST_OXFORDSHIRE)?.mode, 'retained');

    const submitted = await governance.submit(admin, draft.id, recommendation);
    assert.equal(submitted.state, 'awaiting_decisions');
    assert.equal(
      (await governance.proposal(NOBODY, draft.id)).state,
      'awaiting_decisions',
      'published once submitted',
    );
    for (const gss of [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN]) {
      const now = await decide(gss, draft.id, 'approved');
      assert.equal(now.state, 'awaiting_decisions');
    }
    assert.deepEqual(
      await governance.applyDue('2031-01-01'),
      [],
      'one approval missing: nothing takes effect',
    );
    assert.deepEqual(await inForce(ECONOMIC_DEVELOPMENT, '2030-04-01'), before);

    const approved = await decide(WEST_OXFORDSHIRE, draft.id, 'approved');
    assert.equal(approved.state, 'approved');
    assert.equal(approved.waitingFor, 'It takes effect on 2030-04-01.');
    assert.deepEqual(await inForce(ECONOMIC_DEVELOPMENT, '2030-04-01'), before, 'not before its date');
    assert.deepEqual(await governance.applyDue('2030-03-31'), []);

    const audits = await count('audit_log');
    assert.deepEqual(await governance.applyDue('2030-04-01'), [draft.id]);
    assert.deepEqual(await governance.applyDue('2030-04-01'), [], 'once');
    const after = await inForce(ECONOMIC_DEVELOPMENT, '2030-04-01');
    for (const gss of VISION) {
      const a = after.get(org.get(gss)!)!;
      assert.equal(a.mode, 'shared_venture', gss);
      assert.equal(a.provider.orgId, jointCommittee);
      assert.equal(a.validFrom, '2030-04-01');
      assert.equal(a.partnershipId, visionId);
      assert.match(a.source, new RegExp(draft.id));
    }
    assert.deepEqual(await inForce(ECONOMIC_DEVELOPMENT, '2030-03-31'), before, 'history is kept');
    const view = await governance.proposal(NOBODY, draft.id);
    assert.equal(view.state, 'in_effect');
    assert.ok(
      view.changes.every(
        (c) => c.adopted === true && c.after.kind === 'arrangement' && c.after.arrangementId !== null,
      ),
    );
    assert.equal(arrangementBefore(view, WEST_OXFORDSHIRE)?.mode, 'retained');
    // One audit row for each arrangement (under its council) and one for the proposal.
    assert.equal((await count('audit_log')) - audits, 5);
    const trail = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['audit_id', 'org_id', 'action', 'entity_type', 'occurred_at', 'account_id'])
        .where((eb) =>
          eb.or([
            eb('entity_key', '=', draft.id),
            eb(
              'entity_key',
              'in',
              VISION.map((g) => `${org.get(g)}:${ECONOMIC_DEVELOPMENT}`),
            ),
          ]),
        )
        .orderBy('audit_id')
        .execute(),
    );
    assert.deepEqual(
      trail.filter((t) => t.entity_type === 'proposal').map((t) => t.action),
      ['create', 'submit', 'decide', 'decide', 'decide', 'decide', 'apply'],
    );
    const decides = trail.filter((t) => t.action === 'decide').map((t) => t.org_id);
    assert.deepEqual(
      decides,
      [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN, WEST_OXFORDSHIRE].map((g) => org.get(g)),
    );
    const proposalAudits = trail.filter((t) => t.entity_type === 'proposal');
    const applied = proposalAudits.at(-1)!.audit_id;
    const made = trail.filter(
      (t) => t.entity_type === 'arrangement' && t.audit_id > proposalAudits.at(-2)!.audit_id,
    );
    assert.equal(
      made.length,
      4,
      'each council’s new arrangement is audited with the proposal’s taking effect',
    );
    assert.ok(
      made.every(
        (t) =>
          t.audit_id < applied &&
          t.action === (t.org_id === org.get(WEST_OXFORDSHIRE) ? 'supersede' : 'create'),
      ),
    );
    assert.ok(trail.every((t) => t.occurred_at instanceof Date));
  });

  it('leaves the register unchanged for a council that rejects, and for all unless partial adoption is allowed', async () => {
    const code = 622; // Support for tourism businesses: retained by West Oxfordshire
    const input = (partial: boolean) => ({
      ...shareEconomicDevelopment('2026-04-01', {
        partialAdoption: partial,
        title: `Tourism, partial ${partial}`,
      }),
      changes: shareEconomicDevelopment('2026-04-01').changes.map((c) => ({ ...c, lgslCode: code })),
    });
    const before = await inForce(code, '2026-12-31');
    const all = await governance.create(admin, '2020-vision', input(false));
    await governance.submit(admin, all.id, recommendation);
    await decide(CHELTENHAM, all.id, 'approved');
    const stopped = await decide(WEST_OXFORDSHIRE, all.id, 'rejected');
    assert.equal(stopped.state, 'rejected');
    await rejects(decide(COTSWOLD, all.id, 'approved'), 409, /rejected/);
    assert.deepEqual(await governance.applyDue('2031-01-01'), []);
    assert.deepEqual(await inForce(code, '2026-12-31'), before);

    const partial = await governance.create(admin, '2020-vision', input(true));
    await governance.submit(admin, partial.id, recommendation);
    await decide(WEST_OXFORDSHIRE, partial.id, 'rejected');
    await decide(CHELTENHAM, partial.id, 'deferred');
    for (const gss of [COTSWOLD, FOREST_OF_DEAN]) await decide(gss, partial.id, 'approved');
    assert.equal(
      (await governance.proposal(NOBODY, partial.id)).state,
      'awaiting_decisions',
      'a deferral leaves it open',
    );
    // The effective date has passed: the last approval puts it into effect at once, from today.
    const done = await decide(CHELTENHAM, partial.id, 'approved', '2026-08-01');
    assert.equal(done.state, 'in_effect');
    const after = await inForce(code, '2099-01-01');
    assert.deepEqual(
      after.get(org.get(WEST_OXFORDSHIRE)!),
      before.get(org.get(WEST_OXFORDSHIRE)!),
      'the rejecting council keeps its own',
    );
    for (const gss of [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN])
      assert.equal(after.get(org.get(gss)!)?.mode, 'shared_venture');
    assert.deepEqual(
      done.changes.map((c) => [c.council.gss, c.adopted]),
      VISION.map((g) => [g, g !== WEST_OXFORDSHIRE]),
    );
    assert.equal(done.approvals.find((a) => a.council.gss === CHELTENHAM)?.history.length, 2);
  });

  it('needs the decision of every council that reserves a matter the proposal touches, whatever the committee says', async () => {
    const cotswold = org.get(COTSWOLD)!;
    const p = await governance.create(admin, '2020-vision', {
      title: 'Building control fees policy for Cotswold',
      effectiveFrom: '2030-04-01',
      changes: [
        {
          orgId: cotswold,
          lgslCode: BUILDING_CONTROL,
          mode: 'shared_venture',
          level: 'district',
          providerOrgId: jointCommittee,
          matters: [SOVEREIGN_POLICY.toUpperCase()],
        },
      ],
      approvals: [{ orgId: cotswold, bodyId: cabinet.get(COTSWOLD)! }],
    });
    const reasons = new Map(p.approvals.map((a) => [a.council.gss, a.reason]));
    assert.deepEqual(Object.fromEntries(reasons), {
      [CHELTENHAM]: 'reserved_matter',
      [COTSWOLD]: 'listed',
      [FOREST_OF_DEAN]: 'reserved_matter',
      [WEST_OXFORDSHIRE]: 'reserved_matter',
    });
    assert.ok(p.approvals.every((a) => a.matters.includes(SOVEREIGN_POLICY)));
    await governance.submit(admin, p.id, recommendation);
    const after = await decide(COTSWOLD, p.id, 'approved');
    assert.equal(after.state, 'awaiting_decisions');
    assert.match(after.waitingFor ?? '', /Cheltenham Borough Council \(Cabinet\)/);
  });

  it('lets nobody record a decision for another council, and writes nothing when refused', async () => {
    const p = await governance.create(
      admin,
      '2020-vision',
      shareEconomicDevelopment('2030-04-01', { title: 'Refusals' }),
    );
    const decisions = await count('proposal_decision');
    const forCotswold = {
      orgId: org.get(COTSWOLD)!,
      bodyId: cabinet.get(COTSWOLD)!,
      decision: 'approved',
      decidedOn: '2026-07-01',
      minute: 'x',
    };
    await rejects(governance.recordDecision(clerk(COTSWOLD), p.id, forCotswold), 409, /draft/);
    await governance.submit(admin, p.id, recommendation);
    await rejects(
      governance.recordDecision(clerk(CHELTENHAM), p.id, forCotswold),
      403,
      /Only the council itself/,
    );
    await rejects(governance.recordDecision(admin, p.id, forCotswold), 403);
    await rejects(governance.recordDecision(OPERATOR, p.id, forCotswold), 403);
    await rejects(governance.recordDecision(NOBODY, p.id, forCotswold), 403);
    // A transaction of Cheltenham's that tries to write Cotswold's decision directly.
    const cheltenham = org.get(CHELTENHAM)!;
    await assert.rejects(
      withTenant(database.db, { readOrgs: [cheltenham], writeOrgs: [cheltenham], accountId: null }, (tx) =>
        sql`insert into proposal_decision (org_id, keeper_org_id, proposal_id, body_id, decision, decided_on, minute)
            values (${org.get(COTSWOLD)!}, ${org.get(COTSWOLD)!}, ${p.id}, ${cabinet.get(COTSWOLD)!}, 'approved', '2026-07-01', 'forged')`.execute(
          tx,
        ),
      ),
      /row-level security/,
    );
    // Nor its own decision at a body the proposal does not ask (its full council, here).
    const cotswold = org.get(COTSWOLD)!;
    const fullCouncil = (await governance.bodies([cotswold])).find((b) => b.kind === 'full_council')!;
    await assert.rejects(
      withTenant(database.db, { readOrgs: [cotswold], writeOrgs: [cotswold], accountId: null }, (tx) =>
        sql`insert into proposal_decision (org_id, keeper_org_id, proposal_id, body_id, decision, decided_on, minute)
            values (${cotswold}, ${cotswold}, ${p.id}, ${fullCouncil.bodyId}, 'approved', '2026-07-01', 'not asked')`.execute(
          tx,
        ),
      ),
      /a decision answers an approval the proposal asks/,
    );
    // Nor may a council change or delete a decision once recorded, even its own.
    await decide(CHELTENHAM, p.id, 'approved');
    await assert.rejects(
      withTenant(database.db, { readOrgs: [cheltenham], writeOrgs: [cheltenham], accountId: null }, (tx) =>
        sql`update proposal_decision set decision = 'rejected' where proposal_id = ${p.id}`.execute(tx),
      ),
      /permission denied/,
    );
    assert.equal((await count('proposal_decision')) - decisions, 1);
    // A decision with bad input, or for a body that is not asked, changes nothing.
    await rejects(
      governance.recordDecision(clerk(COTSWOLD), p.id, {
        ...forCotswold,
        decision: 'maybe',
        decidedOn: '2026-02-30',
        minute: '',
      }),
      400,
    );
    await rejects(
      governance.recordDecision(clerk(COTSWOLD), p.id, { ...forCotswold, decidedOn: '2099-01-01' }),
      400,
      /future/,
    );
    await rejects(
      governance.recordDecision(clerk(COTSWOLD), p.id, { ...forCotswold, decidedOn: '2026-05-31' }),
      400,
      /before the recommendation/,
    );
    await rejects(
      governance.recordDecision(clerk(COTSWOLD), p.id, { ...forCotswold, bodyId: cabinet.get(CHELTENHAM)! }),
      400,
    );
    assert.equal((await count('proposal_decision')) - decisions, 1);
    // Only the keeper submits or withdraws; once withdrawn, nothing more is recorded.
    await rejects(governance.withdraw(clerk(COTSWOLD), p.id, 'no'), 403);
    await rejects(governance.withdraw(admin, p.id, ''), 400);
    assert.equal(
      (await governance.withdraw(admin, p.id, 'Superseded by the company model')).state,
      'withdrawn',
    );
    await rejects(decide(COTSWOLD, p.id, 'approved'), 409, /withdrawn/);
    await rejects(governance.proposal(NOBODY, 'not-a-uuid'), 404);
  });

  it('refuses a proposal with bad input with every problem named, and writes nothing', async () => {
    const proposals = await count('proposal');
    const bad = shareEconomicDevelopment('2030-02-30', { title: ' ' });
    bad.changes[0] = {
      ...(bad.changes[0] as ArrangementChangeInput),
      mode: 'magic',
      orgId: org.get('E07000041')!,
    };
    bad.approvals = bad.approvals.slice(1);
    await assert.rejects(governance.create(admin, '2020-vision', bad), (error: unknown) => {
      assert.ok(error instanceof ProblemError && error.status === 400);
      const fields = (error.extensions?.errors as Array<{ field: string }>).map((e) => e.field);
      assert.ok(
        fields.includes('title') && fields.includes('effectiveFrom') && fields.includes('changes[0].orgId'),
        fields.join(),
      );
      return true;
    });
    const noBody = shareEconomicDevelopment('2030-04-01');
    noBody.approvals = noBody.approvals.slice(1);
    await rejects(
      governance.create(admin, '2020-vision', noBody),
      400,
      /Cheltenham Borough Council’s register changes/,
    );
    const badMode = shareEconomicDevelopment('2030-04-01');
    badMode.changes[1] = { ...(badMode.changes[1] as ArrangementChangeInput), mode: 'retained' };
    await rejects(
      governance.create(admin, '2020-vision', badMode),
      400,
      /Change 2: A retained service is provided by/,
    );
    await rejects(
      governance.create(clerk(COTSWOLD), '2020-vision', shareEconomicDevelopment('2030-04-01')),
      403,
    );
    await rejects(governance.create(admin, 'integrated-devon', shareEconomicDevelopment('2030-04-01')), 403);
    await rejects(
      governance.create(admin, 'no-such-partnership', shareEconomicDevelopment('2030-04-01')),
      404,
    );
    assert.equal(await count('proposal'), proposals);
  });

  it('puts a proposal into effect once when the last two councils decide at the same moment', async () => {
    const code = 870; // Community safety
    const input = {
      ...shareEconomicDevelopment('2026-01-01', { title: 'Community safety together' }),
      changes: shareEconomicDevelopment('2026-01-01').changes.map((c) => ({ ...c, lgslCode: code })),
    };
    const p = await governance.create(admin, '2020-vision', input);
    await governance.submit(admin, p.id, recommendation);
    await decide(CHELTENHAM, p.id, 'approved');
    await decide(COTSWOLD, p.id, 'approved');
    const arrangements = await count('arrangement');
    await Promise.all([decide(FOREST_OF_DEAN, p.id, 'approved'), decide(WEST_OXFORDSHIRE, p.id, 'approved')]);
    assert.equal((await governance.proposal(NOBODY, p.id)).state, 'in_effect');
    assert.equal((await count('arrangement')) - arrangements, 4);
  });
});
