import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import { loadFixture } from '../../test/support/fixtures.ts';
import { ImportError, runImport } from '../app/import.command.ts';
import { withSystem } from '../db/context.ts';
import type { Database } from '../db/engine.ts';
import type { Progress } from '../platform/index.ts';
import { silentProgress } from '../platform/import/progress.ts';
import { createGeographyService } from './geography.service.ts';
import { mainCouncil, polygonProblem } from './area-boundaries.import.ts';
import type { AreaGeometry } from './spatial-index.ts';

/** Real postcodes of Exeter and Teignbridge from the shipped Code-Point Open sample. */
const POSTCODES = [
  ['EX1 1AE', 50.722777, -3.531951, 'E07000041'],
  ['EX1 1DR', 50.720144, -3.532418, 'E07000041'],
  ['EX1 2AL', 50.727967, -3.521579, 'E07000041'],
  ['EX1 2DL', 50.728127, -3.514783, 'E07000041'],
  ['TQ12 1BT', 50.528602, -3.611691, 'E07000045'],
] as const;

/**
 * Drawn for this test, not a real boundary: a box around EX1 2AL and EX1 2DL that leaves EX1 1AE
 * and EX1 1DR (a few hundred metres south-west) outside.
 */
const HEAVITREE_BOX: AreaGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [-3.525, 50.725],
      [-3.51, 50.725],
      [-3.51, 50.731],
      [-3.525, 50.731],
      [-3.525, 50.725],
    ],
  ],
};

/** Drawn for this test: a small box around TQ12 1BT, as the second part of a MultiPolygon. */
const TQ12_BOX = [
  [
    [-3.615, 50.526],
    [-3.608, 50.526],
    [-3.608, 50.531],
    [-3.615, 50.531],
    [-3.615, 50.526],
  ],
];

const feature = (properties: Record<string, unknown>, geometry: unknown) => ({
  type: 'Feature',
  properties,
  geometry,
});
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

