/**
 * The front door: contacts, cases and their history, referrals between organisations, service
 * levels on the bank-holiday calendar, Open311 client keys, the outbox of messages, and
 * idempotency keys for POSTs that create.
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
-- Shared reference data: the UK bank holidays in GOV.UK's divisions.
CREATE TABLE bank_holiday (
  division text NOT NULL CHECK (division IN ('england-and-wales', 'scotland', 'northern-ireland')),
  holiday_date date NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  source text NOT NULL,
  PRIMARY KEY (division, holiday_date)
);

-- How quickly an organisation aims to deal with a service's cases, from a date.
CREATE TABLE service_level (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  valid_from date NOT NULL,
  target_amount integer NOT NULL CHECK (target_amount BETWEEN 1 AND 10000),
  target_unit text NOT NULL CHECK (target_unit IN ('working_days', 'hours')),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint,
  PRIMARY KEY (org_id, lgsl_code, valid_from)
);

-- What a council tells residents about a service: fees, policy, links. Agents answer from it.
CREATE TABLE service_information (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
  fees text NOT NULL DEFAULT '' CHECK (length(fees) <= 2000),
  links jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by bigint,
  PRIMARY KEY (org_id, lgsl_code)
);

-- A contact: one time a person got in touch, on one channel, at the front door of one organisation.
CREATE TABLE contact (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  contact_id bigint GENERATED ALWAYS AS IDENTITY,
  channel text NOT NULL CHECK (channel IN ('web', 'phone', 'face_to_face', 'kiosk', 'email', 'app', 'open311')),
  access_point text CHECK (length(access_point) <= 200),
  received_at timestamptz NOT NULL DEFAULT now(),
  account_id bigint,
  resident_name text CHECK (length(resident_name) <= 200),
  resident_email text CHECK (length(resident_email) <= 254),
  resident_phone text CHECK (length(resident_phone) <= 40),
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
  resolved_at_first_contact boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, contact_id)
);

-- Each organisation's prefix for the references residents are given (DEV-2026-000123), and the
-- last number given for a prefix in a year.
ALTER TABLE organisation ADD COLUMN case_prefix text UNIQUE CHECK (case_prefix ~ '^[A-Z]{2,6}[0-9]{0,2}$');
CREATE TABLE case_number (
  prefix text NOT NULL,
  year integer NOT NULL CHECK (year BETWEEN 2000 AND 2999),
  last_number integer NOT NULL CHECK (last_number BETWEEN 0 AND 999999),
  PRIMARY KEY (prefix, year)
);

-- A case belongs to the responsible organisation (org_id) and is handled by the provider's team.
-- The resident's reference stays the same when the case is referred: each organisation that holds
-- it has one row with that reference, linked to the row it came from and the row it went to.
CREATE TABLE service_case (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  case_id bigint GENERATED ALWAYS AS IDENTITY,
  reference text NOT NULL CHECK (reference ~ '^[A-Z]{2,6}[0-9]{0,2}-[0-9]{4}-[0-9]{6}$'),
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  provider_org_id bigint NOT NULL REFERENCES organisation (org_id),
  arrangement_id bigint,
  team text CHECK (length(team) <= 200),
  status text NOT NULL CHECK (status IN ('open', 'investigating', 'action_scheduled', 'in_progress', 'fixed',
    'closed', 'duplicate', 'referred', 'no_further_action', 'cancelled', 'reopened')),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  postcode text CHECK (length(postcode) <= 8),
  lat double precision CHECK (lat BETWEEN -90 AND 90),
  lon double precision CHECK (lon BETWEEN -180 AND 180),
  address text CHECK (length(address) <= 500),
  reporter_name text CHECK (length(reporter_name) <= 200),
  reporter_email text CHECK (length(reporter_email) <= 254),
  reporter_phone text CHECK (length(reporter_phone) <= 40),
  channel text NOT NULL CHECK (channel IN ('web', 'phone', 'face_to_face', 'kiosk', 'email', 'app', 'open311')),
  contact_org_id bigint,
  contact_id bigint,
  routing jsonb NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  due_at timestamptz,
  paused_at timestamptz,
  closed_at timestamptz,
  referred_from_org_id bigint,
  referred_from_case_id bigint,
  referred_to_org_id bigint,
  referred_to_case_id bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, case_id),
  UNIQUE (org_id, reference)
);
CREATE INDEX service_case_reference_idx ON service_case (reference);
CREATE INDEX service_case_provider_idx ON service_case (provider_org_id, status);
CREATE INDEX service_case_queue_idx ON service_case (org_id, lgsl_code, status, due_at);
CREATE INDEX service_case_postcode_idx ON service_case (postcode);

-- Everything that happens to a case, append-only: status changes, notes, assignments, messages,
-- referrals, pauses. 'public' events are shown to the resident.
CREATE TABLE case_event (
  org_id bigint NOT NULL,
  event_id bigint GENERATED ALWAYS AS IDENTITY,
  case_id bigint NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN ('opened', 'status', 'note', 'assigned', 'message', 'referred_out',
    'referred_in', 'paused', 'resumed', 'resolved_at_first_contact', 'update_received')),
  status text,
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 4000),
  visibility text NOT NULL DEFAULT 'internal' CHECK (visibility IN ('public', 'internal')),
  account_id bigint,
  actor_name text CHECK (length(actor_name) <= 200),
  related_org_id bigint,
  related_case_id bigint,
  -- Set on the copy of another organisation's event that a referral brings with the case.
  copied_from_org_id bigint,
  PRIMARY KEY (org_id, event_id),
  FOREIGN KEY (org_id, case_id) REFERENCES service_case (org_id, case_id)
);
CREATE INDEX case_event_case_idx ON case_event (org_id, case_id, event_id);

-- Keys for Open311 clients, each for one organisation (its jurisdiction_id). Only a hash is kept.
CREATE TABLE api_key (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  key_id bigint GENERATED ALWAYS AS IDENTITY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  key_prefix text NOT NULL CHECK (length(key_prefix) BETWEEN 6 AND 16),
  key_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (org_id, key_id)
);
CREATE INDEX api_key_prefix_idx ON api_key (key_prefix);

-- Messages to people and other systems, sent by the outbox worker with retries and back-off.
CREATE TABLE outbox_message (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  message_id bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL DEFAULT now(),
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'staff')),
  template text NOT NULL CHECK (length(template) BETWEEN 1 AND 100),
  recipient text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 254),
  personalisation jsonb NOT NULL DEFAULT '{}',
  case_reference text,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  last_error text,
  provider_reference text,
  PRIMARY KEY (org_id, message_id)
);
CREATE INDEX outbox_message_due_idx ON outbox_message (next_attempt_at) WHERE state = 'pending';

-- The first answer to a POST that creates, by the caller's key: a repeat gets the same answer.
CREATE TABLE idempotency_key (
  caller text NOT NULL CHECK (length(caller) BETWEEN 1 AND 200),
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash text NOT NULL,
  status_code integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, idempotency_key)
);

-- A case's organisation reads and writes it; so does the provider that handles it on its behalf.
CREATE FUNCTION jointly_may_read_case(case_org bigint, case_provider bigint) RETURNS boolean
  LANGUAGE sql STABLE AS $f$
  SELECT case_org = ANY (jointly_read_orgs()) OR case_provider = ANY (jointly_read_orgs())
$f$;
CREATE FUNCTION jointly_may_write_case(case_org bigint, case_provider bigint) RETURNS boolean
  LANGUAGE sql STABLE AS $f$
  SELECT case_org = ANY (jointly_write_orgs()) OR case_provider = ANY (jointly_write_orgs())
$f$;

ALTER TABLE service_level ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_level FORCE ROW LEVEL SECURITY;
CREATE POLICY service_level_read ON service_level FOR SELECT USING (true);
CREATE POLICY service_level_write ON service_level FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));

ALTER TABLE service_information ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_information FORCE ROW LEVEL SECURITY;
CREATE POLICY service_information_read ON service_information FOR SELECT USING (true);
CREATE POLICY service_information_insert ON service_information FOR INSERT
  WITH CHECK (org_id = ANY (jointly_write_orgs()));
CREATE POLICY service_information_update ON service_information FOR UPDATE
  USING (org_id = ANY (jointly_write_orgs())) WITH CHECK (org_id = ANY (jointly_write_orgs()));

ALTER TABLE contact ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact FORCE ROW LEVEL SECURITY;
CREATE POLICY contact_read ON contact FOR SELECT USING (org_id = ANY (jointly_read_orgs()));
CREATE POLICY contact_insert ON contact FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));
CREATE POLICY contact_update ON contact FOR UPDATE
  USING (org_id = ANY (jointly_write_orgs())) WITH CHECK (org_id = ANY (jointly_write_orgs()));

ALTER TABLE service_case ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_case FORCE ROW LEVEL SECURITY;
CREATE POLICY service_case_read ON service_case FOR SELECT
  USING (jointly_may_read_case(org_id, provider_org_id) OR jointly_may_write_case(org_id, provider_org_id));
CREATE POLICY service_case_insert ON service_case FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));
CREATE POLICY service_case_update ON service_case FOR UPDATE
  USING (jointly_may_write_case(org_id, provider_org_id))
  WITH CHECK (jointly_may_write_case(org_id, provider_org_id));

ALTER TABLE case_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_event FORCE ROW LEVEL SECURITY;
CREATE POLICY case_event_read ON case_event FOR SELECT USING (EXISTS (
  SELECT 1 FROM service_case c WHERE c.org_id = case_event.org_id AND c.case_id = case_event.case_id));
CREATE POLICY case_event_insert ON case_event FOR INSERT WITH CHECK (EXISTS (
  SELECT 1 FROM service_case c WHERE c.org_id = case_event.org_id AND c.case_id = case_event.case_id
     AND jointly_may_write_case(c.org_id, c.provider_org_id)));

ALTER TABLE api_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_key FORCE ROW LEVEL SECURITY;
CREATE POLICY api_key_read ON api_key FOR SELECT USING (org_id = ANY (jointly_read_orgs()));

ALTER TABLE outbox_message ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox_message FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_message_read ON outbox_message FOR SELECT USING (org_id = ANY (jointly_read_orgs()));
CREATE POLICY outbox_message_insert ON outbox_message FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));

-- What request context may do. Case history and outbox rows are never updated or deleted by it;
-- the outbox worker runs as the owner.
GRANT SELECT ON bank_holiday TO jointly_app;
GRANT SELECT, INSERT ON service_level, contact, case_event, outbox_message, idempotency_key TO jointly_app;
GRANT SELECT, INSERT, UPDATE ON service_information, case_number, service_case TO jointly_app;
GRANT UPDATE (resolved_at_first_contact, notes) ON contact TO jointly_app;
GRANT SELECT ON api_key TO jointly_app;
`,
    )
    .execute(db);
}
