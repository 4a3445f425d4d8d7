/**
 * The outbox as staff may read it: the messages of their organisations, limited to their
 * services' cases where their grants list services, a page at a time; and one message in full,
 * whose view is recorded under the message's organisation in the transaction that read it.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import { withTenant } from '../../db/index.ts';
import { recordAudit } from '../../platform/index.ts';
import { listMessages, messageById, type MessageFilter, type StoredMessage } from '../../platform/index.ts';
import { caseScope, type CaseActor } from '../cases/case-actor.ts';

export interface OutboxViewer {
  list(
    actor: CaseActor,
    filter: Omit<MessageFilter, 'within'>,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; messages: StoredMessage[] }>;
  /** One message the actor may read, or undefined; seeing it in full is audited. */
  message(actor: CaseActor, orgId: number, messageId: number): Promise<StoredMessage | undefined>;
}

export function createOutboxViewer(db: Kysely<DB>): OutboxViewer {
  return {
    list(actor, filter, page) {
      const scope = { readOrgs: actor.readOrgs, writeOrgs: [], accountId: actor.accountId };
      return withTenant(db, scope, (tx) => listMessages(tx, { ...filter, within: caseScope(actor) }, page));
    },

    message(actor, orgId, messageId) {
      // The recipient is personal data: seeing it in full is recorded against the message's organisation.
      const scope = { readOrgs: actor.readOrgs, writeOrgs: actor.readOrgs, accountId: actor.accountId };
      return withTenant(db, scope, async (tx) => {
        const found = await messageById(tx, orgId, messageId, caseScope(actor));
        if (found && actor.accountId !== null) {
          await recordAudit(tx, {
            orgId,
            accountId: actor.accountId,
            action: 'view',
            entityType: 'outbox_message',
            entityKey: String(messageId),
          });
        }
        return found;
      });
    },
  };
}
