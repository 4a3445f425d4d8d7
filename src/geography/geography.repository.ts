/**
 * SQL for the geography lookups: postcodes, areas with what contains them, and boundaries.
 * All of it reads shared reference tables (no org_id), so any executor will do: the owner
 * connection, or a transaction opened with `withTenant`.
 */
import { sql, type Expression, type Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AreaKind, DB } from '../db/index.ts';

export interface PostcodeRecord {
  postcode: string;
  lat: number | null;
  lon: number | null;
  /** The GSS code of the country the directory puts it in, where it says. */
  countryCode: string | null;
  countyCode: string | null;
  districtCode: string | null;
  wardCode: string | null;
  parishCode: string | null;
  terminated: string | null;
  source: string;
}

export interface AreaRecord {
  code: string;
  name: string;
  kind: AreaKind;
  parentCode: string | null;
}

export interface PostcodeCouncilCount {
  districtCode: string | null;
  countyCode: string | null;
  /** Postcodes in the range with this district and county. */
  postcodes: number;
  /** Of those, the ones not terminated. */
  live: number;
  source: string;
}

export interface BoundaryRecord {
  areaCode: string;
  kind: AreaKind;
  source: string;
  geometry: unknown;
  vertexCount: number;
}

/**
 * The statement for the areas below or across councils that hold a place: those listing one of
 * `prefixes` (a postcode, its sector, its district) in `area_postcode`, and the parishes and wards
 * among `codes` (values, or a postcode row's columns when it is part of the postcode's statement).
 */
const areaRecord = (row: {
  code: string;
  name: string;
  kind: AreaKind;
  parent_code: string | null;
}): AreaRecord => ({
  code: row.code,
  name: row.name,
  kind: row.kind,
  parentCode: row.parent_code,
});

function holdingAreas(
  from: Pick<Kysely<DB>, 'selectFrom'>,
  prefixes: readonly string[],
  codes: ReadonlyArray<string | Expression<string | null>>,
) {
  return from
    .selectFrom('area')
    .select(['area.code', 'area.name', 'area.kind', 'area.parent_code'])
    .where((eb) =>
      eb.or([
        eb(
          'area.code',
          'in',
          eb
            .selectFrom('area_postcode')
            .select('area_postcode.area_code')
            .where('area_postcode.prefix', 'in', prefixes.length ? [...prefixes] : ['']),
        ),
        eb.and([
          eb('area.code', 'in', codes.length ? [...codes] : ['']),
          eb('area.kind', 'in', ['parish', 'ward']),
        ]),
      ]),
    )
    .orderBy('area.code');
}

/**
 * One postcode by its normalised form ('EX1 1AA'), a primary-key lookup, with the areas below or
 * across councils that hold it, in one statement: those listing the postcode, its sector or its
 * district (`prefixes`), and the parish and ward of its codes. A postcode lookup is one round trip.
 */
export async function findPostcode(
  db: Kysely<DB>,
  postcode: string,
  prefixes: readonly string[],
): Promise<(PostcodeRecord & { holding: AreaRecord[] }) | undefined> {
  const row = await db
    .selectFrom('postcode as p')
    .select((eb) => [
      'p.postcode',
      'p.lat',
      'p.lon',
      'p.country_code',
      'p.county_code',
      'p.district_code',
      'p.ward_code',
      'p.parish_code',
      'p.terminated',
      'p.source',
      jsonArrayFrom(holdingAreas(db, prefixes, [eb.ref('p.ward_code'), eb.ref('p.parish_code')])).as(
        'holding',
      ),
    ])
    .where('p.postcode', '=', postcode)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    postcode: row.postcode,
    lat: row.lat,
    lon: row.lon,
    countryCode: row.country_code,
    countyCode: row.county_code,
    districtCode: row.district_code,
    wardCode: row.ward_code,
    parishCode: row.parish_code,
    terminated: row.terminated,
    source: row.source,
    holding: row.holding.map(areaRecord),
  };
}

/**
 * How many postcodes starting with `prefix` ('EX1 ' for an outcode, 'EX1 1' for a sector) each
 * district and county holds. `lowest` and `highest` are the first and last postcodes the prefix
 * could hold: the range scan uses the primary key under any collation, and the prefix test then
 * drops neighbours a linguistic collation may sort into the range (EX10 … beside EX1 …).
 */
export async function countPostcodesByCouncil(
  db: Kysely<DB>,
  range: { prefix: string; lowest: string; highest: string },
): Promise<PostcodeCouncilCount[]> {
  const rows = await db
    .selectFrom('postcode')
    .select([
      'district_code',
      'county_code',
      sql<number>`count(*)::integer`.as('postcodes'),
      sql<number>`(count(*) filter (where terminated is null))::integer`.as('live'),
      sql<string>`min(source)`.as('source'),
    ])
    .where('postcode', '>=', range.lowest)
    .where('postcode', '<=', range.highest)
    .where(sql<boolean>`left(postcode, ${range.prefix.length}) = ${range.prefix}`)
    .groupBy(['district_code', 'county_code'])
    .execute();
  return rows.map((row) => ({
    districtCode: row.district_code,
    countyCode: row.county_code,
    postcodes: row.postcodes,
    live: row.live,
    source: row.source,
  }));
}

/** Every area, and every membership of one area in another (districts in a cluster). */
export async function areasAndMemberships(
  db: Kysely<DB>,
): Promise<{ areas: AreaRecord[]; memberships: Array<{ areaCode: string; memberCode: string }> }> {
  const areas = await db.selectFrom('area').select(['code', 'name', 'kind', 'parent_code']).execute();
  const memberships = await db.selectFrom('area_member').select(['area_code', 'member_code']).execute();
  return {
    areas: areas.map((row) => ({
      code: row.code,
      name: row.name,
      kind: row.kind,
      parentCode: row.parent_code,
    })),
    memberships: memberships.map((row) => ({ areaCode: row.area_code, memberCode: row.member_code })),
  };
}

/**
 * For each area with a boundary (of one of `kinds`, when given), the boundary from the source with
 * the most vertices.
 */
export async function preferredBoundaries(
  db: Kysely<DB>,
  kinds?: readonly AreaKind[],
): Promise<BoundaryRecord[]> {
  let query = db
    .selectFrom('boundary')
    .innerJoin('area', 'area.code', 'boundary.area_code')
    .distinctOn('boundary.area_code')
    .select([
      'boundary.area_code',
      'area.kind',
      'boundary.source',
      'boundary.geometry',
      'boundary.vertex_count',
    ])
    .orderBy('boundary.area_code')
    .orderBy('boundary.vertex_count', 'desc')
    .orderBy('boundary.source');
  if (kinds && kinds.length > 0) query = query.where('area.kind', 'in', [...kinds]);
  const rows = await query.execute();
  return rows.map((row) => ({
    areaCode: row.area_code,
    kind: row.kind,
    source: row.source,
    geometry: row.geometry,
    vertexCount: row.vertex_count,
  }));
}

/**
 * The areas below or across councils that hold a place: those listing any of `prefixes` (the
 * postcode, its sector, its district) in `area_postcode`, and parishes and wards by the codes the
 * postcode directory gives it.
 */
export async function areasHolding(
  db: Kysely<DB>,
  prefixes: readonly string[],
  codes: readonly string[],
): Promise<AreaRecord[]> {
  if (prefixes.length === 0 && codes.length === 0) return [];
  const rows = await holdingAreas(db, prefixes, codes).execute();
  return rows.map(areaRecord);
}
