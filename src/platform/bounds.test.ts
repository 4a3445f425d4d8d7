import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_ID, MAX_INT, isId, isIntCode, parseId, parseIntCode, parseWholeNumber } from './bounds.ts';

describe('bounds of the numbers a request may name', () => {
  it('reads whole numbers written in digits within the bounds, and nothing else', () => {
    assert.equal(parseId('42'), 42);
    assert.equal(parseId(' 42 '), 42);
    assert.equal(parseId(['7', '8']), 7);
    assert.equal(parseId(9), 9);
    assert.equal(parseIntCode('2147483647'), MAX_INT);
    for (const text of [
      '',
      '0',
      '-1',
      '+5',
      '1.5',
      '1e3',
      'abc',
      '0x10',
      '2147483648',
      'NaN',
      'Infinity',
      '\u0000',
    ]) {
      assert.equal(parseIntCode(text), undefined, text);
    }
    for (const text of ['9007199254740992', '99999999999999999999', '9223372036854775808']) {
      assert.equal(parseId(text), undefined, text);
    }
    assert.equal(parseId(String(MAX_ID)), MAX_ID);
    assert.equal(parseId(1.5), undefined);
    assert.equal(parseId({}), undefined);
    assert.ok(isId(MAX_ID) && !isId(MAX_ID + 1) && !isId(0) && !isId(Number.NaN));
    assert.ok(isIntCode(524) && !isIntCode(MAX_INT + 1));
  });

  it('gives back only numbers within the bounds, whatever text it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.bigInt().map(String), fc.double().map(String)),
        fc.constantFrom(MAX_INT, MAX_ID),
        (text, max) => {
          const value = parseWholeNumber(text, max);
          assert.ok(value === undefined || (Number.isSafeInteger(value) && value >= 1 && value <= max));
        },
      ),
    );
  });
});
