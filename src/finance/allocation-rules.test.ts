import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AllocationRuleError,
  type Attendance,
  DRIVERS,
  WHOLE,
  allocate,
  ruleProblems,
  type AllocationRule,
  type Driver,
  type DriverValues,
  type Member,
  type SimpleRule,
} from './allocation-rules.ts';

// The four councils of 2020 Vision (GSS codes from the authority hierarchy in ../shared/data).
const CHELTENHAM: Member = { key: 'E07000078', name: 'Cheltenham' };
const COTSWOLD: Member = { key: 'E07000079', name: 'Cotswold' };
const FOREST: Member = { key: 'E07000080', name: 'Forest of Dean' };
const WEST_OX: Member = { key: 'E07000181', name: 'West Oxfordshire' };
const VISION = [CHELTENHAM, COTSWOLD, FOREST, WEST_OX];

const sum = (values: Iterable<bigint>) => [...values].reduce((a, b) => a + b, 0n);
const values = (entries: Array<[Member, bigint]>) => new Map(entries.map(([m, v]) => [m.key, v]));

describe('allocation rules', () => {
  it('explains a caseload line in words and figures', () => {
    // Figures written for the test: a pool of £1,234,567.00 and 10,017 cases.
    const caseload = values([
      [CHELTENHAM, 3_000n],
      [COTSWOLD, 2_345n],
      [FOREST, 2_000n],
      [WEST_OX, 2_672n],
    ]);
    const lines = allocate(123_456_700n, VISION, { kind: 'driver', driver: 'caseload' }, { caseload });
    // £1,234,567.00 × 3,000 / 2,345 / 2,000 / 2,672 of 10,017: exactly 369,741.539…, 289,014.636…,
    // 246,494.359… and 329,316.464… pounds. Rounded down they leave 3p, which go to the three
    // largest remainders (Forest of Dean, Cheltenham, Cotswold); West Oxfordshire's is the smallest.
    assert.deepEqual(
      lines.map((l) => l.pence),
      [36_974_154n, 28_901_464n, 24_649_436n, 32_931_646n],
    );
    const cotswold = lines.find((l) => l.key === COTSWOLD.key)!;
    assert.equal(
      cotswold.explanation,
      'Cotswold: 23.41% of £1,234,567.00 = £289,014.64, because its caseload was 2,345 of 10,017 cases.',
    );
    assert.deepEqual(cotswold.driver, { name: 'caseload', value: 2_345n, total: 10_017n });
    assert.equal(sum(lines.map((l) => l.pence)), 123_456_700n);
  });

  it('shares equally and by agreed percentages', () => {
    const equal = allocate(100n, VISION, { kind: 'equal' }, {});
    assert.deepEqual(
      equal.map((l) => l.pence),
      [25n, 25n, 25n, 25n],
    );
    assert.equal(equal[0]!.explanation, 'Cheltenham: an equal share, 1 of 4, of £1.00 = £0.25.');
    const fixed = allocate(
      1_000_000n,
      VISION,
      {
        kind: 'fixed',
        shares: { E07000078: 3_000n, E07000079: 2_500n, E07000080: 2_000n, E07000181: 2_500n },
      },
      {},
    );
    assert.deepEqual(
      fixed.map((l) => l.pence),
      [300_000n, 250_000n, 200_000n, 250_000n],
    );
    assert.equal(
      fixed[2]!.explanation,
      'Forest of Dean: 20.00% of £10,000.00 = £2,000.00, its agreed share.',
    );
  });

  it('splits in two stages, between the tiers and then by households within each, from figures worked by hand', () => {
    // A county–district waste agreement, figures written for the test: £90,000.00, 40% to the
    // county, 60% to the districts by households (20,000 / 30,000 / 50,000).
    const county: Member = { key: 'E10000013', name: 'Gloucestershire' };
    const members = [county, CHELTENHAM, COTSWOLD, FOREST];
    const households = values([
      [county, 100_000n],
      [CHELTENHAM, 20_000n],
      [COTSWOLD, 30_000n],
      [FOREST, 50_000n],
    ]);
    const rule: AllocationRule = {
      kind: 'two_stage',
      groups: [
        { name: 'county', share: 4_000n, members: [county.key], rule: { kind: 'equal' } },
        {
          name: 'districts',
          share: 6_000n,
          members: [CHELTENHAM.key, COTSWOLD.key, FOREST.key],
          rule: { kind: 'driver', driver: 'households' },
        },
      ],
    };
    const lines = allocate(9_000_000n, members, rule, { households });
    // County £36,000.00; districts £54,000.00 × 0.2 / 0.3 / 0.5 = £10,800 / £16,200 / £27,000.
    assert.deepEqual(
      lines.map((l) => l.pence),
      [3_600_000n, 1_080_000n, 1_620_000n, 2_700_000n],
    );
    assert.equal(
      lines[1]!.explanation,
      'Cheltenham: of the districts share (60.00% of £90,000.00), 20.00% of £54,000.00 = £10,800.00, ' +
        'because it had 20,000 of 100,000 households.',
    );
  });

  it('mixes rules by parts of the pool, and each line says what each part gave it', () => {
    const population = values([
      [CHELTENHAM, 1n],
      [COTSWOLD, 1n],
      [FOREST, 1n],
      [WEST_OX, 1n],
    ]);
    const lines = allocate(
      1_000n,
      VISION,
      {
        kind: 'mix',
        parts: [
          { share: 5_000n, rule: { kind: 'equal' } },
          { share: 5_000n, rule: { kind: 'driver', driver: 'population' } },
        ],
      },
      { population },
    );
    assert.deepEqual(
      lines.map((l) => l.pence),
      [250n, 250n, 250n, 250n],
    );
    assert.match(
      lines[0]!.explanation,
      /^Cheltenham: of the 50\.00% part, .*; of the 50\.00% part, .* In all £2\.50\.$/,
    );
    assert.equal(lines[0]!.driver, null, 'a mix has no single driver');
  });

  it('charges a member that left in the year for its days, and the others carry the rest', () => {
    // Figures written for the test: Forest of Dean leaves the pool after 30 September 2025.
    const attendance = { periodDays: 365, days: new Map([[FOREST.key, 183]]) };
    const lines = allocate(127_800n, VISION, { kind: 'equal' }, {}, attendance);
    // Weights 365, 365, 183 and 365 of 1,278 days: £365.00 for each full year, £183.00 for Forest.
    assert.deepEqual(
      lines.map((l) => l.pence),
      [36_500n, 36_500n, 18_300n, 36_500n],
    );
    assert.equal(
      lines[2]!.explanation,
      'Forest of Dean: 14.32% of £1,278.00 = £183.00, an equal share of 4, for the 183 of 365 days it was in the pool.',
    );
    assert.equal(
      lines[0]!.explanation,
      'Cheltenham: 28.56% of £1,278.00 = £365.00, an equal share of 4, for the 365 of 365 days it was in the pool.',
    );
    assert.deepEqual(
      ruleProblems({ kind: 'equal' }, VISION, {}, { periodDays: 365, days: new Map([[FOREST.key, 400]]) }),
      ["Forest of Dean's 400 days in the pool are not between 0 and 365."],
    );
    assert.deepEqual(
      ruleProblems(
        { kind: 'fixed', shares: { E07000078: 10_000n, E07000079: 0n } },
        VISION.slice(0, 2),
        {},
        { periodDays: 365, days: new Map([[CHELTENHAM.key, 0]]) },
      ),
      ['No member that would share it was in the pool during the period.'],
    );
  });

  it('names every problem with a rule before anything is shared', () => {
    const caseload = values([
      [CHELTENHAM, 0n],
      [COTSWOLD, 0n],
      [FOREST, 0n],
    ]);
    assert.deepEqual(ruleProblems({ kind: 'driver', driver: 'caseload' }, VISION, { caseload }), [
      'West Oxfordshire has no caseload figure for the period.',
    ]);
    assert.deepEqual(ruleProblems({ kind: 'driver', driver: 'caseload' }, VISION.slice(0, 3), { caseload }), [
      'The caseload figures add up to nothing, so they cannot share the cost.',
    ]);
    assert.deepEqual(
      ruleProblems(
        { kind: 'fixed', shares: { E07000078: 5_000n, E07000079: 4_999n, E99999999: 1n } },
        VISION.slice(0, 2),
        {},
      ),
      ['A share is given to E99999999, which is not a member.'],
    );
    assert.deepEqual(
      ruleProblems(
        { kind: 'fixed', shares: { E07000078: 5_000n, E07000079: 4_999n } },
        VISION.slice(0, 2),
        {},
      ),
      ['The shares add up to 99.99%, not 100.00%.'],
    );
    assert.deepEqual(
      ruleProblems(
        {
          kind: 'two_stage',
          groups: [
            { name: 'a', share: 5_000n, members: [CHELTENHAM.key, COTSWOLD.key], rule: { kind: 'equal' } },
            { name: 'a', share: 5_000n, members: [COTSWOLD.key], rule: { kind: 'equal' } },
          ],
        },
        VISION.slice(0, 3),
        {},
      ),
      [
        'Two groups are called "a".',
        'Cotswold is in both "a" and "a".',
        'Forest of Dean is in none of the groups.',
      ],
    );
    assert.throws(
      () => allocate(100n, [], { kind: 'equal' }, {}),
      (e: Error) => e instanceof AllocationRuleError && /no members/.test(e.message),
    );
  });
});

