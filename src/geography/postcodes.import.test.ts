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
import { gridToLatLon } from './postcodes.import.ts';
import { tryNormalisePostcode } from './postcode.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(projectRoot, process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
const CODEPOINT = path.join(DATA, 'postcodes/codepoint_open_2014_two_tier_sample.csv');
const ONSPD = path.join(DATA, 'postcodes/onspd_2024_postcodesio_seed.csv');

const find = (db: Kysely<DB>, postcode: string) =>
  db.selectFrom('postcode').selectAll().where('postcode', '=', postcode).executeTakeFirstOrThrow();

const countPostcodes = async (db: Kysely<DB>) =>
  (
    await sql<{ n: number; runs: number }>`select (select count(*)::int from postcode) as n,
    (select count(*)::int from import_run) as runs`.execute(db)
  ).rows[0]!;

/** Metres between two WGS84 points (haversine). */
function metres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** The sample's rows: its 10 Code-Point columns and the lat/long derived beside them. */
function codePointSample() {
  const [, ...lines] = fs.readFileSync(CODEPOINT, 'utf8').trim().split('\n');
  return lines.map((line) => {
    const fields = line.split(',');
    const postcode = tryNormalisePostcode(fields[0]!);
    assert.ok(postcode, fields[0]);
    return { fields: fields.slice(0, 10), postcode, lat: Number(fields[10]), lon: Number(fields[11]) };
  });
}

const ONS_HEADER = 'pcds,dointr,doterm,oscty,oslaua,osward,parish,ctry,lat,long';

