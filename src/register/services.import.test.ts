import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/engine.ts';
import type { DB } from '../db/schema.ts';
import { ImportError, runImport } from '../app/import.command.ts';
import { silentProgress } from '../platform/import/progress.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(projectRoot, process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
const WITH_TIER = path.join(DATA, 'services/derived_lgsl_services_with_govuk_tier.csv');
const ESD = path.join(DATA, 'services/esd_lgsl_english_welsh_services.csv');
const GOVUK_TIERS = path.join(DATA, 'services/govuk_publisher_local_services_tiers.csv');

const service = (db: Kysely<DB>, code: number) =>
  db.selectFrom('service').selectAll().where('lgsl_code', '=', code).executeTakeFirstOrThrow();

async function tiers(db: Kysely<DB>) {
  const rows = await sql<{ tier: string | null; n: number }>`
    select providing_tier as tier, count(*)::int as n from service group by 1 order by 1 nulls last`.execute(
    db,
  );
  return rows.rows;
}

describe('services import', () => {
  let database: Database;
  let db: Kysely<DB>;
  let folder: string;

  before(async () => {
    database = await openTestDatabase();
    db = database.db;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-services-'));
    const first = await runImport(db, 'services', WITH_TIER, silentProgress);
    assert.equal(first.inserted, 1002);
  });
  after(async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await database.close();
  });

  it('holds the LGSL list with GOV.UK providing tiers mapped to county, district and all', async () => {
    const waste = await service(db, 524);
    assert.equal(waste.label, 'Household waste collection');
    assert.equal(waste.status, 'Live');
    assert.equal(waste.providing_tier, 'district');
    assert.equal(waste.govuk_description, 'Find out which day the refuse is collected');
    assert.equal(waste.govuk_slug, 'household-waste-collection');
    assert.deepEqual(waste.lgil_codes, [8, 17]);
    assert.equal(waste.kind, 'front_line');
    assert.equal((await service(db, 1)).providing_tier, 'county');
    const bursary = await service(db, 1614);
    assert.equal(bursary.providing_tier, null);
    assert.deepEqual(bursary.lgil_codes, []);
    assert.deepEqual(await tiers(db), [
      { tier: 'all', n: 16 },
      { tier: 'county', n: 51 },
      { tier: 'district', n: 49 },
      { tier: null, n: 886 },
    ]);
  });

  it('lets the esd list and GOV.UK’s tier list add to the catalogue without wiping a tier', async () => {
    const before = await tiers(db);
    const esd = await runImport(db, 'services', ESD, silentProgress);
    assert.deepEqual([esd.read, esd.inserted, esd.updated, esd.unchanged], [1002, 0, 0, 1002]);
    const govuk = await runImport(db, 'services', GOVUK_TIERS, silentProgress);
    // LGSL 90 is on GOV.UK's list but not in the LGSL export: skipped, not invented.
    assert.deepEqual(
      [govuk.read, govuk.inserted, govuk.updated, govuk.unchanged, govuk.skipped],
      [117, 0, 0, 116, 1],
    );
    assert.deepEqual(await tiers(db), before);
    assert.equal(
      await db.selectFrom('service').select('lgsl_code').where('lgsl_code', '=', 90).executeTakeFirst(),
      undefined,
    );
  });

  it('changes nothing when a file is imported again', async () => {
    const again = await runImport(db, 'services', WITH_TIER, silentProgress);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 1002]);
  });

  it('never lets a blank tier wipe one, and takes a tier GOV.UK gives', async () => {
    const other = await openTestDatabase();
    try {
      const esd = await runImport(other.db, 'services', ESD, silentProgress);
      assert.equal(esd.inserted, 1002);
      assert.equal((await service(other.db, 524)).providing_tier, null);
      const govuk = await runImport(other.db, 'services', GOVUK_TIERS, silentProgress);
      assert.equal(govuk.updated, 116);
      assert.equal((await service(other.db, 524)).providing_tier, 'district');
      const file = path.join(folder, 'blank-tier.csv');
      fs.writeFileSync(
        file,
        'lgsl_code,label,status,description,govuk_description,govuk_providing_tier,govuk_lgsl_slug_2017,lgil_codes_seen_2017\n' +
          '524,Household waste collection,Live,Collected weekly,,,,\n',
      );
      const blank = await runImport(other.db, 'services', file, silentProgress);
      assert.equal(blank.updated, 1, 'the description changed');
      const waste = await service(other.db, 524);
      assert.equal(waste.description, 'Collected weekly');
      assert.equal(waste.providing_tier, 'district');
      assert.equal(waste.govuk_description, 'Find out which day the refuse is collected');
    } finally {
      await other.close();
    }
  });

  it('names the line and column of a tier it does not know, and keeps nothing of the file', async () => {
    const file = path.join(folder, 'bad-tier.csv');
    fs.writeFileSync(
      file,
      'LGSL,Description,Providing Tier\n524,Find out which day the refuse is collected,county/unitary\n1,Home schooling,parish\n',
    );
    await assert.rejects(runImport(db, 'services', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.line, 3);
      assert.equal(error.column, 'Providing Tier');
      assert.match(
        error.message,
        /"parish" is not known: expected one of county\/unitary, district\/unitary, all/,
      );
      return true;
    });
    assert.equal((await service(db, 524)).providing_tier, 'district');
  });

  it('names the line of a bad LGSL code', async () => {
    const file = path.join(folder, 'bad-code.csv');
    fs.writeFileSync(file, '\uFEFFIdentifier,Label,Status,Description\n12a,Something,Live,\n');
    await assert.rejects(runImport(db, 'services', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.message, `${file}, line 2, column "Identifier": "12a" is not a whole number`);
      return true;
    });
  });
});
