/**
 * Place → areas on a small set of real reference data: councils and postcodes from
 * ../shared/data (Code-Point Open 2014 and the ONSPD 2024 seed), and council boundaries read from
 * its 2021 district file and the May 2024 BUC file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/engine.ts';
import type { AreaKind, DB } from '../db/schema.ts';
import { ProblemError } from '../platform/errors.ts';
import {
  createGeographyService,
  describePostcodeSource,
  monthText,
  toleranceFor,
  type GeographyService,
  type PlaceLookup,
} from './geography.service.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(projectRoot, process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
const TARGET_2021 = 'derived_target_two_tier_areas_2021.geojson';
const BUC_2024 = 'derived_lad_may2024_buc_england_with_codes.geojson';
const CODE_POINT = 'codepoint_open_2014_two_tier_sample.csv';
const ONSPD = 'onspd_2024_postcodesio_seed.csv';

interface Feature {
  properties: Record<string, unknown>;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

/** One council's outline from a boundary file in the reference data, by its GSS code. */
function outline(file: string, codeProperty: string, code: string): Feature['geometry'] {
  const features: Feature[] = JSON.parse(
    fs.readFileSync(path.join(DATA, 'boundaries', file), 'utf8'),
  ).features;
  const feature = features.find((f) => f.properties[codeProperty] === code);
  assert.ok(feature, `${code} is in ${file}`);
  return feature.geometry;
}

/** Councils as the reference data names them (derived_england_council_hierarchy.csv). */
const AREAS: Record<string, { name: string; kind: AreaKind; parent: string | null }> = {
  E10000008: { name: 'Devon', kind: 'county', parent: null },
  E07000040: { name: 'East Devon', kind: 'district', parent: 'E10000008' },
  E07000041: { name: 'Exeter', kind: 'district', parent: 'E10000008' },
  E07000045: { name: 'Teignbridge', kind: 'district', parent: 'E10000008' },
  E06000008: { name: 'Blackburn with Darwen', kind: 'unitary', parent: null },
  E09000028: { name: 'Southwark', kind: 'london_borough', parent: null },
};

async function insertAreas(db: Kysely<DB>, codes: string[]): Promise<void> {
  for (const code of codes) {
    const area = AREAS[code]!;
    await db
      .insertInto('area')
      .values({ code, name: area.name, kind: area.kind, parent_code: area.parent, source: 'test' })
      .execute();
  }
}

async function insertBoundary(
  db: Kysely<DB>,
  areaCode: string,
  source: string,
  geometry: Feature['geometry'],
): Promise<void> {
  const positions = (JSON.stringify(geometry.coordinates).match(/\[-?[\d.]+,-?[\d.]+\]/g) ?? []).map(
    (p) => JSON.parse(p) as [number, number],
  );
  const lons = positions.map((p) => p[0]);
  const lats = positions.map((p) => p[1]);
  await db
    .insertInto('boundary')
    .values({
      area_code: areaCode,
      source,
      geometry: JSON.stringify(geometry),
      min_lon: Math.min(...lons),
      min_lat: Math.min(...lats),
      max_lon: Math.max(...lons),
      max_lat: Math.max(...lats),
      vertex_count: positions.length,
    })
    .execute();
}

type PostcodeRow = [
  postcode: string,
  county: string | null,
  district: string | null,
  lat: number,
  lon: number,
];

/** Rows of Code-Point Open 2014 (../shared/data/postcodes/codepoint_open_2014_two_tier_sample.csv). */
const CODE_POINT_ROWS: PostcodeRow[] = [
  ['EX1 1AE', 'E10000008', 'E07000041', 50.722777, -3.531951],
  ['EX1 3QD', 'E10000008', 'E07000041', 50.729713, -3.470993],
  ['EX2 4AU', 'E10000008', 'E07000041', 50.717736, -3.526829],
  ['EX2 8UF', 'E10000008', 'E07000041', 50.697047, -3.536068],
  ['EX2 8YE', 'E10000008', 'E07000041', 50.697578, -3.538705],
  ['EX2 8UD', 'E10000008', 'E07000045', 50.692964, -3.540154],
  ['EX2 9SJ', 'E10000008', 'E07000045', 50.68296, -3.531531],
  ['EX7 9DD', 'E10000008', 'E07000045', 50.583811, -3.474804],
  ['EX10 0AE', 'E10000008', 'E07000040', 50.718318, -3.287952],
  ['BB3 0AS', null, 'E06000008', 53.713126, -2.480621],
];