// Rules and their inputs for any number of members, driver values with zeros and ties.
const DRIVER_NAMES = Object.keys(DRIVERS) as Driver[];
const setup = fc.integer({ min: 1, max: 8 }).chain((n) => {
  const members: Member[] = Array.from({ length: n }, (_, i) => ({
    key: `E0700${String(i).padStart(4, '0')}`,
    name: `Council ${i}`,
  }));
  const keys = members.map((m) => m.key);
  const driverValues = fc
    .array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1_000_000n })), { minLength: n, maxLength: n })
    .filter((vs) => vs.some((v) => v > 0n))
    .map((vs) => new Map(keys.map((k, i) => [k, vs[i]!])));
  const shares = (among: readonly string[]) =>
    fc
      .array(fc.bigInt({ min: 0n, max: WHOLE }), { minLength: among.length, maxLength: among.length })
      .map((raw) => {
        // Scale any raw numbers to hundredths adding up to exactly 100%.
        const total = raw.reduce((a, b) => a + b, 0n) || 1n;
        const scaled = raw.map((r) => (r * WHOLE) / total);
        scaled[0] = scaled[0]! + WHOLE - scaled.reduce((a, b) => a + b, 0n);
        return Object.fromEntries(among.map((k, i) => [k, scaled[i]!]));
      });
  const simple = (among: readonly string[]): fc.Arbitrary<SimpleRule> =>
    fc.oneof(
      fc.constant<SimpleRule>({ kind: 'equal' }),
      shares(among).map((s): SimpleRule => ({ kind: 'fixed', shares: s })),
      fc.constantFrom(...DRIVER_NAMES).map((driver): SimpleRule => ({ kind: 'driver', driver })),
    );
  const rule: fc.Arbitrary<AllocationRule> = fc.oneof(
    simple(keys),
    fc.array(simple(keys), { minLength: 1, maxLength: 3 }).chain((rules) =>
      shares(rules.map((_, i) => String(i))).map((s): AllocationRule => ({
        kind: 'mix',
        parts: rules.map((r, i) => ({ share: s[String(i)]!, rule: r })),
      })),
    ),
    fc.integer({ min: 1, max: n }).chain((cut) => {
      const groups = [keys.slice(0, cut), keys.slice(cut)].filter((g) => g.length > 0);
      return fc
        .tuple(shares(groups.map((_, i) => `g${i}`)), ...groups.map((g) => simple(g)))
        .map(([s, ...rules]): AllocationRule => ({
          kind: 'two_stage',
          groups: groups.map((g, i) => ({ name: `g${i}`, share: s[`g${i}`]!, members: g, rule: rules[i]! })),
        }));
    }),
  );
  const drivers = fc
    .tuple(...DRIVER_NAMES.map(() => driverValues))
    .map((vs): DriverValues => Object.fromEntries(DRIVER_NAMES.map((d, i) => [d, vs[i]!])));
  const attendance = fc.option(
    fc
      .array(fc.integer({ min: 0, max: 365 }), { minLength: n, maxLength: n })
      .map((days) => ({ periodDays: 365, days: new Map(keys.map((k, i) => [k, days[i]!])) })),
    { nil: undefined },
  );
  return fc.record({ members: fc.constant(members), rule, drivers, attendance });
});

