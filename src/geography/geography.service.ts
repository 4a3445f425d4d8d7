/**
 * Place → areas (DESIGN.md, "Who is responsible?", step 1). A postcode gives the council its
 * directory record names; part of a postcode (a sector or outcode) gives every council its
 * postcodes fall in; a point gives the council areas whose boundaries contain it, or pass close
 * enough to it that the generalised boundaries we hold cannot tell them apart. When more than one
 * council could be right, the answer says so and lists them all: it never guesses.
 */
import type { Kysely } from 'kysely';
import type { AreaKind, DB } from '../db/index.ts';
import { badRequest } from '../platform/index.ts';
import {
  PostcodeFormatError,
  countryOfCode,
  countryOfPostcodeArea,
  parsePostcodeQuery,
  type PostcodeCountry,
  type PostcodeQuery,
} from './postcode.ts';
import { BELOW_COUNCIL_KINDS, kindText, moreSpecificFirst } from './area-kinds.ts';
import {
  areasAndMemberships,
  areasHolding,
  countPostcodesByCouncil,
  findPostcode,
  preferredBoundaries,
  type AreaRecord,
  type PostcodeRecord,
} from './geography.repository.ts';
import { SpatialIndex, type AreaGeometry, type AreaHit } from './spatial-index.ts';
import { AreaGraph } from './area-graph.ts';

export interface AreaRef {
  code: string;
  name: string;
  kind: AreaKind;
  parentCode: string | null;
}

export interface PlaceLookup {
  status: 'found' | 'ambiguous' | 'unknown_place';
  place: {
    /** The place as understood: a normalised postcode, sector or outcode, or 'lat, lon'. */
    query: string;
    /** The full postcode, when one was given. */
    postcode: string | null;
    kind: 'postcode' | 'sector' | 'outcode' | 'point';
    lat: number | null;
    lon: number | null;
    /** When the postcode was terminated (YYYYMM), if it was. */
    terminated: string | null;
    /** The postcode or boundary file the answer comes from. */
    source: string | null;
    /**
     * The country the place is in, where it is known: from the postcode directory's country code,
     * or else from a postcode area that lies wholly in one country (EH: Scotland, CF: Wales, BT:
     * Northern Ireland); null where neither says.
     */
    country: PostcodeCountry | null;
  };
  /**
   * The lowest-tier council areas (district / unitary / metropolitan district / London borough)
   * the place could be in: one when found, several when ambiguous, none when unknown.
   */
  localAreas: AreaRef[];
  /** Every area covering the place: the local areas, their counties, and clusters/localities containing them. */
  areas: AreaRef[];
  /** Plain-English why, e.g. 'EX1 1AE is in Exeter (E07000041), in Devon, according to OS Code-Point Open (…).' */
  reason: string;
}

export interface GeographyService {
  /**
   * A full postcode, a sector ('EX1 1') or an outcode ('EX1'). Throws a 400 problem for input
   * that is not a postcode.
   */
  lookupPostcode(input: string): Promise<PlaceLookup>;
  /** A WGS84 point. Throws a 400 problem for coordinates that are not finite or out of range. */
  lookupPoint(lat: number, lon: number): Promise<PlaceLookup>;
  /** Read the areas and boundaries again (after councils, clusters or boundaries are imported). */
  reload(): Promise<void>;
}

/** Council areas of the lowest tier: the ones a postcode's "local authority" code names. */
export const LOCAL_COUNCIL_KINDS: ReadonlySet<AreaKind> = new Set<AreaKind>([
  'district',
  'unitary',
  'metropolitan_district',
  'london_borough',
]);

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

const ref = (a: AreaRecord): AreaRef => ({
  code: a.code,
  name: a.name,
  kind: a.kind,
  parentCode: a.parentCode,
});
const named = (a: AreaRef) => `${a.name} (${a.code})`;
const list = (items: string[], conjunction = 'and') =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The lowest and highest postcodes starting with a sector or outcode, for a range scan. */
function prefixRange(query: PostcodeQuery): { prefix: string; lowest: string; highest: string } {
  const prefix = query.kind === 'outcode' ? `${query.outcode} ` : query.sector;
  return { prefix, lowest: prefix, highest: `${prefix}\uffff` };
}

interface IndexedCouncil {
  area: AreaRef;
  source: string;
}

type Place = PlaceLookup['place'];

