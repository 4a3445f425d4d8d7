import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DECISIONS,
  adoptingCouncils,
  isDue,
  mayRecordDecision,
  proposalState,
  waitingFor,
  type ApprovalFacts,
  type Decision,
  type ProposalFacts,
} from './proposal-rules.ts';

// The 2020 Vision councils, by the order they appear in the seeds.
const CHELTENHAM = 1;
const COTSWOLD = 2;
const FOREST = 3;
const WEST_OXFORDSHIRE = 4;
const NAMES: Record<number, string> = {
  [CHELTENHAM]: 'Cheltenham Borough Council',
  [COTSWOLD]: 'Cotswold District Council',
  [FOREST]: 'Forest of Dean District Council',
  [WEST_OXFORDSHIRE]: 'West Oxfordshire District Council',
};
const COUNCILS = [CHELTENHAM, COTSWOLD, FOREST, WEST_OXFORDSHIRE];

const approval = (orgId: number, decision: Decision | null, body = 'Cabinet'): ApprovalFacts => ({
  orgId,
  orgName: NAMES[orgId]!,
  body,
  reason: 'listed',
  decision,
});

const proposal = (approvals: ApprovalFacts[], over: Partial<ProposalFacts> = {}): ProposalFacts => ({
  submitted: true,
  withdrawn: false,
  applied: false,
  effectiveFrom: '2026-04-01',
  partialAdoption: false,
  approvals,
  changedOrgIds: COUNCILS,
  ...over,
});

describe('a proposal’s state', () => {
  it('is a draft until submitted, and withdrawn whatever was decided', () => {
    const all = COUNCILS.map((c) => approval(c, 'approved'));
    assert.equal(proposalState(proposal(all, { submitted: false })), 'draft');
    assert.equal(proposalState(proposal(all, { withdrawn: true })), 'withdrawn');
  });

  it('awaits decisions until every council has approved, then is approved, then in effect', () => {
    const three = [
      approval(CHELTENHAM, 'approved'),
      approval(COTSWOLD, 'approved'),
      approval(FOREST, 'approved'),
    ];
    assert.equal(proposalState(proposal([...three, approval(WEST_OXFORDSHIRE, null)])), 'awaiting_decisions');
    assert.equal(
      proposalState(proposal([...three, approval(WEST_OXFORDSHIRE, 'deferred')])),
      'awaiting_decisions',
    );
    const all = [...three, approval(WEST_OXFORDSHIRE, 'approved')];
    assert.equal(proposalState(proposal(all)), 'approved');
    assert.equal(proposalState(proposal(all, { applied: true })), 'in_effect');
  });

  it('needs every body of a council: a cabinet’s approval is not its full council’s', () => {
    const approvals = [
      ...COUNCILS.map((c) => approval(c, 'approved')),
      approval(COTSWOLD, null, 'Full Council'),
    ];
    assert.equal(proposalState(proposal(approvals)), 'awaiting_decisions');
    assert.deepEqual(adoptingCouncils(proposal(approvals)), []);
  });

  it('is rejected by one council when it does not allow partial adoption', () => {
    const approvals = [
      approval(CHELTENHAM, 'approved'),
      approval(COTSWOLD, 'rejected'),
      approval(FOREST, null),
      approval(WEST_OXFORDSHIRE, 'approved'),
    ];
    assert.equal(proposalState(proposal(approvals)), 'rejected');
    assert.deepEqual(adoptingCouncils(proposal(approvals)), []);
  });

  it('with partial adoption, goes ahead for the councils that approve once every council has decided', () => {
    const waiting = [
      approval(CHELTENHAM, 'approved'),
      approval(COTSWOLD, 'rejected'),
      approval(FOREST, null),
      approval(WEST_OXFORDSHIRE, 'approved'),
    ];
    assert.equal(proposalState(proposal(waiting, { partialAdoption: true })), 'awaiting_decisions');
    const decided = waiting.map((a) => (a.orgId === FOREST ? { ...a, decision: 'approved' as const } : a));
    const p = proposal(decided, { partialAdoption: true });
    assert.equal(proposalState(p), 'approved');
    assert.deepEqual(adoptingCouncils(p), [CHELTENHAM, FOREST, WEST_OXFORDSHIRE]);
    const allRejected = proposal(
      COUNCILS.map((c) => approval(c, 'rejected')),
      { partialAdoption: true },
    );
    assert.equal(proposalState(allRejected), 'rejected');
  });
});

