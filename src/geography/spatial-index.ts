/**
 * An in-memory spatial index over boundary polygons: which areas contain a point, and which areas'
 * boundaries pass within a tolerance of it. Boundaries are generalised, so a point close to a
 * boundary may really lie on either side; callers treat "near" areas as possible answers.
 *
 * Each polygon of a multipolygon is indexed on its own (islands and detached parts), so the exact
 * tests only run on the few parts whose bounding box, widened by the tolerance, holds the point.
 */
import Flatbush from 'flatbush';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { pointToPolygonDistance } from '@turf/point-to-polygon-distance';
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type AreaGeometry = Polygon | MultiPolygon;

export interface IndexedArea<T> {
  /** Unique key of the area, such as its GSS code. */
  key: string;
  geometry: AreaGeometry;
  /** How far (metres) the drawn boundary may stray from the real one. */
  toleranceMetres: number;
  /** Carried through to the results unchanged. */
  data: T;
}

export interface AreaHit<T> {
  key: string;
  data: T;
  /** 0 for an area containing the point; otherwise the distance (metres) to its nearest boundary. */
  distanceMetres: number;
  toleranceMetres: number;
}

export interface PointMatches<T> {
  /** Areas whose polygon contains the point (or has it on its boundary). */
  containing: AreaHit<T>[];
  /** Areas not containing the point whose boundary lies within their tolerance of it, nearest first. */
  near: AreaHit<T>[];
}

interface Part {
  area: number;
  polygon: Polygon;
}

/** A run of consecutive boundary vertices of one part, for finding boundaries near a point. */
const EDGE_RUN = 32;

/** Metres in one degree of latitude on the sphere turf measures with (radius 6,371,008.8 m). */
const METRES_PER_DEGREE = 111_195;
/** Widening of bounding boxes beyond the tolerance, so the cheap filter never drops a real match. */
const SAFETY = 1.1;

const isPosition = (value: unknown): value is Position =>
  Array.isArray(value) &&
  value.length >= 2 &&
  typeof value[0] === 'number' &&
  typeof value[1] === 'number' &&
  Number.isFinite(value[0]) &&
  Number.isFinite(value[1]);

const isRing = (value: unknown): value is Position[] =>
  Array.isArray(value) && value.length >= 4 && value.every(isPosition);

const isPolygonCoordinates = (value: unknown): value is Position[][] =>
  Array.isArray(value) && value.length >= 1 && value.every(isRing);

/** The geometry as polygon parts, or null when it is not a valid Polygon or MultiPolygon. */
export function polygonParts(geometry: unknown): Position[][][] | null {
  if (typeof geometry !== 'object' || geometry === null) return null;
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type === 'Polygon') return isPolygonCoordinates(coordinates) ? [coordinates] : null;
  if (type === 'MultiPolygon') {
    return Array.isArray(coordinates) && coordinates.length > 0 && coordinates.every(isPolygonCoordinates)
      ? coordinates
      : null;
  }
  return null;
}

type Box = [minX: number, minY: number, maxX: number, maxY: number];

