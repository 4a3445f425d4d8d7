/**
 * Boundaries: GeoJSON FeatureCollections (WGS84 longitude/latitude) of council areas, one
 * `boundary` row per area and file, with the polygon, its bounding box and its vertex count.
 * The GSS code is read from the property the file uses for it (LAD21CD, UTLA21CD, CTYUA21CD,
 * LAD24CD, code, …), found from the first feature. Features for areas the register does not hold
 * (councils abolished since the file was made) and features that are not polygons are skipped.
 */
import path from 'node:path';
import type { Tx } from '../db/index.ts';
import { fileSize, readFeatures } from '../platform/index.ts';
import { ImportError } from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { Tally } from '../platform/index.ts';
import { upsertRows, type Row, type TableSpec } from '../platform/index.ts';

/** Properties that hold a feature's GSS code, most specific first (ONS names end in a year and CD). */
export const CODE_PROPERTIES: ReadonlyArray<string | RegExp> = [
  /^LAD[0-9]{2}CD$/i,
  /^CTYUA[0-9]{2}CD$/i,
  /^UTLA[0-9]{2}CD$/i,
  /^CTY[0-9]{2}CD$/i,
  /^WD[0-9]{2}CD$/i,
  /^PAR(NCP)?[0-9]{2}CD$/i,
  'code',
  'gss_code',
  'gss',
  'areacd',
];

const EXPECTED = 'LAD21CD (or another ONS …CD property), code or gss_code';

/** Boundaries are large: fewer rows a statement keeps statements a sensible size. */
const BOUNDARY_BATCH = 100;
/** …and a batch of detailed outlines is written once it holds this many positions. */
const BATCH_VERTICES = 500_000;

const GSS_CODE = /^[EWSNLMKJ][0-9]{8}$/;

const BOUNDARY_SPEC: TableSpec = {
  table: 'boundary',
  key: ['area_code', 'source'],
  columns: {
    area_code: { type: 'text', rule: 'insert' },
    source: { type: 'text', rule: 'insert' },
    geometry: { type: 'jsonb', rule: 'replace' },
    min_lon: { type: 'double precision', rule: 'replace' },
    min_lat: { type: 'double precision', rule: 'replace' },
    max_lon: { type: 'double precision', rule: 'replace' },
    max_lat: { type: 'double precision', rule: 'replace' },
    vertex_count: { type: 'integer', rule: 'replace' },
  },
};

/** The property holding the GSS code, given one feature's properties; undefined if there is none. */
export function codePropertyOf(properties: Record<string, unknown>): string | undefined {
  const names = Object.keys(properties);
  for (const candidate of CODE_PROPERTIES) {
    const name =
      typeof candidate === 'string'
        ? names.find((n) => n.toLowerCase() === candidate)
        : names.find((n) => candidate.test(n));
    if (name !== undefined) return name;
  }
  return undefined;
}

/** What the first feature of a file says about it: its code property, or why it has none. */
export async function inspectBoundaryFile(
  file: string,
): Promise<{ codeProperty: string | undefined; properties: string[] }> {
  for await (const feature of readFeatures(file)) {
    return { codeProperty: codePropertyOf(feature.properties), properties: Object.keys(feature.properties) };
  }
  return { codeProperty: undefined, properties: [] };
}

export interface Outline {
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  vertexCount: number;
}

/**
 * A polygon or multipolygon checked and measured: every position a finite longitude (−180 to 180)
 * and latitude (−90 to 90), every ring at least four positions. `fail` names what is wrong.
 */
