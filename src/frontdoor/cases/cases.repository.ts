/** SQL for contacts, cases and their history. Every function runs in the caller's transaction. */
import { sql } from 'kysely';
import { prepared } from '../../db/prepared.ts';
import type { Tx } from '../../db/context.ts';
import type { CaseEventKind, CaseStatus, Channel } from '../../db/schema.ts';
import type { ScopeEntry } from './case-actor.ts';

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

const asDate = (value: Date | string | null): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(value);

function caseQuery(tx: Tx) {
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

function toCase(r: CaseSelect): CaseRow {
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

export interface NewContact {
  orgId: number;
  channel: Channel;
  accessPoint: string | null;
  accountId: number | null;
  residentName: string | null;
  residentEmail: string | null;
  residentPhone: string | null;
  receivedAt: Date;
  /** The person's need was met there and then, with no work left for a service team. */
  resolvedAtFirstContact?: boolean;
  /** What was done for the person, when it was resolved at first contact. */
  notes?: string;
}

/** What `openCase` writes beside the case; the reference is filled in where the number is taken. */
export interface CaseOpening {
  contact: NewContact;
  /** The reference is `PREFIX-YEAR-NNNNNN`, with the next number for the prefix in that year. */
  prefix: string;
  year: number;
  case: Omit<NewCase, 'reference' | 'contactId'>;
  /** The first events, in order. */
  events: ReadonlyArray<
    Pick<NewCaseEvent, 'kind' | 'status' | 'body' | 'visibility' | 'accountId' | 'actorName' | 'occurredAt'>
  >;
  /** Messages about the case: each is given the reference (in `personalisation.reference` too). */
  messages: ReadonlyArray<{
    orgId: number;
    channel: 'email' | 'sms' | 'staff';
    template: string;
    recipient: string;
    personalisation: Record<string, string | number | null>;
  }>;
  /**
   * The Idempotency-Key's answer, kept with the case under the front door that took it (the
   * contact's organisation): `response.case.reference` is filled in.
   */
  answer?: { caller: string; key: string; requestHash: string; statusCode: number; response: unknown };
  /** The audit row of the case's creation, under the council that holds it (no personal data). */
  audit: { accountId: number | null; after: Record<string, unknown> };
}

/**
 * Opens a case in one statement: the contact, the next number for the reference, the case, its
 * first events, its outbox messages, its audit row and the idempotency answer. Taking the number locks its
 * prefix's row until commit, so it comes last in the transaction, and one round trip keeps the
 * lock short. A repeated Idempotency-Key fails the whole statement (see `isDuplicateKey`).
 */
export async function openCase(tx: Tx, o: CaseOpening): Promise<{ caseId: number; reference: string }> {
  const c = o.case;
  const events = o.events.map((e, n) => ({
    n,
    kind: e.kind,
    status: e.status ?? null,
    body: e.body ?? '',
    visibility: e.visibility,
    account_id: e.accountId,
    actor_name: e.actorName,
    occurred_at: e.occurredAt.toISOString(),
  }));
  const messages = o.messages.map((m) => ({
    org_id: m.orgId,
    channel: m.channel,
    template: m.template,
    recipient: m.recipient,
    personalisation: m.personalisation,
  }));
  const answers = o.answer
    ? [
        {
          caller: o.answer.caller,
          idempotency_key: o.answer.key,
          request_hash: o.answer.requestHash,
          status_code: o.answer.statusCode,
          response: o.answer.response,
        },
      ]
    : [];
  const { rows } = await sql<{ case_id: number | string; reference: string }>`${prepared('open_case')}
    WITH number AS (
      INSERT INTO case_number (org_id, prefix, year, last_number)
      VALUES (${c.orgId}::bigint, ${o.prefix}::text, ${o.year}::int, 1)
      ON CONFLICT (org_id, prefix, year) DO UPDATE SET last_number = case_number.last_number + 1
      RETURNING ${o.prefix}::text || '-' || ${o.year}::int || '-' || lpad(last_number::text, 6, '0') AS reference
    ), contact_row AS (
      INSERT INTO contact (org_id, channel, access_point, account_id, resident_name, resident_email,
                           resident_phone, received_at, resolved_at_first_contact, notes)
      VALUES (${o.contact.orgId}::bigint, ${o.contact.channel}::text, ${o.contact.accessPoint}::text,
              ${o.contact.accountId}::bigint, ${o.contact.residentName}::text, ${o.contact.residentEmail}::text,
              ${o.contact.residentPhone}::text, ${o.contact.receivedAt}::timestamptz,
              ${o.contact.resolvedAtFirstContact ?? false}::boolean, ${o.contact.notes ?? ''}::text)
      RETURNING contact_id
    ), case_row AS (
      INSERT INTO service_case (org_id, reference, lgsl_code, provider_org_id, arrangement_id, status,
                                description, postcode, lat, lon, address, reporter_name, reporter_email,
                                reporter_phone, channel, contact_org_id, contact_id, routing, opened_at,
                                updated_at, due_at, closed_at, referred_from_org_id, referred_from_case_id,
                                attributes, media_url)
      SELECT ${c.orgId}::bigint, number.reference, ${c.lgslCode}::int, ${c.providerOrgId}::bigint,
             ${c.arrangementId}::bigint, ${c.status}::text, ${c.description}::text, ${c.postcode}::text,
             ${c.lat}::float8, ${c.lon}::float8, ${c.address}::text, ${c.reporterName}::text,
             ${c.reporterEmail}::text, ${c.reporterPhone}::text, ${c.channel}::text, ${c.contactOrgId}::bigint,
             contact_row.contact_id, ${JSON.stringify(c.routing)}::jsonb, ${c.openedAt}::timestamptz,
             ${c.openedAt}::timestamptz, ${c.dueAt}::timestamptz, ${c.closedAt ?? null}::timestamptz,
             ${c.referredFromOrgId ?? null}::bigint, ${c.referredFromCaseId ?? null}::bigint,
             ${JSON.stringify(c.attributes ?? {})}::jsonb, ${c.mediaUrl ?? null}::text
      FROM number, contact_row
      RETURNING org_id, case_id, reference
    ), event_rows AS (
      INSERT INTO case_event (org_id, case_id, kind, status, body, visibility, account_id, actor_name,
                              occurred_at)
      SELECT case_row.org_id, case_row.case_id, e.kind, e.status, e.body, e.visibility, e.account_id,
             e.actor_name, e.occurred_at
      FROM case_row, jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
        AS e(n integer, kind text, status text, body text, visibility text, account_id bigint, actor_name text,
             occurred_at timestamptz)
      ORDER BY e.n
    ), message_rows AS (
      INSERT INTO outbox_message (org_id, channel, template, recipient, personalisation, case_reference)
      SELECT m.org_id, m.channel, m.template, m.recipient,
             m.personalisation || jsonb_build_object('reference', case_row.reference), case_row.reference
      FROM case_row, jsonb_to_recordset(${JSON.stringify(messages)}::jsonb)
        AS m(org_id bigint, channel text, template text, recipient text, personalisation jsonb)
    ), answer_row AS (
      INSERT INTO idempotency_key (org_id, caller, idempotency_key, request_hash, status_code, response)
      SELECT ${o.contact.orgId}::bigint, a.caller, a.idempotency_key, a.request_hash, a.status_code,
             jsonb_set(a.response, '{case,reference}', to_jsonb(case_row.reference))
      FROM case_row, jsonb_to_recordset(${JSON.stringify(answers)}::jsonb)
        AS a(caller text, idempotency_key text, request_hash text, status_code integer, response jsonb)
    ), audit_row AS (
      INSERT INTO audit_log (org_id, account_id, action, entity_type, entity_key, after)
      SELECT case_row.org_id, ${o.audit.accountId}::bigint, 'create', 'case', case_row.reference,
             ${JSON.stringify(o.audit.after)}::jsonb
      FROM case_row
    )
    SELECT case_id, reference FROM case_row`.execute(tx);
  const row = rows[0]!;
  return { caseId: Number(row.case_id), reference: row.reference };
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

export async function insertCase(tx: Tx, c: NewCase): Promise<number> {
  const row = await tx
    .insertInto('service_case')
    .values({
      org_id: c.orgId,
      reference: c.reference,
      lgsl_code: c.lgslCode,
      provider_org_id: c.providerOrgId,
      arrangement_id: c.arrangementId,
      status: c.status,
      description: c.description,
      postcode: c.postcode,
      lat: c.lat,
      lon: c.lon,
      address: c.address,
      reporter_name: c.reporterName,
      reporter_email: c.reporterEmail,
      reporter_phone: c.reporterPhone,
      channel: c.channel,
      contact_org_id: c.contactOrgId,
      contact_id: c.contactId,
      routing: JSON.stringify(c.routing),
      opened_at: c.openedAt,
      updated_at: c.openedAt,
      due_at: c.dueAt,
      ...(c.closedAt ? { closed_at: c.closedAt } : {}),
      referred_from_org_id: c.referredFromOrgId ?? null,
      referred_from_case_id: c.referredFromCaseId ?? null,
      attributes: JSON.stringify(c.attributes ?? {}),
      media_url: c.mediaUrl ?? null,
    })
    .returning('case_id')
    .executeTakeFirstOrThrow();
  return row.case_id;
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

const ACTIVE: readonly CaseStatus[] = [
  'open',
  'investigating',
  'action_scheduled',
  'in_progress',
  'reopened',
];

/**
 * Cases held or handled by the organisations of a scope, each for the services it is limited to
 * there (every service when null): the filter of every list, count and search of cases.
 */
export function inScope(scope: readonly ScopeEntry[]) {
  const every = scope.filter((s) => s.lgslCodes === null).map((s) => s.orgId);
  const terms = [];
  if (every.length > 0) {
    terms.push(sql`c.org_id = ANY (${every}::bigint[]) OR c.provider_org_id = ANY (${every}::bigint[])`);
  }
  for (const s of scope) {
    if (s.lgslCodes === null || s.lgslCodes.length === 0) continue;
    terms.push(
      sql`((c.org_id = ${s.orgId}::bigint OR c.provider_org_id = ${s.orgId}::bigint) AND c.lgsl_code = ANY (${[...s.lgslCodes]}::int[]))`,
    );
  }
  return terms.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(terms, sql` OR `)})`;
}

export interface QueueQuery {
  /** Whose cases, for which services. */
  scope: readonly ScopeEntry[];
  lgslCode?: number;
  /** The team: the organisation that provides the service (handles the cases). */
  providerOrgId?: number;
  state: 'open' | 'overdue' | 'closed' | 'all';
  /** A reference, a postcode, or part of a name or address. */
  text?: { reference?: string; postcode?: string; words?: string };
  now: Date;
  limit: number;
}

export interface QueueRow {
  orgId: number;
  reference: string;
  lgslCode: number;
  serviceLabel: string;
  status: CaseStatus;
  postcode: string | null;
  openedAt: Date;
  dueAt: Date | null;
  pausedAt: Date | null;
  orgName: string;
  providerName: string;
}

/** Cases of (or handled by) these organisations, the most urgent first. */
export async function queue(tx: Tx, q: QueueQuery): Promise<{ rows: QueueRow[]; total: number }> {
  if (q.scope.length === 0) return { rows: [], total: 0 };
  let query = tx
    .selectFrom('service_case as c')
    .innerJoin('service as s', 's.lgsl_code', 'c.lgsl_code')
    .innerJoin('organisation as o', 'o.org_id', 'c.org_id')
    .innerJoin('organisation as p', 'p.org_id', 'c.provider_org_id')
    .where(inScope(q.scope));
  if (q.lgslCode !== undefined) query = query.where('c.lgsl_code', '=', q.lgslCode);
  if (q.providerOrgId !== undefined) query = query.where('c.provider_org_id', '=', q.providerOrgId);
  if (q.state === 'open' || q.state === 'overdue') query = query.where('c.status', 'in', ACTIVE);
  if (q.state === 'overdue') {
    query = query.where('c.due_at', '<', q.now).where('c.paused_at', 'is', null);
  }
  if (q.state === 'closed') query = query.where('c.status', 'not in', ACTIVE);
  if (q.text?.reference) query = query.where('c.reference', '=', q.text.reference);
  else if (q.text?.postcode) query = query.where('c.postcode', '=', q.text.postcode);
  else if (q.text?.words) {
    const like = `%${q.text.words.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('c.reporter_name', 'ilike', like),
        eb('c.address', 'ilike', like),
        eb('c.description', 'ilike', like),
      ]),
    );
  }
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'c.org_id',
      'c.reference',
      'c.lgsl_code',
      's.label',
      'c.status',
      'c.postcode',
      'c.opened_at',
      'c.due_at',
      'c.paused_at',
      'o.name as org_name',
      'p.name as provider_name',
    ])
    .orderBy(sql`c.due_at is null`)
    .orderBy('c.due_at')
    .orderBy('c.opened_at', 'desc')
    .limit(q.limit)
    .execute();
  return {
    total: Number(total),
    rows: rows.map((r) => ({
      orgId: r.org_id,
      reference: r.reference,
      lgslCode: r.lgsl_code,
      serviceLabel: r.label,
      status: r.status,
      postcode: r.postcode,
      openedAt: asDate(r.opened_at)!,
      dueAt: asDate(r.due_at),
      pausedAt: asDate(r.paused_at),
      orgName: r.org_name,
      providerName: r.provider_name,
    })),
  };
}

