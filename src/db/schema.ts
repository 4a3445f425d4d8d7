/** Row types of the database tables, as Kysely sees them. Keep in step with the migrations. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DefaultedText = ColumnType<string, string | undefined, string>;
type DefaultedTextArray = ColumnType<string[], string[] | undefined, string[]>;

export type AreaKind =
  | 'country'
  | 'region'
  | 'county'
  | 'district'
  | 'unitary'
  | 'metropolitan_district'
  | 'london_borough'
  | 'parish'
  | 'ward'
  | 'cluster'
  | 'locality'
  | 'market_town';

export interface AreaTable {
  code: string;
  name: string;
  kind: AreaKind;
  parent_code: string | null;
  source: string;
  updated_at: Timestamp;
}

/** An area's postcode units, sectors and districts (migration 0012). */
export interface AreaPostcodeTable {
  area_code: string;
  prefix: string;
}

export interface AreaMemberTable {
  area_code: string;
  member_code: string;
}

export interface BoundaryTable {
  area_code: string;
  source: string;
  geometry: unknown;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  vertex_count: number;
}

export interface PostcodeTable {
  postcode: string;
  lat: number | null;
  lon: number | null;
  country_code: string | null;
  county_code: string | null;
  district_code: string | null;
  ward_code: string | null;
  parish_code: string | null;
  introduced: string | null;
  terminated: string | null;
  source: string;
}

export type ProvidingTier = 'county' | 'district' | 'all';
export type ServiceKind = 'front_line' | 'back_office';

export interface ServiceTable {
  lgsl_code: number;
  label: string;
  status: string;
  description: DefaultedText;
  govuk_description: string | null;
  providing_tier: ProvidingTier | null;
  kind: ColumnType<ServiceKind, ServiceKind | undefined, ServiceKind>;
  govuk_slug: string | null;
  lgil_codes: ColumnType<number[], number[] | undefined, number[]>;
}

export interface ImportRunTable {
  import_id: Generated<number>;
  kind: string;
  file: string;
  started_at: Timestamp;
  finished_at: Generated<Date>;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
}

export type OrganisationKind =
  | 'county'
  | 'district'
  | 'unitary'
  | 'metropolitan_district'
  | 'london_borough'
  | 'parish'
  | 'police'
  | 'nhs'
  | 'probation'
  | 'fire'
  | 'joint_committee'
  | 'company'
  | 'lead_authority'
  | 'voluntary'
  | 'other_public_body';

