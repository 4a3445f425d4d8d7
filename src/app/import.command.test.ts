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
import { silentProgress, type Progress } from '../platform/import/progress.ts';
import {
  FolderImportError,
  IMPORT_KINDS,
  ImportError,
  importAllReferenceData,
  runImport,
  type ImportSummary,
} from './import.command.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(projectRoot, process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');

const TABLES = [
  'area',
  'organisation',
  'boundary',
  'postcode',
  'service',
  'area_member',
  'revenue_outturn',
] as const;

async function tableCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [...TABLES, 'import_run']) {
    counts[table] = (
      await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)
    ).rows[0]!.n;
  }
  return counts;
}

describe('import command', () => {
  let database: Database;
  let db: Kysely<DB>;
  let folder: string;
  let first: ImportSummary[];
  let second: ImportSummary[];
  let afterFirst: Record<string, number>;
  let afterSecond: Record<string, number>;
  const stages: string[] = [];

  before(async () => {
    database = await openTestDatabase();
    db = database.db;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-import-'));
    const progress: Progress = { start: (label) => stages.push(label), tick() {}, stop() {} };
    first = await importAllReferenceData(db, DATA, progress);
    afterFirst = await tableCounts(db);
    second = await importAllReferenceData(db, DATA, silentProgress);
    afterSecond = await tableCounts(db);
  });
  after(async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await database.close();
  });

  it('imports every reference file of the folder, councils before boundaries and postcodes', () => {
    const imported = first.filter((s) => s.kind !== 'skipped');
    assert.deepEqual(
      imported.map((s) => `${s.kind} ${s.file}`),
      [
        'councils authorities/mysociety_uk_local_authorities.csv',
        'councils authorities/derived_england_council_hierarchy.csv',
        'councils authorities/govuk_local_links_manager_local_authorities.csv',
        'population population/census2021_population_households_by_area.csv',
        'services services/derived_lgsl_services_with_govuk_tier.csv',
        'services services/esd_lgsl_english_welsh_services.csv',
        'services services/govuk_publisher_local_services_tiers.csv',
        'boundaries boundaries/derived_lad_may2024_buc_england_with_codes.geojson',
        'boundaries boundaries/derived_target_two_tier_areas_2021.geojson',
        'boundaries boundaries/lad_2021_ew_from_censusUK2021_kml.geojson',
        'boundaries boundaries/utla_2021_ew_from_censusUK2021_kml.geojson',
        'postcodes postcodes/codepoint_open_2014_two_tier_sample.csv',
        'postcodes postcodes/onspd_2024_postcodesio_seed.csv',
        'outturn finance/mhclg_revenue_outturn_summary_RS_2017_18_by_la.csv',
      ],
    );
    for (const s of imported) {
      assert.equal(s.inserted + s.updated + s.unchanged + (s.skipped ?? 0), s.read, s.file);
    }
    assert.ok(stages.includes('Councils: mysociety_uk_local_authorities.csv'));
    assert.ok(stages.includes('Postcodes: onspd_2024_postcodesio_seed.csv'));
    assert.deepEqual(afterFirst, {
      area: 382,
      organisation: 382,
      boundary: 757,
      postcode: 12048,
      service: 1002,
      area_member: 0,
      // 444 councils with an ONS code, 89 lines each.
      revenue_outturn: 39516,
      import_run: 14,
    });
  });

  it('reports the files that are not register reference data as skipped, with the reason', () => {
    const skipped = new Map(first.filter((s) => s.kind === 'skipped').map((s) => [s.file, s.note ?? '']));
    for (const file of [
      'finance/oxford_city_council_spend_over_500_2017_oct_dec.csv',
      'categories/two_tier_report_categories.csv',
      'postcodes/postcodesio_ons_county_names.json',
      'postcodes/postcodesio_ons_district_names.json',
      'authorities/drkane_la_all_codes.csv',
      'authorities/drkane_utla_all_codes.csv',
      'authorities/ons_lad21_to_cty21_lookup_england.csv',
      'services/govuk_lgsl_lgil_fallback_links_2017.csv',
      'services/derived_lgil_interactions_partial.csv',
      'boundaries/lad_may2024_buc_england_abstreet.geojson',
    ]) {
      assert.ok(skipped.has(file), `${file} is reported as skipped`);
      assert.ok((skipped.get(file) ?? '').length > 10, `${file} says why`);
    }
    assert.match(
      skipped.get('finance/oxford_city_council_spend_over_500_2017_oct_dec.csv')!,
      /not a revenue outturn file.*import-ledger/,
    );
    assert.match(skipped.get('boundaries/lad_may2024_buc_england_abstreet.geojson')!, /no GSS code/);
    for (const s of first.filter((s) => s.kind === 'skipped')) assert.equal(s.read, 0);
  });

  it('changes nothing when the folder is imported a second time', () => {
    const { import_run: runs1, ...tables1 } = afterFirst;
    const { import_run: runs2, ...tables2 } = afterSecond;
    assert.deepEqual(tables2, tables1);
    assert.equal(runs2, runs1! * 2);
    const imported = second.filter((s) => s.kind !== 'skipped');
    assert.equal(imported.length, 14);
    for (const s of imported) {
      assert.equal(s.inserted, 0, `${s.file} inserted`);
      assert.equal(s.updated, 0, `${s.file} updated`);
      assert.equal(s.unchanged, s.read - (s.skipped ?? 0), s.file);
    }
  });

  it('records each run in import_run', async () => {
    const runs = await db
      .selectFrom('import_run')
      .selectAll()
      .where('file', '=', 'postcodes/onspd_2024_postcodesio_seed.csv')
      .orderBy('import_id')
      .execute();
    assert.deepEqual(
      runs.map((r) => [r.kind, r.rows_read, r.rows_inserted, r.rows_updated, r.rows_unchanged]),
      [
        ['postcodes', 8048, 8048, 0, 0],
        ['postcodes', 8048, 0, 0, 8048],
      ],
    );
    assert.ok(runs.every((r) => r.finished_at.getTime() >= new Date(r.started_at).getTime()));
  });

  it('offers the kinds the CLI lists', () => {
    assert.deepEqual(
      [...IMPORT_KINDS],
      ['councils', 'population', 'services', 'boundaries', 'postcodes', 'bank-holidays', 'areas', 'outturn'],
    );
  });

  it('refuses a folder holding a file of unknown format before importing anything', async () => {
    const bad = path.join(folder, 'bad');
    fs.mkdirSync(path.join(bad, 'services'), { recursive: true });
    fs.mkdirSync(path.join(bad, 'authorities'), { recursive: true });
    fs.copyFileSync(
      path.join(DATA, 'authorities/derived_england_council_hierarchy.csv'),
      path.join(bad, 'authorities/hierarchy.csv'),
    );
    fs.writeFileSync(path.join(bad, 'services/services.csv'), 'code,name\n1,Something\n');
    const before = await tableCounts(db);
    await assert.rejects(importAllReferenceData(db, bad, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.file, path.join(bad, 'services/services.csv'));
      assert.match(error.message, /matches no known format: expected columns of the LGSL list/);
      return true;
    });
    assert.deepEqual(await tableCounts(db), before);
  });

  it('says plainly when a folder or file does not exist', async () => {
    const missing = path.join(folder, 'missing');
    await assert.rejects(importAllReferenceData(db, missing, silentProgress), {
      name: 'ImportError',
      message: `${missing}: no such folder`,
    });
    await assert.rejects(runImport(db, 'councils', path.join(missing, 'x.csv'), silentProgress), {
      name: 'ImportError',
      message: `${path.join(missing, 'x.csv')}: no such file`,
    });
  });

  describe('a folder with a good councils file and a bad file after it', () => {
    let fresh: Database;
    let mixed: string;
    before(async () => {
      fresh = await openTestDatabase();
      mixed = path.join(folder, 'mixed');
      fs.mkdirSync(path.join(mixed, 'authorities'), { recursive: true });
      fs.mkdirSync(path.join(mixed, 'bank-holidays'), { recursive: true });
      fs.copyFileSync(
        path.join(DATA, 'authorities/derived_england_council_hierarchy.csv'),
        path.join(mixed, 'authorities/hierarchy.csv'),
      );
      // Bank holidays come last; this file passes the plan (a .json file) and fails on import.
      fs.writeFileSync(path.join(mixed, 'bank-holidays/holidays.json'), '{"england-and-wales": {"events": [');
    });
    after(() => fresh.close());

    it('keeps nothing from the folder, and says so', async () => {
      const before = await tableCounts(fresh.db);
      assert.equal(before.area, 0);
      await assert.rejects(importAllReferenceData(fresh.db, mixed, silentProgress), (error: Error) => {
        assert.ok(error instanceof FolderImportError);
        assert.equal(error.file, path.join(mixed, 'bank-holidays/holidays.json'));
        assert.deepEqual(error.kept, []);
        assert.deepEqual(error.notImported, ['authorities/hierarchy.csv', 'bank-holidays/holidays.json']);
        assert.match(error.message, /^.*holidays\.json.*\n/);
        assert.match(
          error.message,
          new RegExp(`Nothing from ${mixed} was imported: the database is as it was\\.$`),
        );
        return true;
      });
      assert.deepEqual(await tableCounts(fresh.db), before);
    });

    it('file by file, keeps the councils file and names what was kept and what was not', async () => {
      await assert.rejects(
        importAllReferenceData(fresh.db, mixed, silentProgress, { eachFile: true }),
        (error: Error) => {
          assert.ok(error instanceof FolderImportError);
          assert.deepEqual(
            error.kept.map((s) => [s.file, s.inserted > 0]),
            [['authorities/hierarchy.csv', true]],
          );
          assert.deepEqual(error.notImported, ['bank-holidays/holidays.json']);
          assert.match(
            error.message,
            /\nKept \(committed before the error\): authorities\/hierarchy\.csv\.\nNot imported: bank-holidays\/holidays\.json\.$/,
          );
          return true;
        },
      );
      const counts = await tableCounts(fresh.db);
      assert.ok(counts.area! > 300, `${counts.area} areas kept`);
      assert.equal(counts.import_run, 1);
    });
  });
});
