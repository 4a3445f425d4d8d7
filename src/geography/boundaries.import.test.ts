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
import { ImportError, runImport, type ImportSummary } from '../app/import.command.ts';
import { silentProgress } from '../platform/import/progress.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(projectRoot, process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
const LAD_2021 = path.join(DATA, 'boundaries/lad_2021_ew_from_censusUK2021_kml.geojson');
const UTLA_2021 = path.join(DATA, 'boundaries/utla_2021_ew_from_censusUK2021_kml.geojson');
const TARGET = path.join(DATA, 'boundaries/derived_target_two_tier_areas_2021.geojson');
const NO_CODES = path.join(DATA, 'boundaries/lad_may2024_buc_england_abstreet.geojson');

interface Feature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}
const featuresOf = (file: string): Feature[] => JSON.parse(fs.readFileSync(file, 'utf8')).features;

const boundaryCounts = async (db: Kysely<DB>) =>
  (
    await sql<{ n: number; runs: number }>`select (select count(*)::int from boundary) as n,
    (select count(*)::int from import_run) as runs`.execute(db)
  ).rows[0]!;

describe('boundaries import', () => {
  let database: Database;
  let db: Kysely<DB>;
  let folder: string;
  let lad: ImportSummary;

  before(async () => {
    database = await openTestDatabase();
    db = database.db;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-boundaries-'));
    await runImport(
      db,
      'councils',
      path.join(DATA, 'authorities/mysociety_uk_local_authorities.csv'),
      silentProgress,
    );
    await runImport(
      db,
      'councils',
      path.join(DATA, 'authorities/derived_england_council_hierarchy.csv'),
      silentProgress,
    );
    lad = await runImport(db, 'boundaries', LAD_2021, silentProgress);
    await runImport(db, 'boundaries', UTLA_2021, silentProgress);
  });
  after(async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await database.close();
  });

  it('stores a boundary for each of Devon’s districts and for Devon itself', async () => {
    const rows = await db
      .selectFrom('boundary')
      .innerJoin('area', 'area.code', 'boundary.area_code')
      .select(['area.code', 'area.name', 'boundary.source'])
      .where((eb) => eb.or([eb('area.parent_code', '=', 'E10000008'), eb('area.code', '=', 'E10000008')]))
      .orderBy('area.code')
      .execute();
    assert.deepEqual(
      rows.map((r) => `${r.code} ${r.source}`),
      [
        ...['40', '41', '42', '43', '44', '45', '46', '47'].map(
          (n) => `E070000${n} lad_2021_ew_from_censusUK2021_kml.geojson`,
        ),
        'E10000008 utla_2021_ew_from_censusUK2021_kml.geojson',
      ],
    );
  });

  it('keeps the geometry as the file has it, with its bounding box and vertex count', async () => {
    const feature = featuresOf(LAD_2021).find((f) => f.properties.LAD21CD === 'E07000041')!;
    const exeter = await db
      .selectFrom('boundary')
      .selectAll()
      .where('area_code', '=', 'E07000041')
      .where('source', '=', path.basename(LAD_2021))
      .executeTakeFirstOrThrow();
    assert.deepEqual(exeter.geometry, {
      type: feature.geometry.type,
      coordinates: feature.geometry.coordinates,
    });
    const positions = (feature.geometry.coordinates as number[][][][]).flat(2);
    assert.equal(exeter.vertex_count, positions.length);
    assert.equal(exeter.min_lon, Math.min(...positions.map((p) => p[0]!)));
    assert.equal(exeter.max_lat, Math.max(...positions.map((p) => p[1]!)));
    // Exeter's Guildhall lies inside the box.
    assert.ok(exeter.min_lon < -3.5308 && -3.5308 < exeter.max_lon);
    assert.ok(exeter.min_lat < 50.7236 && 50.7236 < exeter.max_lat);
  });

  it('skips features for councils abolished since the file was made', async () => {
    assert.deepEqual([lad.read, lad.inserted, lad.skipped], [331, 314, 17]);
    assert.match(lad.note ?? '', /17 features for areas not in the register/);
    assert.match(lad.note ?? '', /codes from property LAD21CD/);
    const allerdale = await db
      .selectFrom('boundary')
      .select('area_code')
      .where('area_code', '=', 'E07000026')
      .executeTakeFirst();
    assert.equal(allerdale, undefined);
  });

  it('reads the code from whichever property the file uses', async () => {
    const target = await runImport(db, 'boundaries', TARGET, silentProgress);
    assert.deepEqual([target.read, target.inserted, target.skipped], [45, 45, undefined]);
    assert.match(target.note ?? '', /codes from property code/);
  });

  it('changes nothing when a file is imported again', async () => {
    const before = await boundaryCounts(db);
    const again = await runImport(db, 'boundaries', LAD_2021, silentProgress);
    assert.deepEqual([again.inserted, again.updated, again.unchanged, again.skipped], [0, 0, 314, 17]);
    assert.equal((await boundaryCounts(db)).n, before.n);
  });

  it('names the line and column where a cut-short file stops, and keeps none of its features', async () => {
    const text = fs.readFileSync(LAD_2021, 'utf8');
    const file = path.join(folder, 'cut.geojson');
    // Cut well after the first batches of features, with a line break before the end.
    fs.writeFileSync(file, text.slice(0, Math.floor(text.length * 0.8)).replace(/,(?=[^,]*$)/, ',\n'));
    const before = await boundaryCounts(db);
    await assert.rejects(runImport(db, 'boundaries', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.file, file);
      assert.equal(error.line, 2);
      assert.ok(error.column && Number(error.column) > 0, `column ${error.column}`);
      assert.match(error.message, new RegExp(`^${file}, line 2, column \\d+: is not valid JSON`));
      return true;
    });
    assert.deepEqual(await boundaryCounts(db), before);
    const kept = await db
      .selectFrom('boundary')
      .select('area_code')
      .where('source', '=', 'cut.geojson')
      .executeTakeFirst();
    assert.equal(kept, undefined);
  });

  it('names the feature and code of a position that is not a longitude and latitude', async () => {
    const features = featuresOf(LAD_2021).slice(0, 150);
    const bad = structuredClone(features.find((f) => f.properties.LAD21CD === 'E07000041')!);
    (bad.geometry.coordinates as number[][][][])[0]![0]![2] = [-3.5, 95];
    bad.properties.LAD21CD = 'E07000042';
    const file = path.join(folder, 'bad-position.geojson');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [...features.filter((f) => f.properties.LAD21CD !== 'E07000042'), bad],
      }),
    );
    const before = await boundaryCounts(db);
    await assert.rejects(runImport(db, 'boundaries', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.file, file);
      assert.match(
        error.message,
        /bad-position\.geojson: feature 149 \(E07000042\): polygon 0 ring 0 position 2 \[-3\.5,95\] is not a longitude and latitude/,
      );
      return true;
    });
    assert.deepEqual(await boundaryCounts(db), before);
  });

  it('skips features that are not polygons, and refuses a repeated code', async () => {
    const [exeter] = featuresOf(LAD_2021).filter((f) => f.properties.LAD21CD === 'E07000041');
    const point: Feature = {
      type: 'Feature',
      properties: { LAD21CD: 'E07000040' },
      geometry: { type: 'Point', coordinates: [-3.3, 50.7] },
    };
    const mixed = path.join(folder, 'mixed.geojson');
    fs.writeFileSync(mixed, JSON.stringify({ type: 'FeatureCollection', features: [exeter, point] }));
    const summary = await runImport(db, 'boundaries', mixed, silentProgress);
    assert.deepEqual([summary.read, summary.inserted, summary.skipped], [2, 1, 1]);
    assert.match(summary.note ?? '', /1 features that are not polygons/);

    const twice = path.join(folder, 'twice.geojson');
    fs.writeFileSync(twice, JSON.stringify({ type: 'FeatureCollection', features: [exeter, exeter] }));
    await assert.rejects(runImport(db, 'boundaries', twice, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.match(error.message, /feature 1 \(E07000041\): E07000041 is already the code of feature 0/);
      return true;
    });
  });

  it('refuses a file whose features carry no GSS code, naming the properties it looks for', async () => {
    await assert.rejects(runImport(db, 'boundaries', NO_CODES, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.match(
        error.message,
        /feature 0: no property holds a GSS code: expected LAD21CD .*, code or gss_code, found name, kind/,
      );
      return true;
    });
  });

  it('refuses JSON that is not a FeatureCollection', async () => {
    const file = path.join(folder, 'feature.geojson');
    fs.writeFileSync(file, JSON.stringify(featuresOf(TARGET)[0]));
    await assert.rejects(runImport(db, 'boundaries', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.message, `${file}: is not a GeoJSON FeatureCollection: its type is "Feature"`);
      return true;
    });
  });
});
