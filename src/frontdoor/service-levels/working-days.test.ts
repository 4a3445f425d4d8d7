import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { todayInLondon } from '../../platform/index.ts';
import { WorkingCalendar, isOverdue } from './working-days.ts';

// England and Wales bank holidays, as GOV.UK publishes them, for the dates these tests cross.
const ENGLAND_AND_WALES = [
  '2026-04-03', // Good Friday
  '2026-04-06', // Easter Monday
  '2026-05-04', // Early May bank holiday
  '2026-05-25', // Spring bank holiday
  '2026-08-31', // Summer bank holiday
  '2026-12-25', // Christmas Day
  '2026-12-28', // Boxing Day (substitute day)
  '2027-01-01', // New Year's Day
];
const calendar = new WorkingCalendar(ENGLAND_AND_WALES);
const at = (iso: string) => new Date(iso);

describe('WorkingCalendar', () => {
  it('knows weekends and bank holidays are not working days', () => {
    assert.equal(calendar.isWorkingDay('2026-11-23'), true); // Monday
    assert.equal(calendar.isWorkingDay('2026-11-21'), false); // Saturday
    assert.equal(calendar.isWorkingDay('2026-11-22'), false); // Sunday
    assert.equal(calendar.isWorkingDay('2026-12-28'), false); // Boxing Day (substitute day)
  });

  it('is due at the end of the Nth working day after the day received, in London time', () => {
    // Received Monday 23 November 2026 (GMT): 1 working day → end of Tuesday.
    assert.equal(
      calendar.dueAt(at('2026-11-23T10:00:00Z'), { amount: 1, unit: 'working_days' }).toISOString(),
      '2026-11-24T23:59:59.999Z',
    );
    // Received on a Saturday: counts from Monday.
    assert.equal(
      calendar.dueAt(at('2026-11-21T10:00:00Z'), { amount: 1, unit: 'working_days' }).toISOString(),
      '2026-11-23T23:59:59.999Z',
    );
    // In summer time the end of a London day is 22:59:59.999 UTC.
    assert.equal(
      calendar.dueAt(at('2026-07-01T08:00:00Z'), { amount: 5, unit: 'working_days' }).toISOString(),
      '2026-07-08T22:59:59.999Z',
    );
  });

  it('steps over Easter, Christmas with its substitute day, and New Year', () => {
    // Thursday 2 April 2026: Good Friday and Easter Monday are not counted.
    assert.equal(calendar.addWorkingDays('2026-04-02', 1), '2026-04-07');
    // Thursday 24 December 2026: Christmas Friday, weekend, Boxing Day substitute Monday.
    assert.equal(calendar.addWorkingDays('2026-12-24', 1), '2026-12-29');
    assert.equal(calendar.addWorkingDays('2026-12-24', 3), '2026-12-31');
    assert.equal(calendar.addWorkingDays('2026-12-24', 4), '2027-01-04');
  });

  it('crosses the clock changes correctly', () => {
    // Clocks go forward on Sunday 29 March 2026: Friday 27th + 1 working day = Monday 30th, in BST.
    assert.equal(
      calendar.dueAt(at('2026-03-27T12:00:00Z'), { amount: 1, unit: 'working_days' }).toISOString(),
      '2026-03-30T22:59:59.999Z',
    );
    // Clocks go back on Sunday 25 October 2026: Friday 23rd + 1 = Monday 26th, in GMT.
    assert.equal(
      calendar.dueAt(at('2026-10-23T12:00:00Z'), { amount: 1, unit: 'working_days' }).toISOString(),
      '2026-10-26T23:59:59.999Z',
    );
  });

  it('counts hours on the clock', () => {
    assert.equal(
      calendar.dueAt(at('2026-12-24T16:00:00Z'), { amount: 4, unit: 'hours' }).toISOString(),
      '2026-12-24T20:00:00.000Z',
    );
  });

  it('refuses a target that is not a whole number of at least 1', () => {
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      assert.throws(
        () => calendar.dueAt(at('2026-11-23T10:00:00Z'), { amount, unit: 'working_days' }),
        RangeError,
      );
    }
  });

  it('moves the due date on by the working days a pause lasted', () => {
    const due = calendar.dueAt(at('2026-11-23T10:00:00Z'), { amount: 5, unit: 'working_days' }); // end of Mon 30th
    assert.equal(due.toISOString(), '2026-11-30T23:59:59.999Z');
    // Paused Tuesday 24th, resumed Thursday 26th: two working days (Wed, Thu).
    const moved = calendar.extendForPause(
      due,
      at('2026-11-24T09:00:00Z'),
      at('2026-11-26T15:00:00Z'),
      'working_days',
    );
    assert.equal(moved.toISOString(), '2026-12-02T23:59:59.999Z');
    // Paused and resumed the same day: no change. Over a weekend only: no change.
    assert.equal(
      calendar.extendForPause(due, at('2026-11-24T09:00:00Z'), at('2026-11-24T15:00:00Z'), 'working_days'),
      due,
    );
    assert.equal(
      calendar.extendForPause(due, at('2026-11-27T18:00:00Z'), at('2026-11-29T10:00:00Z'), 'working_days'),
      due,
    );
    const hours = calendar.extendForPause(
      due,
      at('2026-11-24T09:00:00Z'),
      at('2026-11-24T12:30:00Z'),
      'hours',
    );
    assert.equal(hours.getTime() - due.getTime(), 3.5 * 3_600_000);
  });

  it('counts the working days between two dates', () => {
    assert.equal(calendar.workingDaysBetween('2026-12-24', '2027-01-04'), 4);
    assert.equal(calendar.workingDaysBetween('2026-11-23', '2026-11-23'), 0);
    assert.equal(calendar.workingDaysBetween('2026-11-24', '2026-11-23'), 0);
  });
});

