import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { SpatialIndex, polygonParts, type IndexedArea } from './spatial-index.ts';

/** Metres in a degree of latitude on the sphere turf measures with. */
const M_PER_DEG_LAT = 111_195;
const dLat = (metres: number) => metres / M_PER_DEG_LAT;
const dLon = (metres: number, lat: number) => metres / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));

/** A closed ring around a box, west/south/east/north in degrees. */
const ring = (west: number, south: number, east: number, north: number): Position[] => [
  [west, south],
  [east, south],
  [east, north],
  [west, north],
  [west, south],
];
const box = (west: number, south: number, east: number, north: number): Polygon => ({
  type: 'Polygon',
  coordinates: [ring(west, south, east, north)],
});

/** A circle of `vertices` points: long rings exercise the runs of boundary the index keeps. */
function circle(lon: number, lat: number, radiusMetres: number, vertices: number): Polygon {
  const points: Position[] = [];
  for (let i = 0; i < vertices; i++) {
    const angle = (2 * Math.PI * i) / vertices;
    points.push([
      lon + dLon(radiusMetres, lat) * Math.cos(angle),
      lat + dLat(radiusMetres) * Math.sin(angle),
    ]);
  }
  points.push(points[0]!);
  return { type: 'Polygon', coordinates: [points] };
}

const area = (key: string, geometry: Polygon | MultiPolygon, toleranceMetres = 100): IndexedArea<string> => ({
  key,
  geometry,
  toleranceMetres,
  data: `data of ${key}`,
});

// Two council-sized boxes in Devon sharing the meridian -3.5 as their border.
const LAT = 50.7;
const WEST = box(-3.6, 50.6, -3.5, 50.8);
const EAST = box(-3.5, 50.6, -3.4, 50.8);

