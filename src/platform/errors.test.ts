import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemError, ValidationProblem, notFound, toProblem } from './errors.ts';

describe('problem documents (RFC 9457)', () => {
  it('always carry the HTTP status number as status, and a named outcome as code', () => {
    const problem = toProblem(
      notFound('EX1 9ZZ is not in the postcode directory.', { code: 'unknown_place' }),
    );
    assert.deepEqual(problem, {
      type: 'about:blank',
      title: 'Not found',
      code: 'unknown_place',
      status: 404,
      detail: 'EX1 9ZZ is not in the postcode directory.',
    });
  });

  it('never let an extension replace the status number', () => {
    const problem = toProblem(
      new ProblemError(409, 'Conflict', 'Changed meanwhile.', { status: 'stale' }),
      '/x',
    );
    assert.equal(problem.status, 409);
    assert.equal(problem.instance, '/x');
  });

  it('list the fields of a validation problem beside the status number', () => {
    const problem = toProblem(new ValidationProblem({ description: 'Enter a description' }));
    assert.equal(problem.status, 400);
    assert.deepEqual(problem.errors, [{ field: 'description', message: 'Enter a description' }]);
  });
});
