/**
 * Benchmarking: peers by class and size, and spend per head. Pure.
 *
 * Peers: the N councils of the same class across England nearest in size, size being the distance
 * in log(population). That distance is compared exactly, without floating point, as the ratio of
 * the larger population to the smaller (|ln a − ln b| orders councils as max(a,b)/min(a,b) does).
 * The council itself and councils without a population are left out; ties go to the lower GSS
 * code, so the same data always gives the same peers.
 *
 * Spend per head: integer pence over residents, rounded to whole pence, halves away from zero
 * (net spend can be negative), in bigint throughout.
 */
import type { OrganisationKind } from '../db/index.ts';
import type { Pence } from '../finance/index.ts';
import { ratio, roundHalfAwayFromZero } from './ratio.ts';

/** The classes of principal council; the City of London is counted with the London boroughs. */
export type CouncilClass = Extract<
  OrganisationKind,
  'county' | 'district' | 'unitary' | 'metropolitan_district' | 'london_borough'
>;

export const COUNCIL_CLASSES: Readonly<Record<CouncilClass, string>> = {
  county: 'county councils',
  district: 'district councils',
  unitary: 'unitary councils',
  metropolitan_district: 'metropolitan district councils',
  london_borough: 'London boroughs',
};

/** The revenue outturn's classes (its `Class` column) as council classes; `O` (other bodies) is none. */
export const OUTTURN_CLASSES: Readonly<Record<string, CouncilClass>> = {
  SC: 'county',
  SD: 'district',
  UA: 'unitary',
  MD: 'metropolitan_district',
  L: 'london_borough',
};

export const councilClassOf = (kind: string): CouncilClass | null =>
  Object.hasOwn(COUNCIL_CLASSES, kind) ? (kind as CouncilClass) : null;

export interface Council {
  /** The GSS code: the tie-break. */
  readonly gss: string;
  readonly name: string;
  readonly councilClass: CouncilClass;
  /** Residents; null when not known. */
  readonly population: number | null;
}

export type PeerChoice =
  { ok: true; peers: Council[]; method: string } | { ok: false; reason: string; method: string };

const knownPopulation = (c: Council): c is Council & { population: number } =>
  c.population !== null && Number.isSafeInteger(c.population) && c.population > 0;

/** The method, as the benchmarking page states it. */
export function peerMethod(count: number, councilClass: CouncilClass, populationSource: string): string {
  return (
    `Peers are the ${count} ${COUNCIL_CLASSES[councilClass]} in England nearest in population ` +
    `(${populationSource}), by the ratio of the larger population to the smaller, the same as the ` +
    'distance in log(population); the council itself and councils without a population are left out, ' +
    'and ties go to the lower GSS code.'
  );
}

/**
 * Compares two candidates by how near each is in size to a population `p`, nearest first:
 * max(a,p)/min(a,p) against max(b,p)/min(b,p), cross-multiplied in bigint.
 */
function nearerTo(p: number) {
  const target = BigInt(p);
  const spread = (n: number): [bigint, bigint] => {
    const a = BigInt(n);
    return a >= target ? [a, target] : [target, a];
  };
  return (x: Council & { population: number }, y: Council & { population: number }) => {
    const [xHigh, xLow] = spread(x.population);
    const [yHigh, yLow] = spread(y.population);
    const left = xHigh * yLow;
    const right = yHigh * xLow;
    if (left !== right) return left < right ? -1 : 1;
    return x.gss < y.gss ? -1 : x.gss > y.gss ? 1 : 0;
  };
}

/** The `count` peers of `council` among `candidates`, by the method above. */
export function choosePeers(
  council: Council,
  candidates: Iterable<Council>,
  count: number,
  populationSource = 'Census 2021',
): PeerChoice {
  const method = peerMethod(count, council.councilClass, populationSource);
  if (!Number.isSafeInteger(count) || count < 1) {
    return { ok: false, reason: 'Ask for at least one peer.', method };
  }
  if (!knownPopulation(council)) {
    return { ok: false, reason: `${council.name} has no population, so no peers by size.`, method };
  }
  const pool = [...candidates].filter(
    (c): c is Council & { population: number } =>
      c.gss !== council.gss && c.councilClass === council.councilClass && knownPopulation(c),
  );
  return { ok: true, peers: pool.sort(nearerTo(council.population)).slice(0, count), method };
}

/** Spend per head in whole pence (halves away from zero); null without a positive population. */
export function spendPerHead(pence: Pence, population: number | null): Pence | null {
  if (population === null || !Number.isSafeInteger(population) || population < 1) return null;
  return roundHalfAwayFromZero(ratio(pence, BigInt(population)));
}

/**
 * Where a council's figure stands among its peers': the peers' median (for an even number, the
 * mean of the middle two, halves away from zero) and its rank from the lowest (1 is the lowest;
 * equal figures share a rank). Figures that are null are left out; null when none are left.
 */
export function standing(
  own: Pence | null,
  peers: Iterable<Pence | null>,
): { median: Pence; rankFromLowest: number | null; of: number } | null {
  const figures = [...peers]
    .filter((p): p is Pence => p !== null)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (figures.length === 0) return null;
  const mid = Math.floor(figures.length / 2);
  const median =
    figures.length % 2 === 1
      ? figures[mid]!
      : roundHalfAwayFromZero(ratio(figures[mid - 1]! + figures[mid]!, 2n));
  if (own === null) return { median, rankFromLowest: null, of: figures.length };
  const rank = figures.filter((f) => f < own).length + 1;
  return { median, rankFromLowest: rank, of: figures.length + 1 };
}
