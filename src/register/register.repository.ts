/**
 * SQL for the register. Every function takes the transaction it runs in, except `routingFacts` and
 * `routingFactsForServices`, which read only what is public and run on their own.
 *
 * The file is long because it holds every query of the register in one place, in the order of its
 * tables (organisations, partnerships, services, arrangements, overrides, then the routing facts
 * that join them); the routing facts are the next part to move to a file of their own.
 */
import { parseId } from '../platform/index.ts';
import { sql, type Kysely, type Selectable } from 'kysely';
import { prepared } from '../db/index.ts';
import type { OrganisationKind, Tx } from '../db/index.ts';
import type {
  AreaKind,
  ArrangementTable,
  DB,
  OrganisationTable,
  ResponsibilityOverrideTable,
} from '../db/index.ts';
import { BELOW_COUNCIL_KINDS } from '../geography/index.ts';
import type {
  Arrangement,
  ArrangementInput,
  AreaSummary,
  Organisation,
  OrganisationSummary,
  Override,
  PartnershipMember,
  PartnershipSummary,
  Service,
} from './register.types.ts';

type OrgRow = Pick<
  Selectable<OrganisationTable>,
  'org_id' | 'name' | 'short_name' | 'kind' | 'gss_code' | 'jurisdiction' | 'brand_colour' | 'logo_url'
>;

export const toOrganisationSummary = (row: OrgRow): OrganisationSummary => ({
  orgId: row.org_id,
  name: row.name,
  shortName: row.short_name,
  kind: row.kind,
  gss: row.gss_code,
  jurisdiction: row.jurisdiction,
  brandColour: row.brand_colour,
  logoUrl: row.logo_url,
});

const ORG_SUMMARY_COLUMNS = [
  'org_id',
  'name',
  'short_name',
  'kind',
  'gss_code',
  'jurisdiction',
  'brand_colour',
  'logo_url',
] as const;

export async function organisationSummaries(
  tx: Tx,
  orgIds: readonly number[],
): Promise<Map<number, OrganisationSummary>> {
  if (orgIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('organisation')
    .select(ORG_SUMMARY_COLUMNS)
    .where('org_id', 'in', [...new Set(orgIds)])
    .execute();
  return new Map(rows.map((r) => [r.org_id, toOrganisationSummary(r)]));
}

/** The councils of one kind in a nation (by the first letter of their GSS code), with their population. */
export async function councilsOfKind(
  tx: Tx,
  kind: OrganisationKind,
  nationLetter: string,
): Promise<Array<OrganisationSummary & { population: number | null }>> {
  const rows = await tx
    .selectFrom('organisation')
    .select([...ORG_SUMMARY_COLUMNS, 'population'])
    .where('kind', '=', kind)
    .where('gss_code', 'like', `${nationLetter}%`)
    .orderBy('gss_code')
    .execute();
  return rows.map((r) => ({ ...toOrganisationSummary(r), population: r.population }));
}

/** Finds an organisation by GSS code, jurisdiction slug or numeric id. */
export async function findOrganisationId(tx: Tx, key: string): Promise<number | undefined> {
  // Digits are an id, and too many of them (beyond any identity) name nothing.
  if (/^\d+$/.test(key) && parseId(key) === undefined) return undefined;
  const row = await tx
    .selectFrom('organisation')
    .select('org_id')
    .where((eb) =>
      /^\d+$/.test(key)
        ? eb('org_id', '=', Number(key))
        : eb.or([eb('gss_code', '=', key.toUpperCase()), eb('jurisdiction', '=', key.toLowerCase())]),
    )
    .executeTakeFirst();
  return row?.org_id;
}

export async function organisation(tx: Tx, orgId: number): Promise<Organisation | undefined> {
  const row = await tx.selectFrom('organisation').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!row) return undefined;
  const parent = row.parent_org_id
    ? (await organisationSummaries(tx, [row.parent_org_id])).get(row.parent_org_id)
    : null;
  const partnerships = await tx
    .selectFrom('partnership_member as m')
    .innerJoin('partnership as p', 'p.partnership_id', 'm.partnership_id')
    .select(['p.slug', 'p.name', 'm.role'])
    .where('m.org_id', '=', orgId)
    .orderBy('p.name')
    .execute();
  return {
    ...toOrganisationSummary(row),
    areaCode: row.area_code,
    parent: parent ?? null,
    nation: row.nation,
    region: row.region,
    homepageUrl: row.homepage_url,
    population: row.population,
    households: row.households,
    partnerships,
  };
}

