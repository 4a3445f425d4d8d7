/**
 * Repeat requests at the same place (the rule is stated with the measure in `measures.ts`): a
 * request is a repeat when the same council received another request for the same service at the
 * same place in the 30 days before it (up to exactly 30 × 24 hours earlier). The same place is the
 * same full postcode, or points within 50 metres of each other (great-circle distance) when both
 * requests have one. Part of a postcode (EX16) is no place by itself. Requests opened at the same
 * instant are taken in the order of their ids, so the later id is the repeat. A case opened by a
 * referral is the same request again, so it neither repeats nor is repeated. Pure.
 */
import { parsePostcodeQuery } from '../geography/index.ts';
import { REPEAT_DISTANCE_METRES, REPEAT_WINDOW_DAYS } from './measures.ts';

export interface PlacedRequest {
  /** The case's id: unique within the council, and the order of requests opened at one instant. */
  readonly id: number;
  readonly orgId: number;
  readonly lgslCode: number;
  /** When it was opened, milliseconds since the epoch. */
  readonly openedAt: number;
  readonly postcode: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly byReferral: boolean;
}

const WINDOW_MS = REPEAT_WINDOW_DAYS * 86_400_000;
const EARTH_RADIUS_METRES = 6_371_008.8;
/** Grid cells of a thousandth of a degree: more than 50 m across in both directions in Britain. */
const CELL_DEGREES = 0.001;

/** The full postcode in normal form, or null for none or part of one. */
function fullPostcode(text: string | null): string | null {
  if (text === null) return null;
  try {
    const query = parsePostcodeQuery(text);
    return query.kind === 'full' ? query.text : null;
  } catch {
    return null;
  }
}

/** Great-circle distance in metres (haversine). */
export function metresBetween(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

const hasPoint = (r: PlacedRequest): r is PlacedRequest & { lat: number; lon: number } =>
  r.lat !== null && r.lon !== null && Number.isFinite(r.lat) && Number.isFinite(r.lon);

const cellOf = (lat: number, lon: number) => [Math.floor(lat / CELL_DEGREES), Math.floor(lon / CELL_DEGREES)];

/** The ids of the requests that repeat an earlier one, by the rule above; any order of input. */
export function repeatRequests(requests: Iterable<PlacedRequest>): Set<number> {
  const groups = new Map<string, PlacedRequest[]>();
  for (const r of requests) {
    if (r.byReferral) continue;
    const key = `${r.orgId}:${r.lgslCode}`;
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  const repeats = new Set<number>();
  for (const group of groups.values()) {
    group.sort((a, b) => a.openedAt - b.openedAt || a.id - b.id);
    const lastAtPostcode = new Map<string, number>();
    const pointsInCell = new Map<string, Array<{ openedAt: number; lat: number; lon: number }>>();
    for (const r of group) {
      const postcode = fullPostcode(r.postcode);
      let repeat = postcode !== null && r.openedAt - (lastAtPostcode.get(postcode) ?? -Infinity) <= WINDOW_MS;
      if (!repeat && hasPoint(r)) {
        const [row, col] = cellOf(r.lat, r.lon);
        search: for (let dr = -1; dr <= 1; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            const cell = pointsInCell.get(`${row! + dr}:${col! + dc}`) ?? [];
            for (const p of cell) {
              if (r.openedAt - p.openedAt <= WINDOW_MS && metresBetween(p, r) <= REPEAT_DISTANCE_METRES) {
                repeat = true;
                break search;
              }
            }
          }
        }
      }
      if (repeat) repeats.add(r.id);
      if (postcode !== null) lastAtPostcode.set(postcode, r.openedAt);
      if (hasPoint(r)) {
        const [row, col] = cellOf(r.lat, r.lon);
        const key = `${row}:${col}`;
        // Points older than the window can never match again: drop them as the cell grows.
        const cell = (pointsInCell.get(key) ?? []).filter((p) => r.openedAt - p.openedAt <= WINDOW_MS);
        cell.push({ openedAt: r.openedAt, lat: r.lat, lon: r.lon });
        pointsInCell.set(key, cell);
      }
    }
  }
  return repeats;
}
