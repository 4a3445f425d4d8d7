/**
 * Which of several rules in force at a place applies: the one for the most specific area, then the
 * latest (the later start, then the later recording). The same precedence for arrangements (a
 * market town's own arrangement over its council's) and for overrides (one for a parish over one
 * for the district, over one for the county). Pure.
 */
import type { AreaKind } from '../db/index.ts';
import { specificity } from '../geography/index.ts';

export interface RuleInForce {
  /** The kind of the area the rule is recorded for. */
  kind: AreaKind;
  validFrom: string;
  /** The order it was recorded in: a later one wins a tie. */
  recorded: number;
}

/** Sorts so the rule that applies comes first. */
export function byPrecedence(a: RuleInForce, b: RuleInForce): number {
  return (
    specificity(a.kind) - specificity(b.kind) ||
    (a.validFrom < b.validFrom ? 1 : a.validFrom > b.validFrom ? -1 : 0) ||
    b.recorded - a.recorded
  );
}

/** The rule that applies among `rules`, or undefined when there is none. */
export function applying<T>(rules: readonly T[], describe: (rule: T) => RuleInForce): T | undefined {
  let best: T | undefined;
  let bestKey: RuleInForce | undefined;
  for (const rule of rules) {
    const key = describe(rule);
    if (bestKey === undefined || byPrecedence(key, bestKey) < 0) {
      best = rule;
      bestKey = key;
    }
  }
  return best;
}