describe('when a proposal takes effect', () => {
  it('is due on its effective date once approved, and not before', () => {
    const all = proposal(COUNCILS.map((c) => approval(c, 'approved')));
    assert.equal(isDue(all, '2026-03-31'), false);
    assert.equal(isDue(all, '2026-04-01'), true);
    assert.equal(isDue({ ...all, applied: true }, '2026-05-01'), false);
    assert.equal(waitingFor(all, '2026-03-12'), 'It takes effect on 2026-04-01.');
  });

  it('waits past its effective date for a missing approval, and says so', () => {
    const p = proposal([
      approval(CHELTENHAM, 'approved'),
      approval(COTSWOLD, null),
      approval(FOREST, 'deferred'),
      approval(WEST_OXFORDSHIRE, 'approved'),
    ]);
    assert.equal(isDue(p, '2026-06-01'), false);
    assert.equal(
      waitingFor(p, '2026-06-01'),
      'Waiting for the decision of Cotswold District Council (Cabinet) and Forest of Dean District Council ' +
        '(Cabinet, deferred). Its effective date, 2026-04-01, has passed: the register changes when the last ' +
        'approval is in.',
    );
  });

  const decisions = fc.constantFrom<Decision | null>(null, ...DECISIONS);
  const facts = fc.record({
    submitted: fc.boolean(),
    withdrawn: fc.boolean(),
    applied: fc.constant(false),
    effectiveFrom: fc.constantFrom('2026-04-01', '2027-04-01'),
    partialAdoption: fc.boolean(),
    approvals: fc.array(
      fc.record({
        orgId: fc.constantFrom(...COUNCILS),
        body: fc.constantFrom('Cabinet', 'Full Council'),
        decision: decisions,
      }),
      { minLength: 1, maxLength: 8 },
    ),
  });

  it('never changes a council’s register without every approval of that council', () => {
    fc.assert(
      fc.property(facts, fc.constantFrom('2026-03-01', '2026-04-01', '2027-06-01'), (f, today) => {
        const p: ProposalFacts = {
          ...f,
          approvals: f.approvals.map((a) => ({ ...a, orgName: NAMES[a.orgId]!, reason: 'listed' as const })),
          changedOrgIds: COUNCILS,
        };
        const adopting = adoptingCouncils(p);
        if (isDue(p, today)) {
          assert.ok(p.submitted && !p.withdrawn && p.effectiveFrom <= today);
          assert.ok(adopting.length > 0);
        }
        for (const orgId of adopting) {
          const own = p.approvals.filter((a) => a.orgId === orgId);
          assert.ok(
            own.length > 0 && own.every((a) => a.decision === 'approved'),
            `council ${orgId} adopts with ${JSON.stringify(own)}`,
          );
          // Without partial adoption, nobody adopts unless everybody approved.
          if (!p.partialAdoption) assert.ok(p.approvals.every((a) => a.decision === 'approved'));
        }
        // Every council has decided (each body approved, or one rejected) before anyone adopts.
        if (adopting.length > 0) {
          for (const orgId of new Set(p.approvals.map((a) => a.orgId))) {
            const own = p.approvals.filter((a) => a.orgId === orgId);
            assert.ok(
              own.every((a) => a.decision === 'approved') || own.some((a) => a.decision === 'rejected'),
              `council ${orgId} has not decided: ${JSON.stringify(own)}`,
            );
          }
        }
      }),
    );
  });

  it('names every open approval while it waits', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const p: ProposalFacts = {
          ...f,
          approvals: f.approvals.map((a) => ({ ...a, orgName: NAMES[a.orgId]!, reason: 'listed' as const })),
          changedOrgIds: COUNCILS,
        };
        const text = waitingFor(p, '2026-05-01');
        if (proposalState(p) !== 'awaiting_decisions') return;
        for (const a of p.approvals.filter((x) => x.decision === null || x.decision === 'deferred')) {
          assert.ok(text?.includes(`${a.orgName} (${a.body}`), `${text} names ${a.orgName}`);
        }
      }),
    );
  });
});

describe('who records a decision', () => {
  it('is the council itself, never another council', () => {
    assert.deepEqual(mayRecordDecision({ orgIds: [COTSWOLD] }, COTSWOLD, 'awaiting_decisions'), { ok: true });
    assert.deepEqual(mayRecordDecision({ orgIds: [COTSWOLD] }, FOREST, 'awaiting_decisions'), {
      ok: false,
      reason: 'Only the council itself records its decision.',
    });
  });

  it('refuses a decision on a draft, a withdrawn or a rejected proposal, or one in effect', () => {
    for (const state of ['draft', 'withdrawn', 'rejected', 'in_effect'] as const) {
      assert.equal(mayRecordDecision({ orgIds: [COTSWOLD] }, COTSWOLD, state).ok, false, state);
    }
  });
});
