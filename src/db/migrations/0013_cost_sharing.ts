/**
 * Sharing the cost of shared services: cost pools, the ledger lines and figures behind them,
 * allocation rules from a date, and recharge runs whose lines say who pays what and why.
 *
 * - Every finance row belongs to the organisation that keeps the pool (`org_id`): the
 *   organisation of the partnership finance lead's grant (a new role, `finance_lead`, which like
 *   `partnership_admin` names its partnership). The members' finance officers (`finance_officer`)
 *   and councillors read a pool's runs through the finance service, which decides who may and
 *   gives the transaction the keeper's organisation to read; row-level security keeps every other
 *   organisation's pools out of reach and lets only the keeper write.
 * - Money is integer pence (`bigint`) everywhere; shares are hundredths of a percent in the rules.
 * - A recharge run is immutable once issued: its lines can never change, and the run itself only
 *   moves from draft to issued and from issued to superseded (by a correction that names it). A
 *   trigger holds that for every caller, the owner included.
 * - Revenue outturn is public reference data (MHCLG, £ thousands, kept here in pence): no org_id.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

const READS = '(SELECT jointly_read_orgs())::bigint[]';
const WRITES = '(SELECT jointly_write_orgs())::bigint[]';

/** The tenant tables added here, each read by the organisations read and written by the keeper. */
const TENANT_TABLES = [
  'cost_pool',
  'pool_member',
  'pool_amount',
  'allocation_rule',
  'driver_figure',
  'ledger_mapping',
  'ledger_import',
  'ledger_line',
  'recharge_run',
  'recharge_line',
  'pool_baseline',
  'business_case',
  'business_case_year',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const security = TENANT_TABLES.map(
    (t) => `
ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_read ON ${t} FOR SELECT USING (org_id = ANY (${READS}) OR org_id = ANY (${WRITES}));
CREATE POLICY ${t}_insert ON ${t} FOR INSERT WITH CHECK (org_id = ANY (${WRITES}));`,
  ).join('\n');
  await sql
    .raw(
      `
ALTER TABLE role_grant DROP CONSTRAINT role_grant_role_check;
ALTER TABLE role_grant ADD CONSTRAINT role_grant_role_check
  CHECK (role IN ('partnership_admin', 'officer', 'councillor', 'agent', 'finance_officer', 'finance_lead'));
ALTER TABLE role_grant ADD CONSTRAINT role_grant_finance_lead_partnership
  CHECK (role <> 'finance_lead' OR partnership_id IS NOT NULL);

-- A pool of cost: one shared service or venture, or one council's retained costs.
CREATE TABLE cost_pool (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  pool_id bigint GENERATED ALWAYS AS IDENTITY,
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  -- Retained costs are attributed to this council alone.
  retained_by bigint REFERENCES organisation (org_id),
  -- The LGSL services whose cases are the pool's caseload.
  lgsl_codes integer[] NOT NULL DEFAULT '{}',
  -- The part of its cost that stays when a member leaves (a team, a contract), in hundredths of a
  -- percent: the rest goes with the leaver.
  fixed_share integer NOT NULL DEFAULT 10000 CHECK (fixed_share BETWEEN 0 AND 10000),
  -- Figures that show how the software works rather than what a council spent.
  illustrative boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, pool_id),
  UNIQUE (org_id, partnership_id, name)
);
CREATE INDEX cost_pool_partnership_idx ON cost_pool (partnership_id);

-- Who shares a pool, from a date; left_on is the first day it no longer does.
CREATE TABLE pool_member (
  org_id bigint NOT NULL,
  pool_id bigint NOT NULL,
  member_org_id bigint NOT NULL REFERENCES organisation (org_id),
  joined_on date NOT NULL,
  left_on date,
  PRIMARY KEY (org_id, pool_id, member_org_id, joined_on),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id),
  CHECK (left_on IS NULL OR left_on > joined_on)
);

-- Budgets, and actuals not read from a ledger, by period ('2025-26', '2025-26 Q1', '2025-04').
CREATE TABLE pool_amount (
  org_id bigint NOT NULL,
  amount_id bigint GENERATED ALWAYS AS IDENTITY,
  pool_id bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('budget', 'actual')),
  period text NOT NULL CHECK (length(period) BETWEEN 4 AND 20),
  period_first date NOT NULL,
  period_last date NOT NULL,
  amount_pence bigint NOT NULL,
  source text NOT NULL DEFAULT '',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint,
  PRIMARY KEY (org_id, amount_id),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id),
  CHECK (period_last >= period_first)
);
CREATE INDEX pool_amount_pool_idx ON pool_amount (org_id, pool_id, kind, period_first);

-- How a pool is shared from a date: the rule (allocation-rules.ts, shares in hundredths of a
-- percent) and, for a pool trued up at year end, the tolerance in hundredths of a percent.
CREATE TABLE allocation_rule (
  org_id bigint NOT NULL,
  rule_id bigint GENERATED ALWAYS AS IDENTITY,
  pool_id bigint NOT NULL,
  valid_from date NOT NULL,
  rule jsonb NOT NULL,
  true_up_tolerance integer CHECK (true_up_tolerance BETWEEN 0 AND 10000),
  notes text NOT NULL DEFAULT '',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint,
  PRIMARY KEY (org_id, rule_id),
  UNIQUE (org_id, pool_id, valid_from),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id)
);

-- Driver figures a council reports (staff time, transactions, an estimated caseload), for a
-- period, as an estimate or the actual.
CREATE TABLE driver_figure (
  org_id bigint NOT NULL,
  pool_id bigint NOT NULL,
  member_org_id bigint NOT NULL REFERENCES organisation (org_id),
  driver text NOT NULL CHECK (driver IN ('population', 'households', 'properties', 'caseload', 'staff_time', 'transactions')),
  period text NOT NULL CHECK (length(period) BETWEEN 4 AND 20),
  basis text NOT NULL CHECK (basis IN ('estimate', 'actual')),
  value bigint NOT NULL CHECK (value >= 0),
  source text NOT NULL DEFAULT '',
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, pool_id, member_org_id, driver, period, basis),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id)
);

-- A ledger extract's columns, saved under a name to use again.
CREATE TABLE ledger_mapping (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  mapping_id bigint GENERATED ALWAYS AS IDENTITY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  columns jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, mapping_id),
  UNIQUE (org_id, name)
);

-- One ledger file imported into a pool; a file is imported into a pool once.
CREATE TABLE ledger_import (
  org_id bigint NOT NULL,
  import_id bigint GENERATED ALWAYS AS IDENTITY,
  pool_id bigint NOT NULL,
  file_name text NOT NULL,
  file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  line_count integer NOT NULL CHECK (line_count >= 0),
  total_pence bigint NOT NULL,
  mapping jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by bigint,
  PRIMARY KEY (org_id, import_id),
  UNIQUE (org_id, pool_id, file_sha256),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id)
);

-- A ledger line, with the file and line it came from.
CREATE TABLE ledger_line (
  org_id bigint NOT NULL,
  import_id bigint NOT NULL,
  line_number integer NOT NULL CHECK (line_number > 0),
  pool_id bigint NOT NULL,
  paid_on date NOT NULL,
  amount_pence bigint NOT NULL,
  supplier text NOT NULL DEFAULT '',
  expenditure_code text NOT NULL DEFAULT '',
  service_area text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  reference text NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, import_id, line_number),
  FOREIGN KEY (org_id, import_id) REFERENCES ledger_import (org_id, import_id),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id)
);
CREATE INDEX ledger_line_pool_idx ON ledger_line (org_id, pool_id, paid_on);

-- A recharge of one pool for one period. A correction names the run it corrects.
CREATE TABLE recharge_run (
  org_id bigint NOT NULL,
  run_id uuid NOT NULL DEFAULT gen_random_uuid(),
  pool_id bigint NOT NULL,
  period text NOT NULL CHECK (length(period) BETWEEN 4 AND 20),
  period_first date NOT NULL,
  period_last date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('recharge', 'true_up')),
  state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'issued', 'superseded')),
  corrects uuid,
  reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
  total_pence bigint NOT NULL,
  -- Everything the lines were worked out from: the rule, the members and days, the driver
  -- figures, the ledger and other amounts. The same inputs always give the same pence.
  inputs jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  issued_at timestamptz,
  issued_by bigint,
  superseded_by uuid,
  PRIMARY KEY (org_id, run_id),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id),
  FOREIGN KEY (org_id, corrects) REFERENCES recharge_run (org_id, run_id),
  CHECK ((state = 'draft') = (issued_at IS NULL)),
  CHECK ((state = 'superseded') = (superseded_by IS NOT NULL))
);
CREATE INDEX recharge_run_pool_idx ON recharge_run (org_id, pool_id, period_first);
-- At most one issued run of a kind for a pool and period; a correction supersedes it.
CREATE UNIQUE INDEX recharge_run_one_issued ON recharge_run (org_id, pool_id, period, kind) WHERE state = 'issued';

CREATE TABLE recharge_line (
  org_id bigint NOT NULL,
  run_id uuid NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  member_org_id bigint NOT NULL REFERENCES organisation (org_id),
  amount_pence bigint NOT NULL,
  driver text,
  driver_value bigint,
  driver_total bigint,
  explanation text NOT NULL,
  -- A true-up's line: what the estimate charged and what the actual figures give.
  estimated_pence bigint,
  actual_pence bigint,
  PRIMARY KEY (org_id, run_id, member_org_id),
  UNIQUE (org_id, run_id, position),
  FOREIGN KEY (org_id, run_id) REFERENCES recharge_run (org_id, run_id)
);

-- A run's lines never change, and a run changes only from draft to issued and from issued to
-- superseded, keeping every figure it was issued with.
CREATE FUNCTION jointly_recharge_run_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_TABLE_NAME = 'recharge_line' THEN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM recharge_run r
         WHERE r.org_id = OLD.org_id AND r.run_id = OLD.run_id AND r.state = 'draft') THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the lines of a recharge run never change: make a correction'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'an issued recharge run is never deleted: make a correction'
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF NOT ((OLD.state = 'draft' AND NEW.state = 'issued') OR (OLD.state = 'issued' AND NEW.state = 'superseded'))
     OR NEW.run_id <> OLD.run_id OR NEW.org_id <> OLD.org_id OR NEW.pool_id <> OLD.pool_id
     OR NEW.period <> OLD.period OR NEW.kind <> OLD.kind OR NEW.total_pence <> OLD.total_pence
     OR NEW.inputs <> OLD.inputs OR NEW.corrects IS DISTINCT FROM OLD.corrects
     OR (OLD.state = 'issued' AND (NEW.issued_at <> OLD.issued_at OR NEW.issued_by IS DISTINCT FROM OLD.issued_by)) THEN
    RAISE EXCEPTION 'a recharge run only moves from draft to issued, and from issued to superseded'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$f$;
CREATE TRIGGER recharge_run_guard BEFORE UPDATE OR DELETE ON recharge_run
  FOR EACH ROW EXECUTE FUNCTION jointly_recharge_run_guard();
CREATE TRIGGER recharge_line_guard BEFORE UPDATE OR DELETE ON recharge_line
  FOR EACH ROW EXECUTE FUNCTION jointly_recharge_run_guard();

-- What each council spent on a pool's service in a year before it was shared: the baseline its
-- savings are measured from.
CREATE TABLE pool_baseline (
  org_id bigint NOT NULL,
  pool_id bigint NOT NULL,
  member_org_id bigint NOT NULL REFERENCES organisation (org_id),
  year text NOT NULL CHECK (year ~ '^20[0-9]{2}-[0-9]{2}$'),
  baseline_pence bigint NOT NULL,
  source text NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, pool_id, member_org_id),
  FOREIGN KEY (org_id, pool_id) REFERENCES cost_pool (org_id, pool_id)
);

-- A business case for a proposed change: costs and savings by year from its first year, shared
-- between the councils in it by a rule, discounted at a rate (hundredths of a percent a year).
CREATE TABLE business_case (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  case_id bigint GENERATED ALWAYS AS IDENTITY,
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
  first_year text NOT NULL CHECK (first_year ~ '^20[0-9]{2}-[0-9]{2}$'),
  discount_rate integer NOT NULL DEFAULT 350 CHECK (discount_rate BETWEEN 0 AND 10000),
  member_org_ids bigint[] NOT NULL,
  share_rule jsonb NOT NULL,
  illustrative boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  PRIMARY KEY (org_id, case_id)
);
CREATE TABLE business_case_year (
  org_id bigint NOT NULL,
  case_id bigint NOT NULL,
  year_index smallint NOT NULL CHECK (year_index BETWEEN 0 AND 100),
  cost_pence bigint NOT NULL CHECK (cost_pence >= 0),
  saving_pence bigint NOT NULL CHECK (saving_pence >= 0),
  PRIMARY KEY (org_id, case_id, year_index),
  FOREIGN KEY (org_id, case_id) REFERENCES business_case (org_id, case_id)
);

-- Revenue outturn by council and line (MHCLG RS), public reference data. The file gives £
-- thousands to three decimals, so pence are exact.
CREATE TABLE revenue_outturn (
  ons_code text NOT NULL CHECK (ons_code ~ '^[EWSN][0-9]{8}$'),
  year text NOT NULL CHECK (year ~ '^20[0-9]{2}-[0-9]{2}$'),
  line integer NOT NULL CHECK (line > 0),
  line_name text NOT NULL,
  amount_pence bigint,
  PRIMARY KEY (ons_code, year, line)
);

${security}
-- Only the keeper updates a run (to issue or supersede it); a draft may be discarded by it.
CREATE POLICY recharge_run_update ON recharge_run FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY recharge_run_delete ON recharge_run FOR DELETE USING (org_id = ANY (${WRITES}));
CREATE POLICY recharge_line_delete ON recharge_line FOR DELETE USING (org_id = ANY (${WRITES}));
CREATE POLICY ledger_mapping_update ON ledger_mapping FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY driver_figure_update ON driver_figure FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY pool_member_update ON pool_member FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY pool_baseline_update ON pool_baseline FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));

GRANT SELECT ON revenue_outturn TO jointly_app;
GRANT SELECT, INSERT ON ${TENANT_TABLES.join(', ')} TO jointly_app;
GRANT UPDATE (state, issued_at, issued_by, superseded_by) ON recharge_run TO jointly_app;
GRANT DELETE ON recharge_run, recharge_line TO jointly_app;
GRANT UPDATE (columns) ON ledger_mapping TO jointly_app;
GRANT UPDATE (value, source, recorded_at) ON driver_figure TO jointly_app;
GRANT UPDATE (left_on) ON pool_member TO jointly_app;
GRANT UPDATE (year, baseline_pence, source) ON pool_baseline TO jointly_app;
`,
    )
    .execute(db);
}
