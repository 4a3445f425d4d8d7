import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GREEN_BOOK_RATE, netPresentValue, paybackYear, type YearFlow } from './business-case.ts';

// Figures written for the test: £100,000.00 to set up a shared service, £30,000.00 saved a year.
const CASE: YearFlow[] = [
  { year: 0, costs: 10_000_000n, savings: 0n },
  { year: 1, costs: 0n, savings: 3_000_000n },
  { year: 2, costs: 0n, savings: 3_000_000n },
  { year: 3, costs: 0n, savings: 3_000_000n },
  { year: 4, costs: 0n, savings: 3_000_000n },
];

describe('business cases', () => {
  it('discounts at the Green Book rate of 3.5%, from figures worked by hand', () => {
    // −100,000 + 30,000 × (1/1.035 + 1/1.035² + 1/1.035³ + 1/1.035⁴) = £10,192.376…
    assert.equal(GREEN_BOOK_RATE, 350n);
    assert.equal(netPresentValue(CASE), 1_019_238n);
    // Undiscounted, the sum: £20,000.00.
    assert.equal(netPresentValue(CASE, 0n), 2_000_000n);
    // At 10%: −100,000 + 30,000 × 3.16987 = −£4,904.04.
    assert.equal(netPresentValue(CASE, 1_000n), -490_404n);
  });

  it('pays back in the year savings so far first cover costs so far', () => {
    assert.equal(paybackYear(CASE), 4);
    assert.equal(paybackYear(CASE.slice(0, 4)), null, 'not within three years');
    assert.equal(paybackYear([{ year: 0, costs: 100n, savings: 100n }]), 0);
    assert.equal(
      paybackYear([{ year: 2, costs: 0n, savings: 5n }]),
      null,
      'nothing spent, nothing to pay back',
    );
  });

  it('refuses years given twice or out of range, and rates out of range', () => {
    assert.throws(() => netPresentValue([CASE[0]!, CASE[0]!]), /Year 0 is given twice/);
    assert.throws(() => netPresentValue([{ year: -1, costs: 0n, savings: 0n }]), /not a whole number/);
    assert.throws(() => paybackYear([{ year: 1.5, costs: 0n, savings: 0n }]), /not a whole number/);
    assert.throws(() => netPresentValue(CASE, -1n), /between 0% and 100%/);
  });

  it('for any flows: the order they are given in changes nothing, at 0% it is the plain sum, and savings alone never discount below nothing', () => {
    const flows = fc.uniqueArray(
      fc.record({
        year: fc.integer({ min: 0, max: 30 }),
        costs: fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        savings: fc.bigInt({ min: 0n, max: 10_000_000_000n }),
      }),
      { selector: (f) => f.year, maxLength: 12 },
    );
    fc.assert(
      fc.property(flows, (fs) => {
        const reversed = [...fs].reverse();
        assert.equal(netPresentValue(reversed), netPresentValue(fs));
        assert.equal(paybackYear(reversed), paybackYear(fs));
        assert.equal(
          netPresentValue(fs, 0n),
          fs.reduce((sum, f) => sum + f.savings - f.costs, 0n),
        );
        // With savings only, discounting leaves a value between nothing and the plain sum.
        const plain = netPresentValue(fs, 0n);
        const discounted = netPresentValue(fs);
        if (fs.every((f) => f.costs === 0n)) assert.ok(discounted <= plain && discounted >= 0n);
      }),
    );
  });
});
