/**
 * A partnership's own areas drawn as boundaries: `jointly import areas FILE.geojson --partnership
 * SLUG --kind KIND`. The file is a GeoJSON FeatureCollection (WGS84 longitude/latitude) of
 * Polygon and MultiPolygon features, one area each: its name from the `name` property (or the one
 * `--name-property` names), its code from an optional `code` property (made from the partnership,
 * the kind and the name when there is none).
 *
 * Every feature is checked before anything is written, and the first problem stops the import
 * with the feature's number (counted from 0, as in `features[0]`) and what is wrong: no name, a
 * geometry that is not a polygon, a position that is not a longitude and latitude, a ring that is
 * not closed, a polygon that encloses no area or whose outline crosses itself. The caller's
 * transaction then keeps nothing.
 *
 * An area is defined by its boundary: a postcode is in it when the postcode directory's point for
 * it lies inside (the geography service's spatial index decides, as it does for a point). The
 * import counts the directory's postcodes inside each area with the same index, makes the council
 * holding most of them the area's parent, and says which areas hold none. Importing a file again
 * makes each area's boundary what the file says (an area defined by postcodes before loses them),
 * and changes nothing when it is the same.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { area as turfArea } from '@turf/area';
import { kinks as turfKinks } from '@turf/kinks';
import type { Polygon, Position } from 'geojson';
import type { Tx } from '../db/index.ts';
import { ImportError, Tally, fileSize, readFeatures } from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { kindText, type DefinableKind } from './area-kinds.ts';
import {
  AREA_CODE,
  MAX_AREA_NAME,
  areaCodeFor,
  codeTakenBy,
  partnershipForAreas,
  type AreaImportOptions,
} from './areas.import.ts';
import { outlineOf, type Outline } from './boundaries.import.ts';
import { SpatialIndex, polygonParts, type AreaGeometry } from './spatial-index.ts';

/** The property that names each area when the command does not name another. */
export const DEFAULT_NAME_PROPERTY = 'name';

/**
 * Polygons with more positions than this are not checked for crossing themselves (the check
 * compares every pair of edges); the summary names them. Hand-drawn areas have a few hundred.
 */
export const MAX_CHECKED_POSITIONS = 20_000;

/** Postcodes read from the directory at a time while counting those inside the areas. */
const POSTCODE_PAGE = 20_000;

/** An area smaller than this (square metres) encloses nothing a postcode could be in. */
const LEAST_AREA = 1;

export interface AreaFeature {
  /** The feature's number in the file, from 0. */
  index: number;
  code: string;
  name: string;
  outline: Outline;
}

const positionText = ([lon, lat]: Position) => `${Number(lon!.toFixed(6))}, ${Number(lat!.toFixed(6))}`;

/**
 * What is wrong with a polygon or multipolygon whose positions `outlineOf` has checked, or null:
 * a ring that is not closed, a polygon that encloses no area, or an outline that crosses itself.
 * `checkCrossing` is false for a polygon too large to compare every pair of its edges. Pure.
 */
export function polygonProblem(
  geometry: AreaGeometry,
  checkCrossing: (positions: number) => boolean = (n) => n <= MAX_CHECKED_POSITIONS,
): string | null {
  const polygons = polygonParts(geometry);
  if (!polygons) return `its ${geometry.type} is not made of rings of positions`;
  for (const [p, rings] of polygons.entries()) {
    const part = geometry.type === 'Polygon' ? '' : `polygon ${p} `;
    for (const [r, ring] of rings.entries()) {
      const first = ring[0]!;
      const last = ring.at(-1)!;
      if (first[0] !== last[0] || first[1] !== last[1]) {
        return `${part}ring ${r} is not closed: its last position (${positionText(last)}) is not its first (${positionText(first)})`;
      }
    }
    const polygon: Polygon = { type: 'Polygon', coordinates: rings };
    // Crossing first: the two halves of a bow tie enclose areas that cancel out.
    const positions = rings.reduce((n, ring) => n + ring.length, 0);
    const crossing = checkCrossing(positions) ? turfKinks(polygon).features[0] : undefined;
    if (crossing) {
      return `${part}outline crosses itself near ${positionText(crossing.geometry.coordinates)}: redraw it so that no edge crosses another`;
    }
    const outer: Polygon = { type: 'Polygon', coordinates: [rings[0]!] };
    if (turfArea(outer) < LEAST_AREA || turfArea(polygon) < LEAST_AREA) {
      return `${part}encloses no area: its positions lie on one line or on one point`;
    }
  }
  return null;
}

const isPolygonal = (geometry: unknown): geometry is AreaGeometry => {
  const type = (geometry as { type?: unknown } | null)?.type;
  return type === 'Polygon' || type === 'MultiPolygon';
};

/** The type of a geometry for a message: "a Point", "no geometry". */
function geometryText(geometry: unknown): string {
  const type = (geometry as { type?: unknown } | null)?.type;
  if (geometry === null || geometry === undefined) return 'no geometry';
  return typeof type === 'string' ? `a ${type}` : 'a geometry with no type';
}

