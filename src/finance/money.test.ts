import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_PENCE, formatPounds, parsePounds } from './money.ts';

describe('money in pence', () => {
  it('is shown as pounds and pence with thousands grouped', () => {
    assert.equal(formatPounds(123456789n), '£1,234,567.89');
    assert.equal(formatPounds(5n), '£0.05');
    assert.equal(formatPounds(0n), '£0.00');
    assert.equal(formatPounds(-1250n), '-£12.50');
    assert.equal(formatPounds(1_000_000_000n), '£10,000,000.00');
  });

  it('is read from what people and ledger extracts write', () => {
    const cases: Array<[string, bigint]> = [
      ['1234.5', 123450n],
      ['£1,234.50', 123450n],
      [' 12 ', 1200n],
      ['-12', -1200n],
      ['-£12.01', -1201n],
      ['£-12.01', -1201n],
      ['(12.00)', -1200n],
      ['0.07', 7n],
      ['1,000,000', 100_000_000n],
    ];
    for (const [text, pence] of cases) assert.equal(parsePounds(text), pence, text);
  });

  it('refuses what is not an amount of pounds and pence', () => {
    for (const text of [
      '',
      '£',
      '12.345',
      '1,23',
      '12,3456',
      'twelve',
      '1e3',
      '--12',
      '(-12)',
      '12-',
      '£1 000',
      'NaN',
    ]) {
      assert.equal(parsePounds(text), undefined, text);
    }
    assert.equal(parsePounds('1000000000000.01'), undefined, 'more than a trillion pounds');
  });

  it('reads back every amount it shows, to the penny', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -MAX_PENCE, max: MAX_PENCE }), (pence) => {
        assert.equal(parsePounds(formatPounds(pence)), pence);
      }),
    );
  });
});