describe('import areas from GeoJSON: a partnership’s own areas drawn as boundaries', () => {
  let database: Database;
  let folder: string;
  before(async () => {
    database = await openTestDatabase();
    await loadFixture(database.db);
    await withSystem(database.db, (tx) =>
      tx
        .insertInto('postcode')
        .values(
          POSTCODES.map(([postcode, lat, lon, district]) => ({
            postcode,
            lat,
            lon,
            county_code: 'E10000008',
            district_code: district,
            source: 'codepoint_open_2014_two_tier_sample.csv',
          })),
        )
        .execute(),
    );
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-area-boundaries-'));
  });
  after(async () => {
    await database.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const file = (name: string, text: string) => {
    const full = path.join(folder, name);
    fs.writeFileSync(full, text);
    return full;
  };
  const importAreas = (
    geojson: string,
    options: { partnership: string; kind: 'locality' | 'parish'; nameProperty?: string } = {
      partnership: 'test-devon',
      kind: 'locality',
    },
    progress: Progress = silentProgress,
  ) => runImport(database.db, 'areas', geojson, progress, geojson, { areas: options });
  const held = async () =>
    (
      await sql<{ code: string; name: string; kind: string; parent: string | null; source: string }>`
        select a.code, a.name, a.kind, a.parent_code as parent, b.source
          from area a join boundary b on b.area_code = a.code
         where a.code like 'test-devon:%' or a.code like 'hv%' order by a.code`.execute(database.db)
    ).rows;

  beforeEach(async () => {
    await withSystem(database.db, async (tx) => {
      const ours = tx.selectFrom('partnership_area').select('area_code');
      await tx.deleteFrom('area_postcode').execute();
      await tx.deleteFrom('boundary').where('area_code', 'in', ours).execute();
      await tx.deleteFrom('partnership_area').execute();
      await tx
        .deleteFrom('area')
        .where((eb) => eb.or([eb('code', 'like', 'test-devon:%'), eb('code', 'like', 'hv%')]))
        .execute();
    });
  });

  it('defines each area by its boundary: a postcode whose point is inside is in it, one outside is not', async () => {
    const geojson = file(
      'heavitree.geojson',
      collection(feature({ name: 'Heavitree (drawn for the test)' }, HEAVITREE_BOX)),
    );
    const summary = await importAreas(geojson);
    assert.equal(summary.inserted, 1);
    assert.match(summary.note ?? '', /2 postcodes of the directory inside them/);
    assert.deepEqual(await held(), [
      {
        code: 'test-devon:locality:heavitree-drawn-for-the-test',
        name: 'Heavitree (drawn for the test)',
        kind: 'locality',
        parent: 'E07000041',
        source: 'heavitree.geojson',
      },
    ]);
    const geography = await createGeographyService(database.db);
    const inside = await geography.lookupPostcode('EX1 2DL');
    assert.ok(
      inside.areas.some((a) => a.code === 'test-devon:locality:heavitree-drawn-for-the-test'),
      JSON.stringify(inside.areas),
    );
    assert.match(inside.reason, /It is in Heavitree \(drawn for the test\) \(locality\)/);
    const outside = await geography.lookupPostcode('EX1 1AE');
    assert.ok(!outside.areas.some((a) => a.kind === 'locality'), JSON.stringify(outside.areas));
    // A postcode sector is not taken to be inside a drawn area: only some of its postcodes may be.
    const sector = await geography.lookupPostcode('EX1 2');
    assert.ok(!sector.areas.some((a) => a.kind === 'locality'));
  });

  it('takes the name from the property the command names, and the code from a code property', async () => {
    const geojson = file(
      'named.geojson',
      collection(
        feature({ PARNCP21NM: 'Heavitree', code: 'hv-1' }, HEAVITREE_BOX),
        feature({ PARNCP21NM: 'South Teign' }, { type: 'MultiPolygon', coordinates: [TQ12_BOX] }),
      ),
    );
    const summary = await importAreas(geojson, {
      partnership: 'test-devon',
      kind: 'parish',
      nameProperty: 'PARNCP21NM',
    });
    assert.equal(summary.inserted, 2);
    assert.deepEqual(
      (await held()).map((a) => [a.code, a.name, a.kind, a.parent]),
      [
        ['hv-1', 'Heavitree', 'parish', 'E07000041'],
        ['test-devon:parish:south-teign', 'South Teign', 'parish', 'E07000045'],
      ],
    );
    const geography = await createGeographyService(database.db);
    const teign = await geography.lookupPostcode('TQ12 1BT');
    assert.ok(teign.areas.some((a) => a.code === 'test-devon:parish:south-teign'));
  });

  it('changes nothing when the same file is imported again, and replaces the boundary and the postcodes when the file changes', async () => {
    const geojson = file('again.geojson', collection(feature({ name: 'Heavitree' }, HEAVITREE_BOX)));
    assert.equal((await importAreas(geojson)).inserted, 1);
    const again = await importAreas(geojson);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 1]);
    // The same area given postcodes by a CSV file loses its boundary, and gets it back from GeoJSON.
    const csv = file('heavitree.csv', 'name,postcodes\nHeavitree,EX1 1\n');
    assert.equal((await importAreas(csv)).updated, 1);
    assert.deepEqual(await held(), []);
    const moved = file(
      'moved.geojson',
      collection(feature({ name: 'Heavitree' }, { type: 'MultiPolygon', coordinates: [TQ12_BOX] })),
    );
    assert.equal((await importAreas(moved)).updated, 1);
    assert.deepEqual(
      (await held()).map((a) => [a.parent, a.source]),
      [['E07000041', 'moved.geojson']],
    );
    const prefixes = await database.db.selectFrom('area_postcode').select('prefix').execute();
    assert.deepEqual(prefixes, []);
    const geography = await createGeographyService(database.db);
    assert.ok(!(await geography.lookupPostcode('EX1 1AE')).areas.some((a) => a.kind === 'locality'));
    assert.ok((await geography.lookupPostcode('TQ12 1BT')).areas.some((a) => a.kind === 'locality'));
  });

  it('finds a drawn area for a point inside it, and not for one outside', async () => {
    await withSystem(database.db, (tx) =>
      tx
        .insertInto('boundary')
        .values({
          // Drawn for this test: a box standing in for Exeter's outline, around both EX1 boxes.
          area_code: 'E07000041',
          source: 'test-exeter-box.geojson',
          geometry: JSON.stringify({
            type: 'Polygon',
            coordinates: [
              [
                [-3.6, 50.7],
                [-3.45, 50.7],
                [-3.45, 50.76],
                [-3.6, 50.76],
                [-3.6, 50.7],
              ],
            ],
          }),
          min_lon: -3.6,
          min_lat: 50.7,
          max_lon: -3.45,
          max_lat: 50.76,
          vertex_count: 5,
        })
        .execute(),
    );
    try {
      await importAreas(file('point.geojson', collection(feature({ name: 'Heavitree' }, HEAVITREE_BOX))));
      const geography = await createGeographyService(database.db);
      const inside = await geography.lookupPoint(50.728, -3.518);
      assert.equal(inside.status, 'found', inside.reason);
      assert.ok(inside.areas.some((a) => a.code === 'test-devon:locality:heavitree'));
      assert.match(inside.reason, /It is in Heavitree \(locality\)/);
      const outside = await geography.lookupPoint(50.722, -3.532);
      assert.equal(outside.status, 'found', outside.reason);
      assert.ok(!outside.areas.some((a) => a.kind === 'locality'), JSON.stringify(outside.areas));
    } finally {
      await withSystem(database.db, (tx) =>
        tx.deleteFrom('boundary').where('source', '=', 'test-exeter-box.geojson').execute(),
      );
    }
  });

  it('shows its progress: the bytes of the file, then the postcodes looked at', async () => {
    const stages: string[] = [];
    let ticked = 0;
    const progress: Progress = {
      start: (label) => stages.push(label),
      tick: (units = 1) => void (ticked += units),
      stop: () => {},
    };
    const text = collection(feature({ name: 'Heavitree' }, HEAVITREE_BOX));
    await importAreas(file('progress.geojson', text), undefined, progress);
    assert.deepEqual(stages, ['Areas: progress.geojson', 'Postcodes inside the areas']);
    assert.ok(ticked >= Buffer.byteLength(text), String(ticked));
  });

  const crossing = {
    type: 'Polygon',
    // A bow tie: the second and fourth edges cross.
    coordinates: [
      [
        [-3.525, 50.725],
        [-3.51, 50.731],
        [-3.51, 50.725],
        [-3.525, 50.731],
        [-3.525, 50.725],
      ],
    ],
  };
  const flat = {
    type: 'Polygon',
    coordinates: [
      [
        [-3.525, 50.725],
        [-3.51, 50.725],
        [-3.5, 50.725],
        [-3.525, 50.725],
      ],
    ],
  };
  const good = feature({ name: 'Heavitree' }, HEAVITREE_BOX);
  const refusals: Array<[string, string, RegExp]> = [
    ['not-json', 'name,postcodes\nHeavitree,EX1 2\n', /is not valid JSON|is not a GeoJSON FeatureCollection/],
    ['not-a-collection', JSON.stringify(good), /is not a GeoJSON FeatureCollection: its type is "Feature"/],
    [
      'no-name',
      collection(good, feature({ title: 'Somewhere' }, TQ12_BOX)),
      /feature 1: has no "name" property to name the area \(its properties: title; name another with --name-property\)/,
    ],
    [
      'blank-name',
      collection(good, feature({ name: '  ' }, HEAVITREE_BOX)),
      /feature 1: its "name" property is " {2}", not a name/,
    ],
    [
      'point',
      collection(good, feature({ name: 'A point' }, { type: 'Point', coordinates: [-3.5, 50.7] })),
      /feature 1 \(A point\): its geometry is a Point, not a Polygon or MultiPolygon/,
    ],
    [
      'no-geometry',
      collection(good, feature({ name: 'Nowhere' }, null)),
      /feature 1 \(Nowhere\): its geometry is no geometry, not a Polygon or MultiPolygon/,
    ],
    [
      'self-intersecting',
      collection(good, feature({ name: 'Bow tie' }, crossing)),
      /feature 1 \(Bow tie\): outline crosses itself near -3\.5175, 50\.728/,
    ],
    [
      'empty-polygon',
      collection(good, feature({ name: 'Flat' }, flat)),
      /feature 1 \(Flat\): encloses no area/,
    ],
    [
      'not-closed',
      collection(
        good,
        feature(
          { name: 'Open' },
          {
            type: 'Polygon',
            coordinates: [HEAVITREE_BOX.coordinates[0]!.slice(0, 4).concat([[-3.52, 50.726]])],
          },
        ),
      ),
      /feature 1 \(Open\): ring 0 is not closed/,
    ],
    [
      'bad-position',
      collection(
        good,
        feature(
          { name: 'Far' },
          {
            type: 'Polygon',
            coordinates: [
              [
                [400000, 100000],
                [400100, 100000],
                [400100, 100100],
                [400000, 100000],
              ],
            ],
          },
        ),
      ),
      /feature 1 \(Far\): ring 0 position 0 \[400000,100000\] is not a longitude and latitude/,
    ],
    [
      'same-name',
      collection(good, feature({ name: 'Heavitree' }, TQ12_BOX)),
      /feature 1 \(Heavitree\): feature 0 has the same name: give each a "code" property/,
    ],
    [
      'council-code',
      collection(good, feature({ name: 'Exeter again', code: 'E07000041' }, HEAVITREE_BOX)),
      /feature 1 \(Exeter again\): code E07000041 is already Exeter \(district\)/,
    ],
    ['no-features', collection(), /has no features/],
  ];
  for (const [name, text, message] of refusals) {
    it(`refuses ${name.replaceAll('-', ' ')} with the feature and what is wrong, and keeps nothing`, async () => {
      const geojson = file(`${name}.geojson`, text);
      await assert.rejects(importAreas(geojson), (error: unknown) => {
        assert.ok(error instanceof ImportError, String(error));
        assert.match(error.message, message);
        return true;
      });
      assert.deepEqual(await held(), []);
      const kept = await database.db.selectFrom('partnership_area').select('area_code').execute();
      assert.deepEqual(kept, []);
    });
  }

  it('refuses --name-property for a CSV file', async () => {
    const csv = file('areas.csv', 'name,postcodes\nHeavitree,EX1 2\n');
    await assert.rejects(
      importAreas(csv, { partnership: 'test-devon', kind: 'locality', nameProperty: 'NAME' }),
      /--name-property is for a GeoJSON file/,
    );
  });
});

