/** The service menus a partnership works from (e.g. Lancashire's front-line and back-office menus). */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE TABLE partnership_service (
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  menu text NOT NULL CHECK (length(menu) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('front_line', 'back_office')),
  PRIMARY KEY (partnership_id, lgsl_code)
);
GRANT SELECT ON partnership_service TO jointly_app;
`,
    )
    .execute(db);
}
