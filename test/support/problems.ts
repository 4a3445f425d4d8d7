/** Asserting the problem a service answers with: its HTTP status and, when given, its detail. */
import assert from 'node:assert/strict';
import { ProblemError } from '../../src/platform/index.ts';

export async function rejectsWithProblem(
  work: Promise<unknown>,
  status: number,
  pattern?: RegExp,
): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof ProblemError, `expected a problem, got ${String(error)}`);
    assert.equal(error.status, status, error.detail);
    if (pattern) assert.match(error.detail, pattern);
    return true;
  });
}
