/**
 * The front door that took a contact may read the case it raised, wherever the case is held: a
 * district's one-stop shop follows the county highways report it took, and an Open311 client of
 * that council follows the requests it sent. Indexes for Open311's lists and tokens.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE POLICY service_case_read_front_door ON service_case FOR SELECT
  USING (contact_org_id = ANY (jointly_read_orgs()));
CREATE INDEX service_case_contact_idx ON service_case (contact_org_id, opened_at);
CREATE INDEX service_case_opened_idx ON service_case (org_id, opened_at);
CREATE INDEX idempotency_key_token_idx ON idempotency_key (idempotency_key);
`,
    )
    .execute(db);
}
