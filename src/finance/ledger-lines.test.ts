import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CsvFile, CsvHeader } from '../platform/import/csv-source.ts';
import { ImportError } from '../platform/import/import-error.ts';
import { silentProgress } from '../platform/import/progress.ts';
import {
  ledgerDate,
  ledgerLine,
  mappingProblems,
  suggestMapping,
  type LedgerLine,
  type LedgerMapping,
} from './ledger-lines.ts';

const DATA_DIR =
  process.env.JOINTLY_REFERENCE_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data');
const OXFORD = path.join(DATA_DIR, 'finance/oxford_city_council_spend_over_500_2017_oct_dec.csv');

async function readAll(file: string, mapping?: LedgerMapping): Promise<LedgerLine[]> {
  const csv = await CsvFile.open(file);
  try {
    const header = csv.header();
    const used = mapping ?? suggestMapping(header);
    assert.deepEqual(mappingProblems(header, used), []);
    const lines: LedgerLine[] = [];
    for await (const row of csv.rows(header, silentProgress)) lines.push(ledgerLine(row, used));
    return lines;
  } finally {
    csv.close();
  }
}

describe('ledger extracts', () => {
  it('maps the columns of Oxford City Council’s spend file as a finance officer would', async () => {
    const csv = await CsvFile.open(OXFORD);
    const mapping = suggestMapping(csv.header());
    csv.close();
    assert.deepEqual(mapping, {
      amount: 'Amount',
      paidOn: 'Paid Date',
      supplier: 'Supplier Name',
      expenditureCode: 'Expenditure Code',
      serviceArea: 'Service Area',
      category: 'Expenditure Category',
      reference: 'Trans No',
    });
  });

  it('reads every line of the real file, each with the line it came from', async () => {
    const lines = await readAll(OXFORD);
    // Read independently of the importer: every record of the file after its header.
    const records = parse(readFileSync(OXFORD), {
      columns: true,
      bom: true,
      skip_empty_lines: true,
    }) as Array<Record<string, string>>;
    assert.equal(lines.length, records.length);
    const first = lines[0]!;
    assert.deepEqual(first, {
      line: 2,
      amount: 83_429n,
      paidOn: '2017-10-10',
      supplier: 'UK GAS CONNECTION LTD',
      expenditureCode: 'Z110205',
      serviceArea: 'General Fund',
      category: 'VAT Pro Forma Invoices',
      reference: '1040187 - 2',
    });
    assert.equal(lines[2]!.supplier, null, 'a blank supplier is kept as none');
    assert.ok(
      lines.every((l) => l.paidOn >= '2017-10-01' && l.paidOn <= '2017-12-31'),
      'October to December 2017',
    );
    assert.ok(
      lines.some((l) => l.amount < 0n),
      'credits are kept as negative amounts',
    );
  });

  it('names the line and column of a bad amount or date', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jointly-ledger-'));
    const header = 'Service Area,Paid Date,Amount,Supplier Name';
    for (const [row, column, problem] of [
      ['General Fund,10/10/2017,12.345,ACME', 'Amount', /"12.345" is not an amount/],
      ['General Fund,31/02/2017,12.34,ACME', 'Paid Date', /"31\/02\/2017" is not a date/],
      ['General Fund,10/10/2017,,ACME', 'Amount', /is empty/],
    ] as const) {
      const file = path.join(dir, 'bad.csv');
      writeFileSync(file, `${header}\nGeneral Fund,09/10/2017,500.00,ACME\n${row}\n`);
      await assert.rejects(readAll(file), (error: Error) => {
        assert.ok(error instanceof ImportError, String(error));
        assert.equal(error.line, 3);
        assert.equal(error.column, column);
        assert.match(error.problem, problem);
        return true;
      });
    }
  });

  it('says what is wrong with a mapping before any line is read', () => {
    const header = new CsvHeader(['Paid Date', 'Amount', 'Supplier']);
    assert.deepEqual(mappingProblems(header, { amount: 'Amount', paidOn: 'Paid Date' }), []);
    assert.deepEqual(mappingProblems(header, { paidOn: 'Paid Date', supplier: 'Vendor' }), [
      'Choose the column that holds "Amount".',
      'The file has no column "Vendor" for "Supplier".',
    ]);
    assert.deepEqual(mappingProblems(header, { amount: 'Amount', paidOn: 'amount' }), [
      'The column "amount" is chosen for both "Amount" and "Date paid".',
    ]);
  });

  it('reads dates day first, as UK finance systems write them, or as ISO dates', () => {
    assert.equal(ledgerDate('10/10/2017'), '2017-10-10');
    assert.equal(ledgerDate('1/2/2018'), '2018-02-01');
    assert.equal(ledgerDate('2018-02-01'), '2018-02-01');
    for (const bad of ['29/02/2017', '2017/10/10', '10-10-2017', '', '32/01/2017', '2017-13-01']) {
      assert.equal(ledgerDate(bad), undefined, bad);
    }
    assert.equal(ledgerDate('29/02/2016'), '2016-02-29');
  });
});
