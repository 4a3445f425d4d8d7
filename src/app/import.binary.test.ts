/**
 * Binary data given to any importer is described in a few words (where it starts), never printed,
 * and keeps nothing; files far larger than they can be are refused without being read whole.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/engine.ts';
import { silentProgress } from '../platform/import/progress.ts';
import {
  FolderImportError,
  ImportError,
  importAllReferenceData,
  runImport,
  type ImportKind,
} from './import.command.ts';

const TABLES = [
  'area',
  'area_postcode',
  'organisation',
  'service',
  'boundary',
  'postcode',
  'bank_holiday',
  'import_run',
  'revenue_outturn',
];

/** A text start that each importer recognises, then binary data (a PNG's first bytes). */
const STARTS: Record<ImportKind, string> = {
  councils: 'gss_code,name,tier\n',
  population: 'Area code,Area name,Population\n',
  services: 'lgsl_code,name\n',
  boundaries: '{"type":"FeatureCollection","features":[',
  postcodes: 'pcds,lat,long,oslaua\n',
  'bank-holidays': '{"england-and-wales":{"events":[',
  areas: 'name,postcodes\n',
  outturn: 'E-code,ONS Code,Local authority,Class,690: Central services\n',
};
const BINARY = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

describe('binary and oversized input to the importers', () => {
  let database: Database;
  let folder: string;
  before(async () => {
    database = await openTestDatabase();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-binary-'));
  });
  after(async () => {
    await database.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      result[table] = (
        await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(database.db)
      ).rows[0]!.n;
    }
    return result;
  };

  for (const [kind, start] of Object.entries(STARTS) as Array<[ImportKind, string]>) {
    it(`${kind}: says where the binary data starts, in one short line, and keeps nothing`, async () => {
      const extension = kind === 'boundaries' || kind === 'bank-holidays' ? 'json' : 'csv';
      const file = path.join(folder, `${kind}.${extension}`);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(start), BINARY, BINARY]));
      const before = await counts();
      await assert.rejects(
        runImport(database.db, kind, file, silentProgress, file, {
          areas: { partnership: 'any', kind: 'locality' },
        }),
        (error: Error) => {
          assert.ok(error instanceof ImportError, String(error));
          assert.equal(
            error.message,
            `${file}: does not look like text (binary data at byte ${start.length})`,
          );
          return true;
        },
      );
      assert.deepEqual(await counts(), before);
    });
  }

  it('import all: names the binary file and says nothing was imported', async () => {
    const all = path.join(folder, 'all');
    fs.mkdirSync(path.join(all, 'authorities'), { recursive: true });
    const file = path.join(all, 'authorities/councils.csv');
    fs.writeFileSync(file, Buffer.concat([BINARY, BINARY]));
    await assert.rejects(importAllReferenceData(database.db, all, silentProgress), (error: Error) => {
      assert.ok(error instanceof FolderImportError);
      assert.equal(
        error.message,
        `${file}: does not look like text (binary data at byte 0)\nNothing from ${all} was imported: the database is as it was.`,
      );
      return true;
    });
  });

  it('bank holidays: a 200 MB file is refused without being read', async () => {
    const file = path.join(folder, 'huge-bank-holidays.json');
    fs.writeFileSync(file, '{"england-and-wales":{"events":[');
    fs.truncateSync(file, 200 * 1024 * 1024); // sparse: takes no room on disk
    const before = await counts();
    const peakBefore = process.resourceUsage().maxRSS;
    await assert.rejects(runImport(database.db, 'bank-holidays', file, silentProgress), {
      name: 'ImportError',
      message: `${file}: is 204800 KB: GOV.UK’s bank-holidays file is about 20 KB, and a file over 1024 KB is not read`,
    });
    // maxRSS is in KiB: reading the file whole would have raised the peak by 200 MB or more.
    const grewKiB = process.resourceUsage().maxRSS - peakBefore;
    assert.ok(grewKiB < 50 * 1024, `peak memory grew by ${grewKiB} KiB`);
    assert.deepEqual(await counts(), before);
  });

  it('CSV: a quote never closed stops at the record limit instead of gathering the file', async () => {
    const file = path.join(folder, 'unclosed.csv');
    fs.writeFileSync(file, `pcds,dointr,doterm,lat,long,oslaua\n"AB1 0AA${'x'.repeat(1_100_000)}\n`);
    await assert.rejects(runImport(database.db, 'postcodes', file, silentProgress), (error: Error) => {
      assert.ok(error instanceof ImportError);
      assert.match(error.message, /a record is longer than 1048576 characters \(is a quote never closed\?\)/);
      assert.ok(error.message.length < 300);
      return true;
    });
  });
});
