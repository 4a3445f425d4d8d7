/**
 * How a report says a measure's figures in words: a value in its unit, a status, a direction of
 * travel and the sentence that sums a quarter up. Pure, so that the page, its printout, the CSV
 * and the charts' text summaries all say the same.
 *
 * A measure with no polarity (a count of requests or referrals) has no better or worse: its change
 * is "up" or "down", never "improving".
 */
import type { Measure } from './measures.ts';
import { apiNumber } from './measures.service.ts';
import type { Ratio } from './ratio.ts';
import { compareRatios } from './ratio.ts';
import type { Direction, Rag } from './status.ts';

export const STATUS_WORDS: Readonly<Record<Rag, string>> = { green: 'Green', amber: 'Amber', red: 'Red' };
export const DIRECTION_WORDS: Readonly<Record<Direction, string>> = {
  improving: 'Improving',
  worsening: 'Worsening',
  same: 'No change',
};

const pounds = (pence: number) =>
  `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A value in its unit, as a person reads it ("85.3%", "8 working days", "£12.40"); "No value" for none. */
export function valueInWords(unit: Measure['unit'], value: Ratio | null): string {
  const shown = apiNumber(unit, value);
  if (shown === null) return 'No value';
  switch (unit) {
    case 'percent':
      return `${shown.toLocaleString('en-GB')}%`;
    case 'working_days':
      return `${shown.toLocaleString('en-GB')} working day${shown === 1 ? '' : 's'}`;
    case 'pence':
      return pounds(shown);
    default:
      return shown.toLocaleString('en-GB');
  }
}

/** The status in words, saying why there is none. */
export function statusInWords(measure: Measure, status: Rag | null, hasTarget: boolean): string {
  if (status) return STATUS_WORDS[status];
  if (measure.polarity === null) return 'Not rated';
  return hasTarget ? 'Not rated (no value)' : 'No target';
}

/**
 * The change from an earlier value in words: "Improving, from 80.0%" for a measure with a polarity,
 * "Up, from 23" or "Down, from 23" for a count; "No earlier value" when there is none to compare.
 */
export function changeInWords(
  measure: Measure,
  value: Ratio | null,
  earlier: Ratio | null,
  direction: Direction | null,
): string {
  if (value === null || earlier === null) return 'No earlier value';
  const from = `from ${valueInWords(measure.unit, earlier)}`;
  if (direction !== null) return `${DIRECTION_WORDS[direction]}, ${from}`;
  const moved = compareRatios(value, earlier);
  return moved === 0 ? `No change, ${from}` : `${moved > 0 ? 'Up' : 'Down'}, ${from}`;
}

export interface StatusCounts {
  green: number;
  amber: number;
  red: number;
  /** Measures with a polarity and no status (no target or no value). */
  unrated: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The sentence a report opens with: how many measures are at each status. */
export function statusSummary(counts: StatusCounts): string {
  const rated = counts.green + counts.amber + counts.red;
  if (rated === 0) {
    return counts.unrated === 0
      ? 'No measure has a target this quarter.'
      : `No measure has both a target and a value this quarter (${plural(counts.unrated, 'measure', 'measures')} without).`;
  }
  const parts = [`${counts.green} green`, `${counts.amber} amber`, `${counts.red} red`];
  const rest =
    counts.unrated > 0 ? `; ${plural(counts.unrated, 'measure has', 'measures have')} no status` : '';
  return `Of ${plural(rated, 'measure', 'measures')} with a target and a value: ${parts.join(', ')}${rest}.`;
}

/**
 * A run chart's text summary: the latest value against the first shown and the target, so that the
 * chart says nothing its reader cannot also read here.
 */
export function seriesSummary(
  measure: Measure,
  points: ReadonlyArray<{ label: string; value: Ratio | null; target: Ratio | null }>,
): string {
  const known = points.filter((p): p is typeof p & { value: Ratio } => p.value !== null);
  if (known.length === 0) return `${measure.name}: no value in the quarters shown.`;
  const last = known[known.length - 1]!;
  const first = known[0]!;
  const latest = `${measure.name} was ${valueInWords(measure.unit, last.value)} in ${last.label}`;
  const since =
    known.length > 1 ? `, against ${valueInWords(measure.unit, first.value)} in ${first.label}` : '';
  const target =
    last.target === null
      ? ''
      : `; the target for ${last.label} was ${valueInWords(measure.unit, last.target)}`;
  return `${latest}${since}${target}.`;
}
