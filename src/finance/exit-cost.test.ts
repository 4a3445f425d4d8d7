import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ruleProblems, type AllocationRule, type Member } from './allocation-rules.ts';
import { exitCost, restrictRule } from './exit-cost.ts';

// The four councils of 2020 Vision (GSS codes from the authority hierarchy in ../shared/data);
// the costs and shares are written for the test.
const CHELTENHAM: Member = { key: 'E07000078', name: 'Cheltenham' };
const COTSWOLD: Member = { key: 'E07000079', name: 'Cotswold' };
const FOREST: Member = { key: 'E07000080', name: 'Forest of Dean' };
const WEST_OX: Member = { key: 'E07000181', name: 'West Oxfordshire' };
const VISION = [CHELTENHAM, COTSWOLD, FOREST, WEST_OX];
const AGREED: AllocationRule = {
  kind: 'fixed',
  shares: { E07000078: 4_000n, E07000079: 2_000n, E07000080: 2_000n, E07000181: 2_000n },
};

describe('the cost of a partner’s exit', () => {
  it('shares the leaver’s fixed costs among the others by their agreed shares, worked by hand', () => {
    // £400,000.00 fixed and £100,000.00 variable, shared 40/20/20/20. Forest of Dean pays £80,000.00
    // of the fixed costs today; Cheltenham would carry half of it (40 of 80), the others a quarter.
    const result = exitCost({ fixed: 40_000_000n, variable: 10_000_000n }, VISION, AGREED, {}, FOREST.key);
    assert.equal(result.fixedShare, 8_000_000n);
    assert.equal(result.variableShare, 2_000_000n);
    assert.deepEqual(
      result.lines.map((l) => [l.key, l.before, l.after, l.more]),
      [
        [CHELTENHAM.key, 20_000_000n, 24_000_000n, 4_000_000n],
        [COTSWOLD.key, 10_000_000n, 12_000_000n, 2_000_000n],
        [WEST_OX.key, 10_000_000n, 12_000_000n, 2_000_000n],
      ],
    );
    assert.equal(
      result.lines[0]!.explanation,
      'Cheltenham: £200,000.00 now, £240,000.00 if Forest of Dean leaves (£40,000.00 more, its part of ' +
        'the £80,000.00 of fixed costs Forest of Dean pays today).',
    );
  });

  it('never lowers a remaining council’s bill, where sharing again would move a penny', () => {
    // Shares 0.04% / 0.07% / 95.52% / 4.37% of £8,432.33 fixed: Cheltenham pays £3.38 today (a
    // leftover penny); shared afresh among the three left, its £3.37 would be a penny less. It
    // keeps what it pays and carries its part of Cotswold's £5.90 (none of it) instead.
    const shares = { E07000078: 4n, E07000079: 7n, E07000080: 9_552n, E07000181: 437n };
    const result = exitCost(
      { fixed: 843_233n, variable: 817_803n },
      VISION,
      { kind: 'fixed', shares },
      {},
      COTSWOLD.key,
    );
    assert.equal(result.fixedShare, 590n);
    assert.deepEqual(
      result.lines.map((l) => l.more),
      [0n, 564n, 26n],
    );
  });

  it('restricts a rule to those who remain: agreed shares and groups back to 100%', () => {
    assert.deepEqual(restrictRule(AGREED, [CHELTENHAM.key, COTSWOLD.key, WEST_OX.key]), {
      kind: 'fixed',
      shares: { E07000078: 5_000n, E07000079: 2_500n, E07000181: 2_500n },
    });
    const twoStage: AllocationRule = {
      kind: 'two_stage',
      groups: [
        {
          name: 'Gloucestershire districts',
          share: 7_500n,
          members: [CHELTENHAM.key, COTSWOLD.key, FOREST.key],
          rule: { kind: 'equal' },
        },
        { name: 'Oxfordshire district', share: 2_500n, members: [WEST_OX.key], rule: { kind: 'equal' } },
      ],
    };
    const restricted = restrictRule(twoStage, [CHELTENHAM.key, COTSWOLD.key, FOREST.key]);
    assert.deepEqual(restricted, {
      kind: 'two_stage',
      groups: [{ ...twoStage.groups[0]!, share: 10_000n }],
    });
  });

  it('refuses a leaver that is not a member, or the only one', () => {
    assert.throws(
      () => exitCost({ fixed: 1n, variable: 1n }, VISION, AGREED, {}, 'E09999999'),
      /not a member/,
    );
    assert.throws(
      () => exitCost({ fixed: 1n, variable: 1n }, [CHELTENHAM], { kind: 'equal' }, {}, CHELTENHAM.key),
      /only member/,
    );
  });

  it('for any costs and leaver: what the others carry adds up to the leaver’s fixed share exactly', () => {
    const shares = fc
      .array(fc.bigInt({ min: 1n, max: 10_000n }), { minLength: 4, maxLength: 4 })
      .map((raw) => {
        const total = raw.reduce((a, b) => a + b, 0n);
        const scaled = raw.map((r) => (r * 10_000n) / total);
        scaled[0] = scaled[0]! + 10_000n - scaled.reduce((a, b) => a + b, 0n);
        return Object.fromEntries(VISION.map((m, i) => [m.key, scaled[i]!]));
      });
    const rule = fc.oneof(
      fc.constant<AllocationRule>({ kind: 'equal' }),
      shares.map((s): AllocationRule => ({ kind: 'fixed', shares: s })),
    );
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        fc.bigInt({ min: 0n, max: 10_000_000_000n }),
        rule.filter((r) => ruleProblems(r, VISION, {}).length === 0),
        fc.constantFrom(...VISION.map((m) => m.key)),
        (fixed, variable, r, leaving) => {
          const result = exitCost({ fixed, variable }, VISION, r, {}, leaving);
          assert.equal(
            result.lines.reduce((sum, l) => sum + l.more, 0n),
            result.fixedShare,
          );
          for (const line of result.lines) assert.ok(line.more >= 0n, line.explanation);
        },
      ),
    );
  });
});
