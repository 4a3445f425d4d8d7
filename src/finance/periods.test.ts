import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatMonth } from '../platform/dates.ts';
import { daysHeld, parsePeriod } from './periods.ts';

describe('financial periods', () => {
  it('reads a financial year, April to March, however it is written', () => {
    for (const text of ['2025-26', '2025/26', '2025-2026', ' 2025-26 ']) {
      assert.deepEqual(parsePeriod(text), {
        label: '2025-26',
        year: '2025-26',
        first: '2025-04-01',
        last: '2026-03-31',
        days: 365,
      });
    }
    assert.equal(parsePeriod('2027-28')?.days, 366, '2028 is a leap year: February 2028 is in 2027-28');
    assert.equal(parsePeriod('2099-00'), undefined);
  });

  it('reads quarters and months, each inside its financial year', () => {
    assert.deepEqual(parsePeriod('2025-26 Q1'), {
      label: '2025-26 Q1',
      year: '2025-26',
      first: '2025-04-01',
      last: '2025-06-30',
      days: 91,
    });
    assert.deepEqual(parsePeriod('q4 2025-26'), {
      label: '2025-26 Q4',
      year: '2025-26',
      first: '2026-01-01',
      last: '2026-03-31',
      days: 90,
    });
    assert.deepEqual(parsePeriod('2026-02'), {
      label: '2026-02',
      year: '2025-26',
      first: '2026-02-01',
      last: '2026-02-28',
      days: 28,
    });
    assert.equal(parsePeriod('2025-04')?.year, '2025-26');
    assert.equal(parsePeriod('April 2025')?.label, '2025-04');
    assert.equal(parsePeriod('dec 2011')?.label, '2011-12');
    assert.equal(parsePeriod('2011-12')?.label, '2011-12', 'the financial year');
    assert.equal(parsePeriod('2011-12')?.days, 366);
    assert.equal(parsePeriod('2026-03')?.year, '2025-26');
  });

  it('refuses what is not a period', () => {
    for (const text of [
      '',
      '2025',
      '2025-27',
      '2025-25',
      '2025-26 Q5',
      '2025-13',
      '1999-00',
      'next year',
      '2025-26Q1x',
    ]) {
      assert.equal(parsePeriod(text), undefined, text);
    }
  });

  it('the four quarters and the twelve months of any year add up to its days, with no gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2097 }), (start) => {
        const year = parsePeriod(`${start}-${String((start + 1) % 100).padStart(2, '0')}`)!;
        const quarters = [1, 2, 3, 4].map((q) => parsePeriod(`${year.label} Q${q}`)!);
        assert.equal(
          quarters.reduce((n, q) => n + q.days, 0),
          year.days,
        );
        assert.equal(quarters[0]!.first, year.first);
        assert.equal(quarters[3]!.last, year.last);
        const months = Array.from({ length: 12 }, (_, i) => {
          const m = ((i + 3) % 12) + 1;
          // The month in words, as the platform shows it to people: "April 2025".
          return parsePeriod(formatMonth(`${m >= 4 ? start : start + 1}-${String(m).padStart(2, '0')}`))!;
        });
        assert.equal(
          months.reduce((n, m) => n + m.days, 0),
          year.days,
        );
        assert.ok(months.every((m) => m.year === year.label));
      }),
    );
  });

  it('counts the days a membership held in a period', () => {
    const year = parsePeriod('2025-26')!;
    assert.equal(daysHeld(year, '2010-04-01', null), 365);
    assert.equal(daysHeld(year, '2025-10-01', null), 182, 'joined on 1 October');
    assert.equal(daysHeld(year, '2010-04-01', '2025-10-01'), 183, 'left after 30 September');
    assert.equal(daysHeld(year, '2026-04-01', null), 0, 'joins after the year');
    assert.equal(daysHeld(year, '2010-04-01', '2025-04-01'), 0, 'left before it');
    assert.throws(() => daysHeld(year, '2025-02-30', null), /Not a date/);
  });

  it('a membership that ends on a day and one that begins on it share the year between them', () => {
    const year = parsePeriod('2025-26')!;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 }), (offset) => {
        const day = new Date(Date.UTC(2025, 3, 1 + offset)).toISOString().slice(0, 10);
        assert.equal(daysHeld(year, '2000-01-01', day) + daysHeld(year, day, null), year.days);
      }),
    );
  });
});
