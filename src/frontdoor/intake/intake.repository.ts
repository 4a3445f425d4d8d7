/** SQL for opening a case: one statement, in the caller's transaction. */
import { sql } from 'kysely';
import { prepared } from '../../db/index.ts';
import type { Tx } from '../../db/index.ts';
import type { Channel } from '../../db/index.ts';
import type { NewCase, NewCaseEvent } from '../cases/cases.repository.ts';
import { referenceSql } from '../cases/case-reference.ts';

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
  /** The reference (`case-reference.ts`) has the next number for the prefix in that year. */
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
      RETURNING ${referenceSql(o.prefix, o.year, sql.ref('last_number'))} AS reference
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
