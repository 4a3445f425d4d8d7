/**
 * Bodies' members and meetings, and proposals that change more than arrangements.
 *
 * - A body's members (councillors, officers, co-opted members) with their terms of office; its
 *   meetings, each with an agenda, the papers put before it (files kept in the database with their
 *   type, size, digest and what the virus scan said) and the minutes of each item. What councils
 *   publish is public: members, meetings, agenda items and papers, except an item or paper the
 *   council marks exempt (Local Government Act 1972, Schedule 12A), which only the council reads.
 * - A proposal's change is one of four kinds: an arrangement (as before), an allocation rule for a
 *   cost pool from the effective date, a council joining the partnership, or a council leaving it.
 *   The guard on a submitted proposal's changes now also lets the rule it made be recorded, once.
 *   A council that leaves gets its membership's left_on set, so the request role may update it.
 * - A risk's review, and an appraisal's ratings and shortlist, are updated in place and audited.
 *
 * Frozen: never edit a migration that has shipped; add a new one.
 */
import { sql, type Kysely } from 'kysely';

const READS = '(SELECT jointly_read_orgs())::bigint[]';
const WRITES = '(SELECT jointly_write_orgs())::bigint[]';
const OWN = `org_id = ANY (${WRITES})`;
const NOT_EXEMPT = `NOT exempt OR org_id = ANY (${READS}) OR org_id = ANY (${WRITES})`;

/** Largest paper kept: 20 MiB. */
export const PAPER_MAX_BYTES = 20 * 1024 * 1024;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
-- Who sits on a body, for which council, in what role, and for which term of office.
CREATE TABLE body_member (
  org_id bigint NOT NULL,
  member_id bigint GENERATED ALWAYS AS IDENTITY,
  body_id bigint NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('councillor', 'officer', 'co_opted')),
  -- Chair, Vice-chair, Leader, Portfolio holder for…
  role text NOT NULL DEFAULT '' CHECK (length(role) <= 200),
  -- The council a member of a joint body represents.
  represents_org_id bigint REFERENCES organisation (org_id),
  voting boolean NOT NULL DEFAULT true,
  term_from date NOT NULL,
  -- The last day of the term; none while it runs on.
  term_to date,
  illustrative boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  PRIMARY KEY (org_id, member_id),
  FOREIGN KEY (org_id, body_id) REFERENCES governance_body (org_id, body_id),
  CHECK (term_to IS NULL OR term_to >= term_from)
);
CREATE INDEX body_member_body_idx ON body_member (org_id, body_id);

-- A meeting of a body. A change to its time or place adds one to its sequence, as calendars expect.
CREATE TABLE meeting (
  org_id bigint NOT NULL,
  meeting_id bigint GENERATED ALWAYS AS IDENTITY,
  -- The meeting's identity in calendar feeds.
  uid uuid NOT NULL DEFAULT gen_random_uuid(),
  body_id bigint NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz,
  location text NOT NULL DEFAULT '' CHECK (length(location) <= 500),
  cancelled boolean NOT NULL DEFAULT false,
  sequence integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
  -- The day the minutes were published, and the minute of the meeting that confirmed them.
  minutes_published_on date,
  minutes_confirmed text CHECK (length(minutes_confirmed) <= 200),
  illustrative boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, meeting_id),
  UNIQUE (org_id, uid),
  FOREIGN KEY (org_id, body_id) REFERENCES governance_body (org_id, body_id),
  CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX meeting_body_idx ON meeting (org_id, body_id, starts_at);

-- An item on a meeting's agenda, and once the meeting is held, its minute.
CREATE TABLE agenda_item (
  org_id bigint NOT NULL,
  meeting_id bigint NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
  -- Taken in private: the paragraph of Schedule 12A that applies.
  exempt boolean NOT NULL DEFAULT false,
  exempt_reason text NOT NULL DEFAULT '' CHECK (length(exempt_reason) <= 300),
  -- The proposal the item decides: its keeper and id (a reference across organisations, not a key).
  proposal_keeper_org_id bigint,
  proposal_id uuid,
  minute_reference text CHECK (length(minute_reference) BETWEEN 1 AND 200),
  minute text CHECK (length(minute) <= 8000),
  PRIMARY KEY (org_id, meeting_id, position),
  FOREIGN KEY (org_id, meeting_id) REFERENCES meeting (org_id, meeting_id),
  CHECK ((proposal_id IS NULL) = (proposal_keeper_org_id IS NULL)),
  CHECK (NOT exempt OR length(exempt_reason) > 0)
);

