import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compareRatios,
  formatDecimal,
  ratio,
  roundHalfAwayFromZero,
  share,
  subtractRatios,
} from './ratio.ts';

describe('exact ratios', () => {
  it('are kept in lowest terms with the denominator above zero', () => {
    assert.deepEqual(ratio(6, -4), { numerator: -3n, denominator: 2n });
    assert.deepEqual(ratio(0, 7), { numerator: 0n, denominator: 1n });
    assert.throws(() => ratio(1, 0), RangeError);
  });

  it('are no share of nothing', () => {
    assert.equal(share(0, 0), null);
    assert.deepEqual(share(3, 4), ratio(3, 4));
  });

  it('compare exactly where floating point would not', () => {
    assert.equal(compareRatios(subtractRatios(ratio(90, 100), ratio(85, 100)), ratio(5, 100)), 0);
    assert.equal(compareRatios(ratio(1, 3), ratio(333, 1000)), 1);
  });

  it('round halves away from zero', () => {
    assert.equal(roundHalfAwayFromZero(ratio(5, 2)), 3n);
    assert.equal(roundHalfAwayFromZero(ratio(-5, 2)), -3n);
    assert.equal(roundHalfAwayFromZero(ratio(7, 3)), 2n);
    assert.equal(roundHalfAwayFromZero(ratio(-7, 3)), -2n);
  });

  it('format as decimals', () => {
    assert.equal(formatDecimal(ratio(2, 3), 1), '0.7');
    assert.equal(formatDecimal(ratio(-1, 8), 2), '-0.13');
    assert.equal(formatDecimal(ratio(-1, 1000), 2), '0.00');
    assert.equal(formatDecimal(ratio(1234), 0), '1234');
    assert.throws(() => formatDecimal(ratio(1), -1), RangeError);
  });

  it('rounding is never off by more than a half', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          const q = ratio(n, d);
          const off = subtractRatios(q, ratio(roundHalfAwayFromZero(q)));
          assert.ok(compareRatios(off, ratio(1, 2)) <= 0 && compareRatios(off, ratio(-1, 2)) >= 0);
        },
      ),
    );
  });
});
