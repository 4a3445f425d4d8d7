/** What the register answers with: plain objects, no table rows leak out of the module. */
import type {
  DeliveryLevel,
  DeliveryMode,
  MemberRole,
  OrganisationKind,
  ProvidingTier,
} from '../db/index.ts';

export type { DeliveryLevel, DeliveryMode, MemberRole, OrganisationKind, ProvidingTier };

export const DELIVERY_MODES: Record<DeliveryMode, string> = {
  retained: 'Retained in-house',
  shared_venture: 'Shared through the partnership venture',
  lead_authority: 'Delivered by a lead authority',
  outsourced: 'Outsourced',
  devolved_parish: 'Devolved to a parish or town council',
  joint_team: 'Delivered by a joint team',
};

/** One letter per delivery mode, for the matrix's cells; the page gives the key beside it. */
export const DELIVERY_MODE_CODES: Record<DeliveryMode, string> = {
  retained: 'R',
  shared_venture: 'S',
  lead_authority: 'L',
  outsourced: 'O',
  devolved_parish: 'P',
  joint_team: 'J',
};

export const DELIVERY_LEVELS: Record<DeliveryLevel, string> = {
  county_wide: 'County-wide',
  cluster: 'Per cluster',
  district: 'Per district',
  locality: 'Per locality or market town',
};

export interface OrganisationSummary {
  orgId: number;
  name: string;
  shortName: string;
  kind: OrganisationKind;
  gss: string | null;
  jurisdiction: string | null;
  brandColour: string;
  logoUrl: string | null;
}

export interface Organisation extends OrganisationSummary {
  areaCode: string | null;
  parent: OrganisationSummary | null;
  nation: string | null;
  region: string | null;
  homepageUrl: string | null;
  population: number | null;
  households: number | null;
  partnerships: Array<{ slug: string; name: string; role: MemberRole }>;
}

export interface PartnershipSummary {
  partnershipId: number;
  slug: string;
  name: string;
  summary: string;
  memberCount: number;
}

export interface PartnershipMember extends OrganisationSummary {
  role: MemberRole;
  joinedOn: string;
  leftOn: string | null;
}

export interface AreaSummary {
  code: string;
  name: string;
  kind: string;
  members: string[];
}

export interface Partnership extends PartnershipSummary {
  source: string;
  members: PartnershipMember[];
  areas: AreaSummary[];
}

export interface Service {
  lgslCode: number;
  label: string;
  status: string;
  description: string;
  providingTier: ProvidingTier | null;
  kind: 'front_line' | 'back_office';
}

export interface Arrangement {
  arrangementId: number;
  orgId: number;
  lgslCode: number;
  validFrom: string;
  validTo: string | null;
  mode: DeliveryMode;
  level: DeliveryLevel;
  provider: OrganisationSummary;
  leadCommissioner: OrganisationSummary | null;
  partnershipId: number | null;
  areaCode: string | null;
  reservedDecisions: string[];
  delegatedDecisions: string[];
  /** null when the notes are internal and the reader is not one of the organisation's people. */
  notes: string | null;
  /** Internal notes are for the organisation's people; public notes are published with the register. */
  notesInternal: boolean;
  source: string;
  recordedAt: string;
  recordedBy: number | null;
}

export interface ArrangementInput {
  orgId: number;
  lgslCode: number;
  validFrom: string;
  validTo?: string | null;
  mode: DeliveryMode;
  level: DeliveryLevel;
  providerOrgId: number;
  leadCommissionerOrgId?: number | null;
  partnershipId?: number | null;
  areaCode?: string | null;
  reservedDecisions?: string[];
  delegatedDecisions?: string[];
  notes?: string;
  /** Whether the notes are for the organisation's people only (the default) rather than published. */
  notesInternal?: boolean;
  source?: string;
  /** The arrangement the person saw in force when they started the change (optimistic concurrency). */
  expectedCurrentId?: number | null;
}

export interface Override {
  overrideId: number;
  orgId: number;
  lgslCode: number;
  areaCode: string;
  validFrom: string;
  validTo: string | null;
  reason: string;
}