export async function createGeographyService(db: Kysely<DB>): Promise<GeographyService> {
  /** Built on the first point lookup, so that start-up does not wait for it; rebuilt by reload(). */
  let index: Promise<SpatialIndex<IndexedCouncil>> | undefined;

  /** Read on the first lookup that needs it; read again by reload(). */
  let graph: Promise<AreaGraph> | undefined;

  /** The areas below or across councils drawn as boundaries; built and rebuilt like `index`. */
  let drawn: Promise<SpatialIndex<AreaRef>> | undefined;

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

  /** The local areas in the order of `localCodes`, then the areas covering them, county first. */
  async function areasFor(
    localCodes: readonly string[],
  ): Promise<{ localAreas: AreaRef[]; areas: AreaRef[] }> {
    const covering = (await areaGraph()).covering(localCodes).map(ref);
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

  const unknown = (place: Place, reason: string): PlaceLookup => ({
    status: 'unknown_place',
    place,
    localAreas: [],
    areas: [],
    reason,
  });

  /** ', in Devon' for a district; nothing for a unitary council. */
  const inCounty = (local: AreaRef, areas: AreaRef[]) => {
    const county = areas.find((a) => a.code === local.parentCode && a.kind === 'county');
    return county ? `, in ${county.name}` : '';
  };

  async function lookupFullPostcode(query: PostcodeQuery & { kind: 'full' }): Promise<PlaceLookup> {
    const record = await findPostcode(db, query.text);
    const place: Place = {
      query: query.text,
      postcode: query.text,
      kind: 'postcode',
      lat: record?.lat ?? null,
      lon: record?.lon ?? null,
      terminated: record?.terminated ?? null,
      source: record?.source ?? null,
      country: countryOfCode(record?.countryCode) ?? countryOfPostcodeArea(query.outcode),
    };
    if (!record) return unknown(place, await notInDirectory(query));
    if (!record.districtCode) {
      return unknown(
        place,
        `${query.text} is in ${describePostcodeSource(record.source)}, but no council is recorded for it.`,
      );
    }
    const { localAreas, areas } = await areasFor([record.districtCode]);
    const local = localAreas[0];
    if (!local) {
      return unknown(
        place,
        `${query.text} is recorded in council area ${record.districtCode}, which is not in the register.`,
      );
    }
    const within = await areasWithin(
      [query.text, query.sector, query.outcode],
      [record.wardCode, record.parishCode].filter((c): c is string => c !== null),
      record.lat !== null && record.lon !== null ? { lat: record.lat, lon: record.lon } : null,
    );
    return {
      status: 'found',
      place,
      localAreas,
      areas: [...areas, ...within],
      reason:
        `${query.text} is in ${named(local)}${inCounty(local, areas)}, according to ` +
        `${describePostcodeSource(record.source)}.${withinText(within)}${terminatedText(record)}`,
    };
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
    const found = new Map((await areasHolding(db, prefixes, codes)).map((a) => [a.code, ref(a)]));
    if (point) {
      for (const hit of (await drawnIndex()).query(point.lon, point.lat).containing) {
        if (!found.has(hit.key)) found.set(hit.key, hit.data);
      }
    }
    return [...found.values()]
      .filter((a) => BELOW_COUNCIL_KINDS.has(a.kind))
      .sort((a, b) => moreSpecificFirst(a, b) || a.code.localeCompare(b.code));
  }

  const withinText = (within: AreaRef[]) =>
    within.length === 0 ? '' : ` It is in ${list(within.map((a) => `${a.name} (${kindText(a.kind)})`))}.`;

  function terminatedText(record: PostcodeRecord): string {
    return record.terminated
      ? ` The postcode was terminated in ${monthText(record.terminated)}; this is where it was when it was last used.`
      : '';
  }

  /** Why a full postcode is unknown, and what its sector holds: a hint for the person, never an answer. */
  async function notInDirectory(query: PostcodeQuery & { kind: 'full' }): Promise<string> {
    const base = `${query.text} is not in the postcode directory`;
    const counts = await countPostcodesByCouncil(db, {
      prefix: query.sector,
      lowest: query.sector,
      highest: `${query.sector}\uffff`,
    });
    const codes = [...new Set(counts.flatMap((c) => (c.districtCode ? [c.districtCode] : [])))];
    const { localAreas } = await areasFor(codes);
    const hint =
      localAreas.length === 0
        ? ''
        : ` The directory's other postcodes in sector ${query.sector} are in ${list(localAreas.map((a) => a.name))}, ` +
          'but a postcode missing from it is not assumed to be there.';
    return `${base}.${hint} Check the postcode, or give the address or a point on a map.`;
  }

  async function lookupPartialPostcode(
    query: PostcodeQuery & { kind: 'sector' | 'outcode' },
  ): Promise<PlaceLookup> {
    const counts = await countPostcodesByCouncil(db, prefixRange(query));
    const byDistrict = new Map<string, number>();
    let total = 0;
    for (const c of counts) {
      total += c.postcodes;
      if (c.districtCode) byDistrict.set(c.districtCode, (byDistrict.get(c.districtCode) ?? 0) + c.postcodes);
    }
    const sources = [...new Set(counts.map((c) => c.source))].sort();
    const place: Place = {
      query: query.text,
      postcode: null,
      kind: query.kind,
      lat: null,
      lon: null,
      terminated: null,
      source: sources.length > 0 ? sources.join(', ') : null,
      country: countryOfPostcodeArea(query.outcode),
    };
    const what =
      query.kind === 'sector' ? `postcode sector ${query.text}` : `postcode district ${query.text}`;
    if (total === 0) return unknown(place, `There are no postcodes in ${what} in the postcode directory.`);
    if (byDistrict.size === 0) {
      return unknown(place, `No council is recorded for any of the ${plural(total, 'postcode')} in ${what}.`);
    }
    // Most postcodes first; ties by code, so the answer is the same on every engine.
    const codes = [...byDistrict.keys()].sort(
      (a, b) => byDistrict.get(b)! - byDistrict.get(a)! || a.localeCompare(b),
    );
    const { localAreas, areas } = await areasFor(codes);
    const counted = (code: string, name: string) => `${byDistrict.get(code)!} in ${name}`;
    const missing = codes.filter((code) => !localAreas.some((a) => a.code === code));
    if (missing.length > 0) {
      // A council the register does not hold: answering with only the others would be a guess.
      const all = codes.map((code) => {
        const area = localAreas.find((a) => a.code === code);
        return counted(code, area ? named(area) : `council area ${code}`);
      });
      return unknown(
        place,
        `${what[0]!.toUpperCase()}${what.slice(1)} has ${plural(total, 'postcode')} in the directory: ${list(all)}. ` +
          `${list(missing)} ${missing.length === 1 ? 'is' : 'are'} not in the register, so the place cannot be ` +
          'answered from part of a postcode: give the full postcode.',
      );
    }
    if (localAreas.length === 1) {
      const local = localAreas[0]!;
      // Only an area that lists the whole sector or district holds all of it.
      const within = await areasWithin(
        query.kind === 'sector' ? [query.sector, query.outcode] : [query.outcode],
        [],
        null,
      );
      return {
        status: 'found',
        place,
        localAreas,
        areas: [...areas, ...within],
        reason:
          `All ${plural(total, 'postcode')} in ${what} in the postcode directory are in ` +
          `${named(local)}${inCounty(local, areas)}.${withinText(within)}`,
      };
    }
    return {
      status: 'ambiguous',
      place,
      localAreas,
      areas,
      reason:
        `The ${plural(total, 'postcode')} in ${what} are in more than one council: ` +
        `${list(localAreas.map((a) => counted(a.code, named(a))))}. Give the full postcode.`,
    };
  }

  async function lookupPostcode(input: string): Promise<PlaceLookup> {
    let query: PostcodeQuery;
    try {
      query = parsePostcodeQuery(input);
    } catch (error) {
      if (error instanceof PostcodeFormatError) throw badRequest(error.message);
      throw error;
    }
    return query.kind === 'full' ? lookupFullPostcode(query) : lookupPartialPostcode(query);
  }

  async function lookupPoint(lat: number, lon: number): Promise<PlaceLookup> {
    if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
      throw badRequest('lat must be a number from -90 to 90.');
    }
    if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
      throw badRequest('lon must be a number from -180 to 180.');
    }
    const spatial = await spatialIndex();
    const { containing, near } = spatial.query(lon, lat);
    const hits = [...containing, ...near];
    const place: Place = {
      query: `${Number(lat.toFixed(6))}, ${Number(lon.toFixed(6))}`,
      postcode: null,
      kind: 'point',
      lat,
      lon,
      terminated: null,
      source: [...new Set(hits.map((h) => h.data.source))].join(', ') || null,
      country: null,
    };
    if (hits.length === 0) {
      return unknown(
        place,
        spatial.size === 0
          ? 'No council boundaries have been imported, so a point cannot be placed: give a postcode.'
          : `The point ${place.query} is not in or near any council area we hold a boundary for.`,
      );
    }
    const { localAreas, areas } = await areasFor(hits.map((h) => h.key));
    const within = await areasWithin([], [], { lat, lon });
    const away = (h: AreaHit<IndexedCouncil>) =>
      `${Math.round(h.distanceMetres)} m from the boundary of ${h.data.area.name}, which is drawn to within ` +
      `${h.toleranceMetres} m`;

    if (hits.length === 1) {
      const [hit] = hits as [AreaHit<IndexedCouncil>];
      const local = localAreas[0] ?? hit.data.area;
      const where = `${named(local)}${inCounty(local, areas)}`;
      const how =
        containing.length === 1
          ? `It is inside the boundary of ${local.name} (${hit.data.source})`
          : `It is ${away(hit)} (${hit.data.source}), so it is taken to be in ${local.name}`;
      return {
        status: 'found',
        place,
        localAreas,
        areas: [...areas, ...within],
        reason:
          `The point ${place.query} is in ${where}. ${how}, and no other council's boundary is close enough ` +
          `to doubt it.${withinText(within)}`,
      };
    }
    const inside =
      containing.length === 0
        ? 'It is inside no council boundary we hold'
        : `It is inside the boundary of ${list(containing.map((h) => h.data.area.name))}`;
    const close = near.length === 0 ? '' : `, and ${list(near.map(away))}`;
    return {
      status: 'ambiguous',
      place,
      localAreas,
      areas: [...areas, ...within],
      reason:
        `The point ${place.query} could be in ${list(localAreas.map(named), 'or')}. ${inside}${close}. ` +
        'Ask for the address or postcode.',
    };
  }

  return {
    lookupPostcode,
    lookupPoint,
    async reload() {
      graph = undefined;
      index = undefined;
      drawn = undefined;
      await Promise.all([spatialIndex(), drawnIndex()]);
    },
  };
}
