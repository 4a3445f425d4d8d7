import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PostcodeFormatError,
  countryOfCode,
  countryOfPostcodeArea,
  isNormalPostcode,
  normalisePostcode,
  parsePostcodeQuery,
  postcodeInText,
  tryNormalisePostcode,
} from './postcode.ts';

const formatError = (input: unknown, message: RegExp) =>
  assert.throws(
    () => parsePostcodeQuery(input as string),
    (error: unknown) => error instanceof PostcodeFormatError && message.test(error.message),
  );

describe('parsePostcodeQuery', () => {
  it('reads a full postcode however it is typed', () => {
    for (const input of [
      'EX1 1AA',
      'ex11aa',
      ' EX1  1AA ',
      'Ex1 1aA',
      'EX1\t1AA',
      'EX1 1 AA',
      'ＥＸ１ １ＡＡ',
    ]) {
      assert.deepEqual(
        parsePostcodeQuery(input),
        { kind: 'full', text: 'EX1 1AA', outcode: 'EX1', sector: 'EX1 1' },
        JSON.stringify(input),
      );
    }
  });

  it('reads every shape of outward code', () => {
    assert.equal(parsePostcodeQuery('m11ad').text, 'M1 1AD');
    assert.equal(parsePostcodeQuery('BB3 0AS').text, 'BB3 0AS');
    assert.equal(parsePostcodeQuery('EX10 0AE').text, 'EX10 0AE');
    assert.deepEqual(parsePostcodeQuery('sw1a1aa'), {
      kind: 'full',
      text: 'SW1A 1AA',
      outcode: 'SW1A',
      sector: 'SW1A 1',
    });
    assert.equal(parsePostcodeQuery('se1p 5zz').text, 'SE1P 5ZZ');
  });

  it('reads an outcode, and a run of characters without a space as an outcode', () => {
    assert.deepEqual(parsePostcodeQuery('ex1'), { kind: 'outcode', text: 'EX1', outcode: 'EX1' });
    assert.deepEqual(parsePostcodeQuery('EX11'), { kind: 'outcode', text: 'EX11', outcode: 'EX11' });
    assert.deepEqual(parsePostcodeQuery(' sw1a '), { kind: 'outcode', text: 'SW1A', outcode: 'SW1A' });
    assert.deepEqual(parsePostcodeQuery('M1'), { kind: 'outcode', text: 'M1', outcode: 'M1' });
  });

  it('reads a sector: an outcode, a space and the sector digit', () => {
    assert.deepEqual(parsePostcodeQuery('EX1 1'), {
      kind: 'sector',
      text: 'EX1 1',
      outcode: 'EX1',
      sector: 'EX1 1',
    });
    assert.deepEqual(parsePostcodeQuery('ex11  1'), {
      kind: 'sector',
      text: 'EX11 1',
      outcode: 'EX11',
      sector: 'EX11 1',
    });
    assert.equal(parsePostcodeQuery('sw1a 1').text, 'SW1A 1');
  });

  it('says what is wrong with input that is not a postcode', () => {
    formatError('', /^Enter a postcode like EX1 1AA/);
    formatError('   ', /^Enter a postcode/);
    formatError(undefined, /^Enter a postcode/);
    formatError(42, /^Enter a postcode/);
    formatError(
      'EX1 1A',
      /after EX1 give the rest of the postcode .* or just the number for the sector \(EX1 1\)/,
    );
    formatError('EX1 1AA1', /after EX1 give the rest/);
    formatError('EX1-1AA', /use only letters and numbers/);
    formatError("EX1 1AA' --", /use only letters and numbers/);
    formatError('12345', /"12345" is not a UK postcode/);
    formatError('1AA', /not a UK postcode/);
    formatError('EX 1', /not a UK postcode/);
    formatError('X', /not a UK postcode/);
  });

  it('refuses very long input without echoing all of it', () => {
    const long = 'EX1 1AA '.repeat(100);
    assert.throws(
      () => parsePostcodeQuery(long),
      (error: unknown) =>
        error instanceof PostcodeFormatError &&
        /too long for a postcode/.test(error.message) &&
        error.message.length < 200,
    );
  });
});

