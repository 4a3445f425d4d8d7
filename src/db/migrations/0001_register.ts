/**
 * The register: reference data (areas, boundaries, postcodes, services), organisations and
 * partnerships, arrangements over time, accounts and role grants, audit.
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jointly_app') THEN
    CREATE ROLE jointly_app NOLOGIN;
  END IF;
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT jointly_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'could not grant jointly_app to %: %', current_user, SQLERRM;
END
$$;

-- Tenant context, set per transaction with set_config(..., true).
CREATE FUNCTION jointly_read_orgs() RETURNS bigint[] LANGUAGE sql STABLE AS $f$
  SELECT coalesce(string_to_array(nullif(current_setting('jointly.read_orgs', true), ''), ',')::bigint[], '{}')
$f$;
CREATE FUNCTION jointly_write_orgs() RETURNS bigint[] LANGUAGE sql STABLE AS $f$
  SELECT coalesce(string_to_array(nullif(current_setting('jointly.write_orgs', true), ''), ',')::bigint[], '{}')
$f$;

-- Shared reference data: no org_id.
CREATE TABLE area (
  code text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('country', 'region', 'county', 'district', 'unitary',
    'metropolitan_district', 'london_borough', 'parish', 'ward', 'cluster', 'locality')),
  parent_code text REFERENCES area (code),
  source text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX area_parent_idx ON area (parent_code);

CREATE TABLE area_member (
  area_code text NOT NULL REFERENCES area (code),
  member_code text NOT NULL REFERENCES area (code),
  PRIMARY KEY (area_code, member_code)
);

CREATE TABLE boundary (
  area_code text NOT NULL REFERENCES area (code),
  source text NOT NULL,
  geometry jsonb NOT NULL,
  min_lon double precision NOT NULL,
  min_lat double precision NOT NULL,
  max_lon double precision NOT NULL,
  max_lat double precision NOT NULL,
  vertex_count integer NOT NULL,
  PRIMARY KEY (area_code, source)
);

CREATE TABLE postcode (
  postcode text PRIMARY KEY CHECK (postcode ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$'),
  lat double precision,
  lon double precision,
  country_code text,
  county_code text,
  district_code text,
  ward_code text,
  parish_code text,
  introduced text,
  terminated text,
  source text NOT NULL
);
CREATE INDEX postcode_district_idx ON postcode (district_code);

CREATE TABLE service (
  lgsl_code integer PRIMARY KEY,
  label text NOT NULL,
  status text NOT NULL,
  description text NOT NULL DEFAULT '',
  govuk_description text,
  providing_tier text CHECK (providing_tier IN ('county', 'district', 'all')),
  kind text NOT NULL DEFAULT 'front_line' CHECK (kind IN ('front_line', 'back_office')),
  govuk_slug text,
  lgil_codes integer[] NOT NULL DEFAULT '{}'
);

CREATE TABLE import_run (
  import_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  file text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  rows_read integer NOT NULL,
  rows_inserted integer NOT NULL,
  rows_updated integer NOT NULL,
  rows_unchanged integer NOT NULL
);

-- The directory of organisations (a reference table in a distributed layout).
CREATE TABLE organisation (
  org_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('county', 'district', 'unitary', 'metropolitan_district', 'london_borough',
    'parish', 'police', 'nhs', 'probation', 'fire', 'joint_committee', 'company', 'lead_authority', 'voluntary',
    'other_public_body')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  short_name text NOT NULL CHECK (length(short_name) BETWEEN 1 AND 100),
  gss_code text UNIQUE,
  jurisdiction text UNIQUE CHECK (jurisdiction ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  area_code text REFERENCES area (code),
  parent_org_id bigint REFERENCES organisation (org_id),
  nation text,
  region text,
  homepage_url text,
  population integer,
  households integer,
  brand_colour text NOT NULL DEFAULT '#1d70b8' CHECK (brand_colour ~ '^#[0-9a-f]{6}$'),
  logo_url text,
  source text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partnership (
  partnership_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL,
  summary text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partnership_member (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  role text NOT NULL CHECK (role IN ('member', 'associate', 'vehicle')),
  joined_on date NOT NULL,
  left_on date,
  PRIMARY KEY (org_id, partnership_id)
);
CREATE INDEX partnership_member_partnership_idx ON partnership_member (partnership_id);

CREATE TABLE partnership_area (
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  area_code text NOT NULL REFERENCES area (code),
  PRIMARY KEY (partnership_id, area_code)
);

-- Who delivers what: append-only rows, each in force from valid_from until a later row or valid_to.
CREATE TABLE arrangement (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  arrangement_id bigint GENERATED ALWAYS AS IDENTITY,
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  valid_from date NOT NULL,
  valid_to date,
  delivery_mode text NOT NULL CHECK (delivery_mode IN ('retained', 'shared_venture', 'lead_authority',
    'outsourced', 'devolved_parish', 'joint_team')),
  delivery_level text NOT NULL CHECK (delivery_level IN ('county_wide', 'cluster', 'district', 'locality')),
  provider_org_id bigint NOT NULL REFERENCES organisation (org_id),
  lead_commissioner_org_id bigint REFERENCES organisation (org_id),
  partnership_id bigint REFERENCES partnership (partnership_id),
  area_code text REFERENCES area (code),
  reserved_decisions text[] NOT NULL DEFAULT '{}',
  delegated_decisions text[] NOT NULL DEFAULT '{}',
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  source text NOT NULL DEFAULT '',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint,
  PRIMARY KEY (org_id, arrangement_id),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX arrangement_in_force_idx ON arrangement (org_id, lgsl_code, valid_from DESC, arrangement_id DESC);

-- A council or other body taking responsibility for a service in an area, against the tier rule.
CREATE TABLE responsibility_override (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  override_id bigint GENERATED ALWAYS AS IDENTITY,
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  area_code text NOT NULL REFERENCES area (code),
  valid_from date NOT NULL,
  valid_to date,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint,
  PRIMARY KEY (org_id, override_id),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX responsibility_override_lookup_idx ON responsibility_override (lgsl_code, area_code);

-- People. Accounts are read only by the sign-in code (owner connection), never by request context.
CREATE TABLE account (
  account_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) <= 254),
  display_name text NOT NULL,
  password_hash text,
  oidc_subject text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TABLE role_grant (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  grant_id bigint GENERATED ALWAYS AS IDENTITY,
  account_id bigint NOT NULL REFERENCES account (account_id),
  role text NOT NULL CHECK (role IN ('partnership_admin', 'officer', 'councillor', 'agent')),
  partnership_id bigint REFERENCES partnership (partnership_id),
  lgsl_codes integer[],
  granted_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (org_id, grant_id),
  CHECK (role <> 'partnership_admin' OR partnership_id IS NOT NULL)
);
CREATE INDEX role_grant_account_idx ON role_grant (account_id);

CREATE TABLE audit_log (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  audit_id bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  account_id bigint,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_key text NOT NULL,
  before jsonb,
  after jsonb,
  PRIMARY KEY (org_id, audit_id)
);
CREATE INDEX audit_log_entity_idx ON audit_log (org_id, entity_type, entity_key);

CREATE TABLE app_secret (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Row-level security on every table that carries org_id, forced so that the owner obeys it too.
ALTER TABLE organisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisation FORCE ROW LEVEL SECURITY;
CREATE POLICY organisation_read ON organisation FOR SELECT USING (true);
CREATE POLICY organisation_write ON organisation FOR UPDATE
  USING (org_id = ANY (jointly_write_orgs())) WITH CHECK (org_id = ANY (jointly_write_orgs()));

ALTER TABLE partnership_member ENABLE ROW LEVEL SECURITY;
ALTER TABLE partnership_member FORCE ROW LEVEL SECURITY;
CREATE POLICY partnership_member_read ON partnership_member FOR SELECT USING (true);
CREATE POLICY partnership_member_write ON partnership_member FOR INSERT
  WITH CHECK (org_id = ANY (jointly_write_orgs()));

ALTER TABLE arrangement ENABLE ROW LEVEL SECURITY;
ALTER TABLE arrangement FORCE ROW LEVEL SECURITY;
CREATE POLICY arrangement_read ON arrangement FOR SELECT USING (org_id = ANY (jointly_read_orgs()));
CREATE POLICY arrangement_write ON arrangement FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));

ALTER TABLE responsibility_override ENABLE ROW LEVEL SECURITY;
ALTER TABLE responsibility_override FORCE ROW LEVEL SECURITY;
CREATE POLICY responsibility_override_read ON responsibility_override FOR SELECT USING (true);
CREATE POLICY responsibility_override_write ON responsibility_override FOR INSERT
  WITH CHECK (org_id = ANY (jointly_write_orgs()));

ALTER TABLE role_grant ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_grant FORCE ROW LEVEL SECURITY;
CREATE POLICY role_grant_read ON role_grant FOR SELECT USING (org_id = ANY (jointly_read_orgs()));

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT USING (org_id = ANY (jointly_read_orgs()));
CREATE POLICY audit_log_write ON audit_log FOR INSERT WITH CHECK (org_id = ANY (jointly_write_orgs()));

-- What request context may do. Arrangements, overrides and audit rows are never updated or deleted.
GRANT SELECT ON area, area_member, boundary, postcode, service, partnership, partnership_area TO jointly_app;
GRANT SELECT, UPDATE ON organisation TO jointly_app;
GRANT SELECT, INSERT ON partnership_member, arrangement, responsibility_override, audit_log TO jointly_app;
GRANT SELECT ON role_grant TO jointly_app;
`,
    )
    .execute(db);
}
