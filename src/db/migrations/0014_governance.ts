/**
 * Decisions each council ratifies: the bodies that decide, proposals that change the register, and
 * the partnership's programme with each authority's go/no-go decisions, its risk log and its
 * option appraisals.
 *
 * - A proposal belongs to the organisation that keeps it (`org_id`): the organisation of the
 *   partnership administrator's grant. It lists the register changes it will make and the
 *   approvals it needs (which council, which of its bodies, and why: listed, or because it touches
 *   a matter that council reserves). Its state is never stored: the service computes it from the
 *   facts (`src/governance/proposal-rules.ts`).
 * - A decision belongs to the council that took it (`org_id` is that council). Row-level security
 *   lets a transaction insert a decision only for an organisation it writes, so a query that
 *   forgets its filter still cannot record one council's decision for another. Decisions are never
 *   changed or deleted: a later decision of the same body is a new row, and the latest counts.
 * - What councils publish is public: a submitted proposal that is not marked internal, its changes,
 *   approvals and decisions, and every council's bodies. A draft, or an internal proposal, is read
 *   by its keeper and by the councils whose decision it asks for.
 * - A new role, `clerk` (democratic services), records its own council's decisions.
 * - Once submitted, a proposal's changes and approvals never change: a trigger holds that for
 *   every caller, the owner included, except for recording which arrangement each change made.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

const READS = '(SELECT jointly_read_orgs())::bigint[]';
const WRITES = '(SELECT jointly_write_orgs())::bigint[]';

/** Tables anyone may read and only their organisation writes. */
const PUBLIC_TABLES = [
  'governance_body',
  'programme',
  'programme_phase',
  'programme_milestone',
  'go_no_go_decision',
  'appraisal',
  'appraisal_outcome',
  'appraisal_option',
];

/** A proposal a transaction may read: published, or its keeper's, or one asking its decision. */
const READABLE_PROPOSAL = `(submitted_at IS NOT NULL AND NOT internal)
  OR org_id = ANY (${READS}) OR org_id = ANY (${WRITES})
  OR council_org_ids && ${READS} OR council_org_ids && ${WRITES}`;

