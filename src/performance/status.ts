/**
 * Status against target and direction of travel, always computed, never typed in. Pure.
 *
 * Status (red, amber, green) from the value, the target, the measure's polarity and the tolerance:
 * - green when the value is at the target or better (a value equal to the target is green);
 * - amber when it is worse than the target by no more than the tolerance (worse by exactly the
 *   tolerance is still amber);
 * - red when it is worse by more than that.
 * The tolerance is an absolute amount in the measure's unit (for a share, percentage points held as
 * a fraction of one: 0.05 is 5 points), 0 or more; 0 means there is no amber. No status when the
 * value or the target is missing or the measure is a volume (no polarity).
 *
 * Direction of travel against an earlier value (the previous period, or the same period last
 * year): improving when the value moved the better way, worsening the other way, same when it is
 * exactly equal; null when either value is missing or the measure is a volume.
 */
import type { Polarity } from './measures.ts';
import { type Ratio, compareRatios, ratio, subtractRatios } from './ratio.ts';

export type Rag = 'green' | 'amber' | 'red';
export type Direction = 'improving' | 'worsening' | 'same';

/** A target for one measure, council and period, as the next tables will keep it. */
export interface Target {
  readonly measureId: string;
  readonly orgId: number;
  /** The service it is for; null for all of the council's services. */
  readonly lgslCode: number | null;
  /** `2025-26` or `2025-26-Q3`. */
  readonly period: string;
  readonly target: Ratio;
  /** Absolute, in the measure's unit; 0 for none. */
  readonly tolerance: Ratio;
}

const ZERO = ratio(0);

/** By how much `value` is worse than `target` (0 or less when it is at the target or better). */
function shortfall(value: Ratio, target: Ratio, polarity: Polarity): Ratio {
  return polarity === 'higher_is_better' ? subtractRatios(target, value) : subtractRatios(value, target);
}

export function ragStatus(
  value: Ratio | null,
  target: Ratio | null,
  polarity: Polarity | null,
  tolerance: Ratio = ZERO,
): Rag | null {
  if (compareRatios(tolerance, ZERO) < 0) throw new RangeError('a tolerance is 0 or more');
  if (value === null || target === null || polarity === null) return null;
  const worseBy = shortfall(value, target, polarity);
  if (compareRatios(worseBy, ZERO) <= 0) return 'green';
  return compareRatios(worseBy, tolerance) <= 0 ? 'amber' : 'red';
}

export function directionOfTravel(
  value: Ratio | null,
  earlier: Ratio | null,
  polarity: Polarity | null,
): Direction | null {
  if (value === null || earlier === null || polarity === null) return null;
  const moved = compareRatios(value, earlier);
  if (moved === 0) return 'same';
  return moved > 0 === (polarity === 'higher_is_better') ? 'improving' : 'worsening';
}

export interface Assessment {
  readonly status: Rag | null;
  readonly sincePreviousPeriod: Direction | null;
  readonly sinceSamePeriodLastYear: Direction | null;
}

/** Everything a report shows beside a value: its status and both directions of travel. */
export function assess(input: {
  value: Ratio | null;
  polarity: Polarity | null;
  target: Pick<Target, 'target' | 'tolerance'> | null;
  previousPeriod: Ratio | null;
  samePeriodLastYear: Ratio | null;
}): Assessment {
  return {
    status: ragStatus(input.value, input.target?.target ?? null, input.polarity, input.target?.tolerance),
    sincePreviousPeriod: directionOfTravel(input.value, input.previousPeriod, input.polarity),
    sinceSamePeriodLastYear: directionOfTravel(input.value, input.samePeriodLastYear, input.polarity),
  };
}
