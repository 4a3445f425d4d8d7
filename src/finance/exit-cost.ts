/**
 * What a partner's exit would cost the others, shown before anyone decides. A pool's fixed costs
 * (the shared team, the contract, the building) stay when a council leaves and are shared again
 * among those who remain; its variable costs go with it. Each remaining council's bill before and
 * after is worked by the same allocation rule, restricted to those who remain, so the extra the
 * others carry adds up, to the penny, to the leaver's share of the fixed costs, and nobody's bill
 * goes down. Pure.
 */
import { apportion } from './apportion.ts';
import {
  WHOLE,
  allocate,
  type AllocationRule,
  type Attendance,
  type DriverValues,
  type Member,
  type SimpleRule,
} from './allocation-rules.ts';
import { formatPounds, type Pence } from './money.ts';

export interface ExitLine {
  key: string;
  name: string;
  before: Pence;
  after: Pence;
  /** after − before: what this council would carry of the leaver's fixed costs. */
  more: Pence;
  explanation: string;
}

export interface ExitCost {
  leaver: Member;
  /** The leaver's share of the fixed costs, which the others would carry. */
  fixedShare: Pence;
  /** The leaver's share of the variable costs, which go with it. */
  variableShare: Pence;
  lines: ExitLine[];
}

/** Shares in hundredths re-scaled to add up to 100% again: by the largest remainder, exactly. */
function rescaled(shares: Readonly<Record<string, bigint>>, keys: readonly string[]): Record<string, bigint> {
  const kept = keys.filter((k) => (shares[k] ?? 0n) > 0n);
  if (kept.length === 0) return Object.fromEntries(keys.map((k) => [k, 0n]));
  const scaled = apportion(
    WHOLE,
    kept.map((k) => ({ key: k, weight: shares[k]! })),
  );
  return Object.fromEntries(keys.map((k) => [k, scaled.get(k) ?? 0n]));
}

function restrictSimple(rule: SimpleRule, keys: readonly string[]): SimpleRule {
  return rule.kind === 'fixed' ? { kind: 'fixed', shares: rescaled(rule.shares, keys) } : rule;
}

/** The same rule among `keys` only: agreed shares and group shares scaled back up to 100%. */
export function restrictRule(rule: AllocationRule, keys: readonly string[]): AllocationRule {
  if (rule.kind === 'mix') {
    return {
      kind: 'mix',
      parts: rule.parts.map((p) => ({ share: p.share, rule: restrictSimple(p.rule, keys) })),
    };
  }
  if (rule.kind === 'two_stage') {
    const groups = rule.groups
      .map((g) => ({ ...g, members: g.members.filter((k) => keys.includes(k)) }))
      .filter((g) => g.members.length > 0);
    const shares = rescaled(
      Object.fromEntries(groups.map((g) => [g.name, g.share])),
      groups.map((g) => g.name),
    );
    return {
      kind: 'two_stage',
      groups: groups.map((g) => ({ ...g, share: shares[g.name]!, rule: restrictSimple(g.rule, g.members) })),
    };
  }
  return restrictSimple(rule, keys);
}

/** What `leaving` leaving the pool would mean for each council that remains. */
export function exitCost(
  costs: { fixed: Pence; variable: Pence },
  members: readonly Member[],
  rule: AllocationRule,
  drivers: DriverValues,
  leaving: string,
  attendance?: Attendance,
): ExitCost {
  const leaver = members.find((m) => m.key === leaving);
  if (!leaver) throw new RangeError(`${leaving} is not a member of the pool.`);
  const remaining = members.filter((m) => m.key !== leaving);
  if (remaining.length === 0)
    throw new RangeError(`${leaver.name} is the pool's only member: no one would carry its costs.`);
  const fixedBefore = allocate(costs.fixed, members, rule, drivers, attendance);
  const variableBefore = allocate(costs.variable, members, rule, drivers, attendance);
  const restricted = restrictRule(
    rule,
    remaining.map((m) => m.key),
  );
  const share = (lines: typeof fixedBefore, key: string) => lines.find((l) => l.key === key)!.pence;
  const fixedShare = share(fixedBefore, leaving);
  // The leaver's fixed share, shared among the others by the rule restricted to them: each pays
  // what it pays now and its part of that, so nobody pays less for a partner leaving.
  const carried = allocate(fixedShare, remaining, restricted, drivers, attendance);
  return {
    leaver,
    fixedShare,
    variableShare: share(variableBefore, leaving),
    lines: remaining.map((m) => {
      const before = share(fixedBefore, m.key) + share(variableBefore, m.key);
      const more = share(carried, m.key);
      const after = before + more;
      return {
        key: m.key,
        name: m.name,
        before,
        after,
        more,
        explanation:
          `${m.name}: ${formatPounds(before)} now, ${formatPounds(after)} if ${leaver.name} leaves ` +
          `(${formatPounds(more)} more, its part of the ${formatPounds(fixedShare)} of fixed costs ` +
          `${leaver.name} pays today).`,
      };
    }),
  };
}
