import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type ReportingPeriod,
  contains,
  formatPeriod,
  periodContaining,
  periodInWords,
  previousPeriod,
  quartersOf,
  readPeriod,
  samePeriodLastYear,
  yearOf,
} from './periods.ts';

const read = (text: string): ReportingPeriod => {
  const result = readPeriod(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.reason}`);
  return result.period;
};
const reason = (text: unknown): string => {
  const result = readPeriod(text);
  assert.ok(!result.ok, `${String(text)} was read`);
  return result.reason;
};

const anyPeriod = fc
  .record({ start: fc.integer({ min: 2000, max: 2098 }), quarter: fc.constantFrom(null, 1, 2, 3, 4) })
  .map(({ start, quarter }) =>
    read(`${start}-${String((start + 1) % 100).padStart(2, '0')}${quarter ? `-Q${quarter}` : ''}`),
  );

describe('reporting periods', () => {
  it('reads a financial year, 1 April to 31 March', () => {
    assert.deepEqual(read('2025-26'), {
      id: '2025-26',
      kind: 'year',
      startYear: 2025,
      quarter: null,
      first: '2025-04-01',
      last: '2026-03-31',
      days: 365,
    });
    assert.equal(read('2027-28').days, 366, 'February 2028 has 29 days');
    assert.equal(read('2098-99').last, '2099-03-31');
  });

  it('reads each quarter: Q1 April–June to Q4 January–March of the next calendar year', () => {
    const spans = ['1', '2', '3', '4'].map((q) => {
      const p = read(`2025-26-Q${q}`);
      return [p.id, p.first, p.last, p.days];
    });
    assert.deepEqual(spans, [
      ['2025-26-Q1', '2025-04-01', '2025-06-30', 91],
      ['2025-26-Q2', '2025-07-01', '2025-09-30', 92],
      ['2025-26-Q3', '2025-10-01', '2025-12-31', 92],
      ['2025-26-Q4', '2026-01-01', '2026-03-31', 90],
    ]);
    assert.equal(read(' 2025-26-q3 ').id, '2025-26-Q3', 'spaces around and a small q are forgiven');
  });

  it('refuses malformed periods with a reason, never an exception', () => {
    assert.match(reason('2025-27'), /ends in the year after it starts: 2025-26/);
    assert.match(reason('2025-26-Q5'), /Q1 \(April to June\) to Q4/);
    assert.match(reason('2025-26-Q0'), /not Q0/);
    assert.match(reason('2025-26 Q3'), /with a hyphen: 2025-26-Q3/);
    assert.match(reason('1999-00'), /run from 2000-01 to 2098-99/);
    assert.match(reason('2099-00'), /run from 2000-01 to 2098-99/);
    assert.match(reason('2025/26'), /is not a period/);
    assert.match(reason('2025-04'), /ends in the year after/);
    assert.match(reason(''), /No period/);
    assert.match(reason('2025-26'.repeat(10)), /too long/);
    assert.match(reason(2025), /is text/);
    assert.match(reason(null), /is text/);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{4}-\d{2}(-Q\d)?$/)), (text) => {
        const result = readPeriod(text);
        if (result.ok) assert.equal(formatPeriod(result.period), text.trim().toUpperCase());
        else assert.ok(result.reason.length > 0);
      }),
    );
  });

  it('writes what it reads, and reads what it writes', () => {
    fc.assert(fc.property(anyPeriod, (p) => assert.deepEqual(read(formatPeriod(p)), p)));
  });

  it('gives the previous period: the quarter before (Q1 after last year’s Q4), the year before', () => {
    assert.equal(previousPeriod(read('2025-26-Q3'))?.id, '2025-26-Q2');
    assert.equal(previousPeriod(read('2025-26-Q1'))?.id, '2024-25-Q4');
    assert.equal(previousPeriod(read('2025-26'))?.id, '2024-25');
    assert.equal(previousPeriod(read('2000-01')), null);
    assert.equal(previousPeriod(read('2000-01-Q1')), null);
    assert.equal(previousPeriod(read('2000-01-Q2'))?.id, '2000-01-Q1');
  });

  it('gives the same period last year', () => {
    assert.equal(samePeriodLastYear(read('2025-26-Q3'))?.id, '2024-25-Q3');
    assert.equal(samePeriodLastYear(read('2025-26'))?.id, '2024-25');
    assert.equal(samePeriodLastYear(read('2000-01-Q4')), null);
  });

  it('the previous period ends the day before the period begins', () => {
    fc.assert(
      fc.property(anyPeriod, (p) => {
        const before = previousPeriod(p);
        if (!before) return;
        const dayBefore = new Date(Date.parse(`${p.first}T00:00:00Z`) - 86_400_000)
          .toISOString()
          .slice(0, 10);
        assert.equal(before.last, dayBefore);
        assert.equal(before.kind, p.kind);
      }),
    );
  });

  it('a year’s quarters cover it exactly, in order', () => {
    fc.assert(
      fc.property(anyPeriod, (p) => {
        const year = yearOf(p);
        const quarters = quartersOf(p);
        assert.equal(quarters.length, 4);
        assert.equal(quarters[0]!.first, year.first);
        assert.equal(quarters[3]!.last, year.last);
        assert.equal(
          quarters.reduce((days, q) => days + q.days, 0),
          year.days,
        );
        for (const q of quarters) assert.equal(yearOf(q).id, year.id);
      }),
    );
  });

  it('finds the year and quarter a date is in', () => {
    assert.equal(periodContaining('2026-03-31', 'year')?.id, '2025-26');
    assert.equal(periodContaining('2026-04-01', 'year')?.id, '2026-27');
    assert.equal(periodContaining('2025-12-31', 'quarter')?.id, '2025-26-Q3');
    assert.equal(periodContaining('2026-01-01', 'quarter')?.id, '2025-26-Q4');
    assert.equal(periodContaining('2025-04-01', 'quarter')?.id, '2025-26-Q1');
    assert.equal(periodContaining('2025-02-30', 'year'), null, 'not a date');
    assert.equal(periodContaining('not a date', 'year'), null);
    assert.equal(periodContaining('2000-03-31', 'year'), null, 'in 1999-00, before the years read');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-04-01'), max: new Date('2099-03-31'), noInvalidDate: true }),
        (d) => {
          const day = d.toISOString().slice(0, 10);
          for (const kind of ['year', 'quarter'] as const) {
            const p = periodContaining(day, kind);
            assert.ok(p && contains(p, day), `${day} in ${p?.id}`);
          }
        },
      ),
    );
  });

  it('names a period for a page', () => {
    assert.equal(periodInWords(read('2025-26-Q3')), '2025-26 Q3 (October to December 2025)');
    assert.equal(periodInWords(read('2025-26-Q4')), '2025-26 Q4 (January to March 2026)');
    assert.equal(periodInWords(read('2025-26')), '2025-26');
  });
});
