/**
 * Allocation rules: how a pool's cost is shared between the councils in it. Equal shares, fixed
 * percentages, a driver (population, households, council-tax properties, cases, staff time,
 * transactions), a weighted mix of those, and two stages (a fixed split between groups such as the
 * county and the districts, then a rule within each group). Checked before use, with a message a
 * finance officer can act on; applied with the largest-remainder split at every stage, so each
 * stage's lines add up to what it shares and the whole adds up to the pool. Pure.
 */
import { apportion, type Weighted } from './apportion.ts';
import { formatPounds, type Pence } from './money.ts';
import { formatPercent as percent, percentOf } from './percent.ts';

/** What a driver counts, and how a line says it. */
export const DRIVERS = {
  population: { its: 'population', because: 'its population was', counted: 'residents' },
  households: { its: 'households', because: 'it had', counted: 'households' },
  properties: { its: 'council-tax properties', because: 'it had', counted: 'council-tax properties' },
  caseload: { its: 'caseload', because: 'its caseload was', counted: 'cases' },
  staff_time: { its: 'staff time', because: 'its staff time was', counted: 'hours' },
  transactions: { its: 'transactions', because: 'it had', counted: 'transactions' },
} as const;
export type Driver = keyof typeof DRIVERS;

/** A share of 100%, in hundredths of a percent: 2341 is 23.41%, 10000 is the whole. */
export type Hundredths = bigint;
export const WHOLE: Hundredths = 10_000n;

/** A rule that shares between members directly. */
export type SimpleRule =
  | { kind: 'equal' }
  | { kind: 'fixed'; shares: Readonly<Record<string, Hundredths>> }
  | { kind: 'driver'; driver: Driver };

export type AllocationRule =
  | SimpleRule
  /** Parts of the pool shared by different rules: 50% by population, 50% by caseload. */
  | { kind: 'mix'; parts: ReadonlyArray<{ share: Hundredths; rule: SimpleRule }> }
  /** A fixed split between groups of members, then a rule within each group. */
  | {
      kind: 'two_stage';
      groups: ReadonlyArray<{
        name: string;
        share: Hundredths;
        members: readonly string[];
        rule: SimpleRule;
      }>;
    };

export interface Member {
  /** The council's GSS code (or another stable key). */
  key: string;
  name: string;
}

/** Each driver's whole-number value for each member in the period. */
export type DriverValues = Partial<Record<Driver, ReadonlyMap<string, bigint>>>;

/**
 * The days each member was in the pool during the period, for a member that joined or left in it:
 * its share is its rule's weight times its days, so it pays for the days it was in and the others
 * carry the rest in proportion. A member not listed was in for the whole period.
 */
export interface Attendance {
  periodDays: number;
  days: ReadonlyMap<string, number>;
}

/** One council's line of a recharge, with the figures behind it. */
export interface AllocationLine {
  key: string;
  name: string;
  pence: Pence;
  /** In words and figures, one sentence for each part of the rule that gave it pence. */
  explanation: string;
  /** The driver behind a single-driver rule, with this member's value and the total. */
  driver: { name: Driver; value: bigint; total: bigint } | null;
}

const count = new Intl.NumberFormat('en-GB');
const figure = (n: bigint) => count.format(n);

/**
 * What is wrong with a rule for these members and driver values, in words; empty when it can be
 * applied. Shares must add up to exactly 100%, every member needs the driver's value for the
 * period, and a driver whose values add up to nothing cannot share anything.
 */
