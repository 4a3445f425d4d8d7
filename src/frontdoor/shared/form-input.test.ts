import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { streetProblem } from './form-input.ts';

describe('streetProblem', () => {
  it('asks for the street when the place is only part of a postcode', () => {
    assert.match(
      streetProblem('EX16', '') ?? '',
      /^Enter the street or a landmark near the place: EX16 is only part/,
    );
    assert.match(streetProblem('ex16 1', undefined) ?? '', /EX16 1 is only part of a postcode/);
    assert.match(streetProblem('EX1', '   ') ?? '', /EX1 is only part/);
  });

  it('leaves the street optional with a full postcode or when one is given', () => {
    assert.equal(streetProblem('EX1 1AE', ''), undefined);
    assert.equal(streetProblem('EX16', 'Station Road'), undefined);
  });

  it('leaves a postcode that cannot be read to its own message', () => {
    assert.equal(streetProblem('not a postcode', ''), undefined);
    assert.equal(streetProblem('', ''), undefined);
  });
});
