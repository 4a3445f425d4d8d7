import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Member } from './allocation-rules.ts';
import { trueUp } from './true-up.ts';

// South Hams and West Devon (GSS codes from the authority hierarchy in ../shared/data); the
// figures are written for the test.
const SOUTH_HAMS: Member = { key: 'E07000044', name: 'South Hams' };
const WEST_DEVON: Member = { key: 'E07000047', name: 'West Devon' };
const BOTH = [SOUTH_HAMS, WEST_DEVON];
const caseload = (south: bigint, west: bigint) => ({
  caseload: new Map([
    [SOUTH_HAMS.key, south],
    [WEST_DEVON.key, west],
  ]),
});
const BY_CASELOAD = { kind: 'driver', driver: 'caseload' } as const;
const THREE_PERCENT = 300n;

describe('the year-end true-up with a tolerance', () => {
  it('corrects both bills when nine months of actual cases move a share by more than 3%', () => {
    // £1,000,000.00 estimated at 6,000 / 4,000 cases: £600,000.00 and £400,000.00. Actual 6,300 /
    // 3,700: £630,000.00 and £370,000.00, moves of 5.00% and 7.50%.
    const result = trueUp(
      100_000_000n,
      BOTH,
      BY_CASELOAD,
      caseload(6_000n, 4_000n),
      caseload(6_300n, 3_700n),
      THREE_PERCENT,
    );
    assert.equal(result.applies, true);
    assert.deepEqual(
      result.lines.map((l) => [l.estimated, l.actual, l.adjustment]),
      [
        [60_000_000n, 63_000_000n, 3_000_000n],
        [40_000_000n, 37_000_000n, -3_000_000n],
      ],
    );
    assert.equal(
      result.lines[0]!.explanation,
      'South Hams: £600,000.00 on the estimated figures, £630,000.00 on the actual ones (5.00% more, ' +
        'beyond the 3.00% tolerance); it pays £30,000.00 more.',
    );
    assert.equal(
      result.lines[1]!.explanation,
      'West Devon: £400,000.00 on the estimated figures, £370,000.00 on the actual ones (7.50% less, ' +
        'beyond the 3.00% tolerance); it gets £30,000.00 back.',
    );
  });

  it('changes nothing when every share moves by 3% or less', () => {
    // Actual 6,100 / 3,900: £610,000.00 and £390,000.00, moves of 1.67% and 2.50%.
    const result = trueUp(
      100_000_000n,
      BOTH,
      BY_CASELOAD,
      caseload(6_000n, 4_000n),
      caseload(6_100n, 3_900n),
      THREE_PERCENT,
    );
    assert.equal(result.applies, false);
    assert.deepEqual(
      result.lines.map((l) => l.adjustment),
      [0n, 0n],
    );
    assert.equal(
      result.lines[1]!.explanation,
      'West Devon: £400,000.00 on the estimated figures, £390,000.00 on the actual ones (2.50% less, ' +
        'within the 3.00% tolerance); every council is within the 3.00% tolerance, so nothing changes.',
    );
    // Exactly 3% is within it: 4,000 → 3,880 cases is £388,000.00, 3.00% less.
    assert.equal(
      trueUp(
        100_000_000n,
        BOTH,
        BY_CASELOAD,
        caseload(6_000n, 4_000n),
        caseload(6_120n, 3_880n),
        THREE_PERCENT,
      ).applies,
      false,
    );
  });

  it('for any figures: the corrections add up to nothing, and each brings the bill to the actual share', () => {
    const figures = fc
      .tuple(fc.bigInt({ min: 0n, max: 100_000n }), fc.bigInt({ min: 0n, max: 100_000n }))
      .filter(([a, b]) => a + b > 0n);
    fc.assert(
      fc.property(
        fc.bigInt({ min: -10_000_000_000n, max: 10_000_000_000n }),
        figures,
        figures,
        fc.bigInt({ min: 0n, max: 10_000n }),
        (amount, [e1, e2], [a1, a2], tolerance) => {
          const result = trueUp(amount, BOTH, BY_CASELOAD, caseload(e1, e2), caseload(a1, a2), tolerance);
          assert.equal(
            result.lines.reduce((sum, l) => sum + l.adjustment, 0n),
            0n,
          );
          for (const line of result.lines) {
            assert.equal(line.estimated + line.adjustment, result.applies ? line.actual : line.estimated);
          }
        },
      ),
    );
  });

  it('refuses a tolerance below 0% or above 100%', () => {
    assert.throws(
      () => trueUp(1n, BOTH, BY_CASELOAD, caseload(1n, 1n), caseload(1n, 1n), -1n),
      /between 0% and 100%/,
    );
  });
});
