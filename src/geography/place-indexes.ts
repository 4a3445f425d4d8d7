/**
 * What the lookups keep in memory, each read or built on the first lookup that needs it and again
 * after `reset()`: the areas and what contains each (`AreaGraph`), the councils' boundaries in a
 * spatial index with a tolerance per file, and the areas below or across councils drawn as
 * boundaries in another, with none.
 */
import type { Kysely } from 'kysely';
import type { AreaKind, DB } from '../db/index.ts';
import { BELOW_COUNCIL_KINDS } from './area-kinds.ts';
import { AreaGraph } from './area-graph.ts';
import { areasAndMemberships, preferredBoundaries, type AreaRecord } from './geography.repository.ts';
import { SpatialIndex, type AreaGeometry } from './spatial-index.ts';
import { toleranceFor } from './place-text.ts';
import type { AreaRef } from './place.types.ts';

/** Council areas of the lowest tier: the ones a postcode's "local authority" code names. */
export const LOCAL_COUNCIL_KINDS: ReadonlySet<AreaKind> = new Set<AreaKind>([
  'district',
  'unitary',
  'metropolitan_district',
  'london_borough',
]);

export const ref = (a: AreaRecord): AreaRef => ({
  code: a.code,
  name: a.name,
  kind: a.kind,
  parentCode: a.parentCode,
});

export interface IndexedCouncil {
  area: AreaRef;
  source: string;
}

export interface PlaceIndexes {
  areaGraph(): Promise<AreaGraph>;
  /** The council areas of the lowest tier with a boundary. */
  councilIndex(): Promise<SpatialIndex<IndexedCouncil>>;
  /** The areas below or across councils with a boundary. */
  drawnIndex(): Promise<SpatialIndex<AreaRef>>;
  /** Forget all three, so that the next lookup reads them again. */
  reset(): void;
}

/** `build()` once, kept while it succeeds: a failed build is not kept, so the next call tries again. */
function lazily<T>(
  get: () => Promise<T> | undefined,
  set: (p: Promise<T> | undefined) => void,
  build: () => Promise<T>,
) {
  const current = get();
  if (current) return current;
  const building = build();
  set(building);
  building.catch(() => {
    if (get() === building) set(undefined);
  });
  return building;
}

export function createPlaceIndexes(db: Kysely<DB>): PlaceIndexes {
  /** Built on the first point lookup, so that start-up does not wait for it; rebuilt after reset(). */
  let index: Promise<SpatialIndex<IndexedCouncil>> | undefined;

  /** Read on the first lookup that needs it; read again after reset(). */
  let graph: Promise<AreaGraph> | undefined;

  /** The areas below or across councils drawn as boundaries; built and rebuilt like `index`. */
  let drawn: Promise<SpatialIndex<AreaRef>> | undefined;

  const areaGraph = (): Promise<AreaGraph> =>
    lazily(
      () => graph,
      (p) => (graph = p),
      async () => {
        const { areas, memberships } = await areasAndMemberships(db);
        return AreaGraph.build(areas, memberships);
      },
    );

  async function buildIndex(): Promise<SpatialIndex<IndexedCouncil>> {
    // Counties are not indexed: they are found as the parents of the council areas a point is in.
    const boundaries = (await preferredBoundaries(db)).filter((b) => LOCAL_COUNCIL_KINDS.has(b.kind));
    const areas = new Map(
      (await areaGraph()).covering(boundaries.map((b) => b.areaCode)).map((a) => [a.code, ref(a)]),
    );
    return SpatialIndex.build(
      boundaries.flatMap((b) => {
        const area = areas.get(b.areaCode);
        return area
          ? [
              {
                key: b.areaCode,
                geometry: b.geometry as AreaGeometry,
                toleranceMetres: toleranceFor(b.source),
                data: { area, source: b.source },
              },
            ]
          : [];
      }),
    );
  }

  const spatialIndex = (): Promise<SpatialIndex<IndexedCouncil>> =>
    lazily(
      () => index,
      (p) => (index = p),
      buildIndex,
    );

  /**
   * Areas below or across councils defined by a boundary (`import areas FILE.geojson`) hold exactly
   * what their outline holds: no tolerance, so never "near".
   */
  async function buildDrawnIndex(): Promise<SpatialIndex<AreaRef>> {
    const boundaries = await preferredBoundaries(db, [...BELOW_COUNCIL_KINDS]);
    const areas = new Map(
      (await areaGraph()).covering(boundaries.map((b) => b.areaCode)).map((a) => [a.code, ref(a)]),
    );
    return SpatialIndex.build(
      boundaries.flatMap((b) => {
        const area = areas.get(b.areaCode);
        return area
          ? [{ key: b.areaCode, geometry: b.geometry as AreaGeometry, toleranceMetres: 0, data: area }]
          : [];
      }),
    );
  }

  const drawnIndex = (): Promise<SpatialIndex<AreaRef>> =>
    lazily(
      () => drawn,
      (p) => (drawn = p),
      buildDrawnIndex,
    );

  return {
    areaGraph,
    councilIndex: spatialIndex,
    drawnIndex,
    reset() {
      graph = undefined;
      index = undefined;
      drawn = undefined;
    },
  };
}
