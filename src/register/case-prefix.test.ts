import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { casePrefixCandidates } from './case-prefix.ts';

describe('casePrefixCandidates', () => {
  it('takes three letters of one word, and initials with two letters of the last of several', () => {
    assert.equal(casePrefixCandidates('devon')[0], 'DEV');
    assert.equal(casePrefixCandidates('exeter')[0], 'EXE');
    assert.equal(casePrefixCandidates('west-oxfordshire')[0], 'WOX');
    assert.equal(casePrefixCandidates('forest-of-dean')[0], 'FDE');
    assert.equal(casePrefixCandidates('Avon and Somerset Constabulary')[0], 'ASCO');
  });

  it('offers longer prefixes, then numbered ones, for a prefix already taken', () => {
    const cheltenham = casePrefixCandidates('cheltenham');
    const cherwell = casePrefixCandidates('cherwell');
    assert.equal(cheltenham[0], cherwell[0]);
    assert.deepEqual(cheltenham.slice(0, 3), ['CHE', 'CHEL', 'CHELT']);
    assert.notEqual(cheltenham[1], cherwell[1]);
    assert.ok(cheltenham.includes('CHE2') && cheltenham.includes('CHE99'));
  });

  it('gives every candidate in the form a reference allows', () => {
    for (const name of ['devon', 'st-helens', 'x', 'Ōrē', '---', 'kingston-upon-hull', 'isles-of-scilly']) {
      for (const prefix of casePrefixCandidates(name)) assert.match(prefix, /^[A-Z]{2,6}[0-9]{0,2}$/, name);
    }
  });
});
