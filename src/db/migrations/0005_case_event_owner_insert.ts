/**
 * A case's own organisation may add to its history without the history looking the case up: so a
 * case and its first events can be written in one statement (where the new case is not yet
 * visible to the statement's own checks). The foreign key still requires the case to exist; a
 * provider writing on another council's case is still checked against the case, as before.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
DROP POLICY case_event_insert ON case_event;
CREATE POLICY case_event_insert ON case_event FOR INSERT WITH CHECK (
  org_id = ANY (jointly_write_orgs())
  OR EXISTS (
    SELECT 1 FROM service_case c WHERE c.org_id = case_event.org_id AND c.case_id = case_event.case_id
       AND jointly_may_write_case(c.org_id, c.provider_org_id)));
`,
    )
    .execute(db);
}
