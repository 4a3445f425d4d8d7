import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDate, formatDateTime, formatMonth } from './dates.ts';

describe('dates for people', () => {
  it('writes a calendar date in words', () => {
    assert.equal(formatDate('2024-04-01'), '1 April 2024');
  });

  it('writes an instant in London time, in words, with a 24-hour clock', () => {
    assert.equal(formatDateTime(new Date('2026-12-24T10:00:00Z')), '24 December 2026, 10:00');
    assert.equal(formatDateTime(new Date('2026-06-30T23:05:00Z')), '1 July 2026, 00:05');
    assert.equal(formatDateTime(new Date('2026-03-29T01:00:00Z')), '29 March 2026, 02:00');
    assert.equal(formatDateTime(new Date('2026-01-01T09:07:59Z')), '1 January 2026, 09:07');
  });

  it('writes a month in words from ONSPD’s YYYYMM or YYYY-MM, and leaves anything else as it is', () => {
    assert.equal(formatMonth('199812'), 'December 1998');
    assert.equal(formatMonth('2024-04'), 'April 2024');
    assert.equal(formatMonth('199813'), '199813');
    assert.equal(formatMonth('soon'), 'soon');
  });
});
