/**
 * Performance and accountability: the day summaries measures are computed from, measures officers
 * define and enter, targets, and each district's locality plan.
 *
 * - `case_day_summary`: one row per council, service, district and London day of the front door's
 *   work, the counts `src/performance/day-summary.ts` describes (which day and council each count
 *   lands on is written there) and the histogram of working days to close as JSON
 *   (`{"0": 12, "3": 4, "366": 1}`). Written only by the summary run (the owner); aggregates hold
 *   no one's personal data, so everyone reads them, as councils publish their performance.
 * - `measure_definition`: a measure a partnership's councils enter by hand or import, with the
 *   definition a reader checks; the measures computed from cases and finance are in code.
 * - `measure_value`: a value entered or imported for a council and period, never overwritten: a
 *   later value is a new row, the latest counts, and each keeps who entered it or the file and line
 *   it came from.
 * - `measure_target`: a council's target for a measure and period with its tolerance; a status is
 *   computed from it, never stored. Changed in place, audited.
 * - `locality_plan`, `plan_objective`, `plan_commitment`: a district's plan for a year, agreed at a
 *   body of the district, its objectives and what each tier commits to under each; the council
 *   that made a commitment (the county, for the upper tier) keeps its state.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

const WRITES = '(SELECT jointly_write_orgs())::bigint[]';
const OWN = `org_id = ANY (${WRITES})`;
const PERIOD = `'^[0-9]{4}-[0-9]{2}(-Q[1-4])?$'`;
const YEAR = `'^[0-9]{4}-[0-9]{2}$'`;
const MEASURE_ID = `'^[a-z][a-z0-9_.]{0,79}$'`;

/** Tables everyone reads and their organisation writes. */
const PUBLIC_OWNED = [
  'measure_definition',
  'measure_value',
  'measure_target',
  'locality_plan',
  'plan_objective',
  'plan_commitment',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
CREATE TABLE case_day_summary (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  -- The district or unitary area (GSS code) of the case's postcode; '' when it has none known.
  area_code text NOT NULL DEFAULT '' CHECK (length(area_code) <= 9),
  day date NOT NULL,
  received_by_channel jsonb NOT NULL DEFAULT '{}',
  received integer NOT NULL DEFAULT 0 CHECK (received >= 0),
  contacts integer NOT NULL DEFAULT 0 CHECK (contacts >= 0),
  resolved_at_first_contact integer NOT NULL DEFAULT 0 CHECK (resolved_at_first_contact >= 0),
  closed integer NOT NULL DEFAULT 0 CHECK (closed >= 0),
  closed_with_target integer NOT NULL DEFAULT 0 CHECK (closed_with_target >= 0),
  closed_within_target integer NOT NULL DEFAULT 0 CHECK (closed_within_target >= 0),
  referred_out integer NOT NULL DEFAULT 0 CHECK (referred_out >= 0),
  referred_in integer NOT NULL DEFAULT 0 CHECK (referred_in >= 0),
  repeats integer NOT NULL DEFAULT 0 CHECK (repeats >= 0),
  days_to_close jsonb NOT NULL DEFAULT '{}',
  refreshed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, lgsl_code, area_code, day),
  CHECK (closed_within_target <= closed_with_target AND closed_with_target <= closed),
  CHECK (resolved_at_first_contact <= contacts)
);
CREATE INDEX case_day_summary_day_idx ON case_day_summary (day, org_id);

-- Each run of the summaries: the days it made again, so an operator sees how fresh they are.
CREATE TABLE case_summary_run (
  run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  first_day date NOT NULL,
  last_day date NOT NULL,
  rows_written integer NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  CHECK (last_day >= first_day)
);

CREATE TABLE measure_definition (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  measure_id text NOT NULL CHECK (measure_id ~ ${MEASURE_ID}),
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  definition text NOT NULL CHECK (length(definition) BETWEEN 1 AND 2000),
  numerator text NOT NULL DEFAULT '' CHECK (length(numerator) <= 500),
  denominator text NOT NULL DEFAULT '' CHECK (length(denominator) <= 500),
  unit text NOT NULL CHECK (unit IN ('count', 'percent', 'working_days', 'pence', 'number')),
  polarity text CHECK (polarity IN ('higher_is_better', 'lower_is_better')),
  frequency text NOT NULL CHECK (frequency IN ('quarterly', 'yearly')),
  source text NOT NULL CHECK (source IN ('entered', 'imported')),
  illustrative boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  PRIMARY KEY (org_id, measure_id),
  UNIQUE (org_id, partnership_id, name)
);
-- A measure is found by its id alone (the API's); the service keeps ids from colliding.
CREATE INDEX measure_definition_id_idx ON measure_definition (measure_id);

CREATE TABLE measure_value (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  value_id bigint GENERATED ALWAYS AS IDENTITY,
  measure_id text NOT NULL CHECK (measure_id ~ ${MEASURE_ID}),
  period text NOT NULL CHECK (period ~ ${PERIOD}),
  value numeric NOT NULL,
  source text NOT NULL CHECK (source IN ('entered', 'imported')),
  entered_by bigint,
  entered_at timestamptz NOT NULL DEFAULT now(),
  file_name text CHECK (length(file_name) BETWEEN 1 AND 255),
  file_sha256 text CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  line integer CHECK (line >= 1),
  illustrative boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, value_id),
  CHECK ((source = 'imported') = (file_name IS NOT NULL AND file_sha256 IS NOT NULL AND line IS NOT NULL))
);
CREATE INDEX measure_value_latest_idx ON measure_value (org_id, measure_id, period, value_id DESC);