function boundsOf(positions: readonly Position[], from = 0, to = positions.length): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = from; i < to; i++) {
    const [x, y] = positions[i] as [number, number];
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** The box widened on every side by `metres`, measured where the box is widest apart in longitude. */
function widen([minX, minY, maxX, maxY]: Box, metres: number): Box {
  if (metres === 0) return [minX, minY, maxX, maxY];
  const padLat = (metres / METRES_PER_DEGREE) * SAFETY;
  const highestLat = Math.min(89, Math.max(Math.abs(minY), Math.abs(maxY)) + padLat);
  const padLon = padLat / Math.cos((highestLat * Math.PI) / 180);
  return [minX - padLon, minY - padLat, maxX + padLon, maxY + padLat];
}

function treeOf(boxes: readonly Box[]): Flatbush | null {
  if (boxes.length === 0) return null;
  const tree = new Flatbush(boxes.length);
  for (const [minX, minY, maxX, maxY] of boxes) tree.add(minX, minY, maxX, maxY);
  tree.finish();
  return tree;
}

export class SpatialIndex<T> {
  private constructor(
    private readonly areas: readonly IndexedArea<T>[],
    private readonly parts: readonly Part[],
    /** Bounding boxes of the parts, for containment. */
    private readonly partTree: Flatbush | null,
    /** Part index of each run of boundary vertices in `edgeTree`. */
    private readonly edgeParts: Uint32Array,
    /** Bounding boxes of boundary runs widened by their area's tolerance, for nearness. */
    private readonly edgeTree: Flatbush | null,
    /** Keys of areas left out because their geometry was not a valid Polygon or MultiPolygon. */
    readonly rejected: readonly string[],
  ) {}

  /**
   * Indexes the areas. An area with a tolerance of 0 is only tested for containment, never
   * reported as near.
   */
  static build<T>(input: readonly IndexedArea<T>[]): SpatialIndex<T> {
    const areas: IndexedArea<T>[] = [];
    const parts: Part[] = [];
    const partBoxes: Box[] = [];
    const edgeBoxes: Box[] = [];
    const edgeParts: number[] = [];
    const rejected: string[] = [];
    const seen = new Set<string>();
    for (const area of input) {
      if (seen.has(area.key)) throw new Error(`area ${area.key} is in the spatial index twice`);
      seen.add(area.key);
      const polygons = polygonParts(area.geometry);
      if (!polygons || !Number.isFinite(area.toleranceMetres) || area.toleranceMetres < 0) {
        rejected.push(area.key);
        continue;
      }
      const areaIndex = areas.push(area) - 1;
      for (const rings of polygons) {
        const partIndex =
          parts.push({ area: areaIndex, polygon: { type: 'Polygon', coordinates: rings } }) - 1;
        partBoxes.push(boundsOf(rings[0]!));
        if (area.toleranceMetres === 0) continue;
        for (const ring of rings) {
          // Runs overlap by one vertex so that every segment lies wholly inside one run.
          for (let from = 0; from < ring.length - 1; from += EDGE_RUN) {
            edgeBoxes.push(
              widen(boundsOf(ring, from, Math.min(ring.length, from + EDGE_RUN + 1)), area.toleranceMetres),
            );
            edgeParts.push(partIndex);
          }
        }
      }
    }
    return new SpatialIndex(
      areas,
      parts,
      treeOf(partBoxes),
      Uint32Array.from(edgeParts),
      treeOf(edgeBoxes),
      rejected,
    );
  }

  /** Number of areas indexed. */
  get size(): number {
    return this.areas.length;
  }

  /** Number of polygon parts indexed. */
  get partCount(): number {
    return this.parts.length;
  }

  query(lon: number, lat: number): PointMatches<T> {
    const point: Position = [lon, lat];
    const inside = new Set<number>();
    for (const i of this.partTree?.search(lon, lat, lon, lat) ?? []) {
      const part = this.parts[i]!;
      if (!inside.has(part.area) && booleanPointInPolygon(point, part.polygon)) inside.add(part.area);
    }
    // Exact distances only for parts of other areas with a run of boundary close to the point.
    const nearParts = new Set<number>();
    for (const i of this.edgeTree?.search(lon, lat, lon, lat) ?? []) {
      const partIndex = this.edgeParts[i]!;
      if (!inside.has(this.parts[partIndex]!.area)) nearParts.add(partIndex);
    }
    const distances = new Map<number, number>();
    for (const partIndex of nearParts) {
      const part = this.parts[partIndex]!;
      const area = this.areas[part.area]!;
      const distance = Math.max(
        0,
        pointToPolygonDistance(point, part.polygon, { units: 'meters', method: 'planar' }),
      );
      if (distance > area.toleranceMetres) continue;
      const best = distances.get(part.area);
      if (best === undefined || distance < best) distances.set(part.area, distance);
    }
    const hit = (index: number, distanceMetres: number): AreaHit<T> => {
      const area = this.areas[index]!;
      return { key: area.key, data: area.data, distanceMetres, toleranceMetres: area.toleranceMetres };
    };
    const containing = [...inside].sort((a, b) => a - b).map((index) => hit(index, 0));
    const near = [...distances]
      .map(([index, distance]) => hit(index, distance))
      .sort((a, b) => a.distanceMetres - b.distanceMetres || a.key.localeCompare(b.key));
    return { containing, near };
  }
}