export interface QueueCount {
  lgslCode: number;
  serviceLabel: string;
  /** The team: the organisation whose staff handle the service's cases. */
  providerOrgId: number;
  providerName: string;
  open: number;
  overdue: number;
}

/** For each team (a service at the organisation that provides it): cases in hand, and how many are overdue. */
export async function queueCounts(tx: Tx, scope: readonly ScopeEntry[], now: Date): Promise<QueueCount[]> {
  if (scope.length === 0) return [];
  const rows = await tx
    .selectFrom('service_case as c')
    .innerJoin('service as s', 's.lgsl_code', 'c.lgsl_code')
    .innerJoin('organisation as p', 'p.org_id', 'c.provider_org_id')
    .where(inScope(scope))
    .where('c.status', 'in', ACTIVE)
    .groupBy(['c.provider_org_id', 'p.name', 'c.lgsl_code', 's.label'])
    .select((eb) => [
      'c.provider_org_id',
      'p.name',
      'c.lgsl_code',
      's.label',
      eb.fn.countAll<number>().as('open'),
      sql<number>`count(*) filter (where c.due_at < ${now} and c.paused_at is null)`.as('overdue'),
    ])
    .orderBy('p.name')
    .orderBy('s.label')
    .execute();
  return rows.map((r) => ({
    lgslCode: r.lgsl_code,
    serviceLabel: r.label,
    providerOrgId: r.provider_org_id,
    providerName: r.name,
    open: Number(r.open),
    overdue: Number(r.overdue),
  }));
}

