/**
 * What an Open311 client sent beyond the contact itself, kept on the case: every attribute it
 * answered (those the service definition asks for and those it does not, such as a property's
 * UPRN, the client's own report id or an easting and northing), as text by attribute code, and
 * the address of a photo or other media (`media_url`). The columns belong to the case row, so the
 * case's `org_id` and its policies cover them; a referral copies them to the receiving row.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE service_case
  ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(attributes) = 'object' AND length(attributes::text) <= 60000),
  ADD COLUMN media_url text CHECK (length(media_url) <= 2000);
`,
    )
    .execute(db);
}
