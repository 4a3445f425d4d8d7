/**
 * The words of a place lookup's answer, and the rules behind them that read a file's name: how far
 * a boundary may stray (`toleranceFor`), what a postcode file is, a month as people write it, and
 * the sentences the lookups share. Pure.
 */
import type { PostcodeRecord } from './geography.repository.ts';
import { kindText } from './area-kinds.ts';
import type { AreaRef, Place, PlaceLookup } from './place.types.ts';

/**
 * How far (metres) a boundary from this file may stray from the legal line, chosen from the
 * file's name. Within this distance of another council's boundary a point may belong to either
 * council, so the answer there is ambiguous.
 *
 * - ONS "BUC" (ultra generalised, clipped to the coastline): ONS generalise them to 500 m. Checked
 *   against the 4,000 Code-Point Open 2014 postcodes in ../shared/data: 45 lie outside their own
 *   district's BUC polygon, the furthest by 374 m; with 200 m four of them would be placed in the
 *   wrong council only, with 500 m none (7% of them are then ambiguous).
 * - ONS "BSC" (super generalised): generalised to 200 m, so 200 m.
 * - ONS "BGC" (generalised): generalised to 20 m; 50 m leaves room for the position of a point.
 * - ONS "BFC"/"BFE" (full resolution): 10 m, the precision of a postcode's or a map's position.
 * - Anything else, such as the 2021 district outlines converted from KML whose generalisation is
 *   not stated upstream: 100 m. Their vertices are about 460 m apart (median), against 1.8 km in
 *   BUC; of the same 4,000 postcodes five lie outside their own district, the furthest by 17 m, and
 *   100 m leaves margin for stretches with no postcode to check them by (1% are then ambiguous).
 */
export function toleranceFor(source: string): number {
  const has = (token: string) => new RegExp(`(^|[^a-z])${token}([^a-z]|$)`, 'i').test(source);
  if (has('buc') || /ultra[-_ ]?generali[sz]ed/i.test(source)) return 500;
  if (has('bsc')) return 200;
  if (has('bgc')) return 50;
  if (has('bfc') || has('bfe')) return 10;
  return 100;
}

/** What a postcode file is, for a reason a person reads; the file name follows it. */
export function describePostcodeSource(source: string): string {
  const what = /code-?point/i.test(source)
    ? 'OS Code-Point Open'
    : /onspd|postcode[-_ ]?directory/i.test(source)
      ? 'the ONS Postcode Directory'
      : /nspl/i.test(source)
        ? 'the ONS National Statistics Postcode Lookup'
        : 'the postcode directory';
  return `${what} (${source})`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** '199812' → 'December 1998'; anything else as it is. */
export function monthText(yearMonth: string): string {
  const match = /^(\d{4})(\d{2})$/.exec(yearMonth);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  return match && month ? `${month} ${match[1]}` : yearMonth;
}

export const named = (a: AreaRef) => `${a.name} (${a.code})`;
export const list = (items: string[], conjunction = 'and') =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The answer for a place that cannot be placed, with why. */
export const unknown = (place: Place, reason: string): PlaceLookup => ({
  status: 'unknown_place',
  place,
  localAreas: [],
  areas: [],
  reason,
});

/** ', in Devon' for a district; nothing for a unitary council. */
export const inCounty = (local: AreaRef, areas: AreaRef[]) => {
  const county = areas.find((a) => a.code === local.parentCode && a.kind === 'county');
  return county ? `, in ${county.name}` : '';
};

/** ' It is in Tiverton (locality).' for the areas below or across councils that hold a place. */
export const withinText = (within: AreaRef[]) =>
  within.length === 0 ? '' : ` It is in ${list(within.map((a) => `${a.name} (${kindText(a.kind)})`))}.`;

export function terminatedText(record: PostcodeRecord): string {
  return record.terminated
    ? ` The postcode was terminated in ${monthText(record.terminated)}; this is where it was when it was last used.`
    : '';
}