CREATE TABLE measure_target (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  measure_id text NOT NULL CHECK (measure_id ~ ${MEASURE_ID}),
  period text NOT NULL CHECK (period ~ ${PERIOD}),
  target numeric NOT NULL,
  -- How far worse than the target is still amber, in the measure's unit; 0 for no amber.
  tolerance numeric NOT NULL DEFAULT 0 CHECK (tolerance >= 0),
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  illustrative boolean NOT NULL DEFAULT false,
  set_at timestamptz NOT NULL DEFAULT now(),
  set_by bigint,
  PRIMARY KEY (org_id, measure_id, period)
);

CREATE TABLE locality_plan (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  plan_id bigint GENERATED ALWAYS AS IDENTITY,
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  year text NOT NULL CHECK (year ~ ${YEAR}),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
  -- Where it was agreed: a body of the district, the date and minute.
  agreed_by_body_id bigint,
  agreed_on date,
  agreed_minute text CHECK (length(agreed_minute) BETWEEN 1 AND 200),
  illustrative boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT '' CHECK (length(source) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  PRIMARY KEY (org_id, plan_id),
  UNIQUE (org_id, partnership_id, year),
  FOREIGN KEY (org_id, agreed_by_body_id) REFERENCES governance_body (org_id, body_id),
  CHECK ((agreed_on IS NULL) = (agreed_by_body_id IS NULL))
);

CREATE TABLE plan_objective (
  org_id bigint NOT NULL,
  plan_id bigint NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
  -- The seed's own words for the priority, where the plan is built from one.
  source text NOT NULL DEFAULT '' CHECK (length(source) <= 1000),
  PRIMARY KEY (org_id, plan_id, position),
  FOREIGN KEY (org_id, plan_id) REFERENCES locality_plan (org_id, plan_id)
);

CREATE TABLE plan_commitment (
  org_id bigint NOT NULL,
  commitment_id bigint GENERATED ALWAYS AS IDENTITY,
  plan_id bigint NOT NULL,
  objective_position integer NOT NULL,
  -- The council that commits (the county for the upper tier, the district for its own) and its tier.
  committed_org_id bigint NOT NULL REFERENCES organisation (org_id),
  tier text NOT NULL CHECK (tier IN ('county', 'district', 'unitary', 'partner')),
  commitment text NOT NULL CHECK (length(commitment) BETWEEN 1 AND 2000),
  owner text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
  measure_ids text[] NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'not_started'
    CHECK (state IN ('not_started', 'on_track', 'at_risk', 'off_track', 'done', 'dropped')),
  state_note text NOT NULL DEFAULT '' CHECK (length(state_note) <= 2000),
  state_updated_at timestamptz,
  state_updated_by bigint,
  illustrative boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, commitment_id),
  FOREIGN KEY (org_id, plan_id, objective_position) REFERENCES plan_objective (org_id, plan_id, position)
);
CREATE INDEX plan_commitment_plan_idx ON plan_commitment (org_id, plan_id);

ALTER TABLE case_day_summary ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_day_summary FORCE ROW LEVEL SECURITY;
CREATE POLICY case_day_summary_read ON case_day_summary FOR SELECT USING (true);
GRANT SELECT ON case_day_summary TO jointly_app;

${PUBLIC_OWNED.map(
  (t) => `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_read ON ${t} FOR SELECT USING (true);
CREATE POLICY ${t}_insert ON ${t} FOR INSERT WITH CHECK (${OWN});`,
).join('\n')}
CREATE POLICY measure_target_update ON measure_target FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});
CREATE POLICY locality_plan_update ON locality_plan FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});
-- A commitment's state is kept by the council that made it, or by the district whose plan it is.
CREATE POLICY plan_commitment_update ON plan_commitment FOR UPDATE
  USING (${OWN} OR committed_org_id = ANY (${WRITES}))
  WITH CHECK (${OWN} OR committed_org_id = ANY (${WRITES}));

GRANT SELECT, INSERT ON ${PUBLIC_OWNED.join(', ')} TO jointly_app;
GRANT UPDATE (target, tolerance, notes, set_at, set_by) ON measure_target TO jointly_app;
GRANT UPDATE (agreed_by_body_id, agreed_on, agreed_minute) ON locality_plan TO jointly_app;
GRANT UPDATE (state, state_note, state_updated_at, state_updated_by) ON plan_commitment TO jointly_app;
`,
    )
    .execute(db);
}
