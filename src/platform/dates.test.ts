import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDate, formatMonth } from './dates.ts';

describe('dates for people', () => {
  it('writes a calendar date in words', () => {
    assert.equal(formatDate('2024-04-01'), '1 April 2024');
  });

  it('writes a month in words from ONSPD’s YYYYMM or YYYY-MM, and leaves anything else as it is', () => {
    assert.equal(formatMonth('199812'), 'December 1998');
    assert.equal(formatMonth('2024-04'), 'April 2024');
    assert.equal(formatMonth('199813'), '199813');
    assert.equal(formatMonth('soon'), 'soon');
  });
});
