/**
 * Reporting periods: a financial year (1 April to 31 March) written `2025-26`, or one of its
 * quarters written `2025-26-Q3` (Q1 April–June, Q2 July–September, Q3 October–December, Q4
 * January–March). That hyphenated form is the API's and this module's; the first and last days
 * come from finance's `parsePeriod`, so the calendar is worked out in one place. Years run from
 * 2000-01 to 2098-99, as finance's do. Reading never throws: anything else is a reason. Pure.
 */
import { parsePeriod } from '../finance/index.ts';

export type Quarter = 1 | 2 | 3 | 4;

export interface ReportingPeriod {
  /** As the API writes it: `2025-26` or `2025-26-Q3`. */
  readonly id: string;
  readonly kind: 'year' | 'quarter';
  /** The calendar year the financial year starts in: 2025 for `2025-26`. */
  readonly startYear: number;
  /** null for a whole year. */
  readonly quarter: Quarter | null;
  /** The first and last days, YYYY-MM-DD, both inclusive. */
  readonly first: string;
  readonly last: string;
  readonly days: number;
}

export type PeriodReading = { ok: true; period: ReportingPeriod } | { ok: false; reason: string };

export const FIRST_START_YEAR = 2000;
export const LAST_START_YEAR = 2098;
/** Longer than any period written; a longer text is refused before it is looked at. */
const MAX_LENGTH = 20;

const SHAPE = /^(\d{4})-(\d{2})(?:-Q(\d))?$/;
const QUARTER_MONTHS = ['April to June', 'July to September', 'October to December', 'January to March'];

const yearId = (start: number) => `${start}-${String((start + 1) % 100).padStart(2, '0')}`;

/** The period, built from finance's calendar; undefined outside the years it reads. */
function build(startYear: number, quarter: Quarter | null): ReportingPeriod | undefined {
  if (startYear < FIRST_START_YEAR || startYear > LAST_START_YEAR) return undefined;
  const year = yearId(startYear);
  const days = parsePeriod(quarter === null ? year : `${year} Q${quarter}`);
  if (!days) return undefined;
  return {
    id: quarter === null ? year : `${year}-Q${quarter}`,
    kind: quarter === null ? 'year' : 'quarter',
    startYear,
    quarter,
    first: days.first,
    last: days.last,
    days: days.days,
  };
}

const HOW = 'Write a financial year as 2025-26 or a quarter as 2025-26-Q3.';

/** The period a text names in the API's form, or the reason it names none. */
export function readPeriod(text: unknown): PeriodReading {
  if (typeof text !== 'string') return { ok: false, reason: `A period is text. ${HOW}` };
  const value = text.trim().toUpperCase();
  if (value === '') return { ok: false, reason: `No period was given. ${HOW}` };
  if (value.length > MAX_LENGTH) return { ok: false, reason: `That is too long for a period. ${HOW}` };
  if (/^\d{4}-\d{2} Q\d$/.test(value)) {
    return { ok: false, reason: `Write the quarter with a hyphen: ${value.replace(' ', '-')}.` };
  }
  const match = SHAPE.exec(value);
  if (!match) return { ok: false, reason: `“${text.trim()}” is not a period. ${HOW}` };
  const start = Number(match[1]);
  if (start < FIRST_START_YEAR || start > LAST_START_YEAR) {
    return {
      ok: false,
      reason: `Periods run from ${yearId(FIRST_START_YEAR)} to ${yearId(LAST_START_YEAR)}.`,
    };
  }
  if (match[2] !== yearId(start).slice(5)) {
    return {
      ok: false,
      reason: `A financial year ends in the year after it starts: ${yearId(start)}, not ${match[1]}-${match[2]}.`,
    };
  }
  const quarter = match[3] === undefined ? null : Number(match[3]);
  if (quarter !== null && (quarter < 1 || quarter > 4)) {
    return {
      ok: false,
      reason: `Quarters are Q1 (April to June) to Q4 (January to March), not Q${quarter}.`,
    };
  }
  const period = build(start, quarter as Quarter | null);
  return period ? { ok: true, period } : { ok: false, reason: `“${text.trim()}” is not a period. ${HOW}` };
}

/** The API's form: `2025-26`, `2025-26-Q3`. */
export const formatPeriod = (period: ReportingPeriod): string => period.id;

/** How a page names it: `2025-26`, `2025-26 Q3 (October to December 2025)`. */
export function periodInWords(period: ReportingPeriod): string {
  if (period.quarter === null) return yearId(period.startYear);
  const calendarYear = period.quarter === 4 ? period.startYear + 1 : period.startYear;
  return `${yearId(period.startYear)} Q${period.quarter} (${QUARTER_MONTHS[period.quarter - 1]} ${calendarYear})`;
}

/** The financial year a period is in (a year is its own). */
export const yearOf = (period: ReportingPeriod): ReportingPeriod =>
  period.quarter === null ? period : build(period.startYear, null)!;

/** The quarters of the year a period is in, Q1 first. */
export function quartersOf(period: ReportingPeriod): ReportingPeriod[] {
  return ([1, 2, 3, 4] as const).map((q) => build(period.startYear, q)!);
}

/**
 * The period just before: the year before a year, the quarter before a quarter (Q1's is the
 * previous year's Q4). null before 2000-01.
 */
export function previousPeriod(period: ReportingPeriod): ReportingPeriod | null {
  if (period.quarter === null || period.quarter === 1) {
    return build(period.startYear - 1, period.quarter === null ? null : 4) ?? null;
  }
  return build(period.startYear, (period.quarter - 1) as Quarter) ?? null;
}

/** The same period a year earlier: 2024-25-Q3 for 2025-26-Q3. null before 2000-01. */
export const samePeriodLastYear = (period: ReportingPeriod): ReportingPeriod | null =>
  build(period.startYear - 1, period.quarter) ?? null;

/**
 * The year or quarter a date (YYYY-MM-DD) falls in, which a day's summary is counted in; null for
 * a date that is not one or is outside the years read.
 */
export function periodContaining(date: string, kind: 'year' | 'quarter'): ReportingPeriod | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return null;
  if (new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) return null;
  const [year, month] = [Number(match[1]), Number(match[2])];
  const start = month >= 4 ? year : year - 1;
  // April → Q1, July → Q2, October → Q3, January → Q4.
  const quarter = (Math.floor(((month + 8) % 12) / 3) + 1) as Quarter;
  return build(start, kind === 'year' ? null : quarter) ?? null;
}

/** Whether a date (YYYY-MM-DD) is in the period. */
export const contains = (period: ReportingPeriod, date: string): boolean =>
  date >= period.first && date <= period.last;

/** The quarters ending with `period`, oldest first: `count` of them, fewer only before 2000-01. */
export function quartersEndingWith(period: ReportingPeriod, count: number): ReportingPeriod[] {
  const out = [period];
  while (out.length < count) {
    const before = previousPeriod(out[0]!);
    if (!before) break;
    out.unshift(before);
  }
  return out;
}

/** The last quarter that has ended by a date (YYYY-MM-DD): the one before the quarter it is in. */
export function lastEndedQuarter(date: string): ReportingPeriod | null {
  const current = periodContaining(date, 'quarter');
  return current && (previousPeriod(current) ?? current);
}
