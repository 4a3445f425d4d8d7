import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CASE_STATUSES,
  isActive,
  refusedMove,
  refusedPause,
  refusedReferralFrom,
  statusChoices,
} from './case-status.ts';
import type { CaseStatus } from '../../db/schema.ts';

describe('the status form’s choices', () => {
  it('start at the current status, then the next ones in the workflow', () => {
    assert.deepEqual(statusChoices('investigating'), [
      'investigating',
      'action_scheduled',
      'in_progress',
      'fixed',
      'closed',
      'duplicate',
      'no_further_action',
      'cancelled',
    ]);
    assert.deepEqual(statusChoices('in_progress').slice(0, 3), ['in_progress', 'fixed', 'closed']);
    // Going back a step is still possible, after the steps forward.
    assert.ok(statusChoices('in_progress').includes('investigating'));
  });

  it('offer only reopening for a finished case, and nothing but itself for a referred one', () => {
    assert.deepEqual(statusChoices('fixed'), ['fixed', 'reopened']);
    assert.deepEqual(statusChoices('referred'), ['referred']);
  });

  it('list, after the current one, exactly the moves the rules allow', () => {
    for (const from of Object.keys(CASE_STATUSES) as CaseStatus[]) {
      const [first, ...rest] = statusChoices(from);
      assert.equal(first, from);
      const allowed = (Object.keys(CASE_STATUSES) as CaseStatus[]).filter(
        (to) => refusedMove(from, to) === null,
      );
      assert.deepEqual([...rest].sort(), [...allowed].sort(), from);
    }
  });
});

describe('which cases may wait on the resident or be referred', () => {
  const statuses = Object.keys(CASE_STATUSES) as CaseStatus[];

  it('lets only a case in hand that is not already waiting start to wait', () => {
    for (const status of statuses) {
      const refused = refusedPause({ status, pausedAt: null });
      assert.equal(refused === null, isActive(status), status);
    }
    assert.equal(refusedPause({ status: 'open', pausedAt: null }), null);
    assert.equal(
      refusedPause({ status: 'in_progress', pausedAt: new Date('2026-11-02T09:00:00Z') }),
      'The case is already waiting on the resident.',
    );
    assert.equal(
      refusedPause({ status: 'fixed', pausedAt: null }),
      'The case is fixed: only a case in hand can wait.',
    );
    assert.match(
      refusedPause({ status: 'referred', pausedAt: null })!,
      /^The case is not our responsibility/,
    );
  });

  it('lets only a case in hand be referred, and says why another cannot', () => {
    for (const status of statuses) {
      assert.equal(refusedReferralFrom(status) === null, isActive(status), status);
    }
    assert.equal(refusedReferralFrom('closed'), 'The case is closed: only a case in hand can be referred.');
    assert.match(refusedReferralFrom('referred')!, /only a case in hand can be referred/);
  });
});