/** A row that hangs off a proposal is read with it (the proposal's own policy decides). */
const readWithProposal = (table: string, keeper = 'org_id') =>
  `EXISTS (SELECT 1 FROM proposal p WHERE p.org_id = ${table}.${keeper} AND p.proposal_id = ${table}.proposal_id)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
ALTER TABLE role_grant DROP CONSTRAINT role_grant_role_check;
ALTER TABLE role_grant ADD CONSTRAINT role_grant_role_check
  CHECK (role IN ('partnership_admin', 'officer', 'councillor', 'agent', 'finance_officer', 'finance_lead', 'clerk'));

-- A body that decides: a council's cabinet, executive, full council or a committee of it, or a
-- joint committee or programme board (kept by the organisation that hosts it).
CREATE TABLE governance_body (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  body_id bigint GENERATED ALWAYS AS IDENTITY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('cabinet', 'executive', 'full_council', 'committee', 'joint_committee', 'programme_board')),
  -- The partnership a joint committee or programme board serves.
  partnership_id bigint REFERENCES partnership (partnership_id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, body_id),
  UNIQUE (org_id, name)
);

CREATE TABLE proposal (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  proposal_id uuid NOT NULL DEFAULT gen_random_uuid(),
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
  effective_from date NOT NULL,
  -- Whether the councils that approve go ahead without one that rejects.
  partial_adoption boolean NOT NULL DEFAULT false,
  -- Kept from the public (a draft always is).
  internal boolean NOT NULL DEFAULT false,
  -- Every council whose decision it asks for, so they read it while it is a draft or internal.
  council_org_ids bigint[] NOT NULL DEFAULT '{}',
  -- Figures and councils' choices that show how the software works rather than what was decided.
  illustrative boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT '' CHECK (length(source) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  -- Submitting it records the recommendation it goes to the councils with.
  submitted_at timestamptz,
  submitted_by bigint,
  recommended_by text CHECK (length(recommended_by) BETWEEN 1 AND 200),
  recommended_on date,
  recommendation_minute text CHECK (length(recommendation_minute) <= 200),
  withdrawn_at timestamptz,
  withdrawn_by bigint,
  withdrawal_reason text CHECK (length(withdrawal_reason) <= 2000),
  applied_at timestamptz,
  PRIMARY KEY (org_id, proposal_id),
  CHECK ((submitted_at IS NULL) = (recommended_on IS NULL)),
  CHECK (applied_at IS NULL OR submitted_at IS NOT NULL),
  CHECK (NOT (applied_at IS NOT NULL AND withdrawn_at IS NOT NULL))
);
CREATE INDEX proposal_partnership_idx ON proposal (partnership_id, created_at);
-- Proposals are found by id alone (the API's); an id is a random UUID.
CREATE INDEX proposal_id_idx ON proposal (proposal_id);

-- One register change: the arrangement a council will have for a service from the effective date.
CREATE TABLE proposal_change (
  org_id bigint NOT NULL,
  proposal_id uuid NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  council_org_id bigint NOT NULL REFERENCES organisation (org_id),
  lgsl_code integer NOT NULL REFERENCES service (lgsl_code),
  delivery_mode text NOT NULL,
  delivery_level text NOT NULL,
  provider_org_id bigint NOT NULL REFERENCES organisation (org_id),
  lead_commissioner_org_id bigint REFERENCES organisation (org_id),
  area_code text,
  reserved_decisions text[] NOT NULL DEFAULT '{}',
  delegated_decisions text[] NOT NULL DEFAULT '{}',
  -- The decisions it touches (fees and charges, policy, the budget), checked against what each
  -- council sharing the service reserves.
  matters text[] NOT NULL DEFAULT '{}',
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  -- Once it took effect: the arrangement it replaced, and the one it made.
  replaced_arrangement_id bigint,
  made_arrangement_id bigint,
  PRIMARY KEY (org_id, proposal_id, position),
  UNIQUE (org_id, proposal_id, council_org_id, lgsl_code),
  FOREIGN KEY (org_id, proposal_id) REFERENCES proposal (org_id, proposal_id)
);

-- One approval a proposal needs: a council's body.
CREATE TABLE proposal_approval (
  org_id bigint NOT NULL,
  proposal_id uuid NOT NULL,
  council_org_id bigint NOT NULL,
  body_id bigint NOT NULL,
  reason text NOT NULL CHECK (reason IN ('listed', 'reserved_matter')),
  -- The matters this council reserves that the proposal touches.
  matters text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (org_id, proposal_id, council_org_id, body_id),
  FOREIGN KEY (org_id, proposal_id) REFERENCES proposal (org_id, proposal_id)
);

-- A council's decision on an approval: the latest of a body's decisions counts.
CREATE TABLE proposal_decision (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  decision_id bigint GENERATED ALWAYS AS IDENTITY,
  keeper_org_id bigint NOT NULL,
  proposal_id uuid NOT NULL,
  body_id bigint NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected', 'deferred')),
  decided_on date NOT NULL,
  minute text NOT NULL CHECK (length(minute) BETWEEN 1 AND 200),
  -- The paper the body decided on: its title or address.
  paper text NOT NULL DEFAULT '' CHECK (length(paper) <= 500),
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint,
  PRIMARY KEY (org_id, decision_id),
  FOREIGN KEY (org_id, body_id) REFERENCES governance_body (org_id, body_id)
);
CREATE INDEX proposal_decision_proposal_idx ON proposal_decision (proposal_id, decision_id);

-- A partnership's programme: phases in order, each with its milestones and go/no-go points.
CREATE TABLE programme (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  programme_id bigint GENERATED ALWAYS AS IDENTITY,
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
  illustrative boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT '' CHECK (length(source) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, programme_id),
  UNIQUE (org_id, partnership_id, name)
);
CREATE TABLE programme_phase (
  org_id bigint NOT NULL,
  programme_id bigint NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- As the programme states it ("Winter 2014 - Spring 2015"), with the dates it is taken to span.
  timing text NOT NULL DEFAULT '' CHECK (length(timing) <= 100),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  activities text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (org_id, programme_id, position),
  FOREIGN KEY (org_id, programme_id) REFERENCES programme (org_id, programme_id),
  CHECK (ends_on >= starts_on)
);
CREATE TABLE programme_milestone (
  org_id bigint NOT NULL,
  milestone_id bigint GENERATED ALWAYS AS IDENTITY,
  programme_id bigint NOT NULL,
  phase_position integer NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  -- A go/no-go point is decided by each authority for itself.
  kind text NOT NULL CHECK (kind IN ('milestone', 'go_no_go')),
  due_on date NOT NULL,
  workstream text NOT NULL DEFAULT '' CHECK (length(workstream) <= 200),
  owner text NOT NULL DEFAULT '' CHECK (length(owner) <= 200),
  -- The milestones that must be reached first.
  depends_on bigint[] NOT NULL DEFAULT '{}',
  completed_on date,
  PRIMARY KEY (org_id, milestone_id),
  FOREIGN KEY (org_id, programme_id, phase_position) REFERENCES programme_phase (org_id, programme_id, position)
);
-- Each authority's own decision at a go/no-go point, under that authority; the latest counts.
CREATE TABLE go_no_go_decision (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  decision_id bigint GENERATED ALWAYS AS IDENTITY,
  keeper_org_id bigint NOT NULL,
  milestone_id bigint NOT NULL,
  decision text NOT NULL CHECK (decision IN ('go', 'no_go', 'deferred')),
  decided_on date NOT NULL,
  minute text NOT NULL CHECK (length(minute) BETWEEN 1 AND 200),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by bigint,
  PRIMARY KEY (org_id, decision_id)
);
CREATE INDEX go_no_go_decision_milestone_idx ON go_no_go_decision (keeper_org_id, milestone_id);

-- A partnership's risk log: likelihood and impact from 1 to 5 before and after treatment, who owns
-- each risk and which partner bears it (none: the partnership as a whole), and when it is reviewed.
CREATE TABLE risk (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  risk_id bigint GENERATED ALWAYS AS IDENTITY,
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
  owner text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
  bearer_org_id bigint REFERENCES organisation (org_id),
  inherent_likelihood smallint NOT NULL CHECK (inherent_likelihood BETWEEN 1 AND 5),
  inherent_impact smallint NOT NULL CHECK (inherent_impact BETWEEN 1 AND 5),
  residual_likelihood smallint NOT NULL CHECK (residual_likelihood BETWEEN 1 AND 5),
  residual_impact smallint NOT NULL CHECK (residual_impact BETWEEN 1 AND 5),
  treatment text NOT NULL CHECK (treatment IN ('tolerate', 'treat', 'transfer', 'terminate')),
  treatment_notes text NOT NULL DEFAULT '' CHECK (length(treatment_notes) <= 4000),
  last_reviewed_on date,
  next_review_on date NOT NULL,
  internal boolean NOT NULL DEFAULT false,
  illustrative boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT '' CHECK (length(source) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, risk_id)
);
CREATE INDEX risk_partnership_idx ON risk (partnership_id);

-- An option appraisal: sourcing options (make, buy, share, divest and their variants) scored against
-- an outcomes framework, each option's score per outcome high, medium or low (3, 2, 1), weighted
-- when the appraisal gives weights (all 1 when it applies none).
CREATE TABLE appraisal (
  org_id bigint NOT NULL REFERENCES organisation (org_id),
  appraisal_id bigint GENERATED ALWAYS AS IDENTITY,
  partnership_id bigint NOT NULL REFERENCES partnership (partnership_id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  method text NOT NULL DEFAULT '' CHECK (length(method) <= 4000),
  conclusion text NOT NULL DEFAULT '' CHECK (length(conclusion) <= 4000),
  illustrative boolean NOT NULL DEFAULT false,
  source text NOT NULL DEFAULT '' CHECK (length(source) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, appraisal_id)
);
CREATE TABLE appraisal_outcome (
  org_id bigint NOT NULL,
  appraisal_id bigint NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  contributory text[] NOT NULL DEFAULT '{}',
  weight integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 100),
  PRIMARY KEY (org_id, appraisal_id, position),
  FOREIGN KEY (org_id, appraisal_id) REFERENCES appraisal (org_id, appraisal_id)
);
CREATE TABLE appraisal_option (
  org_id bigint NOT NULL,
  appraisal_id bigint NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  kind text NOT NULL CHECK (kind IN ('make', 'buy', 'share', 'divest')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  shortlisted boolean NOT NULL DEFAULT false,
  -- One rating per outcome, in the outcomes' order: 'high', 'medium' or 'low'.
  ratings text[] NOT NULL CHECK (ratings <@ ARRAY['high', 'medium', 'low']),
  PRIMARY KEY (org_id, appraisal_id, position),
  FOREIGN KEY (org_id, appraisal_id) REFERENCES appraisal (org_id, appraisal_id)
);

-- A submitted proposal's changes and approvals never change, whoever asks; a change records which
-- arrangement it replaced and made, once.
CREATE FUNCTION jointly_proposal_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  row_proposal uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.proposal_id ELSE OLD.proposal_id END;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM proposal p WHERE p.proposal_id = row_proposal AND p.submitted_at IS NOT NULL) THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_TABLE_NAME = 'proposal_change' AND TG_OP = 'UPDATE'
     AND OLD.made_arrangement_id IS NULL
     AND (to_jsonb(NEW) - 'replaced_arrangement_id' - 'made_arrangement_id')
       = (to_jsonb(OLD) - 'replaced_arrangement_id' - 'made_arrangement_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'a submitted proposal''s changes and approvals never change: withdraw it and make a new one'
    USING ERRCODE = 'integrity_constraint_violation';
END
$f$;
CREATE TRIGGER proposal_change_guard BEFORE INSERT OR UPDATE OR DELETE ON proposal_change
  FOR EACH ROW EXECUTE FUNCTION jointly_proposal_guard();
CREATE TRIGGER proposal_approval_guard BEFORE INSERT OR UPDATE OR DELETE ON proposal_approval
  FOR EACH ROW EXECUTE FUNCTION jointly_proposal_guard();

-- Keys that cross from one organisation's rows to another's cannot be foreign keys (each key stays
-- within its organisation): an approval names a body of its council, and a decision answers an
-- approval the proposal asks, checked here for every caller.
CREATE FUNCTION jointly_proposal_refs() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_TABLE_NAME = 'proposal_approval' THEN
    IF NOT EXISTS (SELECT 1 FROM governance_body b WHERE b.org_id = NEW.council_org_id AND b.body_id = NEW.body_id) THEN
      RAISE EXCEPTION 'an approval names a body of the council that decides'
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF TG_TABLE_NAME = 'go_no_go_decision' THEN
    IF NOT EXISTS (SELECT 1 FROM programme_milestone m
                    WHERE m.org_id = NEW.keeper_org_id AND m.milestone_id = NEW.milestone_id AND m.kind = 'go_no_go') THEN
      RAISE EXCEPTION 'a go/no-go decision answers a go/no-go point of the programme'
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM proposal_approval a
                     WHERE a.org_id = NEW.keeper_org_id AND a.proposal_id = NEW.proposal_id
                       AND a.council_org_id = NEW.org_id AND a.body_id = NEW.body_id) THEN
    RAISE EXCEPTION 'a decision answers an approval the proposal asks of that council''s body'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END
$f$;
CREATE TRIGGER proposal_approval_refs BEFORE INSERT ON proposal_approval
  FOR EACH ROW EXECUTE FUNCTION jointly_proposal_refs();
CREATE TRIGGER proposal_decision_refs BEFORE INSERT ON proposal_decision
  FOR EACH ROW EXECUTE FUNCTION jointly_proposal_refs();
CREATE TRIGGER go_no_go_decision_refs BEFORE INSERT ON go_no_go_decision
  FOR EACH ROW EXECUTE FUNCTION jointly_proposal_refs();

-- What councils publish: every body, programme and its go/no-go decisions, and option appraisal.
${PUBLIC_TABLES.map(
  (t) => `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