-- A paper put before a meeting (agenda, report, appendix, minutes), kept whole in the database.
CREATE TABLE meeting_paper (
  org_id bigint NOT NULL,
  paper_id bigint GENERATED ALWAYS AS IDENTITY,
  meeting_id bigint NOT NULL,
  -- The agenda item it belongs to; none for the agenda or the minutes as a whole.
  item_position integer,
  kind text NOT NULL CHECK (kind IN ('agenda', 'report', 'appendix', 'minutes', 'other')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  media_type text NOT NULL CHECK (media_type IN (
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.oasis.opendocument.text',
    'text/csv',
    'text/plain')),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND ${PAPER_MAX_BYTES}),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  -- What the virus scan said: clean, or that no scanner is configured.
  scan text NOT NULL CHECK (scan IN ('clean', 'not_scanned')),
  exempt boolean NOT NULL DEFAULT false,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  uploaded_by bigint,
  PRIMARY KEY (org_id, paper_id),
  FOREIGN KEY (org_id, meeting_id) REFERENCES meeting (org_id, meeting_id),
  FOREIGN KEY (org_id, meeting_id, item_position) REFERENCES agenda_item (org_id, meeting_id, position),
  CHECK (octet_length(content) = size_bytes)
);
CREATE INDEX meeting_paper_meeting_idx ON meeting_paper (org_id, meeting_id);

ALTER TABLE body_member ENABLE ROW LEVEL SECURITY;
ALTER TABLE body_member FORCE ROW LEVEL SECURITY;
CREATE POLICY body_member_read ON body_member FOR SELECT USING (true);
CREATE POLICY body_member_insert ON body_member FOR INSERT WITH CHECK (${OWN});
CREATE POLICY body_member_update ON body_member FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});

ALTER TABLE meeting ENABLE ROW LEVEL SECURITY;
ALTER TABLE meeting FORCE ROW LEVEL SECURITY;
CREATE POLICY meeting_read ON meeting FOR SELECT USING (true);
CREATE POLICY meeting_insert ON meeting FOR INSERT WITH CHECK (${OWN});
CREATE POLICY meeting_update ON meeting FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});

ALTER TABLE agenda_item ENABLE ROW LEVEL SECURITY;
ALTER TABLE agenda_item FORCE ROW LEVEL SECURITY;
CREATE POLICY agenda_item_read ON agenda_item FOR SELECT USING (${NOT_EXEMPT});
CREATE POLICY agenda_item_insert ON agenda_item FOR INSERT WITH CHECK (${OWN});
CREATE POLICY agenda_item_update ON agenda_item FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});

ALTER TABLE meeting_paper ENABLE ROW LEVEL SECURITY;
ALTER TABLE meeting_paper FORCE ROW LEVEL SECURITY;
CREATE POLICY meeting_paper_read ON meeting_paper FOR SELECT USING (${NOT_EXEMPT});
CREATE POLICY meeting_paper_insert ON meeting_paper FOR INSERT WITH CHECK (${OWN});

GRANT SELECT, INSERT ON body_member, meeting, agenda_item, meeting_paper TO jointly_app;
GRANT UPDATE (term_to, role, voting) ON body_member TO jointly_app;
GRANT UPDATE (starts_at, ends_at, location, cancelled, sequence, minutes_published_on, minutes_confirmed, updated_at)
  ON meeting TO jointly_app;
GRANT UPDATE (minute_reference, minute) ON agenda_item TO jointly_app;

