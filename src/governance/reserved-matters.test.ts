import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalsNeeded, type SovereignArrangement } from './reserved-matters.ts';

const PARTNERSHIP = 7;
const FEES = 'Fees and charges';
const shared = (
  orgId: number,
  reserved: string[],
  partnershipId: number | null = PARTNERSHIP,
): SovereignArrangement => ({
  orgId,
  lgslCode: 499,
  partnershipId,
  provider: { orgId: 100 },
  reservedDecisions: reserved,
});
const bodies = [
  { orgId: 1, bodyId: 11, kind: 'cabinet' },
  { orgId: 2, bodyId: 21, kind: 'full_council' },
  { orgId: 2, bodyId: 22, kind: 'executive' },
  { orgId: 3, bodyId: 31, kind: 'full_council' },
  { orgId: 4, bodyId: 41, kind: 'committee' },
];

describe('approvalsNeeded', () => {
  it('asks every council sharing the service that reserves a touched matter, at its executive first', () => {
    const { approvals, missingBody } = approvalsNeeded({
      partnershipId: PARTNERSHIP,
      changes: [{ orgId: 1, lgslCode: 499, matters: [' fees AND charges '] }],
      inForce: [
        shared(1, [FEES]),
        shared(2, ['fees and charges', 'Policy']),
        shared(3, [FEES]),
        shared(4, ['Policy']),
      ],
      listed: [{ orgId: 1, bodyId: 11 }],
      bodies,
    });
    assert.deepEqual(approvals, [
      { councilOrgId: 1, bodyId: 11, reason: 'listed', matters: [FEES] },
      { councilOrgId: 2, bodyId: 22, reason: 'reserved_matter', matters: ['fees and charges'] },
      { councilOrgId: 3, bodyId: 31, reason: 'reserved_matter', matters: [FEES] },
    ]);
    assert.deepEqual(missingBody, []);
  });

  it('leaves out councils that do not share the service: another partnership, or delivering it themselves', () => {
    const own: SovereignArrangement = { ...shared(2, [FEES]), provider: { orgId: 2 } };
    const { approvals } = approvalsNeeded({
      partnershipId: PARTNERSHIP,
      changes: [{ orgId: 1, lgslCode: 499, matters: [FEES] }],
      inForce: [shared(3, [FEES], 99), own, { ...shared(4, [FEES]), lgslCode: 500 }],
      listed: [{ orgId: 1, bodyId: 11 }],
      bodies,
    });
    assert.deepEqual(approvals, [{ councilOrgId: 1, bodyId: 11, reason: 'listed', matters: [] }]);
  });

  it('asks the changed council about its own reserved matters even when it delivers the service itself', () => {
    const { approvals, missingBody } = approvalsNeeded({
      partnershipId: PARTNERSHIP,
      changes: [{ orgId: 4, lgslCode: 499, matters: [FEES] }],
      inForce: [{ ...shared(4, [FEES], null), provider: { orgId: 4 } }],
      listed: [],
      bodies,
    });
    assert.deepEqual(approvals, []);
    assert.deepEqual(missingBody, [4], 'a committee alone cannot decide a reserved matter for the council');
  });

  it('lists each approval once, and asks nothing more of a proposal that touches no matter', () => {
    const { approvals } = approvalsNeeded({
      partnershipId: PARTNERSHIP,
      changes: [{ orgId: 1, lgslCode: 499, matters: [] }],
      inForce: [shared(2, [FEES])],
      listed: [
        { orgId: 1, bodyId: 11 },
        { orgId: 1, bodyId: 11 },
      ],
      bodies,
    });
    assert.deepEqual(approvals, [{ councilOrgId: 1, bodyId: 11, reason: 'listed', matters: [] }]);
  });
});
