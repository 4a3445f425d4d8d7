/** The messages the front door writes about a case: to the resident, and to a team's own outbox. */
import type { OutboxMessage } from '../../platform/index.ts';

/** A message to the resident, by email when they gave one, else by text message; none without either. */
export function residentMessages(
  orgId: number,
  row: { reference: string; reporterEmail: string | null; reporterPhone: string | null },
  template: string,
  personalisation: Record<string, string | number | null>,
): OutboxMessage[] {
  const base = { orgId, template, personalisation: { reference: row.reference, ...personalisation } };
  const messages: OutboxMessage[] = [];
  if (row.reporterEmail) {
    messages.push({
      ...base,
      channel: 'email',
      recipient: row.reporterEmail,
      caseReference: row.reference,
    });
  } else if (row.reporterPhone) {
    messages.push({ ...base, channel: 'sms', recipient: row.reporterPhone, caseReference: row.reference });
  }
  return messages;
}

/** A message to an organisation's staff, in its own outbox. */
export const staffMessage = (
  orgId: number,
  template: string,
  reference: string,
  text: string,
): OutboxMessage => ({
  orgId,
  channel: 'staff',
  template,
  recipient: `organisation:${orgId}`,
  personalisation: { reference, text },
  caseReference: reference,
});
