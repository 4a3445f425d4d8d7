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
import { jurisdictionOf } from './councils.import.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(projectRoot, process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
const MYSOCIETY = path.join(DATA, 'authorities/mysociety_uk_local_authorities.csv');
const HIERARCHY = path.join(DATA, 'authorities/derived_england_council_hierarchy.csv');
const GOVUK = path.join(DATA, 'authorities/govuk_local_links_manager_local_authorities.csv');
const CENSUS = path.join(DATA, 'population/census2021_population_households_by_area.csv');

async function counts(db: Kysely<DB>) {
  const row = await sql<{ areas: number; organisations: number; runs: number; people: string }>`
    select (select count(*)::int from area) as areas,
           (select count(*)::int from organisation) as organisations,
           (select count(*)::int from import_run) as runs,
           (select string_agg(gss_code || ':' || coalesce(population::text, '-'), ',' order by gss_code)
              from organisation) as people`.execute(db);
  return row.rows[0]!;
}

const council = (db: Kysely<DB>, gss: string) =>
  db.selectFrom('organisation').selectAll().where('gss_code', '=', gss).executeTakeFirstOrThrow();

/** The councils as the register holds them, without ids and times, to compare two imports. */
async function councilSnapshot(db: Kysely<DB>) {
  const rows = await db
    .selectFrom('organisation as o')
    .innerJoin('area as a', 'a.code', 'o.area_code')
    .leftJoin('organisation as p', 'p.org_id', 'o.parent_org_id')
    .select([
      'o.gss_code',
      'o.kind',
      'o.name',
      'o.short_name',
      'o.jurisdiction',
      'o.nation',
      'o.region',
      'o.homepage_url',
      'o.population',
      'o.households',
      'p.gss_code as parent',
      'a.name as area_name',
      'a.kind as area_kind',
      'a.parent_code',
    ])
    .orderBy('o.gss_code')
    .execute();
  return rows;
}