/**
 * Reads and checks every feature of the file, with progress in bytes. The first problem is an
 * ImportError naming the feature.
 */
export async function readAreaFeatures(
  file: string,
  progress: Progress,
  options: { partnershipSlug: string; kind: DefinableKind; nameProperty: string },
): Promise<{ features: AreaFeature[]; unchecked: string[] }> {
  const features: AreaFeature[] = [];
  const unchecked: string[] = [];
  const byCode = new Map<string, number>();
  progress.start(`Areas: ${path.basename(file)}`, await fileSize(file));
  try {
    for await (const feature of readFeatures(file, progress)) {
      let label = `feature ${feature.index}`;
      const fail = (problem: string): never => {
        throw new ImportError(`${label}: ${problem}`, { file });
      };
      const property = options.nameProperty;
      const value = feature.properties[property];
      if (value === undefined || value === null) {
        const found = Object.keys(feature.properties);
        fail(
          `has no "${property}" property to name the area` +
            ` (its properties: ${found.length > 0 ? found.join(', ') : 'none'}; name another with --name-property)`,
        );
      }
      const name = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
      if (name === '') fail(`its "${property}" property is ${JSON.stringify(value)}, not a name`);
      if (name.length > MAX_AREA_NAME) fail(`its name is longer than ${MAX_AREA_NAME} characters`);
      label = `feature ${feature.index} (${name})`;
      const given = feature.properties.code;
      let code: string;
      if (given === undefined || given === null || given === '') {
        code = areaCodeFor(options.partnershipSlug, options.kind, name);
      } else {
        code = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
        if (!AREA_CODE.test(code)) {
          fail(
            `its code ${JSON.stringify(given)} is not a code: use letters, digits and : . _ - (64 at most)`,
          );
        }
      }
      const sameCode = byCode.get(code);
      if (sameCode !== undefined) {
        fail(
          given === undefined || given === null || given === ''
            ? `feature ${sameCode} has the same name: give each a "code" property to keep both`
            : `its code ${code} is already the code of feature ${sameCode}`,
        );
      }
      byCode.set(code, feature.index);
      if (!isPolygonal(feature.geometry)) {
        fail(`its geometry is ${geometryText(feature.geometry)}, not a Polygon or MultiPolygon`);
      }
      const geometry = feature.geometry as AreaGeometry;
      const outline = outlineOf(geometry, fail);
      const problem = polygonProblem(geometry, (positions) => {
        const check = positions <= MAX_CHECKED_POSITIONS;
        if (!check && !unchecked.includes(label)) unchecked.push(label);
        return check;
      });
      if (problem) fail(problem);
      features.push({ index: feature.index, code, name, outline });
    }
  } finally {
    progress.stop();
  }
  if (features.length === 0) throw new ImportError('has no features: there is no area to define', { file });
  return { features, unchecked };
}

/**
 * How many of the directory's postcodes lie inside each area, and in which council, read a page
 * at a time within the areas' bounding box, with progress in postcodes.
 */
async function postcodesInside(
  tx: Tx,
  features: readonly AreaFeature[],
  progress: Progress,
): Promise<Map<string, Map<string | null, number>>> {
  const index = SpatialIndex.build(
    features.map((f) => ({
      key: f.code,
      geometry: f.outline.geometry as AreaGeometry,
      toleranceMetres: 0,
      data: null,
    })),
  );
  // Folded rather than spread into Math.min: a file may hold more areas than a call takes arguments.
  const box = features.reduce(
    (b, { outline: o }) => ({
      minLon: Math.min(b.minLon, o.minLon),
      minLat: Math.min(b.minLat, o.minLat),
      maxLon: Math.max(b.maxLon, o.maxLon),
      maxLat: Math.max(b.maxLat, o.maxLat),
    }),
    { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity },
  );
  const counts = new Map<string, Map<string | null, number>>(features.map((f) => [f.code, new Map()]));
  progress.start('Postcodes inside the areas');
  try {
    let after = '';
    for (;;) {
      const { rows } = await sql<{
        postcode: string;
        lat: number;
        lon: number;
        district_code: string | null;
      }>`
        SELECT postcode, lat, lon, district_code FROM postcode
         WHERE postcode > ${after}
           AND lat BETWEEN ${box.minLat} AND ${box.maxLat}
           AND lon BETWEEN ${box.minLon} AND ${box.maxLon}
         ORDER BY postcode
         LIMIT ${POSTCODE_PAGE}`.execute(tx);
      for (const row of rows) {
        for (const hit of index.query(row.lon, row.lat).containing) {
          const byDistrict = counts.get(hit.key)!;
          byDistrict.set(row.district_code, (byDistrict.get(row.district_code) ?? 0) + 1);
        }
      }
      progress.tick(rows.length);
      if (rows.length < POSTCODE_PAGE) break;
      after = rows.at(-1)!.postcode;
    }
  } finally {
    progress.stop();
  }
  return counts;
}