export async function partnerships(tx: Tx): Promise<PartnershipSummary[]> {
  const rows = await tx
    .selectFrom('partnership as p')
    .leftJoin('partnership_member as m', (join) =>
      join.onRef('m.partnership_id', '=', 'p.partnership_id').on('m.left_on', 'is', null),
    )
    .select(['p.partnership_id', 'p.slug', 'p.name', 'p.summary'])
    .select((eb) => eb.fn.count<number>('m.org_id').as('member_count'))
    .groupBy(['p.partnership_id', 'p.slug', 'p.name', 'p.summary'])
    .orderBy('p.name')
    .execute();
  return rows.map((r) => ({
    partnershipId: r.partnership_id,
    slug: r.slug,
    name: r.name,
    summary: r.summary,
    memberCount: Number(r.member_count),
  }));
}

export async function partnershipBySlug(tx: Tx, slug: string) {
  return tx.selectFrom('partnership').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function partnershipMembers(tx: Tx, partnershipId: number): Promise<PartnershipMember[]> {
  const rows = await tx
    .selectFrom('partnership_member as m')
    .innerJoin('organisation as o', 'o.org_id', 'm.org_id')
    .select(ORG_SUMMARY_COLUMNS.map((c) => `o.${c}` as const))
    .select(['m.role', 'm.joined_on', 'm.left_on'])
    .where('m.partnership_id', '=', partnershipId)
    .orderBy(sql`case o.kind when 'county' then 0 when 'district' then 1 when 'unitary' then 2 else 3 end`)
    .orderBy('o.name')
    .execute();
  return rows.map((r) => ({
    ...toOrganisationSummary(r),
    role: r.role,
    joinedOn: r.joined_on,
    leftOn: r.left_on,
  }));
}

export async function partnershipAreas(tx: Tx, partnershipId: number): Promise<AreaSummary[]> {
  const rows = await tx
    .selectFrom('partnership_area as pa')
    .innerJoin('area as a', 'a.code', 'pa.area_code')
    .leftJoin('area_member as am', 'am.area_code', 'a.code')
    .select(['a.code', 'a.name', 'a.kind', 'am.member_code'])
    .where('pa.partnership_id', '=', partnershipId)
    .orderBy('a.name')
    .orderBy('am.member_code')
    .execute();
  const areas = new Map<string, AreaSummary>();
  for (const r of rows) {
    const area = areas.get(r.code) ?? { code: r.code, name: r.name, kind: r.kind, members: [] };
    if (r.member_code) area.members.push(r.member_code);
    areas.set(r.code, area);
  }
  return [...areas.values()];
}

export async function areaKind(tx: Tx, code: string): Promise<string | undefined> {
  return (await tx.selectFrom('area').select('kind').where('code', '=', code).executeTakeFirst())?.kind;
}

const toService = (r: {
  lgsl_code: number;
  label: string;
  status: string;
  description: string;
  providing_tier: Service['providingTier'];
  kind: Service['kind'];
}): Service => ({
  lgslCode: r.lgsl_code,
  label: r.label,
  status: r.status,
  description: r.description,
  providingTier: r.providing_tier,
  kind: r.kind,
});

export async function services(
  tx: Tx,
  filter: { query?: string; codes?: number[]; limit?: number },
): Promise<Service[]> {
  let q = tx
    .selectFrom('service')
    .select(['lgsl_code', 'label', 'status', 'description', 'providing_tier', 'kind'])
    .orderBy('label');
  if (filter.codes) {
    if (filter.codes.length === 0) return [];
    q = q.where('lgsl_code', 'in', filter.codes);
  }
  if (filter.query) {
    const like = `%${filter.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([eb('label', 'ilike', like), eb(sql<string>`lgsl_code::text`, '=', filter.query!.trim())]),
    );
  }
  return (await q.limit(filter.limit ?? 2000).execute()).map(toService);
}

export async function service(tx: Tx, lgslCode: number): Promise<Service | undefined> {
  const row = await tx
    .selectFrom('service')
    .select(['lgsl_code', 'label', 'status', 'description', 'providing_tier', 'kind'])
    .where('lgsl_code', '=', lgslCode)
    .executeTakeFirst();
  return row && toService(row);
}

/**
 * An arrangement's columns that anyone may read: every column but `notes`, which request context
 * reads only through the `arrangement_note` view (internal notes for the organisation's people).
 */
const ARRANGEMENT_COLUMNS = [
  'org_id',
  'arrangement_id',
  'lgsl_code',
  'valid_from',
  'valid_to',
  'delivery_mode',
  'delivery_level',
  'provider_org_id',
  'lead_commissioner_org_id',
  'partnership_id',
  'area_code',
  'reserved_decisions',
  'delegated_decisions',
  'notes_internal',
  'source',
  'recorded_at',
  'recorded_by',
] as const;

type ArrangementRow = Pick<Selectable<ArrangementTable>, (typeof ARRANGEMENT_COLUMNS)[number]>;

async function toArrangements(tx: Tx, rows: ArrangementRow[]): Promise<Arrangement[]> {
  if (rows.length === 0) return [];
  const orgs = await organisationSummaries(
    tx,
    rows.flatMap((r) => [
      r.provider_org_id,
      ...(r.lead_commissioner_org_id ? [r.lead_commissioner_org_id] : []),
    ]),
  );
  const notes = new Map(
    (
      await tx
        .selectFrom('arrangement_note')
        .select(['arrangement_id', 'notes'])
        .where(
          'arrangement_id',
          'in',
          rows.map((r) => r.arrangement_id),
        )
        .execute()
    ).map((n) => [n.arrangement_id, n.notes]),
  );
  return rows.map((r) => ({
    arrangementId: r.arrangement_id,
    orgId: r.org_id,
    lgslCode: r.lgsl_code,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    mode: r.delivery_mode,
    level: r.delivery_level,
    provider: orgs.get(r.provider_org_id)!,
    leadCommissioner: r.lead_commissioner_org_id ? (orgs.get(r.lead_commissioner_org_id) ?? null) : null,
    partnershipId: r.partnership_id,
    areaCode: r.area_code,
    reservedDecisions: r.reserved_decisions,
    delegatedDecisions: r.delegated_decisions,
    notes: notes.get(r.arrangement_id) ?? null,
    notesInternal: r.notes_internal,
    source: r.source,
    recordedAt: r.recorded_at.toISOString(),
    recordedBy: r.recorded_by,
  }));
}

/**
 * The arrangement in force on `date` for each organisation and service across its whole area: the
 * latest such row starting on or before the date (a later recording wins a tie), unless that row
 * has ended by then. Rows for an area below the council (a market town's own) are the place's, not
 * the council's: `routingFacts` weighs them for a place inside that area.
 */
export async function arrangementsInForce(
  tx: Tx,
  orgIds: readonly number[],
  date: string,
  lgslCodes?: readonly number[],
): Promise<Arrangement[]> {
  if (orgIds.length === 0 || lgslCodes?.length === 0) return [];
  let latest = tx
    .selectFrom('arrangement')
    .select(ARRANGEMENT_COLUMNS)
    .distinctOn(['org_id', 'lgsl_code'])
    .where('org_id', 'in', [...orgIds])
    .where('valid_from', '<=', date)
    .where((eb) =>
      eb.or([
        eb('area_code', 'is', null),
        eb(
          'area_code',
          'not in',
          eb
            .selectFrom('area')
            .select('code')
            .where('kind', 'in', [...BELOW_COUNCIL_KINDS]),
        ),
      ]),
    )
    .orderBy('org_id')
    .orderBy('lgsl_code')
    .orderBy('valid_from', 'desc')
    .orderBy('arrangement_id', 'desc');
  if (lgslCodes) latest = latest.where('lgsl_code', 'in', [...lgslCodes]);
  const rows = await tx
    .selectFrom(latest.as('latest'))
    .selectAll()
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', date)]))
    .execute();
  return toArrangements(tx, rows);
}

/** Every row ever recorded for an organisation's service, oldest first. */
export async function arrangementHistory(tx: Tx, orgId: number, lgslCode: number): Promise<Arrangement[]> {
  const rows = await tx
    .selectFrom('arrangement')
    .select(ARRANGEMENT_COLUMNS)
    .where('org_id', '=', orgId)
    .where('lgsl_code', '=', lgslCode)
    .orderBy('valid_from')
    .orderBy('arrangement_id')
    .execute();
  return toArrangements(tx, rows);
}

/** Every arrangement recorded for a service (by the given organisations, or by all), oldest first. */
export async function serviceHistory(
  tx: Tx,
  orgIds: readonly number[] | undefined,
  lgslCode: number,
): Promise<Arrangement[]> {
  if (orgIds?.length === 0) return [];
  let query = tx.selectFrom('arrangement').select(ARRANGEMENT_COLUMNS).where('lgsl_code', '=', lgslCode);
  if (orgIds) query = query.where('org_id', 'in', [...orgIds]);
  const rows = await query.orderBy('valid_from').orderBy('arrangement_id').execute();
  return toArrangements(tx, rows);
}

/** Locks the organisation's row so that two changes to its register are made one after the other. */
export async function lockOrganisation(tx: Tx, orgId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${orgId}::bigint)`.execute(tx);
}

export async function latestArrangementId(tx: Tx, orgId: number, lgslCode: number): Promise<number | null> {
  const row = await tx
    .selectFrom('arrangement')
    .select((eb) => eb.fn.max('arrangement_id').as('id'))
    .where('org_id', '=', orgId)
    .where('lgsl_code', '=', lgslCode)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function insertArrangement(
  tx: Tx,
  input: ArrangementInput,
  accountId: number | null,
): Promise<Arrangement> {
  const row = await tx
    .insertInto('arrangement')
    .values({
      org_id: input.orgId,
      lgsl_code: input.lgslCode,
      valid_from: input.validFrom,
      valid_to: input.validTo ?? null,
      delivery_mode: input.mode,
      delivery_level: input.level,
      provider_org_id: input.providerOrgId,
      lead_commissioner_org_id: input.leadCommissionerOrgId ?? null,
      partnership_id: input.partnershipId ?? null,
      area_code: input.areaCode ?? null,
      reserved_decisions: input.reservedDecisions ?? [],
      delegated_decisions: input.delegatedDecisions ?? [],
      notes: input.notes ?? '',
      notes_internal: input.notesInternal ?? true,
      source: input.source ?? '',
      recorded_by: accountId,
    })
    .returning(ARRANGEMENT_COLUMNS)
    .executeTakeFirstOrThrow();
  return (await toArrangements(tx, [row]))[0]!;
}

export async function isPartnershipMember(tx: Tx, partnershipId: number, orgId: number): Promise<boolean> {
  const row = await tx
    .selectFrom('partnership_member')
    .select('org_id')
    .where('partnership_id', '=', partnershipId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row !== undefined;
}

type OverrideRow = Pick<
  Selectable<ResponsibilityOverrideTable>,
  'override_id' | 'org_id' | 'lgsl_code' | 'area_code' | 'valid_from' | 'valid_to' | 'reason'
>;

const toOverride = (r: OverrideRow): Override => ({
  overrideId: r.override_id,
  orgId: r.org_id,
  lgslCode: r.lgsl_code,
  areaCode: r.area_code,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  reason: r.reason,
});

/** An arrangement as routing needs it: who delivers, how, and since when. */
export interface ArrangementFact {
  arrangementId: number;
  orgId: number;
  lgslCode: number;
  mode: Arrangement['mode'];
  level: Arrangement['level'];
  validFrom: string;
  provider: OrganisationSummary;
  /** The area below the council it is recorded for; null for one that covers the council's whole area. */
  within: { code: string; name: string; kind: AreaKind } | null;
}

/** Which of the place's councils the register's partnerships take in, and their web sites. */
export interface CoverageFacts {
  /** Whether the register holds any partnership at all. */
  anyPartnership: boolean;
  /** The councils (and override organisations) of the place that are partnership members on the date. */
  memberOrgIds: number[];
  /** Their web sites, where the register has one. */
  homepages: Map<number, string>;
}

/** What deciding who is responsible for one service at a place needs from the register. */
export interface RoutingFacts {
  service: Service | undefined;
  councils: OrganisationSummary[];
  overrides: Array<{ override: Override; org: OrganisationSummary | undefined }>;
  arrangements: ArrangementFact[];
  coverage: CoverageFacts;
}

/** The facts about one service, from those read for several at the same place. Pure. */
export function routingFactsOf(
  facts: Omit<RoutingFacts, 'service'> & { services: Service[] },
  lgslCode: number,
): RoutingFacts {
  return {
    service: facts.services.find((s) => s.lgslCode === lgslCode),
    councils: facts.councils,
    overrides: facts.overrides.filter((o) => o.override.lgslCode === lgslCode),
    arrangements: facts.arrangements.filter((a) => a.lgslCode === lgslCode),
    coverage: facts.coverage,
  };
}

/** What deciding who is responsible for one service needs, as `routingFactsForServices` reads it. */
export async function routingFacts(
  db: Kysely<DB>,
  lgslCode: number,
  councilAreaCodes: readonly string[],
  overrideAreaCodes: readonly string[],
  date: string,
): Promise<RoutingFacts> {
  return routingFactsOf(
    await routingFactsForServices(db, [lgslCode], councilAreaCodes, overrideAreaCodes, date),
    lgslCode,
  );
}

/**
 * What deciding who is responsible for each of several services at one place needs from the
 * register, in one round trip: the services, the councils of the areas, the overrides in force on the date for the service in the override areas
 * (most recent first) with their organisations, and the arrangement in force for the service of
 * each of those councils and organisations, with its provider; and which of them are members of a
 * partnership on the date, with their web sites (`coverage`). All of it is public (anyone may ask
 * who is responsible), so it is read as the schema's owner, outside any tenant context.
 */
export async function routingFactsForServices(
  db: Kysely<DB>,
  lgslCodes: readonly number[],
  councilAreaCodes: readonly string[],
  overrideAreaCodes: readonly string[],
  date: string,
): Promise<Omit<RoutingFacts, 'service'> & { services: Service[] }> {
  const codes = [...lgslCodes];
  const org = (alias: string) => sql.raw(ORG_SUMMARY_COLUMNS.map((c) => `${alias}.${c}`).join(', '));
  const { rows } = await sql<{
    services: Array<Parameters<typeof toService>[0]>;
    councils: OrgRow[];
    overrides: Array<OverrideRow & { org: OrgRow | null }>;
    arrangements: Array<{
      arrangement_id: number;
      org_id: number;
      lgsl_code: number;
      delivery_mode: Arrangement['mode'];
      delivery_level: Arrangement['level'];
      valid_from: string;
      provider: OrgRow;
      within: { code: string; name: string; kind: AreaKind } | null;
    }>;
    coverage: { any_partnership: boolean; members: number[]; homepages: Record<string, string> };
  }>`${prepared('routing_facts')}
    WITH councils AS (
      SELECT ${org('o')} FROM organisation o WHERE o.area_code = ANY (${[...councilAreaCodes]}::text[])
    ), overrides AS (
      SELECT ro.override_id, ro.org_id, ro.lgsl_code, ro.area_code, ro.valid_from, ro.valid_to, ro.reason
      FROM responsibility_override ro
      WHERE ro.lgsl_code = ANY (${codes}::int[]) AND ro.area_code = ANY (${[...overrideAreaCodes]}::text[])
        AND ro.valid_from <= ${date}::date AND (ro.valid_to IS NULL OR ro.valid_to > ${date}::date)
    ), scoped AS (
      -- Each area below a council has its own timeline; every other row is the council's whole area.
      SELECT a.*, CASE WHEN ar.kind = ANY (${[...BELOW_COUNCIL_KINDS]}::text[]) THEN ar.code ELSE '' END AS scope,
             CASE WHEN ar.kind = ANY (${[...BELOW_COUNCIL_KINDS]}::text[])
               THEN json_build_object('code', ar.code, 'name', ar.name, 'kind', ar.kind) END AS within
      FROM arrangement a LEFT JOIN area ar ON ar.code = a.area_code
      WHERE a.lgsl_code = ANY (${codes}::int[]) AND a.valid_from <= ${date}::date
        AND a.org_id IN (SELECT org_id FROM councils UNION SELECT org_id FROM overrides)
    ), latest AS (
      SELECT DISTINCT ON (s.lgsl_code, s.org_id, s.scope) s.lgsl_code, s.org_id, s.arrangement_id,
             s.delivery_mode, s.delivery_level, s.valid_from, s.valid_to, s.provider_org_id, s.within
      FROM scoped s
      WHERE s.scope = '' OR s.scope = ANY (${[...overrideAreaCodes]}::text[])
      ORDER BY s.lgsl_code, s.org_id, s.scope, s.valid_from DESC, s.arrangement_id DESC
    )
    SELECT
      (SELECT coalesce(json_agg(s), '[]') FROM (
         SELECT lgsl_code, label, status, description, providing_tier, kind FROM service
         WHERE lgsl_code = ANY (${codes}::int[])) s) AS services,
      (SELECT coalesce(json_agg(c), '[]') FROM councils c) AS councils,
      (SELECT coalesce(json_agg(r ORDER BY r.valid_from DESC, r.override_id DESC), '[]') FROM (
         SELECT ov.*,
                (SELECT row_to_json(x) FROM (SELECT ${org('o')} FROM organisation o WHERE o.org_id = ov.org_id) x) AS org
         FROM overrides ov) r
      ) AS overrides,
      (SELECT coalesce(json_agg(l), '[]') FROM (
         SELECT latest.arrangement_id, latest.org_id, latest.lgsl_code, latest.delivery_mode, latest.delivery_level, latest.valid_from,
                latest.within,
                (SELECT row_to_json(x) FROM (SELECT ${org('o')} FROM organisation o WHERE o.org_id = latest.provider_org_id) x)
                  AS provider
         FROM latest WHERE latest.valid_to IS NULL OR latest.valid_to > ${date}::date) l
      ) AS arrangements,
      json_build_object(
        'any_partnership', EXISTS (SELECT 1 FROM partnership),
        'members', (SELECT coalesce(json_agg(DISTINCT pm.org_id), '[]') FROM partnership_member pm
          WHERE pm.org_id IN (SELECT org_id FROM councils UNION SELECT org_id FROM overrides)
            AND pm.joined_on <= ${date}::date AND (pm.left_on IS NULL OR pm.left_on > ${date}::date)),
        'homepages', (SELECT coalesce(json_object_agg(o.org_id, o.homepage_url), '{}') FROM organisation o
          WHERE o.org_id IN (SELECT org_id FROM councils UNION SELECT org_id FROM overrides)
            AND o.homepage_url IS NOT NULL)
      ) AS coverage`.execute(db);
  const row = rows[0]!;
  return {
    services: row.services.map(toService),
    councils: row.councils.map(toOrganisationSummary),
    overrides: row.overrides.map((r) => ({
      override: toOverride(r),
      org: r.org ? toOrganisationSummary(r.org) : undefined,
    })),
    arrangements: row.arrangements.map((r) => ({
      arrangementId: r.arrangement_id,
      orgId: r.org_id,
      lgslCode: r.lgsl_code,
      mode: r.delivery_mode,
      level: r.delivery_level,
      validFrom: r.valid_from,
      provider: toOrganisationSummary(r.provider),
      within: r.within,
    })),
    coverage: {
      anyPartnership: row.coverage.any_partnership,
      memberOrgIds: row.coverage.members.map(Number),
      homepages: new Map(Object.entries(row.coverage.homepages).map(([id, url]) => [Number(id), url])),
    },
  };
}

export async function partnershipMenus(tx: Tx, partnershipId: number) {
  return tx
    .selectFrom('partnership_service')
    .select(['lgsl_code', 'menu', 'kind'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('menu')
    .orderBy('lgsl_code')
    .execute();
}

/** Services with any arrangement recorded by the given organisations. */
export async function arrangedServiceCodes(tx: Tx, orgIds: readonly number[]): Promise<number[]> {
  if (orgIds.length === 0) return [];
  const rows = await tx
    .selectFrom('arrangement')
    .select('lgsl_code')
    .distinct()
    .where('org_id', 'in', [...orgIds])
    .execute();
  return rows.map((r) => r.lgsl_code);
}
