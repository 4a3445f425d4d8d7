/**
 * The last tables that held council data without row-level security get their organisation:
 * stored Idempotency-Key answers belong to the front door that took the request, and the numbers
 * behind residents' references to the council whose prefix they carry. Both have `org_id`
 * leading their keys and forced policies.
 *
 * Request work may no longer move a case between organisations by a plain update: the holder,
 * provider and origin of a case are not updatable by `jointly_app`, and the provider changes only
 * through `jointly_take_back_referred_case`, the database's half of the referral rule.
 *
 * `jointly_app` may log in, so that request work can connect as it (DATABASE_APP_URL) and have no
 * way back to the owner; its password is set by whoever runs the server, never by a migration.
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
-- The request role can log in: roles are the server's, so an owner that may not change roles
-- leaves this to the administrator (docs/operations.md).
-- Roles are shared by every database of the server: a role already right is left alone, and one
-- changed by another database's migration at the same moment (XX000, "tuple concurrently
-- updated") has been given the same attributes.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jointly_app' AND rolcanlogin AND NOT rolinherit) THEN
    ALTER ROLE jointly_app LOGIN NOINHERIT;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not let jointly_app log in (%): run "ALTER ROLE jointly_app LOGIN PASSWORD ..." as an administrator', SQLERRM;
  WHEN SQLSTATE 'XX000' THEN
    RAISE NOTICE 'jointly_app was being changed by another migration at the same time (%)', SQLERRM;
END
$$;

-- Stored answers: the front door's (the organisation of the contact the request made).
ALTER TABLE idempotency_key ADD COLUMN org_id bigint REFERENCES organisation (org_id);
UPDATE idempotency_key k SET org_id = coalesce(
  (SELECT c.contact_org_id FROM service_case c
    WHERE c.reference = k.response -> 'case' ->> 'reference' AND c.contact_org_id IS NOT NULL
    ORDER BY c.referred_from_org_id IS NOT NULL, c.opened_at LIMIT 1),
  (SELECT a.org_id FROM api_key a WHERE k.caller = 'open311:' || a.key_id::text));
-- An answer that names no case of any council cannot be given again usefully: nothing to keep.
DELETE FROM idempotency_key WHERE org_id IS NULL;
ALTER TABLE idempotency_key ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey;
ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_key_pkey PRIMARY KEY (org_id, caller, idempotency_key);

ALTER TABLE idempotency_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_key FORCE ROW LEVEL SECURITY;
CREATE POLICY idempotency_key_read ON idempotency_key FOR SELECT USING (org_id = ANY (jointly_read_orgs()));
CREATE POLICY idempotency_key_insert ON idempotency_key FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));

-- Reference numbers: the council whose prefix they carry, and only that council's prefix.
ALTER TABLE organisation ADD CONSTRAINT organisation_case_prefix_key_org UNIQUE (org_id, case_prefix);
ALTER TABLE case_number ADD COLUMN org_id bigint;
UPDATE case_number n SET org_id = o.org_id FROM organisation o WHERE o.case_prefix = n.prefix;
DO $$
DECLARE orphans text;
BEGIN
  SELECT string_agg(DISTINCT prefix, ', ') INTO orphans FROM case_number WHERE org_id IS NULL;
  IF orphans IS NOT NULL THEN
    RAISE EXCEPTION 'reference numbers for prefixes no organisation has: %', orphans
      USING HINT = 'Give each prefix back to its organisation (organisation.case_prefix), then migrate again.';
  END IF;
END
$$;
ALTER TABLE case_number ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE case_number DROP CONSTRAINT case_number_pkey;
ALTER TABLE case_number ADD PRIMARY KEY (org_id, prefix, year);
ALTER TABLE case_number ADD FOREIGN KEY (org_id, prefix) REFERENCES organisation (org_id, case_prefix);

ALTER TABLE case_number ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_number FORCE ROW LEVEL SECURITY;
CREATE POLICY case_number_read ON case_number FOR SELECT USING (org_id = ANY (jointly_write_orgs()));
CREATE POLICY case_number_insert ON case_number FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));
CREATE POLICY case_number_update ON case_number FOR UPDATE
  USING (org_id = ANY (jointly_write_orgs())) WITH CHECK (org_id = ANY (jointly_write_orgs()));

-- A case's holder, provider, origin and history links are not for request work to update: only
-- what happens to the case is.
REVOKE UPDATE ON service_case FROM jointly_app;
GRANT UPDATE (status, version, team, due_at, paused_at, closed_at, routing, referred_to_org_id,
  referred_to_case_id, updated_at) ON service_case TO jointly_app;

-- A case referred back to an organisation that held it before goes back to its own row there,
-- with the provider the referral found. Allowed only from a case with the same reference that the
-- caller may write, onto a case of the same reference that the caller may write.
CREATE FUNCTION jointly_take_back_referred_case(
  case_org bigint, case_key bigint, from_org bigint, from_case bigint, new_provider bigint, new_arrangement bigint)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $f$
DECLARE
  source_reference text;
BEGIN
  SELECT s.reference INTO source_reference FROM service_case s
   WHERE s.org_id = from_org AND s.case_id = from_case
     AND jointly_may_write_case(s.org_id, s.provider_org_id);
  IF source_reference IS NULL THEN
    RAISE EXCEPTION 'case % of organisation % cannot be referred from here', from_case, from_org
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE service_case t
     SET provider_org_id = new_provider, arrangement_id = new_arrangement,
         referred_from_org_id = from_org, referred_from_case_id = from_case
   WHERE t.org_id = case_org AND t.case_id = case_key AND t.org_id <> from_org
     AND t.reference = source_reference AND jointly_may_write_case(t.org_id, t.provider_org_id);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'case % of organisation % is not the same case as the one referred', case_key, case_org
      USING ERRCODE = 'insufficient_privilege';
  END IF;
END
$f$;
REVOKE EXECUTE ON FUNCTION jointly_take_back_referred_case(bigint, bigint, bigint, bigint, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jointly_take_back_referred_case(bigint, bigint, bigint, bigint, bigint, bigint) TO jointly_app;
`,
    )
    .execute(db);
}
