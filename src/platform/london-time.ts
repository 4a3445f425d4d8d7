/**
 * London time: the date and the wall-clock time in Europe/London at an instant, and the instant a
 * London date ends. This is the only place that asks for Europe/London; "today" for the register,
 * due dates in working days (`frontdoor/service-levels/working-days.ts`) and times shown to people
 * (`dates.ts`) all take London time from here.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Made once: making a formatter costs far more than using it. The date alone is asked for most
// (every "today"), and `format` with en-CA's YYYY-MM-DD is four times faster than taking parts.
const LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** What a clock in London shows at an instant: the date as YYYY-MM-DD, and the time to the second. */
export interface LondonWallClock {
  date: string;
  hour: number;
  minute: number;
  second: number;
}

/** The date and time in London at an instant. */
export function londonWallClock(at: Date): LondonWallClock {
  const p: Record<string, string> = {};
  for (const part of LONDON.formatToParts(at)) p[part.type] = part.value;
  return {
    date: `${p.year!.padStart(4, '0')}-${p.month}-${p.day}`,
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

/** The date in London at an instant (now, unless one is given), as YYYY-MM-DD. */
export function todayInLondon(now: Date = new Date()): string {
  return LONDON_DATE.format(now);
}

/** How far London's clocks are ahead of UTC at an instant, in milliseconds (0 or 3,600,000). */
export function londonOffset(at: Date): number {
  const clock = londonWallClock(at);
  const asUtc =
    Date.parse(`${clock.date}T00:00:00Z`) + ((clock.hour * 60 + clock.minute) * 60 + clock.second) * 1000;
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The last instant (to the millisecond) of a London date, given as YYYY-MM-DD. Clocks change at
 * 01:00 UTC on a Sunday, never late in the day, so the offset at noon holds until midnight.
 */
export function endOfLondonDay(date: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  return new Date(midnight + DAY - 1 - londonOffset(new Date(midnight + 12 * HOUR)));
}
