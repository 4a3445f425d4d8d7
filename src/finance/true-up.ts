/**
 * The year-end true-up: a pool shared in the year on estimated drivers is shared again on the
 * actual ones (South Hams and West Devon use nine months' actual caseload). When the actual
 * figures move any council's share by more than the tolerance of its estimated share (3% there),
 * every council's bill is corrected by the difference; within the tolerance, nothing changes. The
 * corrections add up to nothing, to the penny, because both shares add up to the pool. Pure.
 */
import {
  WHOLE,
  allocate,
  type AllocationRule,
  type Attendance,
  type DriverValues,
  type Hundredths,
  type Member,
} from './allocation-rules.ts';
import { formatPounds, type Pence } from './money.ts';
import { formatPercent, percentOf } from './percent.ts';

export interface TrueUpLine {
  key: string;
  name: string;
  estimated: Pence;
  actual: Pence;
  /** What the council pays more (or, negative, less): `actual − estimated` when the true-up applies. */
  adjustment: Pence;
  explanation: string;
}

export interface TrueUp {
  /** True when some council's share moved by more than the tolerance. */
  applies: boolean;
  tolerance: Hundredths;
  lines: TrueUpLine[];
}

const abs = (n: bigint) => (n < 0n ? -n : n);

/** Whether `actual` differs from `estimated` by more than `tolerance` of it (any change of a nil share does). */
const beyond = (estimated: Pence, actual: Pence, tolerance: Hundredths) =>
  estimated === 0n ? actual !== 0n : abs(actual - estimated) * WHOLE > tolerance * abs(estimated);

/** The true-up of `amount` shared by `rule`, from the estimated to the actual driver figures. */
export function trueUp(
  amount: Pence,
  members: readonly Member[],
  rule: AllocationRule,
  estimatedDrivers: DriverValues,
  actualDrivers: DriverValues,
  tolerance: Hundredths,
  attendance?: Attendance,
): TrueUp {
  if (tolerance < 0n || tolerance > WHOLE) throw new RangeError('The tolerance must be between 0% and 100%.');
  const estimated = allocate(amount, members, rule, estimatedDrivers, attendance);
  const actual = allocate(amount, members, rule, actualDrivers, attendance);
  const applies = estimated.some((e, i) => beyond(e.pence, actual[i]!.pence, tolerance));
  const within = formatPercent(tolerance);
  return {
    applies,
    tolerance,
    lines: estimated.map((e, i) => {
      const a = actual[i]!.pence;
      const change = a - e.pence;
      const moved =
        change === 0n
          ? 'no change'
          : e.pence === 0n
            ? `${formatPounds(abs(change))} ${change > 0n ? 'more' : 'less'} than a nil estimate`
            : `${percentOf(change, e.pence)} ${change > 0n ? 'more' : 'less'}`;
      const outcome = !applies
        ? `every council is within the ${within} tolerance, so nothing changes`
        : change === 0n
          ? 'nothing to pay or get back'
          : change > 0n
            ? `it pays ${formatPounds(change)} more`
            : `it gets ${formatPounds(-change)} back`;
      const mine = beyond(e.pence, a, tolerance)
        ? `beyond the ${within} tolerance`
        : `within the ${within} tolerance`;
      return {
        key: e.key,
        name: e.name,
        estimated: e.pence,
        actual: a,
        adjustment: applies ? change : 0n,
        explanation:
          `${e.name}: ${formatPounds(e.pence)} on the estimated figures, ${formatPounds(a)} on the actual ` +
          `ones (${moved}, ${mine}); ${outcome}.`,
      };
    }),
  };
}