export interface OrganisationTable {
  org_id: Generated<number>;
  kind: OrganisationKind;
  name: string;
  short_name: string;
  gss_code: string | null;
  jurisdiction: string | null;
  area_code: string | null;
  parent_org_id: number | null;
  nation: string | null;
  region: string | null;
  homepage_url: string | null;
  population: number | null;
  households: number | null;
  case_prefix: ColumnType<string | null, string | null | undefined, string | null>;
  brand_colour: DefaultedText;
  logo_url: string | null;
  source: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PartnershipTable {
  partnership_id: Generated<number>;
  slug: string;
  name: string;
  summary: DefaultedText;
  source: DefaultedText;
  created_at: Generated<Date>;
}

export type MemberRole = 'member' | 'associate' | 'vehicle';

export interface PartnershipMemberTable {
  org_id: number;
  partnership_id: number;
  role: MemberRole;
  joined_on: string;
  left_on: string | null;
}

export interface PartnershipServiceTable {
  partnership_id: number;
  lgsl_code: number;
  menu: string;
  kind: ServiceKind;
}

export interface PartnershipAreaTable {
  partnership_id: number;
  area_code: string;
}

export type DeliveryMode =
  'retained' | 'shared_venture' | 'lead_authority' | 'outsourced' | 'devolved_parish' | 'joint_team';
export type DeliveryLevel = 'county_wide' | 'cluster' | 'district' | 'locality';

export interface ArrangementTable {
  org_id: number;
  arrangement_id: Generated<number>;
  lgsl_code: number;
  valid_from: string;
  valid_to: string | null;
  delivery_mode: DeliveryMode;
  delivery_level: DeliveryLevel;
  provider_org_id: number;
  lead_commissioner_org_id: number | null;
  partnership_id: number | null;
  area_code: string | null;
  reserved_decisions: DefaultedTextArray;
  delegated_decisions: DefaultedTextArray;
  notes: DefaultedText;
  /** Notes only the organisation's people may read (public notes are published with the register). */
  notes_internal: Generated<boolean>;
  source: DefaultedText;
  recorded_at: Generated<Date>;
  recorded_by: number | null;
}

/** A view: an arrangement's notes where the reader may see them (public ones, or their own). */
export interface ArrangementNoteView {
  org_id: number;
  arrangement_id: number;
  notes: string;
}

export interface ResponsibilityOverrideTable {
  org_id: number;
  override_id: Generated<number>;
  lgsl_code: number;
  area_code: string;
  valid_from: string;
  valid_to: string | null;
  reason: string;
  recorded_at: Generated<Date>;
  recorded_by: number | null;
}

export interface AccountTable {
  account_id: Generated<number>;
  email: string;
  display_name: string;
  password_hash: string | null;
  oidc_subject: string | null;
  created_at: Generated<Date>;
  disabled_at: Date | null;
}

export type Role =
  'partnership_admin' | 'officer' | 'councillor' | 'agent' | 'finance_officer' | 'finance_lead' | 'clerk';

export interface RoleGrantTable {
  org_id: number;
  grant_id: Generated<number>;
  account_id: number;
  role: Role;
  partnership_id: number | null;
  lgsl_codes: number[] | null;
  granted_at: Generated<Date>;
  revoked_at: Date | null;
}

export interface AuditLogTable {
  org_id: number;
  audit_id: Generated<number>;
  occurred_at: Generated<Date>;
  account_id: number | null;
  action: string;
  entity_type: string;
  entity_key: string;
  before: unknown;
  after: unknown;
}

export type SessionEndReason = 'signed_out' | 'ended_by_administrator';

/** A sign-in (migration 0007): the cookie carries the secret whose SHA-256 is kept here. */
export interface AccountSessionTable {
  session_id: Generated<number>;
  account_id: number;
  secret_hash: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  ended_at: Date | null;
  ended_by: number | null;
  end_reason: SessionEndReason | null;
  ip_address: string | null;
  user_agent: string | null;
}

/** A bearer token for the JSON API (migration 0007), acting as its account. */
export interface ApiTokenTable {
  token_id: Generated<number>;
  account_id: number;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: Generated<Date>;
  created_by: number | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: number | null;
}

export interface AppSecretTable {
  name: string;
  value: string;
  created_at: Generated<Date>;
}

// The front door (migration 0003).
export type Channel = 'web' | 'phone' | 'face_to_face' | 'kiosk' | 'email' | 'app' | 'open311';
export type CaseStatus =
  | 'open'
  | 'investigating'
  | 'action_scheduled'
  | 'in_progress'
  | 'fixed'
  | 'closed'
  | 'duplicate'
  | 'referred'
  | 'no_further_action'
  | 'cancelled'
  | 'reopened';
export type CaseEventKind =
  | 'opened'
  | 'status'
  | 'note'
  | 'assigned'
  | 'message'
  | 'referred_out'
  | 'referred_in'
  | 'paused'
  | 'resumed'
  | 'resolved_at_first_contact'
  | 'update_received';
export type BankHolidayDivision = 'england-and-wales' | 'scotland' | 'northern-ireland';
type Json = ColumnType<unknown, string, string>;
type DefaultedJson = ColumnType<unknown, string | undefined, string>;

export interface BankHolidayTable {
  division: BankHolidayDivision;
  holiday_date: string;
  title: string;
  source: string;
}

export interface ServiceLevelTable {
  org_id: number;
  lgsl_code: number;
  valid_from: string;
  target_amount: number;
  target_unit: 'working_days' | 'hours';
  recorded_at: Generated<Date>;
  recorded_by: number | null;
}

export interface ServiceInformationTable {
  org_id: number;
  lgsl_code: number;
  summary: DefaultedText;
  fees: DefaultedText;
  links: DefaultedJson;
  updated_at: Timestamp;
  updated_by: number | null;
}

export interface ContactTable {
  org_id: number;
  contact_id: Generated<number>;
  channel: Channel;
  access_point: string | null;
  received_at: Timestamp;
  account_id: number | null;
  resident_name: string | null;
  resident_email: string | null;
  resident_phone: string | null;
  notes: DefaultedText;
  resolved_at_first_contact: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface CaseNumberTable {
  /** The council whose prefix the numbers carry. */
  org_id: number;
  prefix: string;
  year: number;
  last_number: number;
}

export interface ServiceCaseTable {
  org_id: number;
  case_id: Generated<number>;
  reference: string;
  lgsl_code: number;
  provider_org_id: number;
  arrangement_id: number | null;
  team: string | null;
  status: CaseStatus;
  version: ColumnType<number, number | undefined, number>;
  description: string;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_phone: string | null;
  channel: Channel;
  contact_org_id: number | null;
  contact_id: number | null;
  routing: Json;
  opened_at: Timestamp;
  due_at: Date | string | null;
  paused_at: Date | string | null;
  closed_at: Date | string | null;
  referred_from_org_id: number | null;
  referred_from_case_id: number | null;
  referred_to_org_id: number | null;
  referred_to_case_id: number | null;
  updated_at: Timestamp;
  /** An Open311 client's answers to attributes, as text by code (migration 0009). */
  attributes: ColumnType<Record<string, string>, string | undefined, string>;
  media_url: string | null;
}

export interface CaseEventTable {
  org_id: number;
  event_id: Generated<number>;
  case_id: number;
  occurred_at: Timestamp;
  kind: CaseEventKind;
  status: CaseStatus | null;
  body: DefaultedText;
  visibility: ColumnType<'public' | 'internal', 'public' | 'internal' | undefined, 'public' | 'internal'>;
  account_id: number | null;
  actor_name: string | null;
  related_org_id: number | null;
  related_case_id: number | null;
  copied_from_org_id: number | null;
}

export interface ApiKeyTable {
  org_id: number;
  key_id: Generated<number>;
  name: string;
  key_prefix: string;
  key_hash: string;
  created_at: Timestamp;
  revoked_at: Date | string | null;
}

export interface OutboxMessageTable {
  org_id: number;
  message_id: Generated<number>;
  created_at: Timestamp;
  channel: 'email' | 'sms' | 'staff';
  template: string;
  recipient: string;
  personalisation: DefaultedJson;
  case_reference: string | null;
  state: ColumnType<
    'pending' | 'sent' | 'failed',
    'pending' | 'sent' | 'failed' | undefined,
    'pending' | 'sent' | 'failed'
  >;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  sent_at: Date | string | null;
  last_error: string | null;
  provider_reference: string | null;
}

export interface IdempotencyKeyTable {
  /** The front door that took the request. */
  org_id: number;
  caller: string;
  idempotency_key: string;
  request_hash: string;
  status_code: number;
  response: Json;
  created_at: Timestamp;
}

/** Cost sharing (migration 0013). Money is integer pence; a bigint column reads as a safe number. */
export interface CostPoolTable {
  org_id: number;
  pool_id: Generated<number>;
  partnership_id: number;
  name: string;
  description: Generated<string>;
  retained_by: number | null;
  lgsl_codes: Generated<number[]>;
  fixed_share: Generated<number>;
  illustrative: Generated<boolean>;
  source: Generated<string>;
  created_at: Generated<Date>;
}

export interface PoolBaselineTable {
  org_id: number;
  pool_id: number;
  member_org_id: number;
  year: string;
  baseline_pence: number;
  source: Generated<string>;
}

export interface BusinessCaseTable {
  org_id: number;
  case_id: Generated<number>;
  partnership_id: number;
  title: string;
  summary: Generated<string>;
  first_year: string;
  discount_rate: Generated<number>;
  member_org_ids: number[];
  share_rule: unknown;
  illustrative: Generated<boolean>;
  source: Generated<string>;
  created_at: Generated<Date>;
  created_by: number | null;
}

export interface BusinessCaseYearTable {
  org_id: number;
  case_id: number;
  year_index: number;
  cost_pence: number;
  saving_pence: number;
}

export interface PoolMemberTable {
  org_id: number;
  pool_id: number;
  member_org_id: number;
  joined_on: string;
  left_on: string | null;
}

export type PoolAmountKind = 'budget' | 'actual';

export interface PoolAmountTable {
  org_id: number;
  amount_id: Generated<number>;
  pool_id: number;
  kind: PoolAmountKind;
  period: string;
  period_first: string;
  period_last: string;
  amount_pence: number;
  source: Generated<string>;
  recorded_at: Generated<Date>;
  recorded_by: number | null;
}

export interface AllocationRuleTable {
  org_id: number;
  rule_id: Generated<number>;
  pool_id: number;
  valid_from: string;
  rule: unknown;
  true_up_tolerance: number | null;
  notes: Generated<string>;
  recorded_at: Generated<Date>;
  recorded_by: number | null;
}

export type DriverBasis = 'estimate' | 'actual';

export interface DriverFigureTable {
  org_id: number;
  pool_id: number;
  member_org_id: number;
  driver: string;
  period: string;
  basis: DriverBasis;
  value: number;
  source: Generated<string>;
  recorded_at: Generated<Date>;
}

export interface LedgerMappingTable {
  org_id: number;
  mapping_id: Generated<number>;
  name: string;
  columns: unknown;
  created_at: Generated<Date>;
}

export interface LedgerImportTable {
  org_id: number;
  import_id: Generated<number>;
  pool_id: number;
  file_name: string;
  file_sha256: string;
  line_count: number;
  total_pence: number;
  mapping: unknown;
  imported_at: Generated<Date>;
  imported_by: number | null;
}

export interface LedgerLineTable {
  org_id: number;
  import_id: number;
  line_number: number;
  pool_id: number;
  paid_on: string;
  amount_pence: number;
  supplier: Generated<string>;
  expenditure_code: Generated<string>;
  service_area: Generated<string>;
  description: Generated<string>;
  reference: Generated<string>;
}

export type RechargeRunKind = 'recharge' | 'true_up';
export type RechargeRunState = 'draft' | 'issued' | 'superseded';

export interface RechargeRunTable {
  org_id: number;
  run_id: Generated<string>;
  pool_id: number;
  period: string;
  period_first: string;
  period_last: string;
  kind: RechargeRunKind;
  state: Generated<RechargeRunState>;
  corrects: string | null;
  reason: Generated<string>;
  total_pence: number;
  inputs: unknown;
  created_at: Generated<Date>;
  created_by: number | null;
  issued_at: Date | null;
  issued_by: number | null;
  superseded_by: string | null;
}

export interface RechargeLineTable {
  org_id: number;
  run_id: string;
  position: number;
  member_org_id: number;
  amount_pence: number;
  driver: string | null;
  driver_value: number | null;
  driver_total: number | null;
  explanation: string;
  estimated_pence: number | null;
  actual_pence: number | null;
}

export interface RevenueOutturnTable {
  ons_code: string;
  year: string;
  line: number;
  line_name: string;
  amount_pence: number | null;
}

export type GovernanceBodyKind =
  'cabinet' | 'executive' | 'full_council' | 'committee' | 'joint_committee' | 'programme_board';

export interface GovernanceBodyTable {
  org_id: number;
  body_id: Generated<number>;
  name: string;
  kind: GovernanceBodyKind;
  partnership_id: number | null;
  created_at: Generated<Date>;
}

export interface ProposalTable {
  org_id: number;
  proposal_id: Generated<string>;
  partnership_id: number;
  title: string;
  summary: DefaultedText;
  effective_from: string;
  partial_adoption: ColumnType<boolean, boolean | undefined, boolean>;
  internal: ColumnType<boolean, boolean | undefined, boolean>;
  council_org_ids: ColumnType<number[], number[] | undefined, number[]>;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  source: DefaultedText;
  created_at: Generated<Date>;
  created_by: number | null;
  submitted_at: Date | null;
  submitted_by: number | null;
  recommended_by: string | null;
  recommended_on: string | null;
  recommendation_minute: string | null;
  withdrawn_at: Date | null;
  withdrawn_by: number | null;
  withdrawal_reason: string | null;
  applied_at: Date | null;
}

/** What a proposal's change does (migration 0015). */
export type ProposalChangeKind = 'arrangement' | 'allocation_rule' | 'join' | 'leave';

export interface ProposalChangeTable {
  org_id: number;
  proposal_id: string;
  position: number;
  council_org_id: number;
  kind: ColumnType<ProposalChangeKind, ProposalChangeKind | undefined, ProposalChangeKind>;
  lgsl_code: number | null;
  delivery_mode: DeliveryMode | null;
  delivery_level: DeliveryLevel | null;
  provider_org_id: number | null;
  lead_commissioner_org_id: number | null;
  pool_id: number | null;
  rule: unknown;
  true_up_tolerance: number | null;
  member_role: 'member' | 'associate' | null;
  made_rule_id: number | null;
  area_code: string | null;
  reserved_decisions: DefaultedTextArray;
  delegated_decisions: DefaultedTextArray;
  matters: DefaultedTextArray;
  notes: DefaultedText;
  replaced_arrangement_id: number | null;
  made_arrangement_id: number | null;
}

export interface ProposalApprovalTable {
  org_id: number;
  proposal_id: string;
  council_org_id: number;
  body_id: number;
  reason: 'listed' | 'reserved_matter';
  matters: DefaultedTextArray;
}

export interface ProposalDecisionTable {
  org_id: number;
  decision_id: Generated<number>;
  keeper_org_id: number;
  proposal_id: string;
  body_id: number;
  decision: 'approved' | 'rejected' | 'deferred';
  decided_on: string;
  minute: string;
  paper: DefaultedText;
  notes: DefaultedText;
  recorded_at: Generated<Date>;
  recorded_by: number | null;
}

export interface ProgrammeTable {
  org_id: number;
  programme_id: Generated<number>;
  partnership_id: number;
  name: string;
  summary: DefaultedText;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  source: DefaultedText;
  created_at: Generated<Date>;
}

export interface ProgrammePhaseTable {
  org_id: number;
  programme_id: number;
  position: number;
  name: string;
  timing: DefaultedText;
  starts_on: string;
  ends_on: string;
  activities: DefaultedTextArray;
}

export interface ProgrammeMilestoneTable {
  org_id: number;
  milestone_id: Generated<number>;
  programme_id: number;
  phase_position: number;
  title: string;
  kind: 'milestone' | 'go_no_go';
  due_on: string;
  workstream: DefaultedText;
  owner: DefaultedText;
  depends_on: ColumnType<number[], number[] | undefined, number[]>;
  completed_on: string | null;
}

export interface GoNoGoDecisionTable {
  org_id: number;
  decision_id: Generated<number>;
  keeper_org_id: number;
  milestone_id: number;
  decision: 'go' | 'no_go' | 'deferred';
  decided_on: string;
  minute: string;
  recorded_at: Generated<Date>;
  recorded_by: number | null;
}

export type RiskTreatment = 'tolerate' | 'treat' | 'transfer' | 'terminate';

export interface RiskTable {
  org_id: number;
  risk_id: Generated<number>;
  partnership_id: number;
  title: string;
  description: DefaultedText;
  owner: string;
  bearer_org_id: number | null;
  inherent_likelihood: number;
  inherent_impact: number;
  residual_likelihood: number;
  residual_impact: number;
  treatment: RiskTreatment;
  treatment_notes: DefaultedText;
  last_reviewed_on: string | null;
  next_review_on: string;
  internal: ColumnType<boolean, boolean | undefined, boolean>;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  source: DefaultedText;
  created_at: Generated<Date>;
}

export interface AppraisalTable {
  org_id: number;
  appraisal_id: Generated<number>;
  partnership_id: number;
  title: string;
  method: DefaultedText;
  conclusion: DefaultedText;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  source: DefaultedText;
  created_at: Generated<Date>;
}

export interface AppraisalOutcomeTable {
  org_id: number;
  appraisal_id: number;
  position: number;
  name: string;
  contributory: DefaultedTextArray;
  weight: ColumnType<number, number | undefined, number>;
}

export type SourcingKind = 'make' | 'buy' | 'share' | 'divest';

export interface AppraisalOptionTable {
  org_id: number;
  appraisal_id: number;
  position: number;
  kind: SourcingKind;
  name: string;
  shortlisted: ColumnType<boolean, boolean | undefined, boolean>;
  ratings: string[];
}

/** Bodies' members and meetings (migration 0015). */
export interface BodyMemberTable {
  org_id: number;
  member_id: Generated<number>;
  body_id: number;
  name: string;
  kind: 'councillor' | 'officer' | 'co_opted';
  role: DefaultedText;
  represents_org_id: number | null;
  voting: ColumnType<boolean, boolean | undefined, boolean>;
  term_from: string;
  term_to: string | null;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Generated<Date>;
  created_by: number | null;
}

export interface MeetingTable {
  org_id: number;
  meeting_id: Generated<number>;
  uid: Generated<string>;
  body_id: number;
  starts_at: Date;
  ends_at: Date | null;
  location: DefaultedText;
  cancelled: ColumnType<boolean, boolean | undefined, boolean>;
  sequence: ColumnType<number, number | undefined, number>;
  minutes_published_on: string | null;
  minutes_confirmed: string | null;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Generated<Date>;
  created_by: number | null;
  updated_at: Generated<Date>;
}

export interface AgendaItemTable {
  org_id: number;
  meeting_id: number;
  position: number;
  title: string;
  summary: DefaultedText;
  exempt: ColumnType<boolean, boolean | undefined, boolean>;
  exempt_reason: DefaultedText;
  proposal_keeper_org_id: number | null;
  proposal_id: string | null;
  minute_reference: string | null;
  minute: string | null;
}

export type PaperKind = 'agenda' | 'report' | 'appendix' | 'minutes' | 'other';

export interface MeetingPaperTable {
  org_id: number;
  paper_id: Generated<number>;
  meeting_id: number;
  item_position: number | null;
  kind: PaperKind;
  title: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  content: Uint8Array;
  scan: 'clean' | 'not_scanned';
  exempt: ColumnType<boolean, boolean | undefined, boolean>;
  uploaded_at: Generated<Date>;
  uploaded_by: number | null;
}

/** Performance (migration 0016). A numeric reads as text, exactly as stored. */
export interface CaseDaySummaryTable {
  org_id: number;
  lgsl_code: number;
  area_code: ColumnType<string, string | undefined, string>;
  day: string;
  received_by_channel: ColumnType<Record<string, number>, string | undefined, string>;
  received: ColumnType<number, number | undefined, number>;
  contacts: ColumnType<number, number | undefined, number>;
  resolved_at_first_contact: ColumnType<number, number | undefined, number>;
  closed: ColumnType<number, number | undefined, number>;
  closed_with_target: ColumnType<number, number | undefined, number>;
  closed_within_target: ColumnType<number, number | undefined, number>;
  referred_out: ColumnType<number, number | undefined, number>;
  referred_in: ColumnType<number, number | undefined, number>;
  repeats: ColumnType<number, number | undefined, number>;
  days_to_close: ColumnType<Record<string, number>, string | undefined, string>;
  refreshed_at: Generated<Date>;
}

export interface CaseSummaryRunTable {
  run_id: Generated<number>;
  first_day: string;
  last_day: string;
  rows_written: ColumnType<number, number | undefined, number>;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

export type MeasureUnit = 'count' | 'percent' | 'working_days' | 'pence' | 'number';
export type MeasurePolarity = 'higher_is_better' | 'lower_is_better';

export interface MeasureDefinitionTable {
  org_id: number;
  measure_id: string;
  partnership_id: number;
  name: string;
  definition: string;
  numerator: DefaultedText;
  denominator: DefaultedText;
  unit: MeasureUnit;
  polarity: MeasurePolarity | null;
  frequency: 'quarterly' | 'yearly';
  source: 'entered' | 'imported';
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Generated<Date>;
  created_by: number | null;
}

export interface MeasureValueTable {
  org_id: number;
  value_id: Generated<number>;
  measure_id: string;
  period: string;
  value: string;
  source: 'entered' | 'imported';
  entered_by: number | null;
  entered_at: Generated<Date>;
  file_name: string | null;
  file_sha256: string | null;
  line: number | null;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface MeasureTargetTable {
  org_id: number;
  measure_id: string;
  period: string;
  target: string;
  tolerance: ColumnType<string, string | undefined, string>;
  notes: DefaultedText;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  set_at: Generated<Date>;
  set_by: number | null;
}

export interface LocalityPlanTable {
  org_id: number;
  plan_id: Generated<number>;
  partnership_id: number;
  year: string;
  title: string;
  summary: DefaultedText;
  agreed_by_body_id: number | null;
  agreed_on: string | null;
  agreed_minute: string | null;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
  source: DefaultedText;
  created_at: Generated<Date>;
  created_by: number | null;
}

export interface PlanObjectiveTable {
  org_id: number;
  plan_id: number;
  position: number;
  title: string;
  description: DefaultedText;
  source: DefaultedText;
}

export type CommitmentState = 'not_started' | 'on_track' | 'at_risk' | 'off_track' | 'done' | 'dropped';

export interface PlanCommitmentTable {
  org_id: number;
  commitment_id: Generated<number>;
  plan_id: number;
  objective_position: number;
  committed_org_id: number;
  tier: 'county' | 'district' | 'unitary' | 'partner';
  commitment: string;
  owner: string;
  measure_ids: DefaultedTextArray;
  state: ColumnType<CommitmentState, CommitmentState | undefined, CommitmentState>;
  state_note: DefaultedText;
  state_updated_at: Date | null;
  state_updated_by: number | null;
  illustrative: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface DB {
  area: AreaTable;
  area_member: AreaMemberTable;
  area_postcode: AreaPostcodeTable;
  boundary: BoundaryTable;
  postcode: PostcodeTable;
  service: ServiceTable;
  import_run: ImportRunTable;
  organisation: OrganisationTable;
  partnership: PartnershipTable;
  partnership_member: PartnershipMemberTable;
  partnership_area: PartnershipAreaTable;
  partnership_service: PartnershipServiceTable;
  arrangement: ArrangementTable;
  arrangement_note: ArrangementNoteView;
  responsibility_override: ResponsibilityOverrideTable;
  account: AccountTable;
  role_grant: RoleGrantTable;
  audit_log: AuditLogTable;
  app_secret: AppSecretTable;
  account_session: AccountSessionTable;
  api_token: ApiTokenTable;
  bank_holiday: BankHolidayTable;
  service_level: ServiceLevelTable;
  service_information: ServiceInformationTable;
  contact: ContactTable;
  case_number: CaseNumberTable;
  service_case: ServiceCaseTable;
  case_event: CaseEventTable;
  api_key: ApiKeyTable;
  outbox_message: OutboxMessageTable;
  idempotency_key: IdempotencyKeyTable;
  cost_pool: CostPoolTable;
  pool_member: PoolMemberTable;
  pool_amount: PoolAmountTable;
  allocation_rule: AllocationRuleTable;
  driver_figure: DriverFigureTable;
  ledger_mapping: LedgerMappingTable;
  ledger_import: LedgerImportTable;
  ledger_line: LedgerLineTable;
  recharge_run: RechargeRunTable;
  recharge_line: RechargeLineTable;
  revenue_outturn: RevenueOutturnTable;
  pool_baseline: PoolBaselineTable;
  business_case: BusinessCaseTable;
  business_case_year: BusinessCaseYearTable;
  governance_body: GovernanceBodyTable;
  proposal: ProposalTable;
  proposal_change: ProposalChangeTable;
  proposal_approval: ProposalApprovalTable;
  proposal_decision: ProposalDecisionTable;
  programme: ProgrammeTable;
  programme_phase: ProgrammePhaseTable;
  programme_milestone: ProgrammeMilestoneTable;
  go_no_go_decision: GoNoGoDecisionTable;
  risk: RiskTable;
  appraisal: AppraisalTable;
  appraisal_outcome: AppraisalOutcomeTable;
  appraisal_option: AppraisalOptionTable;
  body_member: BodyMemberTable;
  meeting: MeetingTable;
  agenda_item: AgendaItemTable;
  meeting_paper: MeetingPaperTable;
  case_day_summary: CaseDaySummaryTable;
  case_summary_run: CaseSummaryRunTable;
  measure_definition: MeasureDefinitionTable;
  measure_value: MeasureValueTable;
  measure_target: MeasureTargetTable;
  locality_plan: LocalityPlanTable;
  plan_objective: PlanObjectiveTable;
  plan_commitment: PlanCommitmentTable;
}
