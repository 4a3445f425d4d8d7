/**
 * Financial periods: English councils' financial year runs from 1 April to 31 March and is
 * written `2025-26`; a quarter is `2025-26 Q1` (April to June) and a month `2025-04`. Each period
 * has a first and a last day and a number of days, which is what a member that joins or leaves in
 * the middle of one is charged by. Dates are ISO calendar dates; a membership's end, like an
 * arrangement's `valid_to`, is the first day it no longer holds. Pure.
 */
import { isIsoDate } from '../platform/index.ts';

export interface Period {
  /** As people write it: `2025-26`, `2025-26 Q2`, `2025-04`. */
  label: string;
  /** The financial year it is in, `2025-26`. */
  year: string;
  /** The first day, YYYY-MM-DD. */
  first: string;
  /** The last day, YYYY-MM-DD. */
  last: string;
  days: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const lastDayOfMonth = (year: number, month: number) => isoOf(Date.UTC(year, month, 0) / DAY_MS);
const yearLabel = (start: number) => `${start}-${String((start + 1) % 100).padStart(2, '0')}`;

/** The months' names in capitals, January first, as the calendar spells them in English. */
const MONTH_IN_WORDS = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' });
const MONTHS = Array.from({ length: 12 }, (_, i) =>
  MONTH_IN_WORDS.format(Date.UTC(2000, i, 1)).toUpperCase(),
);

/** `2025-04`, `April 2025`, `Apr 2025` as [year, month]; `2011-12` is the financial year, not a month. */
function monthOf(value: string): [number, number] | undefined {
  const numeric = /^(20\d{2})-(0[1-9]|1[0-2])$/.exec(value);
  if (numeric) {
    const [y, m] = [Number(numeric[1]), Number(numeric[2])];
    return m === (y + 1) % 100 ? undefined : [y, m];
  }
  const words = /^([A-Z]{3,9}) (20\d{2})$/.exec(value);
  const index = words
    ? MONTHS.findIndex((m) => m === words[1] || (words[1]!.length === 3 && m.startsWith(words[1]!)))
    : -1;
  return words && index >= 0 ? [Number(words[2]), index + 1] : undefined;
}

/**
 * The period a text names, or undefined: `2025-26` (or `2025/26`, `2025-2026`), `2025-26 Q1` to
 * `Q4` (or `Q1 2025-26`), a month `2025-04` or `April 2025`. Years from 2000 to 2098. From
 * `2000-01` to `2011-12` a text is the financial year; write those months in words.
 */
export function parsePeriod(text: string): Period | undefined {
  const value = text.trim().toUpperCase().replace(/\s+/g, ' ');
  const month = monthOf(value);
  if (month) {
    const [y, m] = month;
    const start = m >= 4 ? y : y - 1;
    if (start < 2000 || start > 2098) return undefined;
    const label = `${y}-${String(m).padStart(2, '0')}`;
    return period(label, yearLabel(start), `${label}-01`, lastDayOfMonth(y, m));
  }
  const yearFirst = /^(20\d{2})[-/](\d{2}|20\d{2})(?: Q([1-4]))?$/.exec(value);
  const quarterFirst = /^Q([1-4]) (20\d{2})[-/](\d{2}|20\d{2})$/.exec(value);
  const match = yearFirst
    ? { 1: yearFirst[1], 2: yearFirst[2], 3: yearFirst[3] }
    : quarterFirst && { 1: quarterFirst[2], 2: quarterFirst[3], 3: quarterFirst[1] };
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2]!;
  if (start > 2098 || (end.length === 2 ? Number(end) !== (start + 1) % 100 : Number(end) !== start + 1)) {
    return undefined;
  }
  const year = yearLabel(start);
  if (!match[3]) return period(year, year, `${start}-04-01`, `${start + 1}-03-31`);
  const quarter = Number(match[3]);
  // Q1 April–June, Q2 July–September, Q3 October–December, Q4 January–March.
  const firstMonth = ((quarter - 1) * 3 + 3) % 12; // 0-based: 3, 6, 9, 0
  const calendarYear = quarter === 4 ? start + 1 : start;
  const first = isoOf(Date.UTC(calendarYear, firstMonth, 1) / DAY_MS);
  return period(`${year} Q${quarter}`, year, first, lastDayOfMonth(calendarYear, firstMonth + 3));
}

function period(label: string, year: string, first: string, last: string): Period {
  return { label, year, first, last, days: dayNumber(last) - dayNumber(first) + 1 };
}

/**
 * The days of `period` on which a membership from `from` (inclusive) until `until` (the first day
 * it no longer holds; null when it still does) held: 0 to `period.days`.
 */
export function daysHeld(period: Period, from: string, until: string | null): number {
  if (!isIsoDate(from) || (until !== null && !isIsoDate(until))) {
    throw new RangeError(`Not a date: ${until !== null && !isIsoDate(until) ? until : from}`);
  }
  const start = Math.max(dayNumber(from), dayNumber(period.first));
  const end = Math.min(until === null ? Infinity : dayNumber(until), dayNumber(period.last) + 1);
  return Math.max(0, end - start);
}
