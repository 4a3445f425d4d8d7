/**
 * `GET /api/v1/areas` and `GET /api/v1/postcodes/:postcode` through `app.inject()`, on a minimal
 * application (error handling, the OpenAPI document and the geography routes) over a real
 * geography service and a few real councils, postcodes and boundaries from ../shared/data.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import swagger from '@fastify/swagger';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/engine.ts';
import { errorHandling } from '../platform/error-handling.ts';
import { geographyRoutes } from './areas.routes.ts';
import { createGeographyService } from './geography.service.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA = path.resolve(projectRoot, process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
const TARGET_2021 = 'derived_target_two_tier_areas_2021.geojson';
const CODE_POINT = 'codepoint_open_2014_two_tier_sample.csv';

/** The outline of each council in the 2021 fixture layer of the reference data, by GSS code. */
function outlines(): Map<string, { type: string; coordinates: unknown }> {
  const features: Array<{ properties: { code: string }; geometry: { type: string; coordinates: unknown } }> =
    JSON.parse(fs.readFileSync(path.join(DATA, 'boundaries', TARGET_2021), 'utf8')).features;
  return new Map(features.map((f) => [f.properties.code, f.geometry]));
}

async function loadPlaces(database: Database): Promise<void> {
  const { db } = database;
  await db
    .insertInto('area')
    .values([
      { code: 'E10000008', name: 'Devon', kind: 'county', parent_code: null, source: 'test' },
      { code: 'E09000028', name: 'Southwark', kind: 'london_borough', parent_code: null, source: 'test' },
    ])
    .execute();
  await db
    .insertInto('area')
    .values([
      { code: 'E07000041', name: 'Exeter', kind: 'district', parent_code: 'E10000008', source: 'test' },
      { code: 'E07000045', name: 'Teignbridge', kind: 'district', parent_code: 'E10000008', source: 'test' },
    ])
    .execute();
  const geometries = outlines();
  for (const code of ['E07000041', 'E07000045']) {
    const geometry = geometries.get(code)!;
    const positions = (JSON.stringify(geometry.coordinates).match(/\[-?[\d.]+,-?[\d.]+\]/g) ?? []).map(
      (p) => JSON.parse(p) as [number, number],
    );
    await db
      .insertInto('boundary')
      .values({
        area_code: code,
        source: TARGET_2021,
        geometry: JSON.stringify(geometry),
        min_lon: Math.min(...positions.map((p) => p[0])),
        min_lat: Math.min(...positions.map((p) => p[1])),
        max_lon: Math.max(...positions.map((p) => p[0])),
        max_lat: Math.max(...positions.map((p) => p[1])),
        vertex_count: positions.length,
      })
      .execute();
  }
  const codePoint = (postcode: string, district: string, lat: number, lon: number) => ({
    postcode,
    lat,
    lon,
    country_code: 'E92000001',
    county_code: 'E10000008',
    district_code: district,
    source: CODE_POINT,
  });
  await db
    .insertInto('postcode')
    .values([
      // Code-Point Open 2014 sample rows.
      codePoint('EX1 1AE', 'E07000041', 50.722777, -3.531951),
      codePoint('EX2 8UF', 'E07000041', 50.697047, -3.536068),
      codePoint('EX2 8UD', 'E07000045', 50.692964, -3.540154),
      // ONSPD 2024 seed: terminated in December 1998.
      {
        postcode: 'SE1 9ZZ',
        lat: 51.506903,
        lon: -0.100841,
        country_code: 'E92000001',
        district_code: 'E09000028',
        introduced: '199806',
        terminated: '199812',
        source: 'onspd_2024_postcodesio_seed.csv',
      },
    ])
    .execute();
}

const PROBLEM = 'application/problem+json; charset=utf-8';

/** A problem document; `word` is the `status` the API contract names for the outcome, if any. */
function assertProblem(response: LightMyRequestResponse, status: number, detail: RegExp, code?: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.headers['content-type'], PROBLEM);
  const body = response.json();
  assert.equal(body.type, 'about:blank');
  // RFC 9457: `status` is the HTTP status number; the contract's word for the outcome is `code`.
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(typeof body.title, 'string');
  assert.match(body.detail, detail);
  return body;
}

