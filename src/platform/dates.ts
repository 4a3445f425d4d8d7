/** Dates: ISO calendar dates for effective periods, Europe/London for "today". */

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

// Formatters are made once: making one costs far more than using it.
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const DATE_IN_WORDS = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const LONDON_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/London',
});

/** Today's date in Europe/London, as YYYY-MM-DD. */
export function todayInLondon(now: Date = new Date()): string {
  return LONDON_DAY.format(now);
}

/** A date for people: 1 April 2026. */
export function formatDate(iso: string): string {
  return DATE_IN_WORDS.format(new Date(`${iso}T00:00:00Z`));
}

/** An instant for people, in London time: 24 December 2026, 10:00. */
export function formatDateTime(at: Date): string {
  const parts = LONDON_DATE_TIME.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
}

const MONTH_IN_WORDS = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A month for people, from YYYYMM (as ONSPD gives it) or YYYY-MM: "December 1998"; else as given. */
export function formatMonth(value: string): string {
  const match = /^(\d{4})-?(\d{2})$/.exec(value);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) return value;
  return MONTH_IN_WORDS.format(new Date(Date.UTC(Number(match[1]), month - 1, 1)));
}