-- Four kinds of change. An arrangement names a service; an allocation rule names the cost pool of
-- the council that keeps it (council_org_id) and the rule from the effective date; joining and
-- leaving name the council (council_org_id) and, for joining, the role it joins in.
ALTER TABLE proposal_change
  ADD COLUMN kind text NOT NULL DEFAULT 'arrangement' CHECK (kind IN ('arrangement', 'allocation_rule', 'join', 'leave')),
  ADD COLUMN pool_id bigint,
  ADD COLUMN rule jsonb,
  ADD COLUMN true_up_tolerance integer CHECK (true_up_tolerance BETWEEN 0 AND 10000),
  ADD COLUMN member_role text CHECK (member_role IN ('member', 'associate')),
  ADD COLUMN made_rule_id bigint,
  ALTER COLUMN lgsl_code DROP NOT NULL,
  ALTER COLUMN delivery_mode DROP NOT NULL,
  ALTER COLUMN delivery_level DROP NOT NULL,
  ALTER COLUMN provider_org_id DROP NOT NULL,
  ADD CONSTRAINT proposal_change_kind_fields CHECK (
    CASE kind
      WHEN 'arrangement' THEN lgsl_code IS NOT NULL AND delivery_mode IS NOT NULL AND delivery_level IS NOT NULL
        AND provider_org_id IS NOT NULL AND pool_id IS NULL AND rule IS NULL AND member_role IS NULL
      WHEN 'allocation_rule' THEN pool_id IS NOT NULL AND rule IS NOT NULL AND lgsl_code IS NULL
        AND provider_org_id IS NULL AND member_role IS NULL
      WHEN 'join' THEN member_role IS NOT NULL AND lgsl_code IS NULL AND provider_org_id IS NULL
        AND pool_id IS NULL AND rule IS NULL
      ELSE member_role IS NULL AND lgsl_code IS NULL AND provider_org_id IS NULL AND pool_id IS NULL AND rule IS NULL
    END);
CREATE UNIQUE INDEX proposal_change_pool_once ON proposal_change (org_id, proposal_id, council_org_id, pool_id)
  WHERE kind = 'allocation_rule';
CREATE UNIQUE INDEX proposal_change_member_once ON proposal_change (org_id, proposal_id, council_org_id)
  WHERE kind IN ('join', 'leave');
GRANT UPDATE (made_rule_id) ON proposal_change TO jointly_app;

-- A council leaves a partnership from a date: its membership row gains the first day it is out.
CREATE POLICY partnership_member_leave ON partnership_member FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});
GRANT UPDATE (left_on) ON partnership_member TO jointly_app;

-- A risk is reviewed in place (the audit trail keeps each review's before and after), and an
-- appraisal's ratings and shortlist are revised the same way.
CREATE POLICY risk_update ON risk FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});
GRANT UPDATE (owner, inherent_likelihood, inherent_impact, residual_likelihood, residual_impact, treatment,
  treatment_notes, last_reviewed_on, next_review_on) ON risk TO jointly_app;
CREATE POLICY appraisal_option_update ON appraisal_option FOR UPDATE USING (${OWN}) WITH CHECK (${OWN});
GRANT UPDATE (ratings, shortlisted) ON appraisal_option TO jointly_app;

CREATE OR REPLACE FUNCTION jointly_proposal_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  row_proposal uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.proposal_id ELSE OLD.proposal_id END;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM proposal p WHERE p.proposal_id = row_proposal AND p.submitted_at IS NOT NULL) THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_TABLE_NAME = 'proposal_change' AND TG_OP = 'UPDATE'
     AND OLD.made_arrangement_id IS NULL AND OLD.made_rule_id IS NULL
     AND (to_jsonb(NEW) - 'replaced_arrangement_id' - 'made_arrangement_id' - 'made_rule_id')
       = (to_jsonb(OLD) - 'replaced_arrangement_id' - 'made_arrangement_id' - 'made_rule_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'a submitted proposal''s changes and approvals never change: withdraw it and make a new one'
    USING ERRCODE = 'integrity_constraint_violation';
END
$f$;
`,
    )
    .execute(db);
}