describe('postcodes import', () => {
  let database: Database;
  let db: Kysely<DB>;
  let folder: string;
  let codepoint: ImportSummary;
  let onspd: ImportSummary;

  before(async () => {
    database = await openTestDatabase();
    db = database.db;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-postcodes-'));
    codepoint = await runImport(db, 'postcodes', CODEPOINT, silentProgress);
    onspd = await runImport(db, 'postcodes', ONSPD, silentProgress);
  });
  after(async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await database.close();
  });

  it('reads Code-Point Open with its header: districts, counties and wards of the two-tier sample', async () => {
    assert.deepEqual([codepoint.read, codepoint.inserted, codepoint.updated], [4000, 4000, 0]);
    assert.match(codepoint.note ?? '', /Code-Point Open with its header/);
    const exeter = await find(db, 'EX1 1AE');
    assert.equal(exeter.district_code, 'E07000041');
    assert.equal(exeter.county_code, 'E10000008');
    assert.equal(exeter.ward_code, 'E05003502');
    assert.equal(exeter.country_code, 'E92000001');
    assert.equal(exeter.source, 'codepoint_open_2014_two_tier_sample.csv');
    assert.equal(exeter.introduced, null);
    // Blackburn with Darwen is a unitary: Code-Point leaves its county blank.
    const blackburn = await find(db, 'BB1 1AB');
    assert.equal(blackburn.district_code, 'E06000008');
    assert.equal(blackburn.county_code, null);
    const byDistrict = await db
      .selectFrom('postcode')
      .select(['district_code', sql<number>`count(*)::int`.as('n')])
      .where('county_code', '=', 'E10000008')
      .groupBy('district_code')
      .execute();
    assert.equal(byDistrict.length, 8, 'postcodes in each of Devon’s eight districts');
  });

  it('converts eastings and northings to within a few metres of the sample’s own WGS84 positions', async () => {
    const sample = codePointSample();
    const stored = new Map(
      (
        await db
          .selectFrom('postcode')
          .select(['postcode', 'lat', 'lon'])
          .where('source', '=', path.basename(CODEPOINT))
          .execute()
      ).map((p) => [p.postcode, p]),
    );
    let worst = 0;
    for (const row of sample) {
      const p = stored.get(row.postcode);
      assert.ok(p && p.lat !== null && p.lon !== null, row.postcode);
      worst = Math.max(worst, metres({ lat: p.lat, lon: p.lon }, row));
    }
    assert.ok(worst < 5, `worst difference ${worst.toFixed(2)} m`);
    const exeter = gridToLatLon(291960, 92581);
    assert.ok(metres(exeter, { lat: 50.722777, lon: -3.531951 }) < 1);
  });

  it('reads the ONS postcode directory: pseudo-codes and "no location" become null', async () => {
    assert.deepEqual([onspd.read, onspd.inserted], [8048, 8048]);
    const aberdeen = await find(db, 'AB1 0AA');
    assert.equal(aberdeen.district_code, 'S12000033');
    assert.equal(aberdeen.county_code, null, 'S99999999 means no county');
    assert.equal(aberdeen.parish_code, null);
    assert.equal(aberdeen.ward_code, 'S13002843');
    assert.equal(aberdeen.country_code, 'S92000003');
    assert.equal(aberdeen.introduced, '198001');
    assert.equal(aberdeen.terminated, '199606');
    assert.equal(aberdeen.lat, 57.101474);
    assert.equal(aberdeen.lon, -2.242851);
    const southwark = await find(db, 'SE1 2DL');
    assert.equal(southwark.district_code, 'E09000028');
    assert.equal(southwark.terminated, null);
    const manchester = await find(db, 'M1 1AD');
    assert.equal(manchester.district_code, 'E08000003');
    const jersey = await find(db, 'JE2 4WD');
    assert.deepEqual(
      [jersey.lat, jersey.lon, jersey.district_code, jersey.county_code, jersey.country_code],
      [null, null, null, null, 'L93000001'],
    );
    const unknown = await sql<{ n: number }>`select count(*)::int as n from postcode
      where source = 'onspd_2024_postcodesio_seed.csv' and lat is null`.execute(db);
    assert.equal(unknown.rows[0]!.n, 2, 'the two rows at 99.999999, 0.000000');
  });

  it('reads Code-Point Open as OS distributes it, without a header row', async () => {
    const rows = codePointSample()
      .filter((r) => /^(EX4|GL50|PR1|OX1) /.test(r.postcode))
      .slice(0, 12);
    assert.ok(rows.length >= 4);
    const file = path.join(folder, 'ex.csv');
    // As OS writes it: quoted codes, no header, ten fields.
    fs.writeFileSync(
      file,
      rows.map((r) => r.fields.map((f, i) => ([1, 2, 3].includes(i) ? f : `"${f}"`)).join(',')).join('\r\n') +
        '\r\n',
    );
    await db
      .deleteFrom('postcode')
      .where(
        'postcode',
        'in',
        rows.map((r) => r.postcode),
      )
      .execute();
    const summary = await runImport(db, 'postcodes', file, silentProgress);
    assert.deepEqual([summary.read, summary.inserted], [rows.length, rows.length]);
    assert.match(summary.note ?? '', /without a header/);
    for (const row of rows) {
      const p = await find(db, row.postcode);
      assert.equal(p.source, 'ex.csv');
      assert.equal(p.district_code, row.fields[8]);
      assert.equal(p.county_code, row.fields[7] || null);
      assert.ok(metres({ lat: p.lat!, lon: p.lon! }, row) < 50, row.postcode);
    }
  });

  it('changes nothing when a file is imported again', async () => {
    const before = await countPostcodes(db);
    const again = await runImport(db, 'postcodes', ONSPD, silentProgress);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 8048]);
    assert.equal((await countPostcodes(db)).n, before.n);
  });

  it('names the line of a postcode it cannot read, and keeps none of the rows before it', async () => {
    const letters = 'ABDEFGHJLNPQRSTUWXYZ';
    const good = Array.from({ length: 1500 }, (_, i) => {
      const postcode = `ZZ${1 + Math.floor(i / 400)} ${i % 10}${letters[Math.floor(i / 10) % 20]}${letters[Math.floor(i / 200) % 20]}`;
      return `${postcode},202001,,E10000008,E07000041,E05003502,E43000001,E92000001,50.72,-3.53`;
    });
    const file = path.join(folder, 'bad-postcode.csv');
    fs.writeFileSync(file, [ONS_HEADER, ...good, 'EX1 1A,202001,,,,,,,50.7,-3.5', ''].join('\n'));
    const before = await countPostcodes(db);
    await assert.rejects(runImport(db, 'postcodes', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.file, file);
      assert.equal(error.line, 1502);
      assert.equal(error.column, 'pcds');
      assert.equal(error.message, `${file}, line 1502, column "pcds": "EX1 1A" is not a UK postcode`);
      return true;
    });
    assert.deepEqual(await countPostcodes(db), before);
    assert.equal(
      await db.selectFrom('postcode').select('postcode').where('postcode', 'like', 'ZZ%').executeTakeFirst(),
      undefined,
    );
  });

  it('names the line and column of a bad latitude', async () => {
    const file = path.join(folder, 'bad-lat.csv');
    fs.writeFileSync(file, `${ONS_HEADER}\nZZ9 9ZZ,202001,,,,,,,50.7.1,-3.5\n`);
    await assert.rejects(runImport(db, 'postcodes', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.message, `${file}, line 2, column "lat": "50.7.1" is not a number`);
      return true;
    });
  });

  it('refuses a file whose first line is neither a known header nor Code-Point data', async () => {
    const file = path.join(folder, 'unknown.csv');
    fs.writeFileSync(file, 'postcode,latitude,longitude\nEX1 1AE,50.7,-3.5\n');
    const before = await countPostcodes(db);
    await assert.rejects(runImport(db, 'postcodes', file, silentProgress), (error: ImportError) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.line, 1);
      assert.match(
        error.message,
        /matches no known format: expected columns of an ONS postcode directory, ONSPD or NSPL \(pcds, dointr/,
      );
      assert.match(error.message, /OS Code-Point Open with its header \(Postcode, Eastings, Northings/);
      return true;
    });
    assert.deepEqual(await countPostcodes(db), before);
  });
});
