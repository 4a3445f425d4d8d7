/**
 * Audit rows, written in the same transaction as the change they describe (who, when, what,
 * before/after), and for reads of personal data: a case or message seen in full ('view'), a search
 * of cases by a resident's name, address or postcode ('search', with what was searched for).
 */
import type { Tx } from '../db/index.ts';

export interface AuditEntry {
  orgId: number;
  accountId: number | null;
  action:
    | 'create'
    | 'update'
    | 'supersede'
    | 'end'
    | 'import'
    | 'grant'
    | 'view'
    | 'search'
    | 'submit'
    | 'decide'
    | 'withdraw'
    | 'apply'
    /** A change refused and kept on record (a file offered as a paper that holds a virus). */
    | 'refuse';
  entityType: string;
  entityKey: string;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await recordAudits(tx, [entry]);
}

/** Several audit rows in one statement (for example every request a client was shown in full). */
export async function recordAudits(tx: Tx, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx
    .insertInto('audit_log')
    .values(
      entries.map((entry) => ({
        org_id: entry.orgId,
        account_id: entry.accountId,
        action: entry.action,
        entity_type: entry.entityType,
        entity_key: entry.entityKey,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
      })),
    )
    .execute();
}