async function insertPostcodes(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('postcode')
    .values([
      ...CODE_POINT_ROWS.map(([postcode, county, district, lat, lon]) => ({
        postcode,
        lat,
        lon,
        country_code: 'E92000001',
        county_code: county,
        district_code: district,
        source: CODE_POINT,
      })),
      // ONSPD 2024 seed: a terminated and a live Southwark postcode, Manchester, and Jersey (no codes).
      {
        postcode: 'SE1 9ZZ',
        lat: 51.506903,
        lon: -0.100841,
        country_code: 'E92000001',
        district_code: 'E09000028',
        introduced: '199806',
        terminated: '199812',
        source: ONSPD,
      },
      {
        postcode: 'SE1 2DL',
        lat: 51.498972,
        lon: -0.071609,
        country_code: 'E92000001',
        district_code: 'E09000028',
        introduced: '198001',
        source: ONSPD,
      },
      {
        postcode: 'M1 1AD',
        lat: 53.483784,
        lon: -2.244866,
        country_code: 'E92000001',
        district_code: 'E08000003',
        introduced: '200303',
        source: ONSPD,
      },
      { postcode: 'JE2 4WD', introduced: '199507', source: ONSPD },
    ])
    .execute();
}

const codes = (areas: PlaceLookup['localAreas']) => areas.map((a) => a.code);
const pointOf = (postcode: string) => {
  const row = CODE_POINT_ROWS.find((r) => r[0] === postcode)!;
  return { lat: row[3], lon: row[4] };
};

async function rejects400(work: () => Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof ProblemError, 'a problem');
    assert.equal(error.status, 400);
    assert.match(error.detail, message);
    return true;
  });
}

describe('tolerances and wording', () => {
  it('allows each boundary file the error its generalisation implies', () => {
    assert.equal(toleranceFor(BUC_2024), 500);
    assert.equal(toleranceFor('lad_may2024_buc_england_abstreet.geojson'), 500);
    assert.equal(toleranceFor('Local_Authority_Districts_May_2024_Boundaries_UK_BUC.geojson'), 500);
    assert.equal(toleranceFor('LAD_MAY_2024_UK_BSC.geojson'), 200);
    assert.equal(toleranceFor('LAD_MAY_2024_UK_BGC.geojson'), 50);
    assert.equal(toleranceFor('LAD_MAY_2024_UK_BFC.geojson'), 10);
    assert.equal(toleranceFor('lad_2021_ew_from_censusUK2021_kml.geojson'), 100);
    assert.equal(toleranceFor(TARGET_2021), 100);
    // A word that merely contains the letters is not a generalisation code.
    assert.equal(toleranceFor('bucks_districts.geojson'), 100);
  });

  it('names postcode files and months for people', () => {
    assert.equal(describePostcodeSource(CODE_POINT), `OS Code-Point Open (${CODE_POINT})`);
    assert.equal(describePostcodeSource(ONSPD), `the ONS Postcode Directory (${ONSPD})`);
    assert.equal(describePostcodeSource('postcodes.csv'), 'the postcode directory (postcodes.csv)');
    assert.equal(monthText('199812'), 'December 1998');
    assert.equal(monthText('202413'), '202413');
  });
});