describe('geography API', () => {
  let database: Database;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });

  before(async () => {
    database = await openTestDatabase();
    await loadPlaces(database);
    const geography = await createGeographyService(database.db);
    app = Fastify({
      logger: false,
      ajv: { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: false } },
    });
    app.decorate('services', { geography } as never);
    await app.register(swagger, { openapi: { info: { title: 'test', version: '1' } } });
    await app.register(errorHandling);
    await app.register(geographyRoutes, { prefix: '/api/v1' });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  describe('GET /api/v1/areas', () => {
    it('answers a postcode with its council, the areas covering it and why', async () => {
      const response = await get('/api/v1/areas?postcode=ex1%201ae');
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.deepEqual(response.json(), {
        status: 'found',
        place: {
          query: 'EX1 1AE',
          postcode: 'EX1 1AE',
          kind: 'postcode',
          lat: 50.722777,
          lon: -3.531951,
          terminated: null,
          source: CODE_POINT,
          country: 'England',
        },
        localAreas: [{ code: 'E07000041', name: 'Exeter', kind: 'district', parentCode: 'E10000008' }],
        areas: [
          { code: 'E07000041', name: 'Exeter', kind: 'district', parentCode: 'E10000008' },
          { code: 'E10000008', name: 'Devon', kind: 'county', parentCode: null },
        ],
        reason: `EX1 1AE is in Exeter (E07000041), in Devon, according to OS Code-Point Open (${CODE_POINT}).`,
      });
    });

    it('lists every council of an outcode that spans two', async () => {
      const response = await get('/api/v1/areas?postcode=EX2');
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.status, 'ambiguous');
      assert.equal(body.place.kind, 'outcode');
      assert.deepEqual(
        body.localAreas.map((a: { code: string }) => a.code),
        ['E07000041', 'E07000045'],
      );
      assert.match(body.reason, /1 in Exeter \(E07000041\) and 1 in Teignbridge \(E07000045\)/);
    });

    it('answers a point inside a council', async () => {
      const response = await get('/api/v1/areas?lat=50.722777&lon=-3.531951');
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.status, 'found');
      assert.equal(body.place.kind, 'point');
      assert.equal(body.place.lat, 50.722777);
      assert.equal(body.place.source, TARGET_2021);
      assert.deepEqual(
        body.areas.map((a: { code: string }) => a.code),
        ['E07000041', 'E10000008'],
      );
    });

    it('answers a point beside the Exeter–Teignbridge boundary as ambiguous, with both councils', async () => {
      const response = await get('/api/v1/areas?lat=50.692964&lon=-3.540154');
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.status, 'ambiguous');
      assert.deepEqual(
        body.localAreas.map((a: { code: string }) => a.code),
        ['E07000045', 'E07000041'],
      );
      assert.match(body.reason, /could be in Teignbridge \(E07000045\) or Exeter \(E07000041\)/);
    });

    it('answers an unknown postcode with a 404 problem that still carries the place and the reason', async () => {
      const response = await get('/api/v1/areas?postcode=EX1%201AA');
      const body = assertProblem(
        response,
        404,
        /^EX1 1AA is not in the postcode directory\./,
        'unknown_place',
      );
      assert.equal(body.title, 'Not found');
      assert.equal(body.instance, '/api/v1/areas');
      assert.equal(body.reason, body.detail);
      assert.equal(body.place.query, 'EX1 1AA');
      assert.equal(body.place.kind, 'postcode');
      assert.deepEqual(body.localAreas, []);
      assert.deepEqual(body.areas, []);
    });

    it('answers a point in the sea with a 404 problem', async () => {
      const body = assertProblem(
        await get('/api/v1/areas?lat=50.5&lon=-3.3'),
        404,
        /not in or near any council area we hold a boundary for/,
        'unknown_place',
      );
      assert.equal(body.place.kind, 'point');
      assert.deepEqual(body.localAreas, []);
    });

    it('refuses a malformed postcode with a 400 problem saying what is wrong', async () => {
      assertProblem(
        await get('/api/v1/areas?postcode=EX1%201A'),
        400,
        /after EX1 give the rest of the postcode/,
      );
      assertProblem(await get('/api/v1/areas?postcode=12345'), 400, /is not a UK postcode/);
      assertProblem(await get('/api/v1/areas?postcode=%20%20'), 400, /Enter a postcode/);
    });

    it('refuses a request without a place, or with half a point, or with both kinds of place', async () => {
      assertProblem(await get('/api/v1/areas'), 400, /^Give a postcode, or both lat and lon\.$/);
      assertProblem(await get('/api/v1/areas?lat=50.7'), 400, /^lon is missing/);
      assertProblem(await get('/api/v1/areas?lon=-3.5'), 400, /^lat is missing/);
      assertProblem(await get('/api/v1/areas?postcode=EX1&lat=50.7&lon=-3.5'), 400, /not both/);
    });

    it('refuses coordinates out of range or not numbers, naming the field', async () => {
      const high = assertProblem(await get('/api/v1/areas?lat=91&lon=-3.5'), 400, /lat/);
      assert.deepEqual(
        high.errors.map((e: { field: string }) => e.field),
        ['lat'],
      );
      assertProblem(await get('/api/v1/areas?lat=50.7&lon=-181'), 400, /lon/);
      assertProblem(await get('/api/v1/areas?lat=north&lon=-3.5'), 400, /lat/);
      assertProblem(await get('/api/v1/areas?lat=Infinity&lon=-3.5'), 400, /lat/);
    });

    it('refuses parameters it does not know, an empty postcode and a very long one', async () => {
      const unknown = assertProblem(await get('/api/v1/areas?postcode=EX1&pc=EX2'), 400, /pc is not allowed/);
      assert.deepEqual(unknown.errors, [{ field: 'pc', message: 'is not allowed' }]);
      assertProblem(await get('/api/v1/areas?postcode='), 400, /postcode/);
      assertProblem(await get(`/api/v1/areas?postcode=${'A'.repeat(17)}`), 400, /postcode/);
    });
  });

  describe('GET /api/v1/postcodes/:postcode', () => {
    it('answers a full postcode written any way', async () => {
      for (const written of ['EX1%201AE', 'ex11ae']) {
        const response = await get(`/api/v1/postcodes/${written}`);
        assert.equal(response.statusCode, 200, written);
        assert.equal(response.json().place.postcode, 'EX1 1AE');
        assert.equal(response.json().status, 'found');
      }
    });

    it('answers a terminated postcode, saying when it was terminated', async () => {
      const body = (await get('/api/v1/postcodes/SE1%209ZZ')).json();
      assert.equal(body.status, 'found');
      assert.equal(body.place.terminated, '199812');
      assert.deepEqual(body.localAreas, [
        { code: 'E09000028', name: 'Southwark', kind: 'london_borough', parentCode: null },
      ]);
      assert.match(body.reason, /terminated in December 1998/);
    });

    it('refuses part of a postcode, and answers 404 for one not in the directory', async () => {
      assertProblem(await get('/api/v1/postcodes/EX1'), 400, /"EX1" is only part of a postcode/);
      assertProblem(await get('/api/v1/postcodes/EX1%201'), 400, /only part of a postcode/);
      assertProblem(await get('/api/v1/postcodes/not-one'), 400, /not a postcode/);
      const body = assertProblem(
        await get('/api/v1/postcodes/EX1%201AA'),
        404,
        /not in the postcode directory/,
        'unknown_place',
      );
      assert.equal(body.place.postcode, 'EX1 1AA');
    });
  });

  it('documents both routes in the OpenAPI document under geography', async () => {
    const spec = app.swagger() as {
      paths: Record<
        string,
        { get: { tags: string[]; summary: string; description: string; responses: Record<string, unknown> } }
      >;
    };
    for (const route of ['/api/v1/areas', '/api/v1/postcodes/{postcode}']) {
      const operation = spec.paths[route]?.get;
      assert.ok(operation, route);
      assert.deepEqual(operation.tags, ['geography']);
      assert.ok(operation.summary.length > 0);
      assert.ok(operation.description.length > 0);
      assert.deepEqual(Object.keys(operation.responses).sort(), ['200', '400', '404']);
    }
  });
});