describe('polygonProblem', () => {
  it('passes a box, and a box with a hole', () => {
    assert.equal(polygonProblem(HEAVITREE_BOX), null);
    const hole = [
      [-3.52, 50.727],
      [-3.52, 50.729],
      [-3.515, 50.729],
      [-3.515, 50.727],
      [-3.52, 50.727],
    ];
    assert.equal(
      polygonProblem({ type: 'Polygon', coordinates: [HEAVITREE_BOX.coordinates[0]!, hole] }),
      null,
    );
  });

  it('names the polygon of a multipolygon that crosses itself', () => {
    const bowTie = [
      [
        [0, 0],
        [1, 1],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    ];
    assert.match(
      polygonProblem({ type: 'MultiPolygon', coordinates: [TQ12_BOX, bowTie] }) ?? '',
      /^polygon 1 outline crosses itself near 0\.5, 0\.5/,
    );
  });

  it('leaves the crossing check out for a polygon its caller says is too large', () => {
    // Lopsided, so that its two halves do not cancel out to no area.
    const bowTie: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 1],
          [3, 0],
          [0, 2],
          [0, 0],
        ],
      ],
    };
    assert.match(polygonProblem(bowTie) ?? '', /crosses itself/);
    assert.equal(
      polygonProblem(bowTie, () => false),
      null,
    );
  });
});

describe('mainCouncil', () => {
  it('is the council with most of the postcodes, ties by code, never the postcodes with no council', () => {
    assert.equal(
      mainCouncil(
        new Map([
          [null, 9],
          ['E07000045', 2],
          ['E07000041', 2],
        ]),
      ),
      'E07000041',
    );
    assert.equal(mainCouncil(new Map([[null, 3]])), null);
    assert.equal(mainCouncil(new Map()), null);
  });
});