describe('geography service', () => {
  let database: Database;
  let db: Kysely<DB>;
  let geography: GeographyService;

  before(async () => {
    database = await openTestDatabase();
    db = database.db;
    await insertAreas(db, ['E10000008', 'E07000041', 'E07000045', 'E06000008', 'E09000028']);
    // Integrated Devon's South cluster (the demo's own code: clusters have no GSS code).
    await db
      .insertInto('area')
      .values({ code: 'integrated-devon-south', name: 'South cluster', kind: 'cluster', source: 'test' })
      .execute();
    await db
      .insertInto('area_member')
      .values({ area_code: 'integrated-devon-south', member_code: 'E07000045' })
      .execute();
    for (const code of ['E10000008', 'E07000041', 'E07000045', 'E06000008']) {
      await insertBoundary(db, code, TARGET_2021, outline(TARGET_2021, 'code', code));
    }
    await insertPostcodes(db);
    geography = await createGeographyService(db);
  });
  after(async () => {
    await database?.close();
  });

  describe('postcodes', () => {
    it('finds a postcode’s council, its county, and says where that comes from', async () => {
      const answer = await geography.lookupPostcode(' ex11ae ');
      assert.equal(answer.status, 'found');
      assert.deepEqual(answer.place, {
        query: 'EX1 1AE',
        postcode: 'EX1 1AE',
        kind: 'postcode',
        lat: 50.722777,
        lon: -3.531951,
        terminated: null,
        source: CODE_POINT,
        country: 'England',
      });
      assert.deepEqual(answer.localAreas, [
        { code: 'E07000041', name: 'Exeter', kind: 'district', parentCode: 'E10000008' },
      ]);
      assert.deepEqual(codes(answer.areas), ['E07000041', 'E10000008']);
      assert.equal(
        answer.reason,
        `EX1 1AE is in Exeter (E07000041), in Devon, according to OS Code-Point Open (${CODE_POINT}).`,
      );
    });

    it('lists the clusters a district belongs to among the areas covering it', async () => {
      const answer = await geography.lookupPostcode('EX7 9DD');
      assert.equal(answer.status, 'found');
      assert.deepEqual(codes(answer.localAreas), ['E07000045']);
      assert.deepEqual(codes(answer.areas), ['E07000045', 'E10000008', 'integrated-devon-south']);
    });

    it('answers a unitary council with no county', async () => {
      const answer = await geography.lookupPostcode('BB3 0AS');
      assert.equal(answer.status, 'found');
      assert.deepEqual(codes(answer.areas), ['E06000008']);
      assert.match(answer.reason, /^BB3 0AS is in Blackburn with Darwen \(E06000008\), according to/);
    });

    it('still answers a terminated postcode, and says it was terminated', async () => {
      const answer = await geography.lookupPostcode('SE1 9ZZ');
      assert.equal(answer.status, 'found');
      assert.equal(answer.place.terminated, '199812');
      assert.deepEqual(codes(answer.localAreas), ['E09000028']);
      assert.equal(answer.localAreas[0]!.kind, 'london_borough');
      assert.match(
        answer.reason,
        /^SE1 9ZZ is in Southwark \(E09000028\), according to the ONS Postcode Directory/,
      );
      assert.match(answer.reason, /terminated in December 1998/);
    });

    it('does not know a postcode missing from the directory, and does not guess it from its sector', async () => {
      const answer = await geography.lookupPostcode('EX1 1AA');
      assert.equal(answer.status, 'unknown_place');
      assert.deepEqual(answer.localAreas, []);
      assert.deepEqual(answer.areas, []);
      assert.equal(answer.place.postcode, 'EX1 1AA');
      assert.equal(answer.place.source, null);
      assert.match(answer.reason, /^EX1 1AA is not in the postcode directory\./);
      assert.match(
        answer.reason,
        /other postcodes in sector EX1 1 are in Exeter, but a postcode missing from it is not assumed/,
      );
    });

    it('names a council code the register does not hold instead of answering', async () => {
      const answer = await geography.lookupPostcode('M1 1AD');
      assert.equal(answer.status, 'unknown_place');
      assert.deepEqual(answer.localAreas, []);
      assert.match(answer.reason, /council area E08000003, which is not in the register/);
    });

    it('does not know a postcode the directory records no council for', async () => {
      const answer = await geography.lookupPostcode('JE2 4WD');
      assert.equal(answer.status, 'unknown_place');
      assert.match(answer.reason, /no council is recorded for it/);
    });

    it('refuses input that is not a postcode with a 400 problem saying why', async () => {
      await rejects400(() => geography.lookupPostcode('EX1 1A'), /not a postcode/);
      await rejects400(() => geography.lookupPostcode(''), /Enter a postcode/);
      await rejects400(() => geography.lookupPostcode('12345'), /not a UK postcode/);
      await rejects400(
        () => geography.lookupPostcode('EX1 1AE; drop table postcode'),
        /too long|not a postcode/,
      );
    });
  });

  describe('sectors and outcodes', () => {
    it('finds the one council of an outcode', async () => {
      const answer = await geography.lookupPostcode('ex1');
      assert.equal(answer.status, 'found');
      assert.equal(answer.place.kind, 'outcode');
      assert.equal(answer.place.query, 'EX1');
      assert.equal(answer.place.postcode, null);
      assert.deepEqual(codes(answer.areas), ['E07000041', 'E10000008']);
      assert.equal(
        answer.reason,
        'All 2 postcodes in postcode district EX1 in the postcode directory are in Exeter (E07000041), in Devon.',
      );
    });

    it('does not take EX1 to include EX10', async () => {
      const answer = await geography.lookupPostcode('EX1');
      assert.deepEqual(codes(answer.localAreas), ['E07000041']);
    });

    it('lists every council of an outcode that spans two, with their counts', async () => {
      const answer = await geography.lookupPostcode('EX2');
      assert.equal(answer.status, 'ambiguous');
      assert.deepEqual(codes(answer.localAreas), ['E07000041', 'E07000045']);
      assert.deepEqual(codes(answer.areas), [
        'E07000041',
        'E07000045',
        'E10000008',
        'integrated-devon-south',
      ]);
      assert.equal(
        answer.reason,
        'The 5 postcodes in postcode district EX2 are in more than one council: 3 in Exeter (E07000041) ' +
          'and 2 in Teignbridge (E07000045). Give the full postcode.',
      );
    });

    it('reads sectors: one council is found, two are ambiguous', async () => {
      const one = await geography.lookupPostcode('EX2 4');
      assert.equal(one.status, 'found');
      assert.equal(one.place.kind, 'sector');
      assert.deepEqual(codes(one.localAreas), ['E07000041']);

      const two = await geography.lookupPostcode('ex2  8');
      assert.equal(two.status, 'ambiguous');
      assert.equal(two.place.query, 'EX2 8');
      assert.deepEqual(codes(two.localAreas), ['E07000041', 'E07000045']);
      assert.match(two.reason, /2 in Exeter \(E07000041\) and 1 in Teignbridge \(E07000045\)/);
    });

    it('does not answer an outcode with a council the register does not hold', async () => {
      const answer = await geography.lookupPostcode('EX10');
      assert.equal(answer.status, 'unknown_place');
      assert.match(
        answer.reason,
        /^Postcode district EX10 has 1 postcode in the directory: 1 in council area E07000040\. E07000040 is not in the register/,
      );
    });

    it('does not know an outcode with no postcodes', async () => {
      const answer = await geography.lookupPostcode('EX9');
      assert.equal(answer.status, 'unknown_place');
      assert.equal(answer.place.source, null);
      assert.match(answer.reason, /no postcodes in postcode district EX9/);
    });
  });

  describe('points', () => {
    it('finds the council whose boundary contains a point well inside it, never the county', async () => {
      const { lat, lon } = pointOf('EX1 1AE');
      const answer = await geography.lookupPoint(lat, lon);
      assert.equal(answer.status, 'found');
      assert.deepEqual(answer.place, {
        query: '50.722777, -3.531951',
        postcode: null,
        kind: 'point',
        lat,
        lon,
        terminated: null,
        source: TARGET_2021,
        country: null,
      });
      assert.deepEqual(codes(answer.localAreas), ['E07000041']);
      assert.deepEqual(codes(answer.areas), ['E07000041', 'E10000008']);
      assert.match(answer.reason, /^The point 50.722777, -3.531951 is in Exeter \(E07000041\), in Devon\./);
      assert.match(
        answer.reason,
        /inside the boundary of Exeter .*, and no other council's boundary is close enough to doubt it\.$/,
      );
    });

    it('finds a unitary council', async () => {
      const { lat, lon } = pointOf('BB3 0AS');
      const answer = await geography.lookupPoint(lat, lon);
      assert.equal(answer.status, 'found');
      assert.deepEqual(codes(answer.areas), ['E06000008']);
    });

    it('lists both councils for a point closer to their shared boundary than it is drawn to', async () => {
      // EX2 8UD is in Teignbridge, 74 m from Exeter's boundary as the 2021 file draws it.
      const { lat, lon } = pointOf('EX2 8UD');
      const answer = await geography.lookupPoint(lat, lon);
      assert.equal(answer.status, 'ambiguous');
      assert.deepEqual(codes(answer.localAreas), ['E07000045', 'E07000041']);
      assert.deepEqual(codes(answer.areas), [
        'E07000045',
        'E07000041',
        'E10000008',
        'integrated-devon-south',
      ]);
      assert.match(answer.reason, /could be in Teignbridge \(E07000045\) or Exeter \(E07000041\)/);
      assert.match(
        answer.reason,
        /inside the boundary of Teignbridge, and 7\d m from the boundary of Exeter/,
      );
      assert.match(answer.reason, /drawn to within 100 m/);
    });

    it('answers a point a few hundred metres inside one council as found', async () => {
      // EX2 8UF, in Exeter, is 393 m from Teignbridge's boundary: beyond the 100 m tolerance.
      const { lat, lon } = pointOf('EX2 8UF');
      const answer = await geography.lookupPoint(lat, lon);
      assert.equal(answer.status, 'found');
      assert.deepEqual(codes(answer.localAreas), ['E07000041']);
    });

    it('does not know a point in the sea', async () => {
      const answer = await geography.lookupPoint(50.5, -3.3);
      assert.equal(answer.status, 'unknown_place');
      assert.deepEqual(answer.localAreas, []);
      assert.deepEqual(answer.areas, []);
      assert.equal(answer.place.source, null);
      assert.equal(
        answer.reason,
        'The point 50.5, -3.3 is not in or near any council area we hold a boundary for.',
      );
    });

    it('refuses coordinates that are out of range or not numbers', async () => {
      await rejects400(() => geography.lookupPoint(91, -3.5), /lat must be a number from -90 to 90/);
      await rejects400(() => geography.lookupPoint(Number.NaN, -3.5), /lat must be/);
      await rejects400(() => geography.lookupPoint(50.7, 180.5), /lon must be a number from -180 to 180/);
      await rejects400(() => geography.lookupPoint(50.7, Number.POSITIVE_INFINITY), /lon must be/);
    });
  });
});

