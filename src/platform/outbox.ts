/**
 * Messages to people and other systems go through the outbox (DESIGN.md, data rule 5): written
 * in the same transaction as the change they tell of, and sent afterwards by the outbox worker
 * with retries and back-off.
 */
import type { Tx } from '../db/context.ts';

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
