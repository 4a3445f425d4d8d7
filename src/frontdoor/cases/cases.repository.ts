/**
 * SQL for a case and its history: reading a case row, the organisations it names, changing it
 * under its version, and its events. Every function runs in the caller's transaction. Opening a
 * case is in `intake/intake.repository.ts`, a referred case's new row in
 * `referral/referral.repository.ts`, the desk's lists in `desk/queue.repository.ts`.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Tx } from '../../db/index.ts';
import type { CaseEventKind, CaseStatus, Channel, DB } from '../../db/index.ts';

export interface CaseRow {
  orgId: number;
  caseId: number;
  reference: string;
  lgslCode: number;
  serviceLabel: string;
  providerOrgId: number;
  arrangementId: number | null;
  team: string | null;
  status: CaseStatus;
  version: number;
  description: string;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  reporterName: string | null;
  reporterEmail: string | null;
  reporterPhone: string | null;
  channel: Channel;
  /** The organisation whose front door took the contact (kept when the case is referred). */
  contactOrgId: number | null;
  routing: unknown;
  openedAt: Date;
  dueAt: Date | null;
  pausedAt: Date | null;
  closedAt: Date | null;
  referredFromOrgId: number | null;
  referredToOrgId: number | null;
  updatedAt: Date;
  /** What an Open311 client answered, by attribute code, and its media address. */
  attributes: Record<string, string>;
  mediaUrl: string | null;
}

export interface CaseEventRow {
  orgId: number;
  eventId: number;
  caseId: number;
  occurredAt: Date;
  kind: CaseEventKind;
  status: CaseStatus | null;
  body: string;
  visibility: 'public' | 'internal';
  actorName: string | null;
  relatedOrgId: number | null;
  copiedFromOrgId: number | null;
}

export const asDate = (value: Date | string | null): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(value);

/** A case row with its service's label, to narrow with `where` (the referral's read adds to it). */
export function caseQuery(tx: Tx) {
  return tx
    .selectFrom('service_case as c')
    .innerJoin('service as s', 's.lgsl_code', 'c.lgsl_code')
    .select([
      'c.org_id',
      'c.case_id',
      'c.reference',
      'c.lgsl_code',
      's.label as service_label',
      'c.provider_org_id',
      'c.arrangement_id',
      'c.team',
      'c.status',
      'c.version',
      'c.description',
      'c.postcode',
      'c.lat',
      'c.lon',
      'c.address',
      'c.reporter_name',
      'c.reporter_email',
      'c.reporter_phone',
      'c.channel',
      'c.contact_org_id',
      'c.routing',
      'c.opened_at',
      'c.due_at',
      'c.paused_at',
      'c.closed_at',
      'c.referred_from_org_id',
      'c.referred_to_org_id',
      'c.updated_at',
      'c.attributes',
      'c.media_url',
    ]);
}

type CaseSelect = Awaited<ReturnType<ReturnType<typeof caseQuery>['executeTakeFirstOrThrow']>>;

export function toCase(r: CaseSelect): CaseRow {
  return {
    orgId: r.org_id,
    caseId: r.case_id,
    reference: r.reference,
    lgslCode: r.lgsl_code,
    serviceLabel: r.service_label,
    providerOrgId: r.provider_org_id,
    arrangementId: r.arrangement_id,
    team: r.team,
    status: r.status,
    version: r.version,
    description: r.description,
    postcode: r.postcode,
    lat: r.lat,
    lon: r.lon,
    address: r.address,
    reporterName: r.reporter_name,
    reporterEmail: r.reporter_email,
    reporterPhone: r.reporter_phone,
    channel: r.channel,
    contactOrgId: r.contact_org_id,
    routing: r.routing,
    openedAt: asDate(r.opened_at)!,
    dueAt: asDate(r.due_at),
    pausedAt: asDate(r.paused_at),
    closedAt: asDate(r.closed_at),
    referredFromOrgId: r.referred_from_org_id,
    referredToOrgId: r.referred_to_org_id,
    updatedAt: asDate(r.updated_at)!,
    attributes: r.attributes ?? {},
    mediaUrl: r.media_url,
  };
}

