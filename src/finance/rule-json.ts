/**
 * Allocation rules as they are kept and sent: JSON, with shares in hundredths of a percent as
 * whole numbers (`{"kind": "fixed", "shares": {"E07000078": 2500, …}}`). `ruleFromJson` reads
 * one back into the rule `allocate` applies, or says what is wrong with it. Pure.
 */
import { DRIVERS, type AllocationRule, type Driver, type SimpleRule } from './allocation-rules.ts';
import { formatPercent } from './percent.ts';

export class RuleFormatError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function hundredths(value: unknown, where: string): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 10_000) {
    throw new RuleFormatError(`${where} must be a whole number of hundredths of a percent, from 0 to 10000.`);
  }
  return BigInt(value);
}

function simpleFromJson(value: unknown, where: string): SimpleRule {
  if (!isRecord(value)) throw new RuleFormatError(`${where} must be a rule.`);
  if (value.kind === 'equal') return { kind: 'equal' };
  if (value.kind === 'driver') {
    if (typeof value.driver !== 'string' || !(value.driver in DRIVERS)) {
      throw new RuleFormatError(`${where}: the driver must be one of ${Object.keys(DRIVERS).join(', ')}.`);
    }
    return { kind: 'driver', driver: value.driver as Driver };
  }
  if (value.kind === 'fixed') {
    if (!isRecord(value.shares)) throw new RuleFormatError(`${where}: give each member's share.`);
    const shares: Record<string, bigint> = {};
    for (const [key, share] of Object.entries(value.shares))
      shares[key] = hundredths(share, `${where}: ${key}'s share`);
    return { kind: 'fixed', shares };
  }
  throw new RuleFormatError(`${where}: the kind must be equal, fixed or driver.`);
}

/** The rule a stored or sent JSON value describes; throws RuleFormatError saying what is wrong. */
export function ruleFromJson(value: unknown): AllocationRule {
  if (!isRecord(value)) throw new RuleFormatError('The rule must be an object with a kind.');
  if (value.kind === 'mix') {
    if (!Array.isArray(value.parts) || value.parts.length === 0) {
      throw new RuleFormatError('A mix needs its parts, each with a share and a rule.');
    }
    return {
      kind: 'mix',
      parts: value.parts.map((p: unknown, i) => {
        if (!isRecord(p)) throw new RuleFormatError(`Part ${i + 1} must have a share and a rule.`);
        return {
          share: hundredths(p.share, `Part ${i + 1}'s share`),
          rule: simpleFromJson(p.rule, `Part ${i + 1}`),
        };
      }),
    };
  }
  if (value.kind === 'two_stage') {
    if (!Array.isArray(value.groups) || value.groups.length === 0) {
      throw new RuleFormatError(
        'Two stages need their groups, each with a name, a share, members and a rule.',
      );
    }
    return {
      kind: 'two_stage',
      groups: value.groups.map((g: unknown, i) => {
        const where = `Group ${i + 1}`;
        if (!isRecord(g) || typeof g.name !== 'string' || g.name.trim() === '') {
          throw new RuleFormatError(`${where} needs a name.`);
        }
        if (!Array.isArray(g.members) || !g.members.every((m) => typeof m === 'string')) {
          throw new RuleFormatError(`${where} needs its members' codes.`);
        }
        return {
          name: g.name,
          share: hundredths(g.share, `${where}'s share`),
          members: g.members as string[],
          rule: simpleFromJson(g.rule, where),
        };
      }),
    };
  }
  return simpleFromJson(value, 'The rule');
}

/** A rule as JSON to keep or send: bigints as whole numbers (shares never exceed 10000). */
export function ruleToJson(rule: AllocationRule): unknown {
  return JSON.parse(JSON.stringify(rule, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** The drivers a rule reads. */
export function driversOf(rule: AllocationRule): Driver[] {
  const simple = (r: SimpleRule): Driver[] => (r.kind === 'driver' ? [r.driver] : []);
  const all =
    rule.kind === 'mix'
      ? rule.parts.flatMap((p) => simple(p.rule))
      : rule.kind === 'two_stage'
        ? rule.groups.flatMap((g) => simple(g.rule))
        : simple(rule);
  return [...new Set(all)];
}

/** A rule in words, naming members by `names` (key → name) where it lists them. */
export function describeRule(rule: AllocationRule, names: ReadonlyMap<string, string> = new Map()): string {
  const percent = formatPercent;
  const simple = (r: SimpleRule): string =>
    r.kind === 'equal'
      ? 'in equal shares'
      : r.kind === 'driver'
        ? `by ${DRIVERS[r.driver].its}`
        : `by agreed shares (${Object.entries(r.shares)
            .map(([key, share]) => `${names.get(key) ?? key} ${percent(share)}`)
            .join(', ')})`;
  if (rule.kind === 'mix')
    return `A mix: ${rule.parts.map((p) => `${percent(p.share)} ${simple(p.rule)}`).join('; ')}`;
  if (rule.kind === 'two_stage') {
    return `Two stages: ${rule.groups
      .map(
        (g) =>
          `${percent(g.share)} to ${g.name} (${g.members.map((m) => names.get(m) ?? m).join(', ')}), shared ${simple(g.rule)}`,
      )
      .join('; ')}`;
  }
  const text = simple(rule);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
