/**
 * Kinds of area, from the most specific to the widest. Areas below a council (wards, parishes,
 * market towns, localities) are found by the postcodes in them or by their boundaries; council
 * areas by the postcode directory or a boundary; wider areas (clusters, counties) as the areas that
 * contain councils.
 * Pure.
 */
import type { AreaKind } from '../db/index.ts';

/** The most specific first: where two areas' rules both apply to a place, the earlier kind wins. */
const SPECIFICITY: readonly AreaKind[] = [
  'ward',
  'parish',
  'market_town',
  'locality',
  'district',
  'unitary',
  'metropolitan_district',
  'london_borough',
  'cluster',
  'county',
  'region',
  'country',
];

/** Areas inside one council's area, or across parts of several: a rule for one covers only part of a council. */
export const BELOW_COUNCIL_KINDS: ReadonlySet<AreaKind> = new Set([
  'ward',
  'parish',
  'market_town',
  'locality',
]);

/** The kinds a partnership may define its own areas of (`jointly import areas --kind`). */
export const DEFINABLE_KINDS = ['locality', 'market_town', 'parish', 'ward'] as const;
export type DefinableKind = (typeof DEFINABLE_KINDS)[number];

/** 0 for the most specific kind; higher for wider ones. */
export function specificity(kind: AreaKind): number {
  const rank = SPECIFICITY.indexOf(kind);
  return rank === -1 ? SPECIFICITY.length : rank;
}

/** Compares two areas so the more specific sorts first. */
export function moreSpecificFirst(a: { kind: AreaKind }, b: { kind: AreaKind }): number {
  return specificity(a.kind) - specificity(b.kind);
}

/** 'market_town' → 'market town'. */
export function kindText(kind: AreaKind): string {
  return kind.replaceAll('_', ' ');
}