/** The case an organisation holds under a reference, if this transaction may see it. */
export async function caseByReference(
  tx: Tx,
  orgId: number,
  reference: string,
  options: { forUpdate?: boolean } = {},
): Promise<CaseRow | undefined> {
  let query = caseQuery(tx).where('c.org_id', '=', orgId).where('c.reference', '=', reference);
  if (options.forUpdate) query = query.forUpdate('c');
  const row = await query.executeTakeFirst();
  return row && toCase(row);
}

/** Every row this transaction may see with a reference: one per organisation that has held it. */
export async function casesWithReference(tx: Tx, reference: string): Promise<CaseRow[]> {
  const rows = await caseQuery(tx).where('c.reference', '=', reference).orderBy('c.opened_at').execute();
  return rows.map(toCase);
}

/** The organisation that issues references with a prefix (the directory is public). */
export async function issuerOfPrefix(
  db: Kysely<DB> | Tx,
  prefix: string,
): Promise<{ org_id: number } | undefined> {
  return db.selectFrom('organisation').select('org_id').where('case_prefix', '=', prefix).executeTakeFirst();
}

/** The organisations of a case as residents see them, with the prefix of their references. */
export async function caseOrganisations(
  tx: Tx,
  orgIds: readonly number[],
): Promise<
  Map<
    number,
    {
      brand: {
        orgId: number;
        name: string;
        jurisdiction: string | null;
        brandColour: string;
        logoUrl: string | null;
      };
      casePrefix: string | null;
    }
  >
> {
  const ids = [...new Set(orgIds)];
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('organisation')
    .select(['org_id', 'name', 'jurisdiction', 'brand_colour', 'logo_url', 'case_prefix'])
    .where('org_id', 'in', ids)
    .execute();
  return new Map(
    rows.map((r) => [
      r.org_id,
      {
        brand: {
          orgId: r.org_id,
          name: r.name,
          jurisdiction: r.jurisdiction,
          brandColour: r.brand_colour,
          logoUrl: r.logo_url,
        },
        casePrefix: r.case_prefix,
      },
    ]),
  );
}

export interface NewCase {
  orgId: number;
  reference: string;
  lgslCode: number;
  providerOrgId: number;
  arrangementId: number | null;
  status: CaseStatus;
  description: string;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  reporterName: string | null;
  reporterEmail: string | null;
  reporterPhone: string | null;
  channel: Channel;
  contactOrgId: number | null;
  contactId: number | null;
  routing: unknown;
  openedAt: Date;
  dueAt: Date | null;
  /** Set when the case opens already finished (resolved at first contact). */
  closedAt?: Date | null;
  referredFromOrgId?: number | null;
  referredFromCaseId?: number | null;
  /** What an Open311 client answered, by attribute code, and its media address. */
  attributes?: Record<string, string>;
  mediaUrl?: string | null;
}

export interface CaseChange {
  status?: CaseStatus;
  providerOrgId?: number;
  arrangementId?: number | null;
  team?: string | null;
  dueAt?: Date | null;
  pausedAt?: Date | null;
  closedAt?: Date | null;
  routing?: unknown;
  referredFromOrgId?: number | null;
  referredFromCaseId?: number | null;
  referredToOrgId?: number | null;
  referredToCaseId?: number | null;
}

/**
 * Changes a case if it is still at `expectedVersion`, and moves it to the next version.
 * Returns false when someone else changed it first.
 *
 * A new provider (with its arrangement) comes only with the case it was referred from: request
 * work may not update a case's provider or origin itself, and the database function that does it
 * checks that the case was referred here from a case of the same reference that the caller may
 * write (migration 0006).
 */
