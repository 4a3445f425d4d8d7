import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Database } from '../db/engine.ts';
import { withSystem } from '../db/index.ts';
import { ImportError, ProblemError } from '../platform/index.ts';
import { silentProgress } from '../platform/import/progress.ts';
import { openTestDatabase } from '../../test/support/database.ts';
import { loadFixture, type Fixture } from '../../test/support/fixtures.ts';
import { NOBODY, OPERATOR, type FinanceActor } from './finance-actor.ts';
import { LedgerImportError, importLedger } from './ledger-import.ts';

const OXFORD = path.resolve(
  import.meta.dirname,
  '../../../shared/data/finance/oxford_city_council_spend_over_500_2017_oct_dec.csv',
);

let database: Database;
let fixture: Fixture;
let tmp: string;

async function newPool(name: string): Promise<number> {
  return withSystem(database.db, async (tx) => {
    const { pool_id } = await tx
      .insertInto('cost_pool')
      .values({ org_id: fixture.org.exeter, partnership_id: fixture.partnershipId, name })
      .returning('pool_id')
      .executeTakeFirstOrThrow();
    return pool_id;
  });
}

const count = (table: 'ledger_line' | 'ledger_import', poolId: number) =>
  withSystem(database.db, async (tx) => {
    const row = await tx
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('pool_id', '=', poolId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  });

/** The Oxford file's lines and total in pence, read independently of the code under test. */
function oxfordByHand(): { lines: number; pence: bigint } {
  const records = parse(fs.readFileSync(OXFORD), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>;
  let pence = 0n;
  for (const record of records) {
    const text = record['Amount']!.trim().replaceAll(',', '');
    const match = /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text);
    assert.ok(match, `the test reads every amount: ${text}`);
    const value = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
    pence += match[1] === '-' ? -value : value;
  }
  return { lines: records.length, pence };
}

before(async () => {
  database = await openTestDatabase();
  fixture = await loadFixture(database.db);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-import-'));
});
after(async () => {
  await database.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('importLedger', () => {
  test("imports every line of Oxford's spend file, with the total to the penny, and audits it", async () => {
    const poolId = await newPool('Oxford spend');
    const expected = oxfordByHand();
    const result = await importLedger(database.db, {
      actor: OPERATOR,
      poolId,
      file: OXFORD,
      progress: silentProgress,
    });
    assert.equal(result.lineCount, expected.lines);
    assert.equal(result.totalPence, expected.pence);
    assert.equal(result.guessed, true);
    assert.deepEqual(result.mapping, {
      amount: 'Amount',
      paidOn: 'Paid Date',
      supplier: 'Supplier Name',
      expenditureCode: 'Expenditure Code',
      serviceArea: 'Service Area',
      category: 'Expenditure Category',
      reference: 'Trans No',
    });
    const stored = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('ledger_line')
        .select([
          (eb) => eb.fn.countAll<string>().as('n'),
          (eb) => eb.fn.sum<string>('amount_pence').as('pence'),
          (eb) => eb.fn.min<number>('line_number').as('first'),
          (eb) => eb.fn.max<number>('line_number').as('last'),
        ])
        .where('pool_id', '=', poolId)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(Number(stored.n), expected.lines);
    assert.equal(BigInt(stored.pence), expected.pence);
    assert.equal(stored.first, 2);
    const first = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('ledger_line')
        .selectAll()
        .where('pool_id', '=', poolId)
        .where('line_number', '=', 2)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(first.supplier, 'UK GAS CONNECTION LTD');
    assert.equal(first.amount_pence, 83429);
    assert.equal(first.paid_on, '2017-10-10');
    assert.equal(first.expenditure_code, 'Z110205');
    const imported = await withSystem(database.db, (tx) =>
      tx.selectFrom('ledger_import').selectAll().where('pool_id', '=', poolId).executeTakeFirstOrThrow(),
    );
    assert.equal(imported.line_count, expected.lines);
    assert.equal(BigInt(imported.total_pence), expected.pence);
    assert.equal(imported.file_name, path.basename(OXFORD));
    assert.match(imported.file_sha256, /^[0-9a-f]{64}$/);
    const audit = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_type', '=', 'ledger_import')
        .where('entity_key', '=', String(result.importId))
        .execute(),
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.org_id, fixture.org.exeter);

    // The same file again, under another name, is refused and writes nothing.
    await assert.rejects(
      importLedger(database.db, {
        actor: OPERATOR,
        poolId,
        file: OXFORD,
        fileName: 'again.csv',
        progress: silentProgress,
      }),
      (error: unknown) =>
        error instanceof ProblemError && error.status === 409 && /already been imported/.test(error.message),
    );
    assert.equal(await count('ledger_import', poolId), 1);
    assert.equal(await count('ledger_line', poolId), expected.lines);
  });

  test('a file with bad rows writes nothing and names every bad line and column', async () => {
    const poolId = await newPool('Bad rows');
    const file = path.join(tmp, 'bad.csv');
    fs.writeFileSync(
      file,
      [
        'Supplier Name,Amount,Paid Date',
        'Good Ltd,100.00,01/10/2017',
        'Bad Amount Ltd,12.345,02/10/2017',
        'Bad Date Ltd,5.00,31/02/2017',
        'Good Too Ltd,(20.00),2017-10-03',
      ].join('\n'),
    );
    await assert.rejects(
      importLedger(database.db, { actor: OPERATOR, poolId, file, progress: silentProgress }),
      (error: unknown) => {
        assert.ok(error instanceof LedgerImportError);
        assert.deepEqual(
          error.problems.map((p) => [p.line, p.column]),
          [
            [3, 'Amount'],
            [4, 'Paid Date'],
          ],
        );
        assert.match(error.message, /line 3, column "Amount"/);
        assert.match(error.message, /line 4, column "Paid Date"/);
        return true;
      },
    );
    assert.equal(await count('ledger_import', poolId), 0);
    assert.equal(await count('ledger_line', poolId), 0);
  });

  test('lists at most fifty problems and counts the rest', async () => {
    const poolId = await newPool('Many bad rows');
    const file = path.join(tmp, 'many.csv');
    const rows = Array.from({ length: 60 }, (_, i) => `S${i},nope,01/10/2017`);
    fs.writeFileSync(file, ['Supplier,Amount,Date', ...rows].join('\n'));
    await assert.rejects(
      importLedger(database.db, { actor: OPERATOR, poolId, file, progress: silentProgress }),
      (error: unknown) =>
        error instanceof LedgerImportError &&
        error.problems.length === 50 &&
        error.more === 10 &&
        /60 problems/.test(error.message) &&
        /… and 10 more/.test(error.message),
    );
    assert.equal(await count('ledger_line', poolId), 0);
  });

  test('a mapping naming a column the file lacks is refused before anything is read', async () => {
    const poolId = await newPool('Wrong mapping');
    await assert.rejects(
      importLedger(database.db, {
        actor: OPERATOR,
        poolId,
        file: OXFORD,
        mapping: { amount: 'Net', paidOn: 'Paid Date' },
        progress: silentProgress,
      }),
      (error: unknown) => error instanceof LedgerImportError && /no column "Net"/.test(error.message),
    );
    assert.equal(await count('ledger_import', poolId), 0);
  });

  test('a mapping saved under a name is used again by name, and an unknown name is refused', async () => {
    const poolId = await newPool('Saved mapping');
    const first = path.join(tmp, 'q1.csv');
    const second = path.join(tmp, 'q2.csv');
    fs.writeFileSync(first, 'Who,Sum,When\nA Ltd,1.50,01/04/2025\nB Ltd,2.25,02/04/2025\n');
    fs.writeFileSync(second, 'Who,Sum,When\nC Ltd,10,01/07/2025\n');
    const saved = await importLedger(database.db, {
      actor: OPERATOR,
      poolId,
      file: first,
      mapping: { amount: 'Sum', paidOn: 'When', supplier: 'Who' },
      saveMappingAs: 'Our ledger',
      progress: silentProgress,
    });
    assert.equal(saved.totalPence, 375n);
    assert.equal(saved.savedMapping, 'Our ledger');
    await assert.rejects(
      importLedger(database.db, {
        actor: OPERATOR,
        poolId,
        file: second,
        mappingName: 'Someone else’s',
        progress: silentProgress,
      }),
      (error: unknown) =>
        error instanceof Error && /no saved mapping "Someone else’s".*"Our ledger"/.test(error.message),
    );
    const again = await importLedger(database.db, {
      actor: OPERATOR,
      poolId,
      file: second,
      mappingName: 'our ledger',
      progress: silentProgress,
    });
    assert.equal(again.lineCount, 1);
    assert.equal(again.totalPence, 1000n);
    assert.equal(again.guessed, false);
    const supplier = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('ledger_line')
        .select('supplier')
        .where('import_id', '=', again.importId)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(supplier.supplier, 'C Ltd');
  });

  test('a missing file is named plainly, with or without a mapping', async () => {
    const poolId = await newPool('Missing file');
    const file = path.join(tmp, 'not-there.csv');
    for (const mapping of [undefined, { amount: 'Amount', paidOn: 'Date' }]) {
      await assert.rejects(
        importLedger(database.db, {
          actor: OPERATOR,
          poolId,
          file,
          ...(mapping ? { mapping } : {}),
          progress: silentProgress,
        }),
        (error: unknown) => error instanceof ImportError && error.message === `${file}: no such file`,
      );
    }
  });

  test('only whoever keeps the pool imports into it', async () => {
    const poolId = await newPool('Not yours');
    const officer: FinanceActor = { ...NOBODY, accountId: null, financeOfficerOf: [fixture.org.exeter] };
    await assert.rejects(
      importLedger(database.db, { actor: officer, poolId, file: OXFORD, progress: silentProgress }),
      (error: unknown) => error instanceof ProblemError && error.status === 403,
    );
    await assert.rejects(
      importLedger(database.db, { actor: OPERATOR, poolId: 999999, file: OXFORD, progress: silentProgress }),
      (error: unknown) => error instanceof ProblemError && error.status === 404,
    );
    assert.equal(await count('ledger_import', poolId), 0);
  });
});