export function ruleProblems(
  rule: AllocationRule,
  members: readonly Member[],
  drivers: DriverValues,
  attendance?: Attendance,
): string[] {
  const problems: string[] = [];
  const names = new Map(members.map((m) => [m.key, m.name]));
  if (members.length === 0) problems.push('The pool has no members to share it.');
  if (attendance) {
    for (const [key, days] of attendance.days) {
      if (!names.has(key)) problems.push(`Days in the pool are given for ${key}, which is not a member.`);
      if (!Number.isInteger(days) || days < 0 || days > attendance.periodDays) {
        problems.push(
          `${names.get(key) ?? key}'s ${days} days in the pool are not between 0 and ${attendance.periodDays}.`,
        );
      }
    }
  }
  const simple = (r: SimpleRule, among: readonly string[], where: string) => {
    const before = problems.length;
    if (r.kind === 'fixed') {
      const keys = Object.keys(r.shares);
      for (const key of keys) {
        if (!among.includes(key))
          problems.push(`${where}a share is given to ${names.get(key) ?? key}, which is not a member.`);
        if (r.shares[key]! < 0n) problems.push(`${where}${names.get(key) ?? key} has a negative share.`);
      }
      for (const key of among) {
        if (r.shares[key] === undefined) problems.push(`${where}${names.get(key) ?? key} has no share.`);
      }
      const total = keys.reduce((sum, key) => sum + r.shares[key]!, 0n);
      if (total !== WHOLE) problems.push(`${where}the shares add up to ${percent(total)}, not 100.00%.`);
    }
    if (r.kind === 'driver') {
      const values = drivers[r.driver];
      const missing = among.filter((key) => values?.get(key) === undefined);
      for (const key of missing) {
        problems.push(
          `${where}${names.get(key) ?? key} has no ${DRIVERS[r.driver].its} figure for the period.`,
        );
      }
      const negative = among.filter((key) => (values?.get(key) ?? 0n) < 0n);
      for (const key of negative)
        problems.push(`${where}${names.get(key) ?? key} has a negative ${DRIVERS[r.driver].its} figure.`);
      const total = among.reduce((sum, key) => sum + (values?.get(key) ?? 0n), 0n);
      if (missing.length === 0 && total === 0n && among.length > 0) {
        problems.push(
          `${where}the ${DRIVERS[r.driver].its} figures add up to nothing, so they cannot share the cost.`,
        );
      }
    }
    if (attendance && problems.length === before && among.length > 0) {
      const total = weightsOf(r, among, drivers, attendance).reduce((sum, w) => sum + w.weight, 0n);
      if (total === 0n)
        problems.push(`${where}no member that would share it was in the pool during the period.`);
    }
  };
  const all = members.map((m) => m.key);
  if (rule.kind === 'mix') {
    if (rule.parts.length === 0) problems.push('A mix needs at least one part.');
    const total = rule.parts.reduce((sum, p) => sum + p.share, 0n);
    if (total !== WHOLE) problems.push(`The parts of the mix add up to ${percent(total)}, not 100.00%.`);
    rule.parts.forEach((part, i) => simple(part.rule, all, `In part ${i + 1} of the mix, `));
  } else if (rule.kind === 'two_stage') {
    if (rule.groups.length === 0) problems.push('A two-stage rule needs at least one group.');
    const total = rule.groups.reduce((sum, g) => sum + g.share, 0n);
    if (total !== WHOLE) problems.push(`The groups' shares add up to ${percent(total)}, not 100.00%.`);
    const placed = new Map<string, string>();
    const groupNames = new Set<string>();
    for (const group of rule.groups) {
      if (groupNames.has(group.name)) problems.push(`Two groups are called "${group.name}".`);
      groupNames.add(group.name);
      if (group.members.length === 0) problems.push(`The group "${group.name}" has no members.`);
      for (const key of group.members) {
        if (!names.has(key)) problems.push(`The group "${group.name}" names ${key}, which is not a member.`);
        const other = placed.get(key);
        if (other) problems.push(`${names.get(key) ?? key} is in both "${other}" and "${group.name}".`);
        placed.set(key, group.name);
      }
      simple(group.rule, group.members, `In the group "${group.name}", `);
    }
    for (const key of all) {
      if (!placed.has(key)) problems.push(`${names.get(key) ?? key} is in none of the groups.`);
    }
  } else {
    simple(rule, all, '');
  }
  return problems.map((p) => p.charAt(0).toUpperCase() + p.slice(1));
}

export class AllocationRuleError extends Error {
  override name = 'AllocationRuleError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join(' '));
  }
}

interface Part {
  pence: Pence;
  sentence: string;
  driver: AllocationLine['driver'];
}

/** The rule's weight for each member: its share, its driver's figure or 1, times its days in the pool. */
function weightsOf(
  rule: SimpleRule,
  among: readonly string[],
  drivers: DriverValues,
  attendance: Attendance | undefined,
): Array<Weighted & { base: bigint; days: number | null }> {
  return among.map((key) => {
    const base =
      rule.kind === 'equal'
        ? 1n
        : rule.kind === 'fixed'
          ? rule.shares[key]!
          : drivers[rule.driver]!.get(key)!;
    const days = attendance ? (attendance.days.get(key) ?? attendance.periodDays) : null;
    return { key, base, days, weight: days === null ? base : base * BigInt(days) };
  });
}

