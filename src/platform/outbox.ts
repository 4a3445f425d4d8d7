/**
 * Messages to people and other systems go through the outbox (DESIGN.md, data rule 5): written
 * in the same transaction as the change they tell of, and sent afterwards by the outbox worker
 * with retries and back-off.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/index.ts';

export interface OutboxMessage {
  orgId: number;
  channel: 'email' | 'sms' | 'staff';
  /** What is being said: 'case_received', 'case_referred', 'case_updated', 'case_closed'… */
  template: string;
  /** An email address, a phone number, or for 'staff' the team or organisation told. */
  recipient: string;
  personalisation: Record<string, string | number | null>;
  caseReference?: string;
}

export async function enqueue(tx: Tx, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await tx
    .insertInto('outbox_message')
    .values(
      messages.map((m) => ({
        org_id: m.orgId,
        channel: m.channel,
        template: m.template,
        recipient: m.recipient,
        personalisation: JSON.stringify(m.personalisation),
        case_reference: m.caseReference ?? null,
      })),
    )
    .execute();
}

export type OutboxState = 'pending' | 'sent' | 'failed';

/** A message as kept in the outbox, with what happened to it. */
export interface StoredMessage {
  orgId: number;
  orgName: string;
  messageId: number;
  createdAt: Date;
  channel: OutboxMessage['channel'];
  template: string;
  recipient: string;
  personalisation: Record<string, unknown>;
  caseReference: string | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  providerReference: string | null;
}

export interface MessageFilter {
  state?: OutboxState;
  channel?: OutboxMessage['channel'];
  caseReference?: string;
  /**
   * Whose messages, for which services: each organisation's messages, and where its services are
   * listed only the messages about its cases of those services. Every message when not given (row-level
   * security still keeps them to the transaction's organisations).
   */
  within?: ReadonlyArray<{ orgId: number; lgslCodes: readonly number[] | null }>;
}

/** Messages of the organisations in `within`, limited to the cases of their services where listed. */
function withinScope(within: NonNullable<MessageFilter['within']>) {
  const every = within.filter((s) => s.lgslCodes === null).map((s) => s.orgId);
  const terms = [];
  if (every.length > 0) terms.push(sql`m.org_id = ANY (${every}::bigint[])`);
  for (const s of within) {
    if (s.lgslCodes === null || s.lgslCodes.length === 0) continue;
    // One reference is one case wherever it has been referred, always of the same service.
    terms.push(sql`(m.org_id = ${s.orgId}::bigint AND EXISTS (
      SELECT 1 FROM service_case c
      WHERE c.reference = m.case_reference AND c.lgsl_code = ANY (${[...s.lgslCodes]}::int[])))`);
  }
  return terms.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(terms, sql` OR `)})`;
}

const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

function messageQuery(tx: Tx, filter: MessageFilter) {
  let query = tx.selectFrom('outbox_message as m').innerJoin('organisation as o', 'o.org_id', 'm.org_id');
  if (filter.state) query = query.where('m.state', '=', filter.state);
  if (filter.channel) query = query.where('m.channel', '=', filter.channel);
  if (filter.caseReference) query = query.where('m.case_reference', '=', filter.caseReference);
  if (filter.within) query = query.where(withinScope(filter.within));
  return query;
}

function toMessage(r: {
  org_id: number;
  name: string;
  message_id: number;
  created_at: Date | string;
  channel: OutboxMessage['channel'];
  template: string;
  recipient: string;
  personalisation: unknown;
  case_reference: string | null;
  state: OutboxState;
  attempts: number;
  next_attempt_at: Date | string;
  sent_at: Date | string | null;
  last_error: string | null;
  provider_reference: string | null;
}): StoredMessage {
  const personalisation =
    typeof r.personalisation === 'string' ? JSON.parse(r.personalisation) : r.personalisation;
  return {
    orgId: r.org_id,
    orgName: r.name,
    messageId: r.message_id,
    createdAt: asDate(r.created_at),
    channel: r.channel,
    template: r.template,
    recipient: r.recipient,
    personalisation: (personalisation ?? {}) as Record<string, unknown>,
    caseReference: r.case_reference,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: asDate(r.next_attempt_at),
    sentAt: r.sent_at === null ? null : asDate(r.sent_at),
    lastError: r.last_error,
    providerReference: r.provider_reference,
  };
}

const MESSAGE_COLUMNS = [
  'm.org_id',
  'o.name',
  'm.message_id',
  'm.created_at',
  'm.channel',
  'm.template',
  'm.recipient',
  'm.personalisation',
  'm.case_reference',
  'm.state',
  'm.attempts',
  'm.next_attempt_at',
  'm.sent_at',
  'm.last_error',
  'm.provider_reference',
] as const;

/**
 * The messages this transaction may read (row-level security keeps them to its organisations),
 * newest first, one page at a time, with how many there are in all.
 */
export async function listMessages(
  tx: Tx,
  filter: MessageFilter,
  page: { offset: number; limit: number },
): Promise<{ total: number; messages: StoredMessage[] }> {
  const counted = await messageQuery(tx, filter)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await messageQuery(tx, filter)
    .select(MESSAGE_COLUMNS)
    .orderBy('m.created_at', 'desc')
    .orderBy('m.message_id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return { total: Number(counted.n), messages: rows.map(toMessage) };
}

/** One message, if this transaction may read it. */
export async function messageById(
  tx: Tx,
  orgId: number,
  messageId: number,
  within?: MessageFilter['within'],
): Promise<StoredMessage | undefined> {
  const row = await messageQuery(tx, within ? { within } : {})
    .select(MESSAGE_COLUMNS)
    .where('m.org_id', '=', orgId)
    .where('m.message_id', '=', messageId)
    .executeTakeFirst();
  return row && toMessage(row);
}