describe('normalising full postcodes', () => {
  it('normalises a full postcode and refuses part of one', () => {
    assert.equal(normalisePostcode(' ex2 8ud'), 'EX2 8UD');
    assert.throws(() => normalisePostcode('EX2'), /"EX2" is only part of a postcode: give the full postcode/);
    assert.throws(() => normalisePostcode('EX2 8'), /"EX2 8" is only part of a postcode/);
    assert.throws(() => normalisePostcode('nonsense'), PostcodeFormatError);
  });

  it('tries without throwing', () => {
    assert.equal(tryNormalisePostcode('bb30as'), 'BB3 0AS');
    assert.equal(tryNormalisePostcode('EX1'), null);
    assert.equal(tryNormalisePostcode('not a postcode'), null);
    assert.equal(tryNormalisePostcode('EX1 1AA'.repeat(20)), null);
  });

  it('tells the normal form apart', () => {
    assert.equal(isNormalPostcode('EX1 1AA'), true);
    assert.equal(isNormalPostcode('SW1A 1AA'), true);
    assert.equal(isNormalPostcode('EX11AA'), false);
    assert.equal(isNormalPostcode('ex1 1aa'), false);
    assert.equal(isNormalPostcode('EX1 1AA '), false);
    assert.equal(isNormalPostcode('EX1  1AA'), false);
  });
});

describe('a postcode inside free text', () => {
  it('finds the first full postcode in an address, in its normal form', () => {
    assert.equal(postcodeInText('1 High Street, Exeter ex1 1ae'), 'EX1 1AE');
    assert.equal(postcodeInText('Civic Centre, Paris Street, EX11JN'), 'EX1 1JN');
    assert.equal(postcodeInText('SW1A 1AA, or else M1 1AD'), 'SW1A 1AA');
    assert.equal(postcodeInText('Flat 2, (TQ12 4XX)'), 'TQ12 4XX');
    assert.equal(postcodeInText('ＥＸ１ １ＡＥ Exeter'), 'EX1 1AE');
  });

  it('finds none in text without one: part of a postcode, or letters and digits inside a word', () => {
    assert.equal(postcodeInText(''), null);
    assert.equal(postcodeInText('The lane behind the church, Tiverton EX16'), null);
    assert.equal(postcodeInText('near EX1 1, by the bus stop'), null);
    assert.equal(postcodeInText('reference XEX1 1AEX on the bin'), null);
    assert.equal(postcodeInText('EX1  1AE'), null, 'two spaces are not how a postcode is written in text');
    assert.equal(postcodeInText(undefined as unknown as string), null);
  });
});

describe('the country of a postcode', () => {
  it('reads it from a postcode area that lies wholly in one country outside England', () => {
    assert.equal(countryOfPostcodeArea('EH1'), 'Scotland');
    assert.equal(countryOfPostcodeArea('G12'), 'Scotland');
    assert.equal(countryOfPostcodeArea('AB10'), 'Scotland');
    assert.equal(countryOfPostcodeArea('CF10'), 'Wales');
    assert.equal(countryOfPostcodeArea('BT1'), 'Northern Ireland');
    assert.equal(countryOfPostcodeArea('JE2'), 'Channel Islands');
    assert.equal(countryOfPostcodeArea('IM1'), 'Isle of Man');
  });

  it('says nothing for English areas, areas that cross a border, or a single letter that is not an area', () => {
    for (const outcode of ['EX1', 'GL50', 'TD15', 'CH1', 'SY14', 'NP16', 'LD7', 'HR1', 'E1', 'B1', 'GU1']) {
      assert.equal(countryOfPostcodeArea(outcode), null, outcode);
    }
  });

  it('reads the directory’s GSS country code, and nothing else', () => {
    assert.equal(countryOfCode('E92000001'), 'England');
    assert.equal(countryOfCode('W92000004'), 'Wales');
    assert.equal(countryOfCode('S92000003'), 'Scotland');
    assert.equal(countryOfCode('N92000002'), 'Northern Ireland');
    assert.equal(countryOfCode('L93000001'), 'Channel Islands');
    assert.equal(countryOfCode('M83000003'), 'Isle of Man');
    assert.equal(countryOfCode(null), null);
    assert.equal(countryOfCode(''), null);
    assert.equal(countryOfCode('X1'), null);
  });
});