/** Shares `amount` between `among` by a simple rule: each member's pence and why. */
function shareSimple(
  amount: Pence,
  among: readonly Member[],
  rule: SimpleRule,
  drivers: DriverValues,
  attendance: Attendance | undefined,
): Map<string, Part> {
  const weights = weightsOf(
    rule,
    among.map((m) => m.key),
    drivers,
    attendance,
  );
  const total = weights.reduce((sum, w) => sum + w.weight, 0n);
  const driverTotal = weights.reduce((sum, w) => sum + w.base, 0n);
  const prorated = attendance !== undefined && weights.some((w) => w.days! < attendance.periodDays);
  const shares = apportion(amount, weights);
  const of = formatPounds(amount);
  return new Map(
    weights.map((w) => {
      const pence = shares.get(w.key)!;
      const result = `${of} = ${formatPounds(pence)}`;
      // When anyone was in for part of the period, every line says its days: the shares are of days.
      const partYear = prorated
        ? `, for the ${w.days} of ${attendance!.periodDays} days it was in the pool`
        : '';
      let sentence: string;
      let driver: AllocationLine['driver'] = null;
      if (rule.kind === 'equal') {
        sentence = partYear
          ? `${percentOf(w.weight, total)} of ${result}, an equal share of ${among.length}${partYear}`
          : `an equal share, 1 of ${among.length}, of ${result}`;
      } else if (rule.kind === 'fixed') {
        sentence = partYear
          ? `${percentOf(w.weight, total)} of ${result}, from its agreed share of ${percent(w.base)}${partYear}`
          : `${percent(w.weight)} of ${result}, its agreed share`;
      } else {
        const d = DRIVERS[rule.driver];
        driver = { name: rule.driver, value: w.base, total: driverTotal };
        sentence =
          `${percentOf(w.weight, total)} of ${result}, because ${d.because} ` +
          `${figure(w.base)} of ${figure(driverTotal)} ${d.counted}${partYear}`;
      }
      return [w.key, { pence, sentence, driver }];
    }),
  );
}

/**
 * Shares `amount` between `members` by `rule`: one line for each member, in the members' order,
 * adding up to the amount exactly. Throws an AllocationRuleError listing every problem when the
 * rule cannot be applied (see `ruleProblems`). With `attendance`, a member in the pool for part of
 * the period is charged for its days.
 */
export function allocate(
  amount: Pence,
  members: readonly Member[],
  rule: AllocationRule,
  drivers: DriverValues,
  attendance?: Attendance,
): AllocationLine[] {
  const problems = ruleProblems(rule, members, drivers, attendance);
  if (problems.length > 0) throw new AllocationRuleError(problems);
  const parts = new Map<string, Part[]>(members.map((m) => [m.key, []]));
  const add = (shared: Map<string, Part>, prefix: string) => {
    for (const [key, part] of shared)
      parts.get(key)!.push({ ...part, sentence: `${prefix}${part.sentence}` });
  };
  if (rule.kind === 'mix') {
    const byPart = apportion(
      amount,
      rule.parts.map((p, i) => ({ key: String(i), weight: p.share })),
    );
    rule.parts.forEach((part, i) => {
      const partAmount = byPart.get(String(i))!;
      add(
        shareSimple(partAmount, members, part.rule, drivers, attendance),
        `of the ${percent(part.share)} part, `,
      );
    });
  } else if (rule.kind === 'two_stage') {
    const byGroup = apportion(
      amount,
      rule.groups.map((g) => ({ key: g.name, weight: g.share })),
    );
    for (const group of rule.groups) {
      const among = members.filter((m) => group.members.includes(m.key));
      add(
        shareSimple(byGroup.get(group.name)!, among, group.rule, drivers, attendance),
        `of the ${group.name} share (${percent(group.share)} of ${formatPounds(amount)}), `,
      );
    }
  } else {
    add(shareSimple(amount, members, rule, drivers, attendance), '');
  }
  return members.map((m) => {
    const own = parts.get(m.key)!;
    const pence = own.reduce((sum, p) => sum + p.pence, 0n);
    const sentences = own.map((p) => p.sentence).join('; ');
    return {
      key: m.key,
      name: m.name,
      pence,
      explanation: `${m.name}: ${sentences}.${own.length > 1 ? ` In all ${formatPounds(pence)}.` : ''}`,
      driver: own.length === 1 ? own[0]!.driver : null,
    };
  });
}
