/**
 * A transaction's tenant scope is sealed: request work can no longer widen what it reads or writes
 * by setting `jointly.read_orgs`, `jointly.write_orgs` or `jointly.account_id` itself.
 *
 * - `jointly_begin_scope(read, write, account)` is the only way to give a transaction its scope.
 *   It runs as the owner, sets the three settings and a seal beside them: a SHA-256 of the
 *   settings, the backend and the transaction's start under a secret that only the owner can read
 *   (`app_secret` 'request_scope'). It works only in the statement that begins the transaction
 *   (statement and transaction start at the same instant, to the microsecond), so no statement
 *   inside a transaction can give it a new scope. The embedded engine's clock counts only
 *   milliseconds: there its driver refuses the call inside a transaction (pglite-dialect.ts).
 * - `jointly_read_orgs()`, `jointly_write_orgs()` and `jointly_account_id()` give the settings only
 *   when the seal matches them, and nothing otherwise: a setting changed by `set_config` or `SET`
 *   inside the transaction narrows the scope to nothing, never widens it.
 * - Checking the seal costs a lookup and a hash (about 15 µs on PostgreSQL), so policies call
 *   these functions once per statement (`(SELECT jointly_read_orgs())`, which PostgreSQL
 *   evaluates once as an init plan), never once per row. The catalogue test holds every policy to that form.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

/** The scope functions as a policy calls them: once per statement. */
const READS = '(SELECT jointly_read_orgs())::bigint[]';
const WRITES = '(SELECT jointly_write_orgs())::bigint[]';
const ACCOUNT = '(SELECT jointly_account_id())';
const mayReadCase = (org: string, provider: string): string =>
  `(${org} = ANY (${READS}) OR ${provider} = ANY (${READS}) OR ${org} = ANY (${WRITES}) OR ${provider} = ANY (${WRITES}))`;
const mayWriteCase = (org: string, provider: string): string =>
  `(${org} = ANY (${WRITES}) OR ${provider} = ANY (${WRITES}))`;

/** Policies whose one expression is `org_id` in the organisations read or written. */
const ORG_READ = [
  'api_key_read',
  'audit_log_read',
  'contact_read',
  'idempotency_key_read',
  'outbox_message_read',
  'role_grant_read',
];
const ORG_WRITE_CHECK = [
  'arrangement_write',
  'audit_log_write',
  'case_number_insert',
  'contact_insert',
  'idempotency_key_insert',
  'outbox_message_insert',
  'partnership_member_write',
  'responsibility_override_write',
  'service_case_insert',
  'service_information_insert',
  'service_level_write',
];
const ORG_WRITE_BOTH = [
  'case_number_update',
  'contact_update',
  'organisation_write',
  'service_information_update',
];
/** The table each policy above is on. */
const tableOf = (policy: string): string => policy.replace(/_(read|write|insert|update)$/, '');

