import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPercent, percentOf } from './percent.ts';

describe('percentages', () => {
  it('shows hundredths of a percent to two places', () => {
    assert.equal(formatPercent(2_341n), '23.41%');
    assert.equal(formatPercent(10_000n), '100.00%');
    assert.equal(formatPercent(5n), '0.05%');
    assert.equal(formatPercent(-300n), '-3.00%');
  });

  it('works a part of a whole to two places, half up', () => {
    assert.equal(percentOf(2_345n, 10_017n), '23.41%');
    assert.equal(percentOf(1n, 3n), '33.33%');
    assert.equal(percentOf(2n, 3n), '66.67%');
    assert.equal(percentOf(1n, 8n), '12.50%');
    assert.equal(percentOf(-1n, 8n), '12.50%', 'the size of a change, whichever way it goes');
  });
});
