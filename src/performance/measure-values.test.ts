import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MeasureUnit } from './measures.ts';
import { measureById } from './measures.ts';
import { provenanceInWords, readMeasureValue, readValueFor } from './measure-values.ts';
import { type Ratio, formatDecimal, ratio } from './ratio.ts';

const value = (text: string, unit: MeasureUnit): Ratio => {
  const result = readMeasureValue(text, unit);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.reason}`);
  return result.value;
};
const refusal = (text: unknown, unit: MeasureUnit): string => {
  const result = readMeasureValue(text, unit);
  assert.ok(!result.ok, `${String(text)} was read`);
  return result.reason;
};

describe('reading a value as typed', () => {
  it('reads numbers as people write them', () => {
    assert.deepEqual(value('12.5', 'number'), ratio(25, 2));
    assert.deepEqual(value('1,234', 'count'), ratio(1234));
    assert.deepEqual(value(' 1,234,567 ', 'count'), ratio(1_234_567));
    assert.deepEqual(value('-3.25', 'number'), ratio(-13, 4));
    assert.deepEqual(value('4.5', 'working_days'), ratio(9, 2));
  });

  it('reads a percentage as a share of one, with or without the sign', () => {
    assert.deepEqual(value('85%', 'percent'), ratio(85, 100));
    assert.deepEqual(value('85', 'percent'), ratio(85, 100));
    assert.deepEqual(value('85.25 %', 'percent'), ratio(8525, 10_000));
    assert.deepEqual(value('0.85', 'percent'), ratio(85, 10_000), '0.85 is 0.85%, never 85%');
    assert.deepEqual(value('100%', 'percent'), ratio(1));
  });

  it('reads money in pounds, held in pence', () => {
    assert.deepEqual(value('£1,234.50', 'pence'), ratio(123_450));
    assert.deepEqual(value('(12.00)', 'pence'), ratio(-1200));
    assert.match(refusal('12.345', 'pence'), /not an amount of money/);
  });

  it('refuses anything else with a reason', () => {
    assert.match(refusal('12,34', 'count'), /commas separate thousands/);
    assert.match(refusal('1,2345', 'number'), /commas separate thousands/);
    assert.match(refusal('12.5', 'count'), /whole number/);
    assert.match(refusal('85%', 'count'), /is a percentage, but this measure is a count/);
    assert.match(refusal('101%', 'percent'), /at most 100%/);
    assert.match(refusal('-1', 'count'), /cannot be below 0/);
    assert.match(refusal('-5%', 'percent'), /cannot be below 0/);
    assert.match(refusal('1.234', 'working_days'), /more than 2 decimal places/);
    assert.match(refusal('twelve', 'number'), /not a number/);
    assert.match(refusal('1e5', 'number'), /not a number/);
    assert.match(refusal('', 'number'), /Enter a value/);
    assert.match(refusal('1'.repeat(41), 'number'), /at most 40/);
    assert.match(refusal('1'.repeat(16), 'number'), /too large/);
    assert.match(refusal(12, 'number'), /is text/);
  });

  it('never throws, and what it reads is what was typed', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 45 }), fc.stringMatching(/^-?[0-9,]{1,12}(\.[0-9]{0,7})?%?$/)),
        fc.constantFrom<MeasureUnit>('count', 'percent', 'working_days', 'pence', 'number'),
        (text, unit) => {
          const result = readMeasureValue(text, unit);
          if (!result.ok || unit === 'pence' || unit === 'percent') return;
          const typed = text.trim().replaceAll(',', '');
          assert.equal(Number(formatDecimal(result.value, 6)), Number(typed));
        },
      ),
    );
  });

  it('refuses to take a value for a measure that is worked out', () => {
    const computed = readValueFor(measureById('first_contact_resolution')!, '85%');
    assert.ok(!computed.ok);
    assert.match(computed.reason, /worked out from the cases: it cannot be entered/);
    const officerMeasure = { ...measureById('first_contact_resolution')!, source: 'entered' as const };
    assert.deepEqual(readValueFor(officerMeasure, '85%'), { ok: true, value: ratio(85, 100) });
  });
});

describe('where a value came from', () => {
  it('says who entered it, or which file and line it came from', () => {
    assert.equal(
      provenanceInWords({ kind: 'entered', accountId: 12, at: '2026-01-05T10:00:00Z' }, 'Sam Jones'),
      'Entered by Sam Jones at 2026-01-05T10:00:00Z',
    );
    assert.equal(
      provenanceInWords({
        kind: 'imported',
        fileName: 'q3-waste.csv',
        line: 14,
        fileSha256: null,
        accountId: null,
        at: '2026-01-05T10:00:00Z',
      }),
      'Imported from q3-waste.csv, line 14',
    );
  });
});
