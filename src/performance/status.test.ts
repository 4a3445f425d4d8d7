import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Polarity } from './measures.ts';
import { type Ratio, addRatios, ratio, subtractRatios } from './ratio.ts';
import { assess, directionOfTravel, ragStatus } from './status.ts';

const r = (n: number, d = 1) => ratio(n, d);
const pct = (percent: number) => ratio(percent, 100);

const value = fc
  .record({ n: fc.integer({ min: -10_000, max: 10_000 }), d: fc.integer({ min: 1, max: 1_000 }) })
  .map(({ n, d }) => ratio(n, d));
const tolerance = fc
  .record({ n: fc.integer({ min: 0, max: 1_000 }), d: fc.integer({ min: 1, max: 100 }) })
  .map(({ n, d }) => ratio(n, d));
const polarity = fc.constantFrom<Polarity>('higher_is_better', 'lower_is_better');
const flip = (p: Polarity): Polarity => (p === 'higher_is_better' ? 'lower_is_better' : 'higher_is_better');
/** The value mirrored about the target: as far the other side. */
const mirror = (v: Ratio, target: Ratio) => subtractRatios(addRatios(target, target), v);

describe('red, amber, green', () => {
  it('is green at or better than the target, amber within the tolerance, red beyond (higher is better)', () => {
    const target = pct(85);
    const tol = pct(5);
    assert.equal(ragStatus(pct(90), target, 'higher_is_better', tol), 'green');
    assert.equal(ragStatus(pct(85), target, 'higher_is_better', tol), 'green', 'at the target');
    assert.equal(ragStatus(pct(84), target, 'higher_is_better', tol), 'amber');
    assert.equal(
      ragStatus(pct(80), target, 'higher_is_better', tol),
      'amber',
      'worse by exactly the tolerance',
    );
    assert.equal(
      ragStatus(ratio(7999, 10_000), target, 'higher_is_better', tol),
      'red',
      'a hundredth of a point beyond',
    );
    // 0.9 − 0.85 in floating point is 0.05000000000000004: exact values keep this amber.
    assert.equal(ragStatus(pct(85), pct(90), 'higher_is_better', pct(5)), 'amber');
  });

  it('is the other way round when lower is better', () => {
    const target = r(10);
    assert.equal(ragStatus(r(8), target, 'lower_is_better', r(2)), 'green');
    assert.equal(ragStatus(r(10), target, 'lower_is_better', r(2)), 'green');
    assert.equal(ragStatus(r(12), target, 'lower_is_better', r(2)), 'amber');
    assert.equal(ragStatus(r(13), target, 'lower_is_better', r(2)), 'red');
  });

  it('has no amber without a tolerance', () => {
    assert.equal(ragStatus(r(9), r(10), 'higher_is_better'), 'red');
    assert.equal(ragStatus(r(10), r(10), 'higher_is_better'), 'green');
  });

  it('has no status without a value, a target or a polarity', () => {
    assert.equal(ragStatus(null, r(10), 'higher_is_better', r(1)), null);
    assert.equal(ragStatus(r(10), null, 'higher_is_better', r(1)), null);
    assert.equal(ragStatus(r(10), r(10), null, r(1)), null);
  });

  it('refuses a negative tolerance', () => {
    assert.throws(() => ragStatus(r(1), r(1), 'higher_is_better', r(-1)), RangeError);
  });

  it('a value equal to its target is green, whatever the tolerance', () => {
    fc.assert(
      fc.property(value, polarity, tolerance, (v, p, t) => assert.equal(ragStatus(v, v, p, t), 'green')),
    );
  });

  it('flipping the polarity and mirroring the value about the target gives the same status', () => {
    fc.assert(
      fc.property(value, value, polarity, tolerance, (v, target, p, t) => {
        assert.equal(ragStatus(mirror(v, target), target, flip(p), t), ragStatus(v, target, p, t));
      }),
    );
  });

  it('a better value is never a worse status', () => {
    const rank = { green: 0, amber: 1, red: 2 } as const;
    fc.assert(
      fc.property(value, value, value, polarity, tolerance, (a, b, target, p, t) => {
        const [worse, better] =
          (p === 'higher_is_better') === a.numerator * b.denominator < b.numerator * a.denominator
            ? [a, b]
            : [b, a];
        assert.ok(rank[ragStatus(better, target, p, t)!] <= rank[ragStatus(worse, target, p, t)!]);
      }),
    );
  });
});

describe('direction of travel', () => {
  it('improves the better way, worsens the other, and is the same when equal', () => {
    assert.equal(directionOfTravel(pct(90), pct(85), 'higher_is_better'), 'improving');
    assert.equal(directionOfTravel(pct(80), pct(85), 'higher_is_better'), 'worsening');
    assert.equal(directionOfTravel(r(4), r(6), 'lower_is_better'), 'improving');
    assert.equal(directionOfTravel(r(7), r(6), 'lower_is_better'), 'worsening');
    assert.equal(directionOfTravel(ratio(2, 4), ratio(1, 2), 'lower_is_better'), 'same');
  });

  it('has none without both values, or for a volume', () => {
    assert.equal(directionOfTravel(null, r(1), 'higher_is_better'), null);
    assert.equal(directionOfTravel(r(1), null, 'higher_is_better'), null);
    assert.equal(directionOfTravel(r(2), r(1), null), null);
  });

  it('flipping the polarity flips improving and worsening', () => {
    const opposite = { improving: 'worsening', worsening: 'improving', same: 'same' } as const;
    fc.assert(
      fc.property(value, value, polarity, (now, then, p) => {
        assert.equal(directionOfTravel(now, then, flip(p)), opposite[directionOfTravel(now, then, p)!]);
      }),
    );
  });
});

describe('an assessment', () => {
  it('gives the status and both directions together', () => {
    assert.deepEqual(
      assess({
        value: pct(82),
        polarity: 'higher_is_better',
        target: { target: pct(85), tolerance: pct(5) },
        previousPeriod: pct(80),
        samePeriodLastYear: pct(82),
      }),
      { status: 'amber', sincePreviousPeriod: 'improving', sinceSamePeriodLastYear: 'same' },
    );
    assert.deepEqual(
      assess({
        value: r(3),
        polarity: 'lower_is_better',
        target: null,
        previousPeriod: null,
        samePeriodLastYear: r(5),
      }),
      { status: null, sincePreviousPeriod: null, sinceSamePeriodLastYear: 'improving' },
    );
  });
});
