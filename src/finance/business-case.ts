/**
 * Business cases for a proposed change: one-off costs and recurring savings by year, the year the
 * change pays back, and its net present value at the HM Treasury Green Book discount rate (3.5% a
 * year unless a partnership sets another). Year 0 is the year of the decision and is not
 * discounted; year t is divided by (1 + rate)^t. Worked in exact fractions of a penny and rounded
 * to the penny once, half away from zero, so the answer does not depend on the order of the sums.
 * Pure.
 */
import { WHOLE, type Hundredths } from './allocation-rules.ts';
import type { Pence } from './money.ts';

/** The Green Book's discount rate, in hundredths of a percent. */
export const GREEN_BOOK_RATE: Hundredths = 350n;

export interface YearFlow {
  /** Years after the decision: 0, 1, 2, … */
  year: number;
  /** One-off and running costs in the year. */
  costs: Pence;
  /** Savings in the year. */
  savings: Pence;
}

function checkFlows(flows: readonly YearFlow[]): void {
  const seen = new Set<number>();
  for (const f of flows) {
    if (!Number.isInteger(f.year) || f.year < 0 || f.year > 100) {
      throw new RangeError(`Year ${f.year} is not a whole number of years from 0 to 100.`);
    }
    if (seen.has(f.year)) throw new RangeError(`Year ${f.year} is given twice.`);
    seen.add(f.year);
  }
}

/** Rounds numerator / denominator (denominator > 0) to the nearest whole, half away from zero. */
function roundHalfAway(numerator: bigint, denominator: bigint): bigint {
  const sign = numerator < 0n ? -1n : 1n;
  const n = numerator * sign;
  return sign * ((n * 2n + denominator) / (denominator * 2n));
}

/** The net present value of savings less costs, in pence, at `rate` (hundredths of a percent a year). */
export function netPresentValue(flows: readonly YearFlow[], rate: Hundredths = GREEN_BOOK_RATE): Pence {
  checkFlows(flows);
  if (rate < 0n || rate > WHOLE) throw new RangeError('The discount rate must be between 0% and 100%.');
  const last = Math.max(0, ...flows.map((f) => f.year));
  // Σ net_t / ((W + rate) / W)^t = Σ net_t × W^t × (W + rate)^(last − t) / (W + rate)^last.
  const up = WHOLE + rate;
  let numerator = 0n;
  for (const f of flows) {
    const t = BigInt(f.year);
    numerator += (f.savings - f.costs) * WHOLE ** t * up ** (BigInt(last) - t);
  }
  return roundHalfAway(numerator, up ** BigInt(last));
}

/** The first year at whose end savings so far have covered costs so far (undiscounted); null if none. */
export function paybackYear(flows: readonly YearFlow[]): number | null {
  checkFlows(flows);
  let balance = 0n;
  let spent = false;
  for (const f of [...flows].sort((a, b) => a.year - b.year)) {
    balance += f.savings - f.costs;
    if (f.costs > 0n) spent = true;
    if (spent && balance >= 0n) return f.year;
  }
  return null;
}
