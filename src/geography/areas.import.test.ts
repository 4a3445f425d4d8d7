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
import { silentProgress } from '../platform/import/progress.ts';
import { createGeographyService } from './geography.service.ts';
import { parseAreaKind } from './areas.import.ts';

/** Real postcodes of Exeter and Teignbridge from the shipped Code-Point Open sample. */
const POSTCODES = [
  ['EX1 1AE', 50.722777, -3.531951, 'E07000041'],
  ['EX1 1DR', 50.720144, -3.532418, 'E07000041'],
  ['EX1 2AL', 50.727967, -3.521579, 'E07000041'],
  ['EX1 2DL', 50.728127, -3.514783, 'E07000041'],
  ['TQ12 1BT', 50.528602, -3.611691, 'E07000045'],
] as const;

describe('import areas: a partnership’s own areas from their postcodes', () => {
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
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-areas-'));
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
  const importAreas = (csv: string, options = { partnership: 'test-devon', kind: 'locality' as const }) =>
    runImport(database.db, 'areas', csv, silentProgress, csv, { areas: options });
  const held = async () =>
    (
      await sql<{ code: string; kind: string; parent: string | null; prefixes: string }>`
        select a.code, a.kind, a.parent_code as parent, string_agg(p.prefix, '; ' order by p.prefix) as prefixes
          from area a join area_postcode p on p.area_code = a.code group by a.code, a.kind, a.parent_code
         order by a.code`.execute(database.db)
    ).rows;

  beforeEach(async () => {
    await withSystem(database.db, async (tx) => {
      await tx.deleteFrom('area_postcode').execute();
      await tx.deleteFrom('partnership_area').where('area_code', 'like', 'test-devon:%').execute();
      await tx.deleteFrom('area').where('code', 'like', 'test-devon:%').execute();
    });
  });

  it('makes each area from its sectors, districts and units, and a postcode inside it is found in it', async () => {
    const csv = file('heavitree.csv', 'name,postcodes\nHeavitree,ex1 2; EX1 1AE\nSouth Teign,TQ12\n');
    const summary = await importAreas(csv);
    assert.equal(summary.inserted, 2);
    assert.deepEqual(await held(), [
      {
        code: 'test-devon:locality:heavitree',
        kind: 'locality',
        parent: 'E07000041',
        prefixes: 'EX1 1AE; EX1 2',
      },
      { code: 'test-devon:locality:south-teign', kind: 'locality', parent: 'E07000045', prefixes: 'TQ12' },
    ]);
    const geography = await createGeographyService(database.db);
    const inside = await geography.lookupPostcode('EX1 2DL');
    assert.ok(inside.areas.some((a) => a.code === 'test-devon:locality:heavitree'));
    const outside = await geography.lookupPostcode('EX1 1DR');
    assert.ok(!outside.areas.some((a) => a.kind === 'locality'), JSON.stringify(outside.areas));
  });

  it('changes nothing when the same file is imported again, and replaces the postcodes when they change', async () => {
    const csv = file('again.csv', 'name,postcodes\nHeavitree,EX1 2\n');
    assert.equal((await importAreas(csv)).inserted, 1);
    const again = await importAreas(csv);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 1]);
    const changed = file('changed.csv', 'name,postcodes\nHeavitree,EX1 1\n');
    assert.equal((await importAreas(changed)).updated, 1);
    assert.equal((await held())[0]?.prefixes, 'EX1 1');
  });

  it('adds up several rows for one area', async () => {
    const csv = file('rows.csv', 'code,name,postcodes\nhv,Heavitree,EX1 2\nhv,Heavitree,EX1 1DR\n');
    await importAreas(csv);
    assert.deepEqual(await held(), [
      { code: 'hv', kind: 'locality', parent: 'E07000041', prefixes: 'EX1 1DR; EX1 2' },
    ]);
  });

  const refusals: Array<[string, string, RegExp]> = [
    [
      'unknown-sector.csv',
      'name,postcodes\nHeavitree,EX1 2\nNowhere,EX1 9\n',
      /line 3, column "postcodes": area .*nowhere \(Nowhere\) names EX1 9, which holds no postcode/,
    ],
    [
      'not-a-postcode.csv',
      'name,postcodes\nHeavitree,EX1 2; bins\n',
      /line 2, column "postcodes": "bins" is not a postcode/,
    ],
    [
      'empty.csv',
      'name,postcodes\nHeavitree, ; \n',
      /line 2, column "postcodes": (is empty|names no postcode)/,
    ],
    [
      'council-code.csv',
      'code,name,postcodes\nE07000041,Exeter again,EX1 2\n',
      /column "code": code E07000041 is already Exeter \(district\)/,
    ],
    ['no-header.csv', 'area,sectors\nHeavitree,EX1 2\n', /line 1: has no name or postcodes column/],
    [
      'two-names.csv',
      'code,name,postcodes\nhv,Heavitree,EX1 2\nhv,Heavitree East,EX1 1\n',
      /line 3, column "name": area hv is named "Heavitree" on line 2/,
    ],
  ];
  for (const [name, text, message] of refusals) {
    it(`refuses ${name.replace('.csv', '')} with the line and column, and keeps nothing`, async () => {
      const csv = file(name, text);
      await assert.rejects(importAreas(csv), (error: unknown) => {
        assert.ok(error instanceof ImportError, String(error));
        assert.match(error.message, message);
        return true;
      });
      assert.deepEqual(await held(), []);
    });
  }

  it('refuses a partnership that does not exist, and a kind there is not', async () => {
    const csv = file('ok.csv', 'name,postcodes\nHeavitree,EX1 2\n');
    await assert.rejects(
      importAreas(csv, { partnership: 'no-such', kind: 'locality' }),
      /there is no partnership "no-such"/,
    );
    assert.equal(parseAreaKind('Market-Town'), 'market_town');
    assert.throws(() => parseAreaKind('county'), /--kind must be one of locality, market-town, parish, ward/);
  });
});
