/** What the front door's case services take and give, and the service they make together. */
import type { Kysely } from 'kysely';
import type { DB, CaseStatus, Channel } from '../../db/index.ts';
import type { Tx } from '../../db/index.ts';
import type { CaseActor } from './case-actor.ts';
import type { IdempotentRequest } from '../../platform/index.ts';
import type { ResponsibleService } from '../../register/index.ts';
import type { IntakeInput, IntakeResult } from '../intake/intake.rules.ts';
import type { ReferralTarget } from '../referral/referral-targets.ts';
import type { dueDateAfterPause } from '../service-levels/service-levels.ts';
import type { QueueFilter, QueueView } from '../desk/queue.service.ts';

/** What anyone holding the reference may see: no personal data, no internal notes. */
export interface CaseSummary {
  reference: string;
  status: CaseStatus;
  statusLabel: string;
  service: { lgslCode: number; label: string };
  responsible: OrganisationBrand;
  provider: OrganisationBrand;
  openedAt: string;
  dueAt: string | null;
  closedAt: string | null;
}

export interface OrganisationBrand {
  orgId: number;
  name: string;
  jurisdiction: string | null;
  brandColour: string;
  logoUrl: string | null;
}

export interface CaseEventView {
  occurredAt: string;
  kind: string;
  status: CaseStatus | null;
  body: string;
  visibility: 'public' | 'internal';
  actorName: string | null;
  /** The organisation whose history this came from, for events a referral brought. */
  from: string | null;
}

/** A case as staff see it: with the resident's details and the whole history. */
export interface CaseDetail extends CaseSummary {
  orgId: number;
  caseId: number;
  version: number;
  description: string;
  place: { postcode: string | null; lat: number | null; lon: number | null; address: string | null };
  reporter: { name: string | null; email: string | null; phone: string | null };
  channel: Channel;
  routing: unknown;
  /** What an Open311 client answered, by attribute code (those the service asks and any others). */
  attributes: Record<string, string>;
  /** The address of a photo or other media the client sent with the request. */
  mediaUrl: string | null;
  pausedAt: string | null;
  overdue: boolean;
  referredFrom: OrganisationBrand | null;
  referredTo: OrganisationBrand | null;
  /** The organisation whose front door took the contact, when it is known. */
  frontDoor: OrganisationBrand | null;
  events: CaseEventView[];
}

/** The resident's view of a reference, wherever the case has gone. */
export interface CaseTracking extends CaseSummary {
  /** Everyone who has held it, in order: the last one has it now. */
  holders: OrganisationBrand[];
  events: CaseEventView[];
}

export interface StatusChange {
  status: CaseStatus;
  /** Shown to the resident when given. */
  publicNote?: string;
  internalNote?: string;
  expectedVersion: number;
}

export interface Referral {
  toOrgId: number;
  /** Why the case is theirs: for staff, kept in the case's history, never sent to the resident. */
  reason: string;
  /** What the resident is told beside who has the case now (optional). */
  residentMessage?: string;
  expectedVersion: number;
}

export interface CasesService {
  /** The cases an officer's or agent's organisations hold or handle, most urgent first, with counts. */
  queue(actor: CaseActor, filter?: QueueFilter): Promise<QueueView>;
  intake(
    actor: CaseActor,
    input: IntakeInput,
    idempotency?: Omit<IdempotentRequest, 'body'>,
  ): Promise<IntakeResult>;
  detail(actor: CaseActor, orgId: number, reference: string): Promise<CaseDetail>;
  track(reference: string): Promise<CaseTracking>;
  changeStatus(actor: CaseActor, orgId: number, reference: string, change: StatusChange): Promise<CaseDetail>;
  addNote(
    actor: CaseActor,
    orgId: number,
    reference: string,
    note: { body: string; visibility: 'public' | 'internal' },
  ): Promise<CaseDetail>;
  refer(actor: CaseActor, orgId: number, reference: string, referral: Referral): Promise<CaseDetail>;
  /** The organisations the actor may refer a case to (`referralTargets`), by name. */
  referralTargets(actor: CaseActor, orgId: number, reference: string): Promise<ReferralTarget[]>;
  /** Stops the service-level clock while the case waits on the resident. */
  pause(
    actor: CaseActor,
    orgId: number,
    reference: string,
    pause: { reason: string; expectedVersion: number },
  ): Promise<CaseDetail>;
  /** Starts the clock again, moving the due date on by the time it stood still. */
  resume(actor: CaseActor, orgId: number, reference: string, expectedVersion: number): Promise<CaseDetail>;
}

export interface CasesDeps {
  db: Kysely<DB>;
  responsible: ResponsibleService;
  /** When a case opened at `openedAt` is due under the organisation's service level, if it has one. */
  dueDate(tx: Tx, orgId: number, lgslCode: number, openedAt: Date): Promise<Date | null>;
  /** Where a paused case's due date moves when it resumes. */
  dueDateAfterPause?: typeof dueDateAfterPause;
  now?: () => Date;
}
