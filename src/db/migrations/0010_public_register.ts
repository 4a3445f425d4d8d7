/**
 * The register is public: who delivers which service, how, at which level and since when is what
 * councils publish, so anyone may read an arrangement's facts. What stays with the council and its
 * partnership's administrators is an arrangement's notes when they are marked internal: the notes
 * column is not readable by request context at all, only through `arrangement_note`, which gives
 * public notes to everyone and internal ones to those who may read the organisation's records.
 *
 * Notes written before this migration were written for the council's own people: they stay
 * internal. New notes are internal unless whoever records them says they may be published.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE arrangement ADD COLUMN notes_internal boolean NOT NULL DEFAULT true;

DROP POLICY arrangement_read ON arrangement;
CREATE POLICY arrangement_read ON arrangement FOR SELECT USING (true);

CREATE VIEW arrangement_note WITH (security_barrier) AS
  SELECT org_id, arrangement_id, notes
    FROM arrangement
   WHERE NOT notes_internal OR org_id = ANY (jointly_read_orgs());

-- Every role that request work runs as (jointly_app, and any other that was given the table)
-- reads every column but notes, and reads notes through the view.
DO $$
DECLARE
  grantee_name text;
BEGIN
  FOR grantee_name IN
    SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
     WHERE g.table_schema = current_schema() AND g.table_name = 'arrangement'
       AND g.privilege_type = 'SELECT' AND g.grantee NOT IN (current_user, 'PUBLIC')
       AND g.grantee <> (SELECT pg_get_userbyid(c.relowner) FROM pg_class c
                          WHERE c.oid = 'arrangement'::regclass)
  LOOP
    EXECUTE format('REVOKE SELECT ON arrangement FROM %I', grantee_name);
    EXECUTE format('GRANT SELECT (org_id, arrangement_id, lgsl_code, valid_from, valid_to, delivery_mode, '
      'delivery_level, provider_org_id, lead_commissioner_org_id, partnership_id, area_code, '
      'reserved_decisions, delegated_decisions, notes_internal, source, recorded_at, recorded_by) '
      'ON arrangement TO %I', grantee_name);
    EXECUTE format('GRANT SELECT ON arrangement_note TO %I', grantee_name);
  END LOOP;
END
$$;
GRANT SELECT (org_id, arrangement_id, lgsl_code, valid_from, valid_to, delivery_mode, delivery_level,
  provider_org_id, lead_commissioner_org_id, partnership_id, area_code, reserved_decisions,
  delegated_decisions, notes_internal, source, recorded_at, recorded_by) ON arrangement TO jointly_app;
GRANT SELECT ON arrangement_note TO jointly_app;
`,
    )
    .execute(db);
}