export async function up(db: Kysely<unknown>): Promise<void> {
  const policies = [
    ...ORG_READ.map((p) => `ALTER POLICY ${p} ON ${tableOf(p)} USING (org_id = ANY (${READS}));`),
    ...ORG_WRITE_CHECK.map(
      (p) => `ALTER POLICY ${p} ON ${tableOf(p)} WITH CHECK (org_id = ANY (${WRITES}));`,
    ),
    ...ORG_WRITE_BOTH.map(
      (p) =>
        `ALTER POLICY ${p} ON ${tableOf(p)} USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));`,
    ),
    `ALTER POLICY case_number_read ON case_number USING (org_id = ANY (${WRITES}));`,
    `ALTER POLICY service_case_read ON service_case USING ${mayReadCase('org_id', 'provider_org_id')};`,
    `ALTER POLICY service_case_read_front_door ON service_case USING (contact_org_id = ANY (${READS}));`,
    `ALTER POLICY service_case_update ON service_case USING ${mayWriteCase('org_id', 'provider_org_id')}
       WITH CHECK ${mayWriteCase('org_id', 'provider_org_id')};`,
    `ALTER POLICY case_event_insert ON case_event WITH CHECK (org_id = ANY (${WRITES}) OR EXISTS (
       SELECT 1 FROM service_case c WHERE c.org_id = case_event.org_id AND c.case_id = case_event.case_id
          AND ${mayWriteCase('c.org_id', 'c.provider_org_id')}));`,
    `ALTER POLICY audit_log_case_view ON audit_log WITH CHECK (
       action = 'view' AND entity_type = 'case' AND account_id = ${ACCOUNT}
       AND EXISTS (SELECT 1 FROM service_case c WHERE c.org_id = audit_log.org_id AND c.reference = audit_log.entity_key));`,
  ];
  await sql
    .raw(
      `
-- The secret behind the seals. Request work has no privilege on app_secret.
INSERT INTO app_secret (name, value)
  VALUES ('request_scope', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

-- The functions run as the owner, so every name they use is the schema's own (%1$I): a table of
-- the same name that request work made in its temporary schema is never read. PL/pgSQL keeps their
-- plans for the session, which makes each call a few microseconds.
DO $do$
BEGIN
  EXECUTE format($fmt$
-- The seal of a scope in this transaction on this backend. Not for request work: with it, any
-- scope could be sealed.
CREATE FUNCTION jointly_scope_seal(read_orgs text, write_orgs text, account_id text) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER AS $f$
DECLARE
  secret text;
BEGIN
  SELECT s.value INTO secret FROM %1$I.app_secret s WHERE s.name = 'request_scope';
  RETURN encode(sha256(convert_to(concat_ws('|', secret, pg_backend_pid(),
    extract(epoch FROM transaction_timestamp()), read_orgs, write_orgs, account_id), 'UTF8')), 'hex');
END
$f$;
REVOKE EXECUTE ON FUNCTION jointly_scope_seal(text, text, text) FROM PUBLIC;

CREATE FUNCTION jointly_scope_sealed() RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER AS $f$
BEGIN
  RETURN coalesce(current_setting('jointly.scope_seal', true) = %1$I.jointly_scope_seal(
    current_setting('jointly.read_orgs', true), current_setting('jointly.write_orgs', true),
    current_setting('jointly.account_id', true)), false);
END
$f$;
REVOKE EXECUTE ON FUNCTION jointly_scope_sealed() FROM PUBLIC;

CREATE FUNCTION jointly_begin_scope(read_orgs bigint[], write_orgs bigint[], account_id bigint) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $f$
DECLARE
  reads text := array_to_string(read_orgs, ',');
  writes text := array_to_string(write_orgs, ',');
  account text := coalesce(account_id::text, '');
BEGIN
  IF statement_timestamp() <> transaction_timestamp() THEN
    RAISE EXCEPTION 'a transaction''s tenant scope is set only by the statement that begins it'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('jointly.read_orgs', reads, true), set_config('jointly.write_orgs', writes, true),
    set_config('jointly.account_id', account, true),
    set_config('jointly.scope_seal', %1$I.jointly_scope_seal(reads, writes, account), true);
END
$f$;
REVOKE EXECUTE ON FUNCTION jointly_begin_scope(bigint[], bigint[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jointly_begin_scope(bigint[], bigint[], bigint) TO jointly_app;

-- The readers policies use: the settings when sealed, nothing when not.
CREATE OR REPLACE FUNCTION jointly_read_orgs() RETURNS bigint[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER AS $f$
BEGIN
  IF NOT %1$I.jointly_scope_sealed() THEN RETURN '{}'; END IF;
  RETURN coalesce(string_to_array(nullif(current_setting('jointly.read_orgs', true), ''), ',')::bigint[], '{}');
END
$f$;
CREATE OR REPLACE FUNCTION jointly_write_orgs() RETURNS bigint[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER AS $f$
BEGIN
  IF NOT %1$I.jointly_scope_sealed() THEN RETURN '{}'; END IF;
  RETURN coalesce(string_to_array(nullif(current_setting('jointly.write_orgs', true), ''), ',')::bigint[], '{}');
END
$f$;
CREATE FUNCTION jointly_account_id() RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER AS $f$
BEGIN
  IF NOT %1$I.jointly_scope_sealed() THEN RETURN NULL; END IF;
  RETURN nullif(current_setting('jointly.account_id', true), '')::bigint;
END
$f$;

-- The referral function of migration 0006 likewise reads only the schema's own tables.
ALTER FUNCTION jointly_take_back_referred_case(bigint, bigint, bigint, bigint, bigint, bigint)
  SET search_path = %1$I, pg_temp;
$fmt$, current_schema());
END
$do$;

-- Every policy reads the scope once per statement.
${policies.join('\n')}

-- The per-row read check the case policies used: no policy calls it now. (The write check stays,
-- for jointly_take_back_referred_case, which tests one row at a time.)
DROP FUNCTION jointly_may_read_case(bigint, bigint);

-- The view of notes, likewise.
CREATE OR REPLACE VIEW arrangement_note WITH (security_barrier) AS
  SELECT org_id, arrangement_id, notes
    FROM arrangement
   WHERE NOT notes_internal OR org_id = ANY (${READS});
`,
    )
    .execute(db);
}
