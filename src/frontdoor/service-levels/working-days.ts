/**
 * Working time for service levels, on a bank-holiday calendar, in Europe/London.
 *
 * - A target in working days is due at the end (23:59:59.999 London time) of the Nth working day
 *   after the day the case was received: a case received on Monday with a target of 1 working day
 *   is due at the end of Tuesday; one received on Saturday counts from Monday, so it is due at the
 *   end of Monday.
 * - A target in hours is due that many clock hours after it was received.
 * - A pause (waiting on the resident) moves the due date on by the working days it lasted,
 *   counted as the working days after the day it was paused up to and including the day it
 *   resumed (paused and resumed on one day: no change); an hours target moves by the time paused.
 */

export type TargetUnit = 'working_days' | 'hours';

export interface Target {
  amount: number;
  unit: TargetUnit;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The calendar date in London at an instant, as YYYY-MM-DD. */
export function londonDateOf(at: Date): string {
  const p = Object.fromEntries(londonParts.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** London's offset from UTC, in milliseconds, at an instant. */
function londonOffset(at: Date): number {
  const p = Object.fromEntries(londonParts.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dateAfter = (date: string, days = 1) =>
  new Date(utcMidnight(date) + days * DAY).toISOString().slice(0, 10);

/** The last instant of a London calendar date. Clocks change at 01:00 UTC on Sundays, never late in the day. */
export function endOfLondonDay(date: string): Date {
  const noon = new Date(utcMidnight(date) + 12 * HOUR);
  return new Date(utcMidnight(date) + DAY - 1 - londonOffset(noon));
}

export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: Iterable<string>) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(date: string): boolean {
    const weekday = new Date(utcMidnight(date)).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(date);
  }

  /** The Nth working day after a date. */
  addWorkingDays(date: string, days: number): string {
    let day = date;
    for (let counted = 0; counted < days;) {
      day = dateAfter(day);
      if (this.isWorkingDay(day)) counted++;
    }
    return day;
  }

  /** The working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let day = dateAfter(from); day <= to; day = dateAfter(day)) if (this.isWorkingDay(day)) count++;
    return count;
  }

  dueAt(openedAt: Date, target: Target): Date {
    if (!Number.isInteger(target.amount) || target.amount < 1) {
      throw new RangeError('a service level target is a whole number, at least 1');
    }
    if (target.unit === 'hours') return new Date(openedAt.getTime() + target.amount * HOUR);
    return endOfLondonDay(this.addWorkingDays(londonDateOf(openedAt), target.amount));
  }

  extendForPause(dueAt: Date, pausedAt: Date, resumedAt: Date, unit: TargetUnit): Date {
    if (resumedAt.getTime() <= pausedAt.getTime()) return dueAt;
    if (unit === 'hours') return new Date(dueAt.getTime() + (resumedAt.getTime() - pausedAt.getTime()));
    const days = this.workingDaysBetween(londonDateOf(pausedAt), londonDateOf(resumedAt));
    return days === 0 ? dueAt : endOfLondonDay(this.addWorkingDays(londonDateOf(dueAt), days));
  }
}

/** A paused case is not overdue while it waits on the resident. */
export function isOverdue(dueAt: Date | null, now: Date, pausedAt: Date | null): boolean {
  return dueAt !== null && pausedAt === null && now.getTime() > dueAt.getTime();
}
