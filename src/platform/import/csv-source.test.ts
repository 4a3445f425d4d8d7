import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CsvFile, CsvHeader, CsvRow, inBatches, matchFormat, unknownHeader } from './csv-source.ts';
import { ImportError } from './import-error.ts';
import { silentProgress, type Progress } from './progress.ts';

let folder: string;
const write = (name: string, text: string | Buffer) => {
  const file = path.join(folder, name);
  fs.writeFileSync(file, text);
  return file;
};

async function readAll(file: string, progress: Progress = silentProgress) {
  const csv = await CsvFile.open(file);
  const rows: CsvRow[] = [];
  for await (const row of csv.rows(csv.header(), progress)) rows.push(row);
  return { csv, rows };
}

const row = (fields: string[], names = ['value']) => new CsvRow('test.csv', 7, fields, new CsvHeader(names));

/** The ImportError `work` throws. */
function importError(work: () => unknown): ImportError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof ImportError, `expected an ImportError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an ImportError');
}

describe('CSV source', () => {
  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-csv-'));
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('drops a byte-order mark, reads the header and gives each row its line number', async () => {
    const file = write(
      'bom.csv',
      '\uFEFFcode,name\nE1,"One, with comma"\n\nE2,"Two\non two lines"\nE3,Three\n',
    );
    const { csv, rows } = await readAll(file);
    assert.deepEqual(csv.header().names, ['code', 'name']);
    assert.equal(csv.name, 'bom.csv');
    assert.deepEqual(
      rows.map((r) => [r.line, r.raw('CODE'), r.raw('name')]),
      [
        [2, 'E1', 'One, with comma'],
        [4, 'E2', 'Two\non two lines'],
        [6, 'E3', 'Three'],
      ],
    );
  });

  it('reports the bytes read as progress, adding up to the file size', async () => {
    const file = write(
      'progress.csv',
      'a,b\n' + Array.from({ length: 5000 }, (_, i) => `${i},x${i}`).join('\n'),
    );
    let ticked = 0;
    let total: number | undefined;
    const { rows } = await readAll(file, {
      start: (_label, size) => (total = size),
      tick: (units = 1) => (ticked += units),
      stop() {},
    });
    assert.equal(rows.length, 5000);
    assert.equal(total, undefined, 'rows() does not start a stage of its own');
    assert.equal(ticked, fs.statSync(file).size);
  });

  it('names the line of a row with too many or too few fields, and of an unclosed quote', async () => {
    const fields = write('fields.csv', 'a,b\n1,2\n3,4,5\n');
    await assert.rejects(readAll(fields), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.file, fields);
      assert.equal(error.line, 3);
      assert.match(error.message, /fields\.csv, line 3: has 3 fields where the header has 2/);
      return true;
    });
    const quote = write('quote.csv', 'a,b\n1,2\n3,"never closed\n');
    await assert.rejects(readAll(quote), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.line, 3);
      assert.match(error.message, /quoted field is never closed/);
      return true;
    });
  });

  it('says plainly when the file does not exist', async () => {
    const missing = path.join(folder, 'missing.csv');
    await assert.rejects(CsvFile.open(missing), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.message, `${missing}: no such file`);
      return true;
    });
  });

  it('reads whole numbers, decimals, codes, dates and choices, naming the line and column of a bad one', () => {
    assert.equal(row(['42']).integer('value'), 42);
    assert.equal(row(['657204.0']).integer('value'), 657204);
    assert.equal(row(['']).optionalInteger('value'), null);
    assert.equal(row([' -3.5 ']).number('value'), -3.5);
    assert.equal(row(['e07000041']).gssCode('value'), 'E07000041');
    assert.equal(row(['E99999999']).optionalGssCode('value'), null);
    assert.equal(row(['2021-04-01']).optionalDate('value'), '2021-04-01');
    assert.equal(row(['202406']).optionalYearMonth('value'), '202406');
    assert.equal(row(['True']).boolean('value'), true);
    assert.equal(row(['all']).choice('value', { 'county/unitary': 'county', all: 'all' }), 'all');
    assert.equal(row(['https://exeter.gov.uk/']).optionalUrl('value'), 'https://exeter.gov.uk/');

    const bad = importError(() => row(['12x'], ['population_2021']).integer('population_2021'));
    assert.equal(bad.file, 'test.csv');
    assert.equal(bad.line, 7);
    assert.equal(bad.column, 'population_2021');
    assert.equal(bad.message, 'test.csv, line 7, column "population_2021": "12x" is not a whole number');

    assert.match(importError(() => row(['1.2.3']).number('value')).message, /"1\.2\.3" is not a number/);
    assert.match(importError(() => row(['E0700004']).gssCode('value')).message, /is not a GSS code/);
    assert.match(importError(() => row(['E99999999']).gssCode('value')).message, /means "none"/);
    assert.match(importError(() => row(['']).text('value')).message, /is empty/);
    assert.match(importError(() => row(['2021-02-30']).optionalDate('value')).message, /not a date/);
    assert.match(importError(() => row(['202413']).optionalYearMonth('value')).message, /not a month/);
    assert.match(importError(() => row(['maybe']).boolean('value')).message, /not True or False/);
    assert.match(importError(() => row(['5']).integer('value', { max: 4 })).message, /more than 4/);
    assert.match(
      importError(() => row(['both']).choice('value', { county: 1, district: 2 })).message,
      /"both" is not known: expected one of county, district/,
    );
    assert.match(importError(() => row(['ftp://x']).optionalUrl('value')).message, /not a web address/);
  });

  it('tells formats apart by header and names the expected columns when none matches', () => {
    const formats = [
      { id: 'one', description: 'format one', required: ['a', 'b'] },
      { id: 'two', description: 'format two', required: ['c'] },
    ];
    assert.equal(matchFormat(new CsvHeader(['B', 'A', 'x']), formats)?.id, 'one');
    assert.equal(matchFormat(new CsvHeader(['c']), formats)?.id, 'two');
    assert.equal(matchFormat(new CsvHeader(['a']), formats), undefined);
    const error = unknownHeader('x.csv', new CsvHeader(['a', 'z']), formats);
    assert.equal(error.line, 1);
    assert.equal(
      error.message,
      'x.csv, line 1: the header (a, z) matches no known format: expected columns of format one (a, b); ' +
        'or format two (c)',
    );
  });

  it('groups a stream into batches', async () => {
    async function* numbers() {
      for (let i = 0; i < 7; i++) yield i;
    }
    const batches: number[][] = [];
    for await (const batch of inBatches(numbers(), 3)) batches.push(batch);
    assert.deepEqual(batches, [[0, 1, 2], [3, 4, 5], [6]]);
  });
});
