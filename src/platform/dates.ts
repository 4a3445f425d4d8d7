/** Dates: ISO calendar dates for effective periods, and dates and times for people. London time is `london-time.ts`'s. */
import { londonWallClock } from './london-time.ts';

export { todayInLondon } from './london-time.ts';

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

// Formatters are made once: making one costs far more than using it.
const DATE_IN_WORDS = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
/** A date for people: 1 April 2026. */
export function formatDate(iso: string): string {
  return DATE_IN_WORDS.format(new Date(`${iso}T00:00:00Z`));
}

/** An instant for people, in London time: 24 December 2026, 10:00. */
export function formatDateTime(at: Date): string {
  const clock = londonWallClock(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(clock.date)}, ${two(clock.hour)}:${two(clock.minute)}`;
}

const MONTH_IN_WORDS = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A month for people, from YYYYMM (as ONSPD gives it) or YYYY-MM: "December 1998"; else as given. */
export function formatMonth(value: string): string {
  const match = /^(\d{4})-?(\d{2})$/.exec(value);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) return value;
  return MONTH_IN_WORDS.format(new Date(Date.UTC(Number(match[1]), month - 1, 1)));
}
