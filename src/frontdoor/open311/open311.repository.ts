/**
 * SQL for Open311: a jurisdiction by its slug, a jurisdiction's requests a page at a time, the
 * request a token was given for, public updates, and who holds a reference now. Request work runs
 * in the caller's tenant transaction, so row-level security keeps each read to what the
 * jurisdiction (or the client's council) may see; the directory and tokens are read as the owner.
 */
import { sql, type Kysely } from 'kysely';
import type { CaseStatus, DB, Tx } from '../../db/index.ts';

/** The organisation whose GOV.UK slug is `slug` (the directory is public). */
export function organisationByJurisdiction(
  db: Kysely<DB>,
  slug: string,
): Promise<{ org_id: number; name: string; jurisdiction: string | null } | undefined> {
  return db
    .selectFrom('organisation')
    .select(['org_id', 'name', 'jurisdiction'])
    .where('jurisdiction', '=', slug)
    .executeTakeFirst();
}

/** A request as its current holder has it, with the names an answer shows. */
export interface RequestRow {
  org_id: number;
  reference: string;
  lgsl_code: number;
  status: CaseStatus;
  description: string;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  provider_org_id: number;
  contact_org_id: number | null;
  opened_at: Date | string;
  requested_at: Date | string;
  updated_at: Date | string;
  due_at: Date | string | null;
  holder_name: string;
  referred_to_name: string | null;
  service_label: string;
  status_note: string | null;
  attributes: Record<string, string> | null;
  media_url: string | null;
}

/** Which of a jurisdiction's requests to read: every filter given must hold; one page of them. */
export interface RequestFilter {
  orgId: number;
  references?: readonly string[];
  lgslCodes?: readonly number[];
  /** The holder's status now, as the case has it. */
  statuses?: readonly CaseStatus[];
  /** When the jurisdiction first had the request (`requested_at`), from and to, both included. */
  start?: Date;
  end?: Date;
  offset: number;
  limit: number;
}

/**
 * One page of a jurisdiction's requests, newest first (then by reference): for each reference it
 * holds, has held or took, the row of whoever holds it now (as far as the jurisdiction may see).
 * A request was requested when the jurisdiction first had it. The database filters and pages:
 * no more rows than the page leave it, and the names and the last public note are read for those
 * rows only.
 */
export async function requestRows(tx: Tx, filter: RequestFilter): Promise<RequestRow[]> {
  const { orgId, references, lgslCodes, statuses, start, end } = filter;
  const jurisdictions = sql`(c.org_id = ${orgId} OR c.contact_org_id = ${orgId})`;
  const rows = await sql<RequestRow>`
    WITH mine AS (
      SELECT c.reference, min(c.opened_at) AS requested_at
      FROM service_case c
      WHERE ${jurisdictions}
        ${references ? sql`AND c.reference = ANY (${[...references]}::text[])` : sql``}
        ${end ? sql`AND c.opened_at <= ${end}` : sql``}
        ${
          // A reference the jurisdiction had before the start is not requested in the window.
          start
            ? sql`AND c.opened_at >= ${start} AND NOT EXISTS (
                SELECT 1 FROM service_case earlier
                WHERE earlier.reference = c.reference AND earlier.opened_at < ${start}
                  AND (earlier.org_id = ${orgId} OR earlier.contact_org_id = ${orgId}))`
            : sql``
        }
      GROUP BY c.reference
    ),
    current AS (
      SELECT DISTINCT ON (c.reference) c.*, mine.requested_at
      FROM mine JOIN service_case c ON c.reference = mine.reference
      ORDER BY c.reference, (c.status = 'referred'), c.updated_at DESC
    ),
    page AS (
      SELECT * FROM current cur
      WHERE TRUE
        ${lgslCodes ? sql`AND cur.lgsl_code = ANY (${[...lgslCodes]}::int[])` : sql``}
        ${statuses ? sql`AND cur.status::text = ANY (${[...statuses]}::text[])` : sql``}
      ORDER BY cur.requested_at DESC, cur.reference
      LIMIT ${filter.limit} OFFSET ${filter.offset}
    )
    SELECT cur.org_id, cur.reference, cur.lgsl_code, cur.status, cur.description, cur.postcode,
           cur.lat, cur.lon, cur.address, cur.provider_org_id, cur.contact_org_id, cur.opened_at,
           cur.requested_at, cur.updated_at, cur.due_at, cur.attributes, cur.media_url,
           holder.name AS holder_name, referred.name AS referred_to_name, s.label AS service_label,
           (SELECT e.body FROM case_event e
             WHERE e.org_id = cur.org_id AND e.case_id = cur.case_id AND e.visibility = 'public'
               AND e.kind IN ('status', 'message') AND e.body <> ''
             ORDER BY e.event_id DESC LIMIT 1) AS status_note
    FROM page cur
    JOIN organisation holder ON holder.org_id = cur.org_id
    LEFT JOIN organisation referred ON referred.org_id = cur.referred_to_org_id
    JOIN service s ON s.lgsl_code = cur.lgsl_code
    ORDER BY cur.requested_at DESC, cur.reference
  `.execute(tx);
  return rows.rows;
}

/** The answer stored under an Idempotency-Key by one caller (a client's key), if there is one. */
export async function storedAnswer(db: Kysely<DB>, key: string, caller: string): Promise<unknown> {
  const row = await db
    .selectFrom('idempotency_key')
    .select('response')
    .where('idempotency_key', '=', key)
    .where('caller', '=', caller)
    .executeTakeFirst();
  return row?.response;
}

export interface UpdateRow {
  event_id: number;
  reference: string;
  event_status: CaseStatus | null;
  case_status: CaseStatus;
  occurred_at: Date | string;
  body: string;
}

/**
 * Public updates to the jurisdiction's requests (those it holds or took) in the window, oldest
 * first: each event once, where it happened (not the copies a referral makes), and not the opening.
 */
export async function updateRows(
  tx: Tx,
  orgId: number,
  start: Date,
  end: Date,
  limit: number,
): Promise<UpdateRow[]> {
  const rows = await sql<UpdateRow>`
    SELECT e.event_id, c.reference, e.status AS event_status, c.status AS case_status,
           e.occurred_at, e.body
    FROM case_event e
    JOIN service_case c ON c.org_id = e.org_id AND c.case_id = e.case_id
    WHERE (c.org_id = ${orgId} OR c.contact_org_id = ${orgId})
      AND e.visibility = 'public' AND e.copied_from_org_id IS NULL AND e.kind <> 'opened'
      AND e.occurred_at >= ${start} AND e.occurred_at <= ${end}
    ORDER BY e.occurred_at, e.event_id
    LIMIT ${limit}
  `.execute(tx);
  return rows.rows;
}

/** The organisation holding a reference now, among the rows this transaction may see. */
export async function holderOf(tx: Tx, reference: string): Promise<number | undefined> {
  const row = await tx
    .selectFrom('service_case')
    .select('org_id')
    .where('reference', '=', reference)
    .where('status', '<>', 'referred')
    .executeTakeFirst();
  return row?.org_id;
}

/** The latest event of a case. */
export async function lastEventId(tx: Tx, orgId: number, caseId: number): Promise<number> {
  const row = await tx
    .selectFrom('case_event')
    .select('event_id')
    .where('org_id', '=', orgId)
    .where('case_id', '=', caseId)
    .orderBy('event_id', 'desc')
    .executeTakeFirstOrThrow();
  return row.event_id;
}