describe('councils import', () => {
  let database: Database;
  let db: Kysely<DB>;
  let folder: string;

  before(async () => {
    database = await openTestDatabase();
    db = database.db;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-councils-'));
    for (const file of [MYSOCIETY, HIERARCHY, GOVUK, CENSUS]) {
      await runImport(db, file === CENSUS ? 'population' : 'councils', file, silentProgress);
    }
  });
  after(async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await database.close();
  });

  it('holds Devon County Council as a county with its eight districts', async () => {
    const devon = await council(db, 'E10000008');
    assert.equal(devon.kind, 'county');
    assert.equal(devon.name, 'Devon County Council');
    assert.equal(devon.short_name, 'Devon');
    assert.equal(devon.jurisdiction, 'devon');
    assert.equal(devon.area_code, 'E10000008');
    assert.equal(devon.parent_org_id, null);
    assert.equal(devon.population, 811600);
    assert.equal(devon.households, 352600);
    const districts = await db
      .selectFrom('area')
      .select(['code', 'name', 'kind'])
      .where('parent_code', '=', 'E10000008')
      .orderBy('code')
      .execute();
    assert.deepEqual(
      districts.map((d) => d.name),
      [
        'East Devon',
        'Exeter',
        'Mid Devon',
        'North Devon',
        'South Hams',
        'Teignbridge',
        'Torridge',
        'West Devon',
      ],
    );
    assert.ok(districts.every((d) => d.kind === 'district'));
    const children = await db
      .selectFrom('organisation')
      .select('gss_code')
      .where('parent_org_id', '=', devon.org_id)
      .execute();
    assert.equal(children.length, 8);
  });

  it('points Exeter at Devon, with its GOV.UK slug as its jurisdiction', async () => {
    const exeter = await council(db, 'E07000041');
    const devon = await council(db, 'E10000008');
    assert.equal(exeter.kind, 'district');
    assert.equal(exeter.name, 'Exeter City Council');
    assert.equal(exeter.parent_org_id, devon.org_id);
    assert.equal(exeter.jurisdiction, 'exeter');
    assert.equal(exeter.nation, 'England');
    assert.equal(exeter.region, 'South West');
    assert.equal(exeter.homepage_url, 'https://exeter.gov.uk/');
    const area = await db
      .selectFrom('area')
      .selectAll()
      .where('code', '=', 'E07000041')
      .executeTakeFirstOrThrow();
    assert.equal(area.parent_code, 'E10000008');
  });

  it('holds unitaries of every nation, and no combined or former authorities', async () => {
    const blackburn = await council(db, 'E06000008');
    assert.equal(blackburn.kind, 'unitary');
    assert.equal(blackburn.parent_org_id, null);
    const aberdeen = await council(db, 'S12000033');
    assert.equal(aberdeen.kind, 'unitary');
    assert.equal(aberdeen.name, 'Aberdeen City Council');
    assert.equal(aberdeen.nation, 'Scotland');
    assert.equal(aberdeen.jurisdiction, 'aberdeen');
    assert.equal((await council(db, 'W06000015')).kind, 'unitary');
    assert.equal((await council(db, 'N09000003')).kind, 'unitary');
    assert.equal((await council(db, 'E08000003')).kind, 'metropolitan_district');
    assert.equal((await council(db, 'E09000028')).kind, 'london_borough');
    const kinds = await db
      .selectFrom('area')
      .select(['kind', sql<number>`count(*)::int`.as('n')])
      .groupBy('kind')
      .orderBy('kind')
      .execute();
    assert.deepEqual(kinds, [
      { kind: 'county', n: 21 },
      { kind: 'district', n: 164 },
      { kind: 'london_borough', n: 33 },
      { kind: 'metropolitan_district', n: 36 },
      { kind: 'unitary', n: 128 },
    ]);
    // Greater Manchester (a combined authority) and Allerdale (abolished in 2023) are not councils now.
    for (const gss of ['E47000001', 'E07000026']) {
      assert.equal(
        await db.selectFrom('organisation').select('org_id').where('gss_code', '=', gss).executeTakeFirst(),
        undefined,
      );
    }
  });

  it('prefers the hierarchy and GOV.UK where mySociety is wrong or silent', async () => {
    // mySociety puts Derbyshire County in the West Midlands.
    assert.equal((await council(db, 'E10000007')).region, 'East Midlands');
    // GOV.UK's slugs: St Helens ('st.-helens' in mySociety), Folkestone and Hythe ('shepway'), BCP (none).
    assert.equal((await council(db, 'E08000013')).jurisdiction, 'st-helens');
    assert.equal((await council(db, 'E07000112')).jurisdiction, 'folkestone-hythe');
    assert.equal((await council(db, 'E06000058')).jurisdiction, 'bournemouth-christchurch-poole');
    // Census population for Wales comes from the census file; the 2023 unitaries from the hierarchy.
    assert.equal((await council(db, 'W06000015')).population, 362400);
    assert.equal((await council(db, 'E06000065')).population, 615400);
    assert.equal((await council(db, 'S12000033')).population, null);
  });

  it('turns a GOV.UK slug into a jurisdiction id', () => {
    assert.equal(jurisdictionOf('st.-helens'), 'st-helens');
    assert.equal(jurisdictionOf(' Exeter '), 'exeter');
    assert.equal(jurisdictionOf(''), null);
    assert.equal(jurisdictionOf(null), null);
  });

  it('changes nothing when the files are imported again, and keeps a council’s own brand', async () => {
    await db
      .updateTable('organisation')
      .set({ brand_colour: '#00703c', logo_url: 'https://example.org/devon.svg' })
      .where('gss_code', '=', 'E10000008')
      .execute();
    const before = await counts(db);
    const snapshot = await councilSnapshot(db);
    for (const file of [MYSOCIETY, HIERARCHY, GOVUK, CENSUS]) {
      const summary = await runImport(db, 'councils', file, silentProgress);
      assert.equal(summary.inserted, 0, file);
      assert.equal(summary.updated, 0, file);
      assert.equal(summary.unchanged + (summary.skipped ?? 0), summary.read, file);
    }
    const after = await counts(db);
    assert.equal(after.runs, before.runs + 4);
    assert.deepEqual({ ...after, runs: 0 }, { ...before, runs: 0 });
    assert.deepEqual(await councilSnapshot(db), snapshot);
    const devon = await council(db, 'E10000008');
    assert.equal(devon.brand_colour, '#00703c');
    assert.equal(devon.logo_url, 'https://example.org/devon.svg');
  });

  it('gives the same councils whichever of mySociety and the hierarchy comes first', async () => {
    const other = await openTestDatabase();
    try {
      const hierarchy = await runImport(other.db, 'councils', HIERARCHY, silentProgress);
      assert.equal(hierarchy.inserted, 317);
      const mysociety = await runImport(other.db, 'councils', MYSOCIETY, silentProgress);
      assert.equal(mysociety.inserted, 382 - 317);
      assert.equal(mysociety.updated, 0, 'mySociety only fills gaps in the councils the hierarchy describes');
      await runImport(other.db, 'councils', GOVUK, silentProgress);
      await runImport(other.db, 'population', CENSUS, silentProgress);
      assert.deepEqual(await councilSnapshot(other.db), await councilSnapshot(db));
    } finally {
      await other.close();
    }
  });

  it('names the file, line and column of a bad number, and keeps nothing of the file', async () => {
    const file = path.join(folder, 'population.csv');
    fs.writeFileSync(
      file,
      'area_code,area_name,area_type,population_2021,households_2021\n' +
        'E07000041,Exeter,non-metropolitan district,1,1\n' +
        'E10000008,Devon,county,12x,352600\n',
    );
    const before = await counts(db);
    await assert.rejects(runImport(db, 'population', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.file, file);
      assert.equal(error.line, 3);
      assert.equal(error.column, 'population_2021');
      assert.equal(error.message, `${file}, line 3, column "population_2021": "12x" is not a whole number`);
      return true;
    });
    assert.deepEqual(await counts(db), before);
    assert.equal((await council(db, 'E07000041')).population, 130800);
  });

  it('refuses a header it does not know, naming the columns it expects', async () => {
    const file = path.join(folder, 'unknown.csv');
    fs.writeFileSync(file, 'council,code\nDevon,E10000008\n');
    const before = await counts(db);
    await assert.rejects(runImport(db, 'councils', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.line, 1);
      assert.match(
        error.message,
        /unknown\.csv, line 1: the header \(council, code\) matches no known format/,
      );
      assert.match(error.message, /mySociety's UK local authorities \(local-authority-code, official-name/);
      assert.match(error.message, /the England council hierarchy \(gss_code, official_name/);
      return true;
    });
    assert.deepEqual(await counts(db), before);
  });

  it('refuses a lookup it recognises but does not import, saying why', async () => {
    const lookup = path.join(DATA, 'authorities/ons_lad21_to_cty21_lookup_england.csv');
    await assert.rejects(runImport(db, 'councils', lookup, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.match(error.message, /is the ONS district to county lookup, which is not imported/);
      return true;
    });
  });

  it('names the line of a district whose county is not in the file or the register', async () => {
    const file = path.join(folder, 'hierarchy.csv');
    const [header, ...rows] = fs.readFileSync(HIERARCHY, 'utf8').trim().split('\n');
    const exeter = rows.find((r) => r.startsWith('E07000041,'))!;
    fs.writeFileSync(file, [header, exeter.replace('E10000008', 'E10000099')].join('\n') + '\n');
    const before = await counts(db);
    await assert.rejects(runImport(db, 'councils', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.line, 2);
      assert.equal(error.column, 'parent_county_gss_code');
      assert.match(error.message, /E10000099 is not a council in this file or in the register/);
      return true;
    });
    assert.deepEqual(await counts(db), before);
    assert.equal(
      (
        await db
          .selectFrom('area')
          .select('parent_code')
          .where('code', '=', 'E07000041')
          .executeTakeFirstOrThrow()
      ).parent_code,
      'E10000008',
    );
  });
});
