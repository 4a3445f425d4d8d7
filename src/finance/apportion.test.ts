import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApportionError, apportion, type Weighted } from './apportion.ts';

const sum = (values: Iterable<bigint>) => [...values].reduce((a, b) => a + b, 0n);

/** Members with distinct keys and whole weights, zeros and ties included, at least one above zero. */
const members = fc
  .uniqueArray(
    fc.record({
      key: fc.stringMatching(/^E0[0-9]{7}$/),
      weight: fc.oneof(fc.constant(0n), fc.constant(1n), fc.bigInt({ min: 0n, max: 10_000_000n })),
    }),
    { minLength: 1, maxLength: 12, selector: (m) => m.key },
  )
  .filter((ms) => ms.some((m) => m.weight > 0n));

/** Any pool: a penny, ten million pounds, a credit, nothing. */
const amount = fc.oneof(
  fc.constant(1n),
  fc.constant(1_000_000_000n),
  fc.constant(0n),
  fc.constant(-1n),
  fc.bigInt({ min: -1_000_000_000_000n, max: 1_000_000_000_000n }),
);

describe('sharing an amount by weights (largest remainder)', () => {
  it('shares £100 in three equal parts, the odd penny to the lowest key (E07000078), not the first listed', () => {
    const shares = apportion(10_000n, [
      { key: 'E07000079', weight: 1n },
      { key: 'E07000078', weight: 1n },
      { key: 'E07000181', weight: 1n },
    ]);
    assert.deepEqual(
      [...shares],
      [
        ['E07000079', 3333n],
        ['E07000078', 3334n],
        ['E07000181', 3333n],
      ],
    );
  });

  it('gives the leftover pennies to the largest remainders, worked by hand', () => {
    // £10.00 by 2,345 / 5,000 / 2,672 cases (10,017 in all): exact shares 234.10…, 499.15…, 266.73…
    const shares = apportion(1_000n, [
      { key: 'A', weight: 2_345n },
      { key: 'B', weight: 5_000n },
      { key: 'C', weight: 2_672n },
    ]);
    // Rounded down: 234 + 499 + 266 = 999; the remainders are 0.10, 0.15 and 0.74 of a penny.
    assert.deepEqual([...shares.values()], [234n, 499n, 267n]);
  });

  it('shares a credit as negative lines', () => {
    assert.deepEqual(
      [
        ...apportion(-10_000n, [
          { key: 'A', weight: 1n },
          { key: 'B', weight: 2n },
        ]).values(),
      ],
      [-3333n, -6667n],
    );
  });

  it('says why it cannot share: no members, a member twice, a negative weight, only zeros', () => {
    const refused: Array<[Weighted[], RegExp]> = [
      [[], /no one to share/],
      [
        [
          { key: 'A', weight: 1n },
          { key: 'A', weight: 2n },
        ],
        /A is listed twice/,
      ],
      [[{ key: 'A', weight: -1n }], /A has a negative weight/],
      [
        [
          { key: 'A', weight: 0n },
          { key: 'B', weight: 0n },
        ],
        /Every weight is zero/,
      ],
    ];
    for (const [given, message] of refused) {
      assert.throws(
        () => apportion(100n, given),
        (e: Error) => e instanceof ApportionError && message.test(e.message),
      );
    }
  });

  it('for any amount and weights: the lines add up to the amount exactly', () => {
    fc.assert(
      fc.property(amount, members, (total, ms) => {
        assert.equal(sum(apportion(total, ms).values()), total);
      }),
    );
  });

  it('for any amount and weights: each line is within a penny of its exact share, and none has the wrong sign', () => {
    fc.assert(
      fc.property(amount, members, (total, ms) => {
        const shares = apportion(total, ms);
        const weights = sum(ms.map((m) => m.weight));
        for (const m of ms) {
          const share = shares.get(m.key)!;
          // |share × weights − total × weight| < weights: within one penny of the exact share.
          const difference = share * weights - total * m.weight;
          assert.ok((difference < 0n ? -difference : difference) < weights, `${m.key}: ${share}`);
          if (total >= 0n) assert.ok(share >= 0n);
          else assert.ok(share <= 0n);
          if (m.weight === 0n) assert.equal(share, 0n, `${m.key} has no weight`);
        }
      }),
    );
  });

  it('for any amount and weights: the same pence every run, whatever order the members come in', () => {
    const withReordering = members.chain((ms) =>
      fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length, maxLength: ms.length })),
    );
    fc.assert(
      fc.property(amount, withReordering, (total, [ms, reordered]) => {
        const once = apportion(total, ms);
        const again = apportion(total, reordered);
        for (const m of ms) assert.equal(again.get(m.key), once.get(m.key));
      }),
    );
  });
});
