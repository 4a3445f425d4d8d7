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
  | 'locality';

export interface AreaTable {
  code: string;
  name: string;
  kind: AreaKind;
  parent_code: string | null;
  source: string;
  updated_at: Timestamp;
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
  source: DefaultedText;
  recorded_at: Generated<Date>;
  recorded_by: number | null;
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

export type Role = 'partnership_admin' | 'officer' | 'councillor' | 'agent';

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

export interface AppSecretTable {
  name: string;
  value: string;
  created_at: Generated<Date>;
}

export interface DB {
  area: AreaTable;
  area_member: AreaMemberTable;
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
  responsibility_override: ResponsibilityOverrideTable;
  account: AccountTable;
  role_grant: RoleGrantTable;
  audit_log: AuditLogTable;
  app_secret: AppSecretTable;
}