CREATE POLICY ${t}_read ON ${t} FOR SELECT USING (true);
CREATE POLICY ${t}_insert ON ${t} FOR INSERT WITH CHECK (org_id = ANY (${WRITES}));`,
).join('\n')}

ALTER TABLE proposal ENABLE ROW LEVEL SECURITY;
ALTER TABLE proposal FORCE ROW LEVEL SECURITY;
CREATE POLICY proposal_read ON proposal FOR SELECT USING (${READABLE_PROPOSAL});
CREATE POLICY proposal_insert ON proposal FOR INSERT WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY proposal_update ON proposal FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));

ALTER TABLE proposal_change ENABLE ROW LEVEL SECURITY;
ALTER TABLE proposal_change FORCE ROW LEVEL SECURITY;
CREATE POLICY proposal_change_read ON proposal_change FOR SELECT USING (${readWithProposal('proposal_change')});
CREATE POLICY proposal_change_insert ON proposal_change FOR INSERT WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY proposal_change_update ON proposal_change FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY proposal_change_delete ON proposal_change FOR DELETE USING (org_id = ANY (${WRITES}));

ALTER TABLE proposal_approval ENABLE ROW LEVEL SECURITY;
ALTER TABLE proposal_approval FORCE ROW LEVEL SECURITY;
CREATE POLICY proposal_approval_read ON proposal_approval FOR SELECT USING (${readWithProposal('proposal_approval')});
CREATE POLICY proposal_approval_insert ON proposal_approval FOR INSERT WITH CHECK (org_id = ANY (${WRITES}));
CREATE POLICY proposal_approval_delete ON proposal_approval FOR DELETE USING (org_id = ANY (${WRITES}));

ALTER TABLE proposal_decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE proposal_decision FORCE ROW LEVEL SECURITY;
CREATE POLICY proposal_decision_read ON proposal_decision FOR SELECT
  USING (${readWithProposal('proposal_decision', 'keeper_org_id')});
CREATE POLICY proposal_decision_insert ON proposal_decision FOR INSERT WITH CHECK (org_id = ANY (${WRITES}));

CREATE POLICY programme_milestone_update ON programme_milestone FOR UPDATE
  USING (org_id = ANY (${WRITES})) WITH CHECK (org_id = ANY (${WRITES}));

ALTER TABLE risk ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk FORCE ROW LEVEL SECURITY;
CREATE POLICY risk_read ON risk FOR SELECT USING (NOT internal OR org_id = ANY (${READS}) OR org_id = ANY (${WRITES}));
CREATE POLICY risk_insert ON risk FOR INSERT WITH CHECK (org_id = ANY (${WRITES}));

GRANT SELECT, INSERT ON ${[...PUBLIC_TABLES, 'proposal', 'proposal_change', 'proposal_approval', 'proposal_decision', 'risk'].join(', ')} TO jointly_app;
GRANT UPDATE (completed_on) ON programme_milestone TO jointly_app;
GRANT UPDATE (council_org_ids, submitted_at, submitted_by, recommended_by, recommended_on, recommendation_minute,
  withdrawn_at, withdrawn_by, withdrawal_reason, applied_at) ON proposal TO jointly_app;
GRANT UPDATE (replaced_arrangement_id, made_arrangement_id) ON proposal_change TO jointly_app;
GRANT DELETE ON proposal_change, proposal_approval TO jointly_app;
`,
    )
    .execute(db);
}