/** The council holding most of an area's postcodes (ties by code), or null when it holds none. */
export function mainCouncil(byDistrict: ReadonlyMap<string | null, number>): string | null {
  return (
    [...byDistrict]
      .filter((entry): entry is [string, number] => entry[0] !== null)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null
  );
}

async function writeBoundaryArea(
  tx: Tx,
  feature: AreaFeature,
  kind: DefinableKind,
  parent: string | null,
  source: string,
): Promise<'inserted' | 'updated' | 'unchanged'> {
  const geometry = JSON.stringify(feature.outline.geometry);
  const before = await tx
    .selectFrom('area')
    .select(['name', 'kind', 'parent_code'])
    .where('code', '=', feature.code)
    .executeTakeFirst();
  const { rows: boundaries } = await sql<{ source: string; same: boolean }>`
    SELECT source, geometry = ${geometry}::jsonb AS same FROM boundary WHERE area_code = ${feature.code}`.execute(
    tx,
  );
  const prefixes = await tx
    .selectFrom('area_postcode')
    .select('prefix')
    .where('area_code', '=', feature.code)
    .limit(1)
    .execute();
  // A parish or ward already in the register keeps its council as parent.
  const parentCode = before?.parent_code ?? parent;
  if (
    before &&
    before.name === feature.name &&
    before.kind === kind &&
    prefixes.length === 0 &&
    boundaries.length === 1 &&
    boundaries[0]!.source === source &&
    boundaries[0]!.same
  ) {
    return 'unchanged';
  }
  await tx
    .insertInto('area')
    .values({ code: feature.code, name: feature.name, kind, parent_code: parentCode, source })
    .onConflict((oc) =>
      oc
        .column('code')
        .doUpdateSet({ name: feature.name, kind, parent_code: parentCode, source, updated_at: new Date() }),
    )
    .execute();
  await tx.deleteFrom('area_postcode').where('area_code', '=', feature.code).execute();
  await tx.deleteFrom('boundary').where('area_code', '=', feature.code).execute();
  await tx
    .insertInto('boundary')
    .values({
      area_code: feature.code,
      source,
      geometry,
      min_lon: feature.outline.minLon,
      min_lat: feature.outline.minLat,
      max_lon: feature.outline.maxLon,
      max_lat: feature.outline.maxLat,
      vertex_count: feature.outline.vertexCount,
    })
    .execute();
  return before ? 'updated' : 'inserted';
}

/** The first ten of a list for a summary line, and how many more. */
const firstFew = (items: readonly string[]) =>
  items.length <= 10 ? items.join(', ') : `${items.slice(0, 10).join(', ')} and ${items.length - 10} more`;

/** Imports a GeoJSON file of a partnership's areas in the caller's transaction. */
export async function importAreaBoundaryFile(
  tx: Tx,
  file: string,
  progress: Progress,
  options: AreaImportOptions,
): Promise<Tally> {
  const tally = new Tally(`${kindText(options.kind)} boundaries of ${options.partnership}`);
  const partnership = await partnershipForAreas(tx, options.partnership, file);
  const nameProperty = options.nameProperty?.trim() || DEFAULT_NAME_PROPERTY;
  const { features, unchecked } = await readAreaFeatures(file, progress, {
    partnershipSlug: partnership.slug,
    kind: options.kind,
    nameProperty,
  });
  tally.read = features.length;
  for (const feature of features) {
    const taken = await codeTakenBy(tx, feature.code, partnership.partnership_id);
    if (taken) throw new ImportError(`feature ${feature.index} (${feature.name}): ${taken}`, { file });
  }
  const counts = await postcodesInside(tx, features, progress);
  const source = path.basename(file);
  const empty: string[] = [];
  let postcodes = 0;
  for (const feature of features) {
    const byDistrict = counts.get(feature.code)!;
    const held = [...byDistrict.values()].reduce((a, b) => a + b, 0);
    postcodes += held;
    if (held === 0) empty.push(feature.name);
    const result = await writeBoundaryArea(tx, feature, options.kind, mainCouncil(byDistrict), source);
    if (result !== 'unchanged') tally[result] += 1;
    await tx
      .insertInto('partnership_area')
      .values({ partnership_id: partnership.partnership_id, area_code: feature.code })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  tally.note(`${postcodes} postcodes of the directory inside them`);
  if (empty.length > 0) {
    tally.note(
      `${empty.length} hold${empty.length === 1 ? 's' : ''} no postcode of the directory (${firstFew(empty)}): ` +
        'check they are drawn where you meant, in longitude and latitude',
    );
  }
  if (unchecked.length > 0) {
    tally.note(
      `not checked for crossing itself (over ${MAX_CHECKED_POSITIONS} positions): ${firstFew(unchecked)}`,
    );
  }
  return tally;
}