describe('isOverdue', () => {
  const due = at('2026-11-24T23:59:59.999Z');
  it('is overdue only after the due time, and never while paused or without a target', () => {
    assert.equal(isOverdue(due, at('2026-11-24T23:00:00Z'), null), false);
    assert.equal(isOverdue(due, at('2026-11-25T00:00:00Z'), null), true);
    assert.equal(isOverdue(due, at('2026-11-25T00:00:00Z'), at('2026-11-24T10:00:00Z')), false);
    assert.equal(isOverdue(null, at('2030-01-01T00:00:00Z'), null), false);
  });
});

describe('working days, for any date and any bank-holiday calendar', () => {
  const DAY = 24 * 3_600_000;
  const plusDays = (date: string, days: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
  const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
  const anyDate = fc
    .date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2040-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
  /** A start date and a calendar of holidays around it: none, a few, or most weekdays for months. */
  const dated = anyDate.chain((start) =>
    fc.record({
      start: fc.constant(start),
      holidays: fc
        .array(fc.integer({ min: -20, max: 400 }), { maxLength: 150 })
        .map((offsets) => offsets.map((k) => plusDays(start, k))),
    }),
  );
  const days = fc.integer({ min: 0, max: 60 });
  /** A moment on the start date or the next, in milliseconds from its UTC midnight. */
  const within = fc.integer({ min: 0, max: 2 * DAY - 1 });

  it('counts back the n working days it added', () => {
    fc.assert(
      fc.property(dated, days, ({ start, holidays }, n) => {
        const calendar = new WorkingCalendar(holidays);
        assert.equal(calendar.workingDaysBetween(start, calendar.addWorkingDays(start, n)), n);
      }),
    );
  });

  it('lands on a working day, never a weekend or a holiday, and on the first with n counted', () => {
    fc.assert(
      fc.property(
        dated,
        days.filter((n) => n >= 1),
        ({ start, holidays }, n) => {
          const calendar = new WorkingCalendar(holidays);
          const end = calendar.addWorkingDays(start, n);
          assert.ok(end > start);
          assert.notEqual(weekday(end), 0, `${end} is a Sunday`);
          assert.notEqual(weekday(end), 6, `${end} is a Saturday`);
          assert.ok(!holidays.includes(end), `${end} is a holiday`);
          assert.equal(calendar.isWorkingDay(end), true);
          assert.equal(calendar.workingDaysBetween(start, plusDays(end, -1)), n - 1);
        },
      ),
    );
  });

  it('adds 0 working days to give the same date, even a weekend or a holiday', () => {
    fc.assert(
      fc.property(dated, ({ start, holidays }) => {
        const calendar = new WorkingCalendar([...holidays, start]);
        assert.equal(calendar.addWorkingDays(start, 0), start);
        assert.equal(calendar.workingDaysBetween(start, start), 0);
      }),
    );
  });

  it('reaches any later working day by adding the working days counted up to it', () => {
    fc.assert(
      fc.property(dated, fc.integer({ min: 1, max: 120 }), ({ start, holidays }, k) => {
        const calendar = new WorkingCalendar(holidays);
        const to = plusDays(start, k);
        fc.pre(calendar.isWorkingDay(to));
        assert.equal(calendar.addWorkingDays(start, calendar.workingDaysBetween(start, to)), to);
      }),
    );
  });

  it('is due at the last moment of the nth working day after the London day received', () => {
    fc.assert(
      fc.property(
        dated,
        within,
        days.filter((n) => n >= 1),
        ({ start, holidays }, ms, n) => {
          const calendar = new WorkingCalendar(holidays);
          const openedAt = new Date(Date.parse(`${start}T00:00:00Z`) + ms);
          const due = calendar.dueAt(openedAt, { amount: n, unit: 'working_days' });
          assert.ok(due.getTime() > openedAt.getTime());
          assert.equal(todayInLondon(due), calendar.addWorkingDays(todayInLondon(openedAt), n));
          assert.equal(calendar.isWorkingDay(todayInLondon(due)), true);
          assert.notEqual(todayInLondon(new Date(due.getTime() + 1)), todayInLondon(due));
        },
      ),
    );
  });

  it('moves a due date on by exactly the working days a pause lasted, and not for a pause within a day', () => {
    const hours = fc.integer({ min: 0, max: 24 * 40 });
    fc.assert(
      fc.property(
        dated,
        within,
        hours,
        days.filter((n) => n >= 1),
        ({ start, holidays }, ms, h, n) => {
          const calendar = new WorkingCalendar(holidays);
          const pausedAt = new Date(Date.parse(`${start}T00:00:00Z`) + ms);
          const due = calendar.dueAt(pausedAt, { amount: n, unit: 'working_days' });
          const resumedAt = new Date(pausedAt.getTime() + h * 3_600_000 + 1);
          const moved = calendar.extendForPause(due, pausedAt, resumedAt, 'working_days');
          const lasted = calendar.workingDaysBetween(todayInLondon(pausedAt), todayInLondon(resumedAt));
          assert.equal(calendar.workingDaysBetween(todayInLondon(due), todayInLondon(moved)), lasted);
          assert.equal(calendar.isWorkingDay(todayInLondon(moved)), true);
          if (todayInLondon(pausedAt) === todayInLondon(resumedAt)) assert.equal(moved, due);
        },
      ),
    );
  });
});
