import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../db/engine.ts';
import { ImportError } from '../platform/index.ts';
import { silentProgress } from '../platform/import/progress.ts';
import { runImport } from '../app/import.command.ts';
import { openTestDatabase } from '../../test/support/database.ts';
import { outturnOf, outturnYear, penceFromThousands } from './outturn.import.ts';

const OUTTURN = path.resolve(
  import.meta.dirname,
  '../../../shared/data/finance/mhclg_revenue_outturn_summary_RS_2017_18_by_la.csv',
);

describe('penceFromThousands and outturnYear', () => {
  test('£ thousands to three decimals are exact pence; "..." is not reported', () => {
    assert.equal(penceFromThousands('4532'), 453_200_000n);
    assert.equal(penceFromThousands('-22588.718'), -2_258_871_800n);
    assert.equal(penceFromThousands('0.001'), 100n);
    assert.equal(penceFromThousands('12.5'), 1_250_000n);
    assert.equal(penceFromThousands('...'), null);
    assert.equal(penceFromThousands('…'), null);
    assert.equal(penceFromThousands(''), null);
    assert.equal(penceFromThousands('1.2345'), undefined);
    assert.equal(penceFromThousands('1,000'), undefined);
    assert.equal(penceFromThousands('n/a'), undefined);
  });
  test('the year comes from the name as MHCLG writes it', () => {
    assert.equal(outturnYear('x/mhclg_revenue_outturn_summary_RS_2017_18_by_la.csv'), '2017-18');
    assert.equal(outturnYear('RS_2019-20.csv'), '2019-20');
    assert.equal(outturnYear('outturn.csv'), undefined);
    assert.equal(outturnYear('RS_2017_19.csv'), undefined);
  });
});

describe('revenue outturn import', () => {
  let database: Database;
  let tmp: string;
  before(async () => {
    database = await openTestDatabase();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'outturn-'));
  });
  after(async () => {
    await database.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("imports MHCLG's 2017-18 outturn: Cheltenham's central services are £4,532 thousand", async () => {
    const summary = await runImport(database.db, 'outturn', OUTTURN, silentProgress);
    assert.equal(summary.inserted, 444 * 89);
    const { year, figures } = await outturnOf(database.db, ['E07000078', 'E07000079'], [690, 190, 999]);
    assert.equal(year, '2017-18');
    assert.deepEqual(figures.get('E07000078')?.get(690), { name: 'Central services', pence: 453_200_000n });
    // Education is the county's: a district reports nothing ('...' in the file).
    assert.ok(figures.get('E07000078')?.has(190));
    assert.equal(figures.get('E07000078')?.has(999), false);
    assert.equal(figures.has('E99999999'), false);
    const again = await runImport(database.db, 'outturn', OUTTURN, silentProgress);
    assert.equal(again.inserted, 0);
    assert.equal(again.updated, 0);
  });

  test("a '...' figure is kept as not reported, and a bad figure is named by line and column", async () => {
    const good = path.join(tmp, 'RS_2018_19.csv');
    fs.writeFileSync(
      good,
      'E-code,ONS Code,Local authority,Class,690: Central services,698: Other services\n' +
        'E1631,E07000078,Cheltenham,SD,...,1.5\n',
    );
    await runImport(database.db, 'outturn', good, silentProgress);
    const { figures } = await outturnOf(database.db, ['E07000078'], [690, 698], '2018-19');
    assert.equal(figures.get('E07000078')?.get(690)?.pence, null);
    assert.equal(figures.get('E07000078')?.get(698)?.pence, 150_000n);

    const bad = path.join(tmp, 'RS_2019_20.csv');
    fs.writeFileSync(
      bad,
      'E-code,ONS Code,Local authority,Class,690: Central services\n' +
        'E1631,E07000078,Cheltenham,SD,12\n' +
        'E1632,E07000079,Cotswold,SD,twelve\n',
    );
    await assert.rejects(
      runImport(database.db, 'outturn', bad, silentProgress),
      (error: unknown) =>
        error instanceof ImportError && error.line === 3 && error.column === '690: Central services',
    );
    const none = await outturnOf(database.db, ['E07000078'], [690], '2019-20');
    assert.equal(none.figures.size, 0);

    const unnamed = path.join(tmp, 'outturn.csv');
    fs.writeFileSync(unnamed, fs.readFileSync(good));
    await assert.rejects(runImport(database.db, 'outturn', unnamed, silentProgress), /financial year/);
  });
});