describe('SpatialIndex', () => {
  const index = SpatialIndex.build([area('west', WEST), area('east', EAST)]);

  it('finds the area containing a point far from any border', () => {
    const { containing, near } = index.query(-3.55, LAT);
    assert.deepEqual(containing, [
      { key: 'west', data: 'data of west', distanceMetres: 0, toleranceMetres: 100 },
    ]);
    assert.deepEqual(near, []);
  });

  it('reports the neighbour whose border is within its tolerance, with the distance', () => {
    const { containing, near } = index.query(-3.5 - dLon(40, LAT), LAT);
    assert.deepEqual(
      containing.map((h) => h.key),
      ['west'],
    );
    assert.equal(near.length, 1);
    assert.equal(near[0]!.key, 'east');
    assert.equal(near[0]!.data, 'data of east');
    assert.equal(near[0]!.toleranceMetres, 100);
    assert.ok(Math.abs(near[0]!.distanceMetres - 40) < 1, `${near[0]!.distanceMetres} m`);
  });

  it('does not report a neighbour beyond its tolerance', () => {
    const { containing, near } = index.query(-3.5 - dLon(150, LAT), LAT);
    assert.deepEqual(
      containing.map((h) => h.key),
      ['west'],
    );
    assert.deepEqual(near, []);
  });

  it('counts a point on a shared border as in both areas', () => {
    const { containing, near } = index.query(-3.5, LAT);
    assert.deepEqual(containing.map((h) => h.key).sort(), ['east', 'west']);
    assert.deepEqual(near, []);
  });

  it('reports areas near a point outside all of them, nearest first', () => {
    const corner = SpatialIndex.build([
      area('west', box(-3.6, 50.6, -3.5, 50.7)),
      area('south', box(-3.6, 50.5, -3.5, 50.6 - dLat(60))),
    ]);
    // In the gap between the two, 20 m from `west` and 40 m from `south`.
    const { containing, near } = corner.query(-3.55, 50.6 - dLat(20));
    assert.deepEqual(containing, []);
    assert.deepEqual(
      near.map((h) => h.key),
      ['west', 'south'],
    );
    assert.ok(Math.abs(near[0]!.distanceMetres - 20) < 1);
    assert.ok(Math.abs(near[1]!.distanceMetres - 40) < 1);
  });

  it('finds nothing far from every area', () => {
    assert.deepEqual(index.query(-3.3, 50.5), { containing: [], near: [] });
    assert.deepEqual(index.query(0, 0), { containing: [], near: [] });
  });

  it('uses each area’s own tolerance', () => {
    const mixed = SpatialIndex.build([area('fine', WEST, 10), area('coarse', EAST, 500)]);
    // 300 m west of the border: the coarse boundary could be wrong by that much.
    const inFine = mixed.query(-3.5 - dLon(300, LAT), LAT);
    assert.deepEqual(
      inFine.near.map((h) => [h.key, h.toleranceMetres]),
      [['coarse', 500]],
    );
    // 30 m east of it: the fine boundary could not.
    assert.deepEqual(mixed.query(-3.5 + dLon(30, LAT), LAT).near, []);
  });

  it('never reports an area with no tolerance as near', () => {
    const exact = SpatialIndex.build([area('west', WEST, 0), area('east', EAST, 0)]);
    const { containing, near } = exact.query(-3.5 - dLon(1, LAT), LAT);
    assert.deepEqual(
      containing.map((h) => h.key),
      ['west'],
    );
    assert.deepEqual(near, []);
  });

  it('keeps east–west tolerance in metres far north, where degrees of longitude are short', () => {
    const north = SpatialIndex.build([area('shetland', box(-1.3, 60.1, -1.1, 60.3))]);
    assert.equal(north.query(-1.1 + dLon(90, 60.2), 60.2).near.length, 1);
    assert.equal(north.query(-1.1 + dLon(120, 60.2), 60.2).near.length, 0);
  });

  it('indexes each part of a multipolygon: islands count', () => {
    const islands: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[ring(-3.6, 50.6, -3.5, 50.7)], [ring(-3.3, 50.6, -3.29, 50.61)]],
    };
    const withIsland = SpatialIndex.build([area('mainland and island', islands)]);
    assert.equal(withIsland.size, 1);
    assert.equal(withIsland.partCount, 2);
    assert.deepEqual(
      withIsland.query(-3.295, 50.605).containing.map((h) => h.key),
      ['mainland and island'],
    );
    assert.equal(withIsland.query(-3.4, 50.65).containing.length, 0);
  });

  it('does not count a point in a hole as inside, but reports the hole’s edge when near', () => {
    const holed: Polygon = {
      type: 'Polygon',
      coordinates: [ring(-3.6, 50.6, -3.4, 50.8), ring(-3.55, 50.65, -3.45, 50.75)],
    };
    const donut = SpatialIndex.build([area('around', holed)]);
    assert.deepEqual(donut.query(-3.5, LAT), { containing: [], near: [] });
    const nearEdge = donut.query(-3.45 - dLon(30, LAT), LAT);
    assert.deepEqual(nearEdge.containing, []);
    assert.equal(nearEdge.near[0]?.key, 'around');
    assert.ok(Math.abs(nearEdge.near[0]!.distanceMetres - 30) < 1);
  });

  it('finds borders near a point anywhere along a long ring', () => {
    const round = SpatialIndex.build([area('round', circle(-3.5, LAT, 2_000, 400))]);
    for (const degrees of [0, 45, 137, 200, 290, 359]) {
      const angle = (degrees * Math.PI) / 180;
      const outside = 2_050; // 50 m beyond the edge
      const lon = -3.5 + dLon(outside, LAT) * Math.cos(angle);
      const lat = LAT + dLat(outside) * Math.sin(angle);
      const { containing, near } = round.query(lon, lat);
      assert.deepEqual(containing, [], `${degrees}°`);
      assert.equal(near.length, 1, `${degrees}°`);
      assert.ok(Math.abs(near[0]!.distanceMetres - 50) < 2, `${degrees}°: ${near[0]!.distanceMetres} m`);
    }
    assert.deepEqual(
      round.query(-3.5, LAT).containing.map((h) => h.key),
      ['round'],
    );
  });

  it('leaves out geometries that are not polygons, and says which', () => {
    const built = SpatialIndex.build([
      area('good', WEST),
      {
        key: 'a point',
        geometry: { type: 'Point', coordinates: [-3.5, 50.7] } as never,
        toleranceMetres: 100,
        data: '',
      },
      {
        key: 'open ring',
        geometry: { type: 'Polygon', coordinates: [[[0, 0]]] },
        toleranceMetres: 100,
        data: '',
      },
      { key: 'bad tolerance', geometry: EAST, toleranceMetres: Number.NaN, data: '' },
    ]);
    assert.equal(built.size, 1);
    assert.deepEqual(built.rejected, ['a point', 'open ring', 'bad tolerance']);
    assert.deepEqual(
      built.query(-3.45, LAT).containing.map((h) => h.key),
      [],
    );
  });

  it('refuses the same area twice', () => {
    assert.throws(
      () => SpatialIndex.build([area('west', WEST), area('west', EAST)]),
      /west is in the spatial index twice/,
    );
  });

  it('answers nothing from an empty index', () => {
    const empty = SpatialIndex.build<string>([]);
    assert.equal(empty.size, 0);
    assert.deepEqual(empty.query(-3.5, LAT), { containing: [], near: [] });
  });
});

describe('polygonParts', () => {
  it('gives the parts of a Polygon or MultiPolygon, and null for anything else', () => {
    assert.deepEqual(polygonParts(WEST), [WEST.coordinates]);
    assert.equal(
      polygonParts({ type: 'MultiPolygon', coordinates: [WEST.coordinates, EAST.coordinates] })?.length,
      2,
    );
    assert.equal(polygonParts(null), null);
    assert.equal(
      polygonParts({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }),
      null,
    );
    assert.equal(polygonParts({ type: 'MultiPolygon', coordinates: [] }), null);
    assert.equal(
      polygonParts({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [Number.NaN, 0],
          ],
        ],
      }),
      null,
    );
  });
});