export function outlineOf(
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown },
  fail: (problem: string) => never,
): Outline {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) fail(`its ${geometry.type} has no coordinates`);
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  let vertexCount = 0;
  polygons.forEach((rings: unknown, p: number) => {
    const where = (r: number) => (geometry.type === 'Polygon' ? `ring ${r}` : `polygon ${p} ring ${r}`);
    if (!Array.isArray(rings) || rings.length === 0) fail(`${where(0).replace(/ ring 0$/, '')} has no rings`);
    rings.forEach((ring: unknown, r: number) => {
      if (!Array.isArray(ring) || ring.length < 4) fail(`${where(r)} has fewer than 4 positions`);
      ring.forEach((position: unknown, v: number) => {
        const [lon, lat] = Array.isArray(position) ? (position as unknown[]) : [];
        if (
          typeof lon !== 'number' ||
          typeof lat !== 'number' ||
          !Number.isFinite(lon) ||
          !Number.isFinite(lat) ||
          lon < -180 ||
          lon > 180 ||
          lat < -90 ||
          lat > 90
        ) {
          fail(`${where(r)} position ${v} ${JSON.stringify(position)} is not a longitude and latitude`);
        }
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
        if (lat < minLat) minLat = lat;
        if (lat > maxLat) maxLat = lat;
        vertexCount++;
      });
    });
  });
  return {
    geometry: { type: geometry.type, coordinates: geometry.coordinates },
    minLon,
    minLat,
    maxLon,
    maxLat,
    vertexCount,
  };
}

function isPolygonal(
  geometry: unknown,
): geometry is { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } {
  const type = (geometry as { type?: unknown } | null)?.type;
  return type === 'Polygon' || type === 'MultiPolygon';
}

/** Imports one GeoJSON boundaries file in the caller's transaction. */
export async function importBoundaryFile(tx: Tx, file: string, progress: Progress): Promise<Tally> {
  const source = path.basename(file);
  const tally = new Tally('GeoJSON boundaries');
  const seen = new Map<string, number>();
  let codeProperty: string | undefined;
  let batch: Array<{ code: string; outline: Outline }> = [];
  let batchVertices = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const codes = batch.map((b) => b.code);
    const known = new Set(
      (await tx.selectFrom('area').select('code').where('code', 'in', codes).execute()).map((a) => a.code),
    );
    const rows: Row[] = [];
    for (const { code, outline } of batch) {
      if (!known.has(code)) {
        tally.skip('features for areas not in the register (such as former councils)');
        continue;
      }
      rows.push({
        area_code: code,
        source,
        geometry: JSON.stringify(outline.geometry),
        min_lon: outline.minLon,
        min_lat: outline.minLat,
        max_lon: outline.maxLon,
        max_lat: outline.maxLat,
        vertex_count: outline.vertexCount,
      });
    }
    const result = await upsertRows(tx, BOUNDARY_SPEC, rows);
    tally.inserted += result.inserted.length;
    tally.updated += result.updated.length;
    batch = [];
    batchVertices = 0;
  };

  progress.start(`Boundaries: ${source}`, await fileSize(file));
  try {
    for await (const feature of readFeatures(file, progress)) {
      tally.read++;
      const fail = (problem: string, code?: string): never => {
        throw new ImportError(`feature ${feature.index}${code ? ` (${code})` : ''}: ${problem}`, { file });
      };
      const property: string =
        (codeProperty ??= codePropertyOf(feature.properties)) ??
        fail(
          `no property holds a GSS code: expected ${EXPECTED}, found ` +
            (Object.keys(feature.properties).join(', ') || 'none'),
        );
      const value = feature.properties[property];
      const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
      if (!GSS_CODE.test(code))
        fail(`property ${property} is ${JSON.stringify(value ?? null)}, not a GSS code`);
      const earlier = seen.get(code);
      if (earlier !== undefined) fail(`${code} is already the code of feature ${earlier}`, code);
      seen.set(code, feature.index);
      if (!isPolygonal(feature.geometry)) {
        tally.skip('features that are not polygons');
        continue;
      }
      const outline = outlineOf(feature.geometry, (problem) => fail(problem, code));
      batch.push({ code, outline });
      batchVertices += outline.vertexCount;
      if (batch.length >= BOUNDARY_BATCH || batchVertices >= BATCH_VERTICES) await flush();
    }
    await flush();
  } finally {
    progress.stop();
  }
  if (codeProperty) tally.note(`codes from property ${codeProperty}`);
  return tally;
}
