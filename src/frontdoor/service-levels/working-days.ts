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
 *
 * London dates and the end of a London day come from the platform's London time.
 */
import { endOfLondonDay, todayInLondon } from '../../platform/index.ts';

export type TargetUnit = 'working_days' | 'hours';

export interface Target {
  amount: number;
  unit: TargetUnit;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dateAfter = (date: string, days = 1) =>
  new Date(utcMidnight(date) + days * DAY).toISOString().slice(0, 10);

export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(holidays: Iterable<string>) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(date: string): boolean {
    const weekday = new Date(utcMidnight(date)).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(date);
  }

  /**
   * The Nth working day after a date (the date itself need not be one). Adding 0 working days
   * gives the date itself, working day or not.
   */
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
    return endOfLondonDay(this.addWorkingDays(todayInLondon(openedAt), target.amount));
  }

  extendForPause(dueAt: Date, pausedAt: Date, resumedAt: Date, unit: TargetUnit): Date {
    if (resumedAt.getTime() <= pausedAt.getTime()) return dueAt;
    if (unit === 'hours') return new Date(dueAt.getTime() + (resumedAt.getTime() - pausedAt.getTime()));
    const days = this.workingDaysBetween(todayInLondon(pausedAt), todayInLondon(resumedAt));
    return days === 0 ? dueAt : endOfLondonDay(this.addWorkingDays(todayInLondon(dueAt), days));
  }
}

/** A paused case is not overdue while it waits on the resident. */
export function isOverdue(dueAt: Date | null, now: Date, pausedAt: Date | null): boolean {
  return dueAt !== null && pausedAt === null && now.getTime() > dueAt.getTime();
}
