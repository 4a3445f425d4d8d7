import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatPercent, parsePercent, percentOf } from './percent.ts';

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

  it('reads a percentage as typed, and nothing else', () => {
    assert.equal(parsePercent('23.41'), 2_341n);
    assert.equal(parsePercent(' 23.4 % '), 2_340n);
    assert.equal(parsePercent('5'), 500n);
    assert.equal(parsePercent('100%'), 10_000n);
    for (const bad of ['', '-3', '1.234', 'ten', '1,5', '1e2', '.5', '1000'])
      assert.equal(parsePercent(bad), undefined, bad);
  });

  it('reads back what it shows, for any share', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 99_999n }), (hundredths) => {
        assert.equal(parsePercent(formatPercent(hundredths)), hundredths);
      }),
    );
  });
});
