/**
 * The areas that cover a place: the councils it is in with every area containing them (counties,
 * clusters), and the areas below or across councils that hold it (by its postcode, its codes or
 * its point).
 */
import type { Kysely } from 'kysely';
import type { AreaKind, DB } from '../db/index.ts';
import { BELOW_COUNCIL_KINDS, moreSpecificFirst } from './area-kinds.ts';
import { areasHolding, type AreaRecord } from './geography.repository.ts';
import { ref, type PlaceIndexes } from './place-indexes.ts';
import type { AreaRef } from './place.types.ts';

/** Areas above the local ones, in the order a person reads them: the county first. */
const KIND_ORDER: AreaKind[] = [
  'district',
  'unitary',
  'metropolitan_district',
  'london_borough',
  'county',
  'cluster',
  'locality',
  'market_town',
  'region',
  'country',
  'parish',
  'ward',
];

export interface PlaceAreas {
  /** The local areas in the order of `localCodes`, then the areas covering them, county first. */
  areasFor(localCodes: readonly string[]): Promise<{ localAreas: AreaRef[]; areas: AreaRef[] }>;
  /** The areas below or across councils that hold a place, the most specific first. */
  areasWithin(
    prefixes: string[],
    codes: string[],
    point: { lat: number; lon: number } | null,
  ): Promise<AreaRef[]>;
  /** The same, from the areas already read that hold it by its postcode or codes. */
  areasWithinFrom(
    holding: readonly AreaRecord[],
    point: { lat: number; lon: number } | null,
  ): Promise<AreaRef[]>;
}

export function createPlaceAreas(db: Kysely<DB>, indexes: PlaceIndexes): PlaceAreas {
  /** The local areas in the order of `localCodes`, then the areas covering them, county first. */
  async function areasFor(
    localCodes: readonly string[],
  ): Promise<{ localAreas: AreaRef[]; areas: AreaRef[] }> {
    const covering = (await indexes.areaGraph()).covering(localCodes).map(ref);
    const byCode = new Map(covering.map((a) => [a.code, a]));
    const localAreas = localCodes.flatMap((code) => {
      const area = byCode.get(code);
      return area ? [area] : [];
    });
    const local = new Set(localAreas.map((a) => a.code));
    const rank = (kind: AreaKind) => KIND_ORDER.indexOf(kind);
    const above = covering
      .filter((a) => !local.has(a.code))
      .sort((a, b) => rank(a.kind) - rank(b.kind) || a.code.localeCompare(b.code));
    return { localAreas, areas: [...localAreas, ...above] };
  }

  /**
   * The areas below or across councils that hold a place, the most specific first: those listing
   * its postcode, sector or district, the parishes and wards of its codes, and those whose
   * boundary contains its point.
   */
  async function areasWithin(
    prefixes: string[],
    codes: string[],
    point: { lat: number; lon: number } | null,
  ): Promise<AreaRef[]> {
    return areasWithinFrom(await areasHolding(db, prefixes, codes), point);
  }

  async function areasWithinFrom(
    holding: readonly AreaRecord[],
    point: { lat: number; lon: number } | null,
  ): Promise<AreaRef[]> {
    const found = new Map(holding.map((a) => [a.code, ref(a)]));
    if (point) {
      for (const hit of (await indexes.drawnIndex()).query(point.lon, point.lat).containing) {
        if (!found.has(hit.key)) found.set(hit.key, hit.data);
      }
    }
    return [...found.values()]
      .filter((a) => BELOW_COUNCIL_KINDS.has(a.kind))
      .sort((a, b) => moreSpecificFirst(a, b) || a.code.localeCompare(b.code));
  }

  return { areasFor, areasWithin, areasWithinFrom };
}