/**
 * The current partners of an organisation on a date, in one query: the other members and
 * associates of every partnership it belongs to, with the partnership's name (the first by name
 * where they share more than one).
 */
export async function partnersOf(
  tx: Tx,
  orgId: number,
  date: string,
): Promise<Array<{ orgId: number; name: string; partnership: string }>> {
  const rows = await tx
    .selectFrom('partnership_member as me')
    .innerJoin('partnership as p', 'p.partnership_id', 'me.partnership_id')
    .innerJoin('partnership_member as pm', 'pm.partnership_id', 'me.partnership_id')
    .innerJoin('organisation as o', 'o.org_id', 'pm.org_id')
    .select(['o.org_id', 'o.name', 'p.name as partnership'])
    .where('me.org_id', '=', orgId)
    .where('pm.org_id', '<>', orgId)
    .where('pm.role', 'in', ['member', 'associate'])
    .where(sql<boolean>`me.joined_on <= ${date}::date AND (me.left_on IS NULL OR me.left_on > ${date}::date)`)
    .where(sql<boolean>`pm.joined_on <= ${date}::date AND (pm.left_on IS NULL OR pm.left_on > ${date}::date)`)
    .orderBy('p.name')
    .orderBy('o.name')
    .execute();
  const seen = new Set<number>();
  return rows.flatMap((r) => {
    if (seen.has(r.org_id)) return [];
    seen.add(r.org_id);
    return [{ orgId: r.org_id, name: r.name, partnership: r.partnership }];
  });
}