type Setup = {
  rule: AllocationRule;
  members: Member[];
  drivers: DriverValues;
  attendance: Attendance | undefined;
};

const pool = fc.oneof(
  fc.constant(1n),
  fc.constant(1_000_000_000n),
  fc.constant(0n),
  fc.bigInt({ min: -100_000_000_000n, max: 100_000_000_000n }),
);

/** A driver may share only among members whose figures add up to something: those rules are refused. */
const applicable = ({ rule, members, drivers, attendance }: Setup) =>
  ruleProblems(rule, members, drivers, attendance).length === 0;

describe('allocation rules, for any pool, rule and drivers', () => {
  it('the lines add up to the pool exactly, none of the wrong sign, the same pence every run', () => {
    fc.assert(
      fc.property(pool, setup.filter(applicable), (amount, { members, rule, drivers, attendance }) => {
        const lines = allocate(amount, members, rule, drivers, attendance);
        assert.equal(lines.length, members.length);
        assert.equal(sum(lines.map((l) => l.pence)), amount);
        for (const line of lines)
          assert.ok(amount >= 0n ? line.pence >= 0n : line.pence <= 0n, line.explanation);
        assert.deepEqual(allocate(amount, members, rule, drivers, attendance), lines);
        for (const line of lines) {
          if (attendance?.days.get(line.key) === 0)
            assert.equal(line.pence, 0n, `${line.key} was not in the pool`);
        }
      }),
    );
  });

  it('a rule it refuses is refused with its problems, never shared wrongly', () => {
    fc.assert(
      fc.property(pool, setup, (amount, { members, rule, drivers, attendance }) => {
        const problems = ruleProblems(rule, members, drivers, attendance);
        if (problems.length === 0) return;
        assert.throws(
          () => allocate(amount, members, rule, drivers, attendance),
          (e: Error) => e instanceof AllocationRuleError && e.problems.join('|') === problems.join('|'),
        );
      }),
    );
  });
});