describe('geography service: the spatial index', () => {
  let database: Database;
  let db: Kysely<DB>;

  before(async () => {
    database = await openTestDatabase();
    db = database.db;
    await insertAreas(db, ['E10000008', 'E07000040', 'E07000041', 'E06000008']);
  });
  after(async () => {
    await database?.close();
  });

  it('says so when no boundaries have been imported', async () => {
    const geography = await createGeographyService(db);
    const answer = await geography.lookupPoint(50.722777, -3.531951);
    assert.equal(answer.status, 'unknown_place');
    assert.match(answer.reason, /No council boundaries have been imported/);
  });

  it('is built on the first point lookup, and rebuilt only by reload()', async () => {
    const early = await createGeographyService(db);
    const used = await createGeographyService(db);
    const exeter = pointOf('EX1 1AE');
    assert.equal((await used.lookupPoint(exeter.lat, exeter.lon)).status, 'unknown_place');

    await insertBoundary(db, 'E07000041', TARGET_2021, outline(TARGET_2021, 'code', 'E07000041'));
    await insertBoundary(db, 'E07000040', BUC_2024, outline(BUC_2024, 'LAD24CD', 'E07000040'));

    // Created before the boundaries, but not used: it reads them on its first point lookup.
    assert.equal((await early.lookupPoint(exeter.lat, exeter.lon)).status, 'found');
    // Used before the boundaries: it keeps its index until told to reload.
    assert.equal((await used.lookupPoint(exeter.lat, exeter.lon)).status, 'unknown_place');
    await used.reload();
    const found = await used.lookupPoint(exeter.lat, exeter.lon);
    assert.equal(found.status, 'found');
    assert.deepEqual(codes(found.localAreas), ['E07000041']);

    const sidmouth = pointOf('EX10 0AE');
    const eastDevon = await used.lookupPoint(sidmouth.lat, sidmouth.lon);
    assert.equal(eastDevon.status, 'found');
    assert.deepEqual(codes(eastDevon.areas), ['E07000040', 'E10000008']);
    assert.equal(eastDevon.place.source, BUC_2024);

    const blackburn = pointOf('BB3 0AS');
    assert.equal((await used.lookupPoint(blackburn.lat, blackburn.lon)).status, 'unknown_place');
    await insertBoundary(db, 'E06000008', TARGET_2021, outline(TARGET_2021, 'code', 'E06000008'));
    assert.equal((await used.lookupPoint(blackburn.lat, blackburn.lon)).status, 'unknown_place');
    await used.reload();
    assert.equal((await used.lookupPoint(blackburn.lat, blackburn.lon)).status, 'found');
  });

  it('allows an ultra-generalised boundary its 500 m, and a 2021 one its 100 m', async () => {
    const geography = await createGeographyService(db);
    // EX1 3QD is in Exeter: 263 m from East Devon's BUC outline (500 m tolerance), so either could
    // be right; 607 m from the 2021 outline (100 m tolerance), so with that one it is Exeter.
    const { lat, lon } = pointOf('EX1 3QD');
    const buc = await geography.lookupPoint(lat, lon);
    assert.equal(buc.status, 'ambiguous');
    assert.deepEqual(codes(buc.localAreas), ['E07000041', 'E07000040']);
    assert.match(buc.reason, /2\d\d m from the boundary of East Devon, which is drawn to within 500 m/);

    // With both outlines held, the one with more vertices (the 2021 file) is used.
    await insertBoundary(db, 'E07000040', TARGET_2021, outline(TARGET_2021, 'code', 'E07000040'));
    await geography.reload();
    const detailed = await geography.lookupPoint(lat, lon);
    assert.equal(detailed.status, 'found');
    assert.deepEqual(codes(detailed.localAreas), ['E07000041']);
  });
});
