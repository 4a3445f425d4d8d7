import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchTerms } from './queue.service.ts';

describe('what a search of the desk’s cases looks for', () => {
  it('looks for nothing when nothing is typed', () => {
    assert.equal(searchTerms(''), undefined);
  });

  it('takes a reference as a reference, in any case and with spaces around it', () => {
    assert.deepEqual(searchTerms('exe-2026-000123'), { reference: 'EXE-2026-000123' });
    assert.deepEqual(searchTerms(' DEV-2026-000001 '), { reference: 'DEV-2026-000001' });
  });

  it('takes a full postcode, however it is spaced, as that postcode written with its space', () => {
    assert.deepEqual(searchTerms('ex11ae'), { postcode: 'EX1 1AE' });
    assert.deepEqual(searchTerms('EX4  0AG'), { postcode: 'EX4 0AG' });
    assert.deepEqual(searchTerms('CV34 4DP'), { postcode: 'CV34 4DP' });
  });

  it('looks for anything else in names, addresses and descriptions, as typed', () => {
    assert.deepEqual(searchTerms('Smith'), { words: 'Smith' });
    // Part of a postcode, or a reference without its number, is words.
    assert.deepEqual(searchTerms('EX16'), { words: 'EX16' });
    assert.deepEqual(searchTerms('EXE-2026'), { words: 'EXE-2026' });
  });
});
