/**
 * A view of a case is recorded under the council that holds it, whoever read it: the provider's
 * team, or the front door that took the contact and follows the case another council holds. The
 * reader's transaction may write the holder's audit rows for that only: a 'view' of a 'case' it
 * can see, by the account signed in to the transaction.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE POLICY audit_log_case_view ON audit_log FOR INSERT WITH CHECK (
  action = 'view' AND entity_type = 'case'
  AND account_id = nullif(current_setting('jointly.account_id', true), '')::bigint
  AND EXISTS (
    SELECT 1 FROM service_case c WHERE c.org_id = audit_log.org_id AND c.reference = audit_log.entity_key));
`,
    )
    .execute(db);
}
