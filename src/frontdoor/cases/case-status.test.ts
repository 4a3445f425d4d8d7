import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASE_STATUSES, refusedMove, statusChoices } from './case-status.ts';
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