export async function updateCase(
  tx: Tx,
  key: { orgId: number; caseId: number; expectedVersion: number },
  change: CaseChange,
  at: Date,
): Promise<boolean> {
  const takeBack =
    change.providerOrgId !== undefined ||
    change.arrangementId !== undefined ||
    change.referredFromOrgId !== undefined ||
    change.referredFromCaseId !== undefined;
  if (takeBack) {
    const { providerOrgId, arrangementId, referredFromOrgId, referredFromCaseId } = change;
    if (providerOrgId === undefined || !referredFromOrgId || !referredFromCaseId) {
      throw new TypeError('a case changes provider only with the case it was referred from');
    }
    await sql`SELECT jointly_take_back_referred_case(${key.orgId}::bigint, ${key.caseId}::bigint,
      ${referredFromOrgId}::bigint, ${referredFromCaseId}::bigint, ${providerOrgId}::bigint,
      ${arrangementId ?? null}::bigint)`.execute(tx);
  }
  const result = await tx
    .updateTable('service_case')
    .set((eb) => ({
      version: eb('version', '+', 1),
      updated_at: at,
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.team !== undefined ? { team: change.team } : {}),
      ...(change.dueAt !== undefined ? { due_at: change.dueAt } : {}),
      ...(change.pausedAt !== undefined ? { paused_at: change.pausedAt } : {}),
      ...(change.closedAt !== undefined ? { closed_at: change.closedAt } : {}),
      ...(change.routing !== undefined ? { routing: JSON.stringify(change.routing) } : {}),
      ...(change.referredToOrgId !== undefined ? { referred_to_org_id: change.referredToOrgId } : {}),
      ...(change.referredToCaseId !== undefined ? { referred_to_case_id: change.referredToCaseId } : {}),
    }))
    .where('org_id', '=', key.orgId)
    .where('case_id', '=', key.caseId)
    .where('version', '=', key.expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface NewCaseEvent {
  orgId: number;
  caseId: number;
  kind: CaseEventKind;
  status?: CaseStatus | null;
  body?: string;
  visibility: 'public' | 'internal';
  accountId: number | null;
  actorName: string | null;
  relatedOrgId?: number | null;
  relatedCaseId?: number | null;
  occurredAt: Date;
  copiedFromOrgId?: number | null;
}

export async function insertEvents(tx: Tx, events: readonly NewCaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx
    .insertInto('case_event')
    .values(
      events.map((e) => ({
        org_id: e.orgId,
        case_id: e.caseId,
        kind: e.kind,
        status: e.status ?? null,
        body: e.body ?? '',
        visibility: e.visibility,
        account_id: e.accountId,
        actor_name: e.actorName,
        related_org_id: e.relatedOrgId ?? null,
        related_case_id: e.relatedCaseId ?? null,
        occurred_at: e.occurredAt,
        copied_from_org_id: e.copiedFromOrgId ?? null,
      })),
    )
    .execute();
}

/** A case's history, oldest first; only what is shown to residents when `publicOnly`. */
export async function caseEvents(
  tx: Tx,
  orgId: number,
  caseId: number,
  options: { publicOnly?: boolean } = {},
): Promise<CaseEventRow[]> {
  let query = tx
    .selectFrom('case_event')
    .select([
      'org_id',
      'event_id',
      'case_id',
      'occurred_at',
      'kind',
      'status',
      'body',
      'visibility',
      'actor_name',
      'related_org_id',
      'copied_from_org_id',
    ])
    .where('org_id', '=', orgId)
    .where('case_id', '=', caseId);
  if (options.publicOnly) query = query.where('visibility', '=', 'public');
  const rows = await query.orderBy('occurred_at').orderBy('event_id').execute();
  return rows.map((r) => ({
    orgId: r.org_id,
    eventId: r.event_id,
    caseId: r.case_id,
    occurredAt: asDate(r.occurred_at)!,
    kind: r.kind,
    status: r.status,
    body: r.body,
    visibility: r.visibility,
    actorName: r.actor_name,
    relatedOrgId: r.related_org_id,
    copiedFromOrgId: r.copied_from_org_id,
  }));
}
