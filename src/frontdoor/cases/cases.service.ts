/**
 * The front door's rules (DESIGN.md, "Front door"): a contact on any channel opens a case for the
 * organisation responsible for that service at that place on that date, handled by the provider
 * under the arrangement in force; every change is a new event in the case's history; a case that
 * belongs elsewhere is referred with its history, never closed, and the resident keeps one
 * reference wherever it goes.
 */
import type { Kysely } from 'kysely';
import type { DB, CaseStatus, Channel } from '../../db/schema.ts';
import { withSystem, withTenant, type Tx } from '../../db/context.ts';
import { ProblemError, ValidationProblem, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { enqueue, type OutboxMessage } from '../../platform/outbox.ts';
import {
  isDuplicateKey,
  requestHash,
  storedAnswer,
  type IdempotentRequest,
} from '../../platform/idempotency.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { assignCasePrefixes } from '../../register/case-prefix.ts';
import {
  providerInForce,
  type CouncilRef,
  type ResponsibleAnswer,
  type ResponsibleService,
} from '../../register/responsible.service.ts';
import * as repo from './cases.repository.ts';
import { CASE_STATUSES, isFinished, refusedMove } from './case-status.ts';
import {
  caseScope,
  mayHandleCase,
  mayNoteCase,
  mayReadCase,
  mayReferCase,
  readingOrgs,
  type CaseActor,
} from './case-actor.ts';
import { isOverdue } from '../service-levels/working-days.ts';
import { dueDateAfterPause } from '../service-levels/service-levels.ts';
import { referralTargets, refusedReferral, type ReferralTarget } from '../referral/referral-targets.ts';

export const CHANNELS: Readonly<Record<Channel, string>> = {
  web: 'Online form',
  phone: 'Telephone',
  face_to_face: 'Face to face',
  kiosk: 'Self-service kiosk',
  email: 'Email',
  app: 'App',
  open311: 'Open311 client',
};

export interface IntakeInput {
  lgslCode: number;
  postcode?: string;
  lat?: number;
  lon?: number;
  address?: string;
  /** Where the place could be more than one council's: the organisation the person chose. */
  chooseOrgId?: number;
  description: string;
  reporterName?: string;
  reporterEmail?: string;
  reporterPhone?: string;
  channel: Channel;
  /** The one-stop shop, access hub or kiosk where the contact was made. */
  accessPoint?: string;
  /** The organisation whose front door took the contact; the responsible one when not given. */
  frontDoorOrgId?: number;
  /**
   * The person's need was met while they were in touch (an agent answered, explained or booked it
   * there and then): the case opens already closed, and the contact is counted as resolved.
   */
  resolvedAtFirstContact?: boolean;
  /** What was done for the person, shown to them: required when resolved at first contact. */
  resolution?: string;
  /** An Open311 client's answers to attributes, by code, kept on the case as sent. */
  attributes?: Record<string, string>;
  /** The address of a photo or other media an Open311 client sent. */
  mediaUrl?: string;
}

export type IntakeResult =
  | { outcome: 'opened'; case: CaseSummary }
  | { outcome: 'ambiguous'; reason: string; candidates: CouncilRef[]; answer: ResponsibleAnswer };

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

export interface QueueFilter {
  /** One organisation of those the actor may see; all of them when not given. */
  orgId?: number;
  lgslCode?: number;
  /** One team: the organisation that provides the service. */
  providerOrgId?: number;
  state?: 'open' | 'overdue' | 'closed' | 'all';
  /** A reference, a postcode, or part of a name, address or description. */
  search?: string;
  limit?: number;
}

export interface QueueView {
  counts: repo.QueueCount[];
  items: Array<repo.QueueRow & { statusLabel: string; overdue: boolean }>;
  total: number;
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

const REFERENCE = /^([A-Z]{2,6}[0-9]{0,2})-([0-9]{4})-([0-9]{6})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{6,20}$/;

/** A reference as typed by a person: any case, spaces around it. */
export function normaliseReference(text: string): string | null {
  const reference = text.trim().toUpperCase();
  return REFERENCE.test(reference) ? reference : null;
}

/** The longest each field of a contact may be: stated on every form that asks for it, and checked here. */
export const INTAKE_LIMITS = {
  description: 4000,
  address: 500,
  reporterName: 200,
  accessPoint: 200,
  resolution: 2000,
} as const;

const characters = (n: number) => `${n.toLocaleString('en-GB')} characters or fewer`;

/** What is wrong with a contact, as a message per field (empty when nothing is): pure, so forms can use it. */
export function checkIntake(input: IntakeInput): Record<string, string> {
  const problems: Record<string, string> = {};
  const description = input.description?.trim() ?? '';
  if (description === '') problems.description = 'Enter what you want to report or request';
  else if (description.length > INTAKE_LIMITS.description)
    problems.description = `Description must be ${characters(INTAKE_LIMITS.description)}`;
  if (input.address !== undefined && input.address.length > INTAKE_LIMITS.address) {
    problems.address = `Street or place must be ${characters(INTAKE_LIMITS.address)}`;
  }
  if (input.reporterName !== undefined && input.reporterName.trim().length > INTAKE_LIMITS.reporterName) {
    problems.reporterName = `Name must be ${characters(INTAKE_LIMITS.reporterName)}`;
  }
  if (input.reporterEmail !== undefined && input.reporterEmail.trim() !== '') {
    const email = input.reporterEmail.trim();
    if (email.length > 254 || !EMAIL.test(email)) {
      problems.reporterEmail = 'Enter an email address in the correct format, like name@example.com';
    }
  }
  if (input.reporterPhone !== undefined && input.reporterPhone.trim() !== '') {
    if (!PHONE.test(input.reporterPhone.trim())) {
      problems.reporterPhone = 'Enter a telephone number, like 01632 960 001 or +44 808 157 0192';
    }
  }
  if (input.accessPoint !== undefined && input.accessPoint.length > INTAKE_LIMITS.accessPoint) {
    problems.accessPoint = `One-stop shop or access point must be ${characters(INTAKE_LIMITS.accessPoint)}`;
  }
  if (!Object.hasOwn(CHANNELS, input.channel)) problems.channel = 'Choose how the person got in touch';
  if (input.resolvedAtFirstContact) {
    const resolution = input.resolution?.trim() ?? '';
    if (resolution === '') problems.resolution = 'Say what was done to resolve it';
    else if (resolution.length > INTAKE_LIMITS.resolution) {
      problems.resolution = `What was done must be ${characters(INTAKE_LIMITS.resolution)}`;
    }
  }
  const attributes = Object.entries(input.attributes ?? {});
  if (attributes.length > ATTRIBUTE_LIMITS.count) {
    problems.attributes = `Send at most ${ATTRIBUTE_LIMITS.count} attributes`;
  } else {
    const tooLong = attributes.find(
      ([code, value]) => code.length > ATTRIBUTE_LIMITS.code || value.length > ATTRIBUTE_LIMITS.value,
    );
    if (tooLong) {
      problems.attributes = `attribute[${tooLong[0].slice(0, ATTRIBUTE_LIMITS.code)}]: codes must be ${ATTRIBUTE_LIMITS.code} characters or fewer and values ${ATTRIBUTE_LIMITS.value.toLocaleString('en-GB')} or fewer`;
    }
  }
  if (input.mediaUrl !== undefined && !isWebAddress(input.mediaUrl, 2000)) {
    problems.mediaUrl = 'Media address must be a web address (http or https) of 2,000 characters or fewer';
  }
  return problems;
}

/**
 * Where a view of a case is recorded: under the council that holds it, and, when the reader does
 * not work for that council, also under the first organisation through which they reached it (the
 * provider's team, or the front door that took it).
 */
export function viewAuditOrgs(holderOrgId: number, readThrough: readonly number[]): number[] {
  if (readThrough.length === 0 || readThrough.includes(holderOrgId)) return [holderOrgId];
  return [holderOrgId, readThrough[0]!];
}

/**
 * The times a resident is shown for a case that may have been referred: when they reported it
 * (the first holder's opening, never the time of a referral), and when it is due (the current
 * holder's date, or the last one given where the current holder has none).
 */
export function trackingTimes(
  holders: ReadonlyArray<Pick<repo.CaseRow, 'openedAt' | 'dueAt'>>,
  current: Pick<repo.CaseRow, 'openedAt' | 'dueAt'>,
): { openedAt: string; dueAt: string | null } {
  const first = holders.reduce(
    (a, b) => (b.openedAt.getTime() < a.getTime() ? b.openedAt : a),
    current.openedAt,
  );
  const given = holders
    .filter((h) => h.dueAt !== null)
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const due = current.dueAt ?? given.at(-1)?.dueAt ?? null;
  return { openedAt: first.toISOString(), dueAt: iso(due) };
}

/** The longest note on a case (to the resident or for staff), in characters. */
export const NOTE_LIMIT = 4000;

/** The longest search of cases, in characters. */
export const SEARCH_LIMIT = 100;

/** How many attributes a case keeps, and how long their codes and values may be. */
export const ATTRIBUTE_LIMITS = { count: 50, code: 100, value: 1000 } as const;

/** An http or https address of at most `max` characters. */
export function isWebAddress(text: string, max: number): boolean {
  if (text.length > max) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The refusal of a contact for a council this service does not cover (`coverageOf`): a 422 that
 * names the council responsible and its web site, so the person knows where to go.
 */
export function notCovered(answer: ResponsibleAnswer): ProblemError {
  return new ProblemError(422, 'Not covered', answer.coverage?.text ?? answer.reason, {
    notCovered: true,
    responsible: answer.responsible,
    homepageUrl: answer.coverage?.homepageUrl ?? null,
  });
}

/** True for the refusal `notCovered` makes. */
export const isNotCovered = (error: unknown): boolean =>
  error instanceof ProblemError && error.extensions.notCovered === true;

/** Raised inside intake's transaction for a council that has no reference prefix yet. */
class NoCasePrefix extends Error {}

const blankToNull = (text: string | undefined): string | null => {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function createCasesService(deps: CasesDeps): CasesService {
  const { db, responsible } = deps;
  const now = deps.now ?? (() => new Date());

  async function brands(tx: Tx, orgIds: readonly number[]): Promise<Map<number, OrganisationBrand>> {
    const orgs = await repo.caseOrganisations(tx, orgIds);
    return new Map([...orgs].map(([id, o]) => [id, o.brand]));
  }

  async function summaryOf(tx: Tx, row: repo.CaseRow): Promise<CaseSummary> {
    const orgs = await brands(tx, [row.orgId, row.providerOrgId]);
    return {
      reference: row.reference,
      status: row.status,
      statusLabel: CASE_STATUSES[row.status],
      service: { lgslCode: row.lgslCode, label: row.serviceLabel },
      responsible: orgs.get(row.orgId)!,
      provider: orgs.get(row.providerOrgId)!,
      openedAt: row.openedAt.toISOString(),
      dueAt: iso(row.dueAt),
      closedAt: iso(row.closedAt),
    };
  }

  async function eventViews(tx: Tx, events: repo.CaseEventRow[]): Promise<CaseEventView[]> {
    const orgs = await brands(
      tx,
      events.flatMap((e) => (e.copiedFromOrgId ? [e.copiedFromOrgId] : [])),
    );
    return events.map((e) => ({
      occurredAt: e.occurredAt.toISOString(),
      kind: e.kind,
      status: e.status,
      body: e.body,
      visibility: e.visibility,
      actorName: e.actorName,
      from: e.copiedFromOrgId ? (orgs.get(e.copiedFromOrgId)?.name ?? null) : null,
    }));
  }

  async function detailOf(tx: Tx, row: repo.CaseRow): Promise<CaseDetail> {
    const summary = await summaryOf(tx, row);
    const linked = await brands(
      tx,
      [row.referredFromOrgId, row.referredToOrgId, row.contactOrgId].filter(
        (id): id is number => id !== null,
      ),
    );
    const at = now();
    return {
      ...summary,
      orgId: row.orgId,
      caseId: row.caseId,
      version: row.version,
      description: row.description,
      place: { postcode: row.postcode, lat: row.lat, lon: row.lon, address: row.address },
      reporter: { name: row.reporterName, email: row.reporterEmail, phone: row.reporterPhone },
      channel: row.channel,
      routing: row.routing,
      attributes: row.attributes,
      mediaUrl: row.mediaUrl,
      pausedAt: iso(row.pausedAt),
      overdue: !isFinished(row.status) && row.status !== 'referred' && isOverdue(row.dueAt, at, row.pausedAt),
      referredFrom: row.referredFromOrgId ? (linked.get(row.referredFromOrgId) ?? null) : null,
      referredTo: row.referredToOrgId ? (linked.get(row.referredToOrgId) ?? null) : null,
      frontDoor: row.contactOrgId ? (linked.get(row.contactOrgId) ?? null) : null,
      events: await eventViews(tx, await repo.caseEvents(tx, row.orgId, row.caseId)),
    };
  }

  function residentMessages(
    orgId: number,
    row: { reference: string; reporterEmail: string | null; reporterPhone: string | null },
    template: string,
    personalisation: Record<string, string | number | null>,
  ): OutboxMessage[] {
    const base = { orgId, template, personalisation: { reference: row.reference, ...personalisation } };
    const messages: OutboxMessage[] = [];
    if (row.reporterEmail) {
      messages.push({
        ...base,
        channel: 'email',
        recipient: row.reporterEmail,
        caseReference: row.reference,
      });
    } else if (row.reporterPhone) {
      messages.push({ ...base, channel: 'sms', recipient: row.reporterPhone, caseReference: row.reference });
    }
    return messages;
  }

  const staffMessage = (orgId: number, template: string, reference: string, text: string): OutboxMessage => ({
    orgId,
    channel: 'staff',
    template,
    recipient: `organisation:${orgId}`,
    personalisation: { reference, text },
    caseReference: reference,
  });

  /** The stored answer to a repeated request, where routing now gives another answer. */
  const answered = async (request: IdempotentRequest | undefined, frontDoorOrgId?: number) =>
    request && (await storedAnswer<IntakeResult>(db, request, frontDoorOrgId))?.response;

  async function intake(
    actor: CaseActor,
    input: IntakeInput,
    idempotency?: Omit<IdempotentRequest, 'body'>,
  ): Promise<IntakeResult> {
    const problems = checkIntake(input);
    if (Object.keys(problems).length > 0) throw new ValidationProblem(problems);
    if (input.frontDoorOrgId !== undefined && !actor.frontDoorOrgs.includes(input.frontDoorOrgId)) {
      throw forbidden('You cannot take contacts for that organisation.');
    }
    const request: IdempotentRequest | undefined = idempotency && { ...idempotency, body: input };
    const openedAt = now();
    const date = todayInLondon(openedAt);
    let answer: ResponsibleAnswer;
    try {
      answer = await responsible.find({
        service: input.lgslCode,
        ...(input.postcode !== undefined ? { postcode: input.postcode } : {}),
        ...(input.lat !== undefined && input.lon !== undefined ? { lat: input.lat, lon: input.lon } : {}),
        ...(input.chooseOrgId !== undefined ? { choose: input.chooseOrgId } : {}),
        date,
      });
    } catch (error) {
      const stored = await answered(request);
      if (stored) return stored;
      throw error;
    }
    if (answer.status === 'ambiguous') {
      const ambiguous: IntakeResult = {
        outcome: 'ambiguous',
        reason: answer.reason,
        candidates: answer.candidates,
        answer,
      };
      return (await answered(request)) ?? ambiguous;
    }
    if (answer.coverage && !answer.coverage.covered) {
      const stored = await answered(request);
      if (stored) return stored;
      throw notCovered(answer);
    }
    const owner = answer.responsible!;
    const provider = answer.provider!;
    const frontDoor = input.frontDoorOrgId ?? owner.orgId;
    // The provider's team is told of a new case in its own outbox, so intake writes for it too.
    const scope = {
      readOrgs: [owner.orgId, frontDoor],
      writeOrgs: [owner.orgId, frontDoor, provider.orgId],
      accountId: actor.accountId,
    };

    // A repeated Idempotency-Key is found when its answer is written (the statement fails and
    // nothing is kept), so a first request pays no extra look-up.
    const create = () =>
      withTenant(db, scope, async (tx) => {
        const orgs = await repo.caseOrganisations(tx, [owner.orgId, provider.orgId]);
        const prefix = orgs.get(owner.orgId)?.casePrefix;
        if (!prefix) throw new NoCasePrefix();
        const dueAt = await deps.dueDate(tx, owner.orgId, input.lgslCode, openedAt);
        const resolution = input.resolvedAtFirstContact ? blankToNull(input.resolution) : null;
        const reporterEmail = blankToNull(input.reporterEmail)?.toLowerCase() ?? null;
        const reporterPhone = blankToNull(input.reporterPhone);
        const accessPoint = blankToNull(input.accessPoint);
        const label = answer.service!.label;
        const status: CaseStatus = resolution !== null ? 'closed' : 'open';
        // The reference is given by the database as the case is written: '' stands for it here.
        const result: Extract<IntakeResult, { outcome: 'opened' }> = {
          outcome: 'opened',
          case: {
            reference: '',
            status,
            statusLabel: CASE_STATUSES[status],
            service: { lgslCode: input.lgslCode, label },
            responsible: orgs.get(owner.orgId)!.brand,
            provider: orgs.get(provider.orgId)!.brand,
            openedAt: openedAt.toISOString(),
            dueAt: iso(dueAt),
            closedAt: resolution !== null ? openedAt.toISOString() : null,
          },
        };
        const contacted = { reference: '', reporterEmail, reporterPhone };
        const about = { service: label, council: owner.name };
        const handledBy =
          provider.orgId === owner.orgId ? '' : ` ${provider.name} deals with it on ${owner.name}’s behalf.`;
        const by = { accountId: actor.accountId, actorName: actor.name, occurredAt: openedAt };
        const opened = await repo.openCase(tx, {
          contact: {
            orgId: frontDoor,
            channel: input.channel,
            accessPoint,
            accountId: actor.accountId,
            residentName: blankToNull(input.reporterName),
            residentEmail: reporterEmail,
            residentPhone: reporterPhone,
            receivedAt: openedAt,
            ...(resolution !== null ? { resolvedAtFirstContact: true, notes: resolution } : {}),
          },
          prefix,
          year: Number(date.slice(0, 4)),
          case: {
            orgId: owner.orgId,
            lgslCode: input.lgslCode,
            providerOrgId: provider.orgId,
            arrangementId: provider.arrangementId,
            status,
            description: input.description.trim(),
            // A full postcode, or the part of one the person gave (kept with the street they named).
            postcode:
              answer.place?.postcode ??
              (answer.place?.kind === 'outcode' || answer.place?.kind === 'sector'
                ? answer.place.query
                : null),
            lat: input.lat ?? answer.place?.lat ?? null,
            lon: input.lon ?? answer.place?.lon ?? null,
            address: blankToNull(input.address),
            reporterName: blankToNull(input.reporterName),
            reporterEmail,
            reporterPhone,
            channel: input.channel,
            contactOrgId: frontDoor,
            routing: { reason: answer.reason, reasons: answer.reasons, date },
            openedAt,
            dueAt,
            ...(resolution !== null ? { closedAt: openedAt } : {}),
            ...(input.attributes ? { attributes: input.attributes } : {}),
            ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
          },
          events: [
            {
              kind: 'opened',
              status: 'open',
              body: `${label}: received by ${CHANNELS[input.channel].toLowerCase()}${accessPoint ? ` at ${accessPoint}` : ''} for ${owner.name}.${handledBy}`,
              visibility: 'public',
              ...by,
            },
            ...(resolution !== null
              ? [
                  {
                    kind: 'resolved_at_first_contact' as const,
                    status: 'closed' as const,
                    body: `Dealt with when you got in touch: ${resolution}`,
                    visibility: 'public' as const,
                    ...by,
                  },
                ]
              : []),
          ],
          messages:
            resolution !== null
              ? // Nothing is left for the service's team: the resident is told what was done.
                residentMessages(owner.orgId, contacted, 'case_closed', {
                  ...about,
                  status: CASE_STATUSES.closed,
                  note: resolution,
                })
              : [
                  ...residentMessages(owner.orgId, contacted, 'case_received', about),
                  staffMessage(provider.orgId, 'case_assigned', '', `New ${label} case for ${owner.name}.`),
                ],
          audit: {
            accountId: actor.accountId,
            after: {
              status,
              lgslCode: input.lgslCode,
              providerOrgId: provider.orgId,
              channel: input.channel,
              frontDoorOrgId: frontDoor,
              by: actor.name,
            },
          },
          ...(request?.key !== undefined
            ? {
                answer: {
                  caller: request.caller,
                  key: request.key,
                  requestHash: requestHash(request.body),
                  statusCode: 201,
                  response: result,
                },
              }
            : {}),
        });
        result.case.reference = opened.reference;
        return result;
      });

    try {
      try {
        return await create();
      } catch (error) {
        if (!(error instanceof NoCasePrefix)) throw error;
        // A council new to the register has no prefix for its references yet: give every such
        // council one (as the owner of the schema), then open the case.
        await withSystem(db, (tx) => assignCasePrefixes(tx));
        return await create();
      }
    } catch (error) {
      // A repeated key (or two requests with one key at once): the answer stored with the first.
      if (request && (isDuplicateKey(error) || error instanceof ProblemError)) {
        const stored = await answered(request, frontDoor);
        if (stored) return stored;
      }
      throw error;
    }
  }

  /** Reads a case the actor may see, in a transaction scoped to what they may see and do. */
  async function withCase<T>(
    actor: CaseActor,
    orgId: number,
    reference: string,
    work: (tx: Tx, row: repo.CaseRow) => Promise<T>,
    options: { forUpdate?: boolean; extraWriteOrgs?: number[] } = {},
  ): Promise<T> {
    const normalised = normaliseReference(reference);
    if (!normalised) throw notFound(`There is no case ${reference}.`);
    const scope = {
      readOrgs: [...actor.readOrgs, ...(options.extraWriteOrgs ?? [])],
      writeOrgs: [...actor.writeOrgs, ...(options.extraWriteOrgs ?? [])],
      accountId: actor.accountId,
    };
    return withTenant(db, scope, async (tx) => {
      const row = await repo.caseByReference(tx, orgId, normalised, {
        forUpdate: options.forUpdate ?? false,
      });
      // The database keeps the transaction to the actor's organisations; the grants' services are
      // checked here, and a case of a service they do not cover is as absent as another council's.
      if (!row || !mayReadCase(actor, row))
        throw notFound(`There is no case ${normalised} that you can see.`);
      return work(tx, row);
    });
  }

  /** Who the register says answers for a case's service at its place today, or null if it cannot say. */
  async function registerAnswer(row: repo.CaseRow, date: string) {
    const place =
      row.postcode !== null
        ? { postcode: row.postcode }
        : row.lat !== null && row.lon !== null
          ? { lat: row.lat, lon: row.lon }
          : null;
    if (place === null) return null;
    try {
      const answer = await responsible.find({ service: row.lgslCode, ...place, date });
      const named = (o: { orgId: number; name: string }) => ({ orgId: o.orgId, name: o.name });
      return {
        responsible:
          answer.status === 'resolved' && answer.responsible
            ? [named(answer.responsible)]
            : answer.candidates.map(named),
        provider: answer.provider ? named(answer.provider) : null,
        serviceLabel: row.serviceLabel,
      };
    } catch (error) {
      // A place the register cannot route today leaves the partners (and the referrer).
      if (error instanceof ProblemError && error.status < 500) return null;
      throw error;
    }
  }

  /** A case the actor may refer, and the organisations it may go to. */
  async function referralChoices(actor: CaseActor, orgId: number, reference: string) {
    const date = todayInLondon(now());
    const read = await withCase(actor, orgId, reference, async (tx, row) => {
      if (!mayReferCase(actor, row)) throw forbidden('You cannot refer this case.');
      const partners = await repo.partnersOf(tx, row.orgId, date);
      const orgs = await brands(tx, [row.orgId, ...(row.referredFromOrgId ? [row.referredFromOrgId] : [])]);
      return { row, partners, orgs };
    });
    const { row, partners, orgs } = read;
    // Routing reads the register outside the case's transaction (the embedded engine has one connection).
    const register = await registerAnswer(row, date);
    const referrer = row.referredFromOrgId ? orgs.get(row.referredFromOrgId) : undefined;
    const holder = orgs.get(row.orgId)!;
    return {
      row,
      holder: { orgId: holder.orgId, name: holder.name },
      targets: referralTargets({
        holderOrgId: row.orgId,
        partners,
        register,
        referredFrom: referrer ? { orgId: referrer.orgId, name: referrer.name } : null,
      }),
    };
  }

  const stale = () =>
    conflict(
      'Someone else changed this case after you opened it. Nothing was saved: look at the latest version and try again.',
    );

  async function queue(actor: CaseActor, filter: QueueFilter = {}): Promise<QueueView> {
    const scope = caseScope(actor, filter.orgId === undefined ? undefined : [filter.orgId]);
    const search = filter.search?.trim() ?? '';
    if (search.length > SEARCH_LIMIT) {
      throw new ValidationProblem({ q: `Search for ${SEARCH_LIMIT} characters or fewer` });
    }
    const reference = search === '' ? null : normaliseReference(search);
    const postcodeText = search.toUpperCase().replace(/\s+/g, '');
    const postcode = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/.test(postcodeText)
      ? `${postcodeText.slice(0, -3)} ${postcodeText.slice(-3)}`
      : null;
    const at = now();
    const text =
      search === '' ? undefined : reference ? { reference } : postcode ? { postcode } : { words: search };
    // A search by a name, address or postcode looks through residents' details: it is recorded
    // under each organisation searched (who searched, for what, how many were found).
    const audited =
      actor.accountId !== null && text !== undefined && text.reference === undefined
        ? scope.map((s) => s.orgId).filter((o) => actor.writeOrgs.includes(o))
        : [];
    return withTenant(
      db,
      { readOrgs: actor.readOrgs, writeOrgs: audited, accountId: actor.accountId },
      async (tx) => {
        const found = await repo.queue(tx, {
          scope,
          ...(filter.lgslCode !== undefined ? { lgslCode: filter.lgslCode } : {}),
          ...(filter.providerOrgId !== undefined ? { providerOrgId: filter.providerOrgId } : {}),
          state: search !== '' ? (filter.state ?? 'all') : (filter.state ?? 'open'),
          ...(text ? { text } : {}),
          now: at,
          limit: Math.min(Math.max(filter.limit ?? 50, 1), 200),
        });
        for (const orgId of audited) {
          await recordAudit(tx, {
            orgId,
            accountId: actor.accountId,
            action: 'search',
            entityType: 'case',
            entityKey: 'desk',
            after: { search: text!.words ?? text!.postcode, found: found.total },
          });
        }
        return {
          counts: await repo.queueCounts(tx, scope, at),
          total: found.total,
          items: found.rows.map((r) => ({
            ...r,
            statusLabel: CASE_STATUSES[r.status],
            overdue: !isFinished(r.status) && r.status !== 'referred' && isOverdue(r.dueAt, at, r.pausedAt),
          })),
        };
      },
    );
  }

  return {
    intake,
    queue,

    detail: (actor, orgId, reference) =>
      withCase(actor, orgId, reference, async (tx, row) => {
        const detail = await detailOf(tx, row);
        if (actor.accountId !== null) {
          // The view is recorded under the council that holds the case, and also under the
          // organisation through which it was read where that is another (the provider's team,
          // or the front door that took it and follows it).
          for (const auditOrg of viewAuditOrgs(row.orgId, readingOrgs(actor, row))) {
            await recordAudit(tx, {
              orgId: auditOrg,
              accountId: actor.accountId,
              action: 'view',
              entityType: 'case',
              entityKey: row.reference,
            });
          }
        }
        return detail;
      }),

    async track(text) {
      const reference = normaliseReference(text);
      if (!reference) throw notFound(`There is no case ${text.trim()}. Check the reference and try again.`);
      const prefix = REFERENCE.exec(reference)![1]!;
      const issuer = await db
        .selectFrom('organisation')
        .select('org_id')
        .where('case_prefix', '=', prefix)
        .executeTakeFirst();
      if (!issuer) throw notFound(`There is no case ${reference}. Check the reference and try again.`);
      // Find every organisation that has held the case, from the one that issued the reference
      // along the referrals recorded on each row, reading each holder's row with its scope only.
      const found: Array<{ row: repo.CaseRow; events: repo.CaseEventRow[]; summary: CaseSummary }> = [];
      const queue: number[] = [issuer.org_id];
      const seen = new Set<number>();
      while (queue.length > 0) {
        const orgId = queue.shift()!;
        if (seen.has(orgId)) continue;
        seen.add(orgId);
        const held = await withTenant(
          db,
          { readOrgs: [orgId], writeOrgs: [], accountId: null },
          async (tx) => {
            const row = await repo.caseByReference(tx, orgId, reference);
            if (!row) return undefined;
            const events = await repo.caseEvents(tx, orgId, row.caseId);
            return { row, events, summary: await summaryOf(tx, row) };
          },
        );
        if (!held) continue;
        found.push(held);
        for (const e of held.events) if (e.relatedOrgId !== null) queue.push(e.relatedOrgId);
        for (const o of [held.row.referredToOrgId, held.row.referredFromOrgId]) if (o !== null) queue.push(o);
      }
      if (found.length === 0)
        throw notFound(`There is no case ${reference}. Check the reference and try again.`);
      // The holder now is the one that has not passed it on; the last to receive it if all have.
      const current =
        found.find((f) => f.row.status !== 'referred') ??
        found.reduce((a, b) => (a.row.updatedAt.getTime() >= b.row.updatedAt.getTime() ? a : b));
      const inOrder = (a: repo.CaseEventRow, b: repo.CaseEventRow) =>
        a.occurredAt.getTime() - b.occurredAt.getTime() || a.eventId - b.eventId;
      const written = found.flatMap((f) => f.events.filter((e) => e.copiedFromOrgId === null)).sort(inOrder);
      const own = written.filter((e) => e.visibility === 'public');
      const byOrg = new Map(found.map((f) => [f.row.orgId, f.summary.responsible]));
      const holders: OrganisationBrand[] = [];
      // Who held it, from each holder's opening or receipt (a referral's reason stays with staff).
      for (const e of written) {
        if (e.kind !== 'opened' && e.kind !== 'referred_in') continue;
        const brand = byOrg.get(e.orgId);
        if (brand && holders.at(-1)?.orgId !== brand.orgId) holders.push(brand);
      }
      const events = await withTenant(db, { readOrgs: [], writeOrgs: [], accountId: null }, (tx) =>
        eventViews(tx, own),
      );
      return {
        ...current.summary,
        ...trackingTimes(
          found.map((f) => f.row),
          current.row,
        ),
        holders,
        events,
      };
    },

    changeStatus: (actor, orgId, reference, change) =>
      withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayHandleCase(actor, row)) {
            throw forbidden('You cannot change the status of this case.');
          }
          if (!Object.hasOwn(CASE_STATUSES, change.status)) {
            throw new ValidationProblem({ status: 'Choose a status from the list' });
          }
          const publicNote = blankToNull(change.publicNote);
          const internalNote = blankToNull(change.internalNote);
          // Each note over its limit is named by its own field.
          const tooLong = {
            ...((publicNote?.length ?? 0) > NOTE_LIMIT
              ? { publicNote: `What to tell the resident must be ${characters(NOTE_LIMIT)}` }
              : {}),
            ...((internalNote?.length ?? 0) > NOTE_LIMIT
              ? { internalNote: `Note for staff must be ${characters(NOTE_LIMIT)}` }
              : {}),
          };
          if (Object.keys(tooLong).length > 0) throw new ValidationProblem(tooLong);
          if (row.version !== change.expectedVersion) throw stale();
          const refused = refusedMove(row.status, change.status);
          if (refused) throw conflict(refused);
          const at = now();
          const finished = isFinished(change.status);
          const updated = await repo.updateCase(
            tx,
            { orgId: row.orgId, caseId: row.caseId, expectedVersion: change.expectedVersion },
            {
              status: change.status,
              closedAt: finished ? at : null,
              ...(finished ? { pausedAt: null } : {}),
            },
            at,
          );
          if (!updated) throw stale();
          const label = CASE_STATUSES[change.status];
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'status',
              status: change.status,
              body: publicNote ?? `Status changed to ${label.toLowerCase()}.`,
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
            ...(internalNote
              ? [
                  {
                    orgId: row.orgId,
                    caseId: row.caseId,
                    kind: 'note' as const,
                    body: internalNote,
                    visibility: 'internal' as const,
                    accountId: actor.accountId,
                    actorName: actor.name,
                    occurredAt: at,
                  },
                ]
              : []),
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { status: row.status, version: row.version },
            after: { status: change.status, version: row.version + 1 },
          });
          await enqueue(
            tx,
            residentMessages(row.orgId, row, finished ? 'case_closed' : 'case_updated', {
              status: label,
              note: publicNote,
            }),
          );
          return detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true },
      ),

    addNote: (actor, orgId, reference, note) =>
      withCase(actor, orgId, reference, async (tx, row) => {
        if (!mayNoteCase(actor, row)) throw forbidden('You cannot add notes to this case.');
        const body = note.body?.trim() ?? '';
        if (body === '') throw new ValidationProblem({ body: 'Enter the note' });
        if (body.length > NOTE_LIMIT)
          throw new ValidationProblem({ body: `Notes must be ${characters(NOTE_LIMIT)}` });
        const at = now();
        await repo.insertEvents(tx, [
          {
            orgId: row.orgId,
            caseId: row.caseId,
            kind: note.visibility === 'public' ? 'message' : 'note',
            body,
            visibility: note.visibility,
            accountId: actor.accountId,
            actorName: actor.name,
            occurredAt: at,
          },
        ]);
        await recordAudit(tx, {
          orgId: row.orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'case',
          entityKey: row.reference,
          after: { event: note.visibility === 'public' ? 'message' : 'note', visibility: note.visibility },
        });
        if (note.visibility === 'public') {
          await enqueue(tx, residentMessages(row.orgId, row, 'case_message', { message: body }));
        }
        return detailOf(tx, row);
      }),

    pause: (actor, orgId, reference, pause) =>
      withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayHandleCase(actor, row)) {
            throw forbidden('You cannot pause this case.');
          }
          const reason = pause.reason?.trim() ?? '';
          if (reason === '')
            throw new ValidationProblem({ reason: 'Say what you are waiting for from the resident' });
          if (reason.length > 2000)
            throw new ValidationProblem({ reason: 'Reason must be 2,000 characters or fewer' });
          if (row.version !== pause.expectedVersion) throw stale();
          if (row.pausedAt !== null) throw conflict('The case is already waiting on the resident.');
          if (row.status === 'referred' || isFinished(row.status)) {
            throw conflict(
              `The case is ${CASE_STATUSES[row.status].toLowerCase()}: only a case in hand can wait.`,
            );
          }
          const at = now();
          if (!(await repo.updateCase(tx, { ...row, expectedVersion: row.version }, { pausedAt: at }, at))) {
            throw stale();
          }
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'paused',
              body: `Waiting for information from you: ${reason}`,
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { pausedAt: null, version: row.version },
            after: { pausedAt: at.toISOString(), version: row.version + 1 },
          });
          await enqueue(tx, residentMessages(row.orgId, row, 'case_message', { message: reason }));
          return detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true },
      ),

    resume: (actor, orgId, reference, expectedVersion) =>
      withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayHandleCase(actor, row)) {
            throw forbidden('You cannot resume this case.');
          }
          if (row.version !== expectedVersion) throw stale();
          if (row.pausedAt === null) throw conflict('The case is not waiting on the resident.');
          const at = now();
          const dueAt = await (deps.dueDateAfterPause ?? dueDateAfterPause)(
            tx,
            { ...row, pausedAt: row.pausedAt },
            at,
          );
          if (
            !(await repo.updateCase(
              tx,
              { ...row, expectedVersion: row.version },
              { pausedAt: null, dueAt },
              at,
            ))
          ) {
            throw stale();
          }
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'resumed',
              body: 'We have what we need and are working on it again.',
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { pausedAt: row.pausedAt.toISOString(), dueAt: iso(row.dueAt), version: row.version },
            after: { pausedAt: null, dueAt: iso(dueAt), version: row.version + 1 },
          });
          return detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true },
      ),

    referralTargets: async (actor, orgId, reference) =>
      (await referralChoices(actor, orgId, reference)).targets,

    async refer(actor, orgId, reference, referral) {
      const reason = referral.reason?.trim() ?? '';
      const residentMessage = blankToNull(referral.residentMessage);
      const problems: Record<string, string> = {};
      if (referral.toOrgId === orgId) {
        problems.toOrgId = 'Choose another organisation: the case is already theirs';
      }
      if (reason === '') problems.reason = 'Say why the case belongs to them';
      else if (reason.length > 2000) problems.reason = 'Reason must be 2,000 characters or fewer';
      if ((residentMessage?.length ?? 0) > 2000) {
        problems.residentMessage = 'The message to the resident must be 2,000 characters or fewer';
      }
      if (Object.keys(problems).length > 0) throw new ValidationProblem(problems);
      const { holder, targets } = await referralChoices(actor, orgId, reference);
      const target = await db
        .selectFrom('organisation')
        .select(['org_id', 'name', 'gss_code', 'jurisdiction'])
        .where('org_id', '=', referral.toOrgId)
        .executeTakeFirst();
      const refused = refusedReferral(targets, holder, referral.toOrgId, target?.name ?? null);
      if (refused || !target) {
        throw new ValidationProblem({ toOrgId: refused ?? 'Choose an organisation from the list' });
      }
      const targetRef: CouncilRef = {
        orgId: target.org_id,
        name: target.name,
        gss: target.gss_code,
        jurisdiction: target.jurisdiction,
      };
      return withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayReferCase(actor, row)) throw forbidden('You cannot refer this case.');
          if (row.version !== referral.expectedVersion) throw stale();
          if (row.status === 'referred' || isFinished(row.status)) {
            throw conflict(
              `The case is ${CASE_STATUSES[row.status].toLowerCase()}: only a case in hand can be referred.`,
            );
          }
          const at = now();
          const date = todayInLondon(at);
          const decision = await providerInForce(tx, targetRef, row.lgslCode, date);
          const from = (await brands(tx, [row.orgId])).get(row.orgId)!;
          const routing = {
            reason: `Referred by ${from.name}: ${reason} ${decision.reason.text}`,
            reasons: [{ rule: 'referral', text: `Referred by ${from.name}: ${reason}` }, decision.reason],
            date,
          };
          // The receiving council's own target where it has one; the resident keeps the due date
          // they were given where it has none.
          const dueAt = (await deps.dueDate(tx, target.org_id, row.lgslCode, at)) ?? row.dueAt;
          const existing = await repo.caseByReference(tx, target.org_id, row.reference, { forUpdate: true });
          let targetCaseId: number;
          if (existing) {
            // It was theirs before and came here: it goes back to the same case.
            const reopened = await repo.updateCase(
              tx,
              { orgId: existing.orgId, caseId: existing.caseId, expectedVersion: existing.version },
              {
                status: 'reopened',
                providerOrgId: decision.provider.orgId,
                arrangementId: decision.provider.arrangementId,
                dueAt,
                pausedAt: null,
                closedAt: null,
                routing,
                referredFromOrgId: row.orgId,
                referredFromCaseId: row.caseId,
                referredToOrgId: null,
                referredToCaseId: null,
              },
              at,
            );
            if (!reopened) throw stale();
            targetCaseId = existing.caseId;
          } else {
            targetCaseId = await repo.insertCase(tx, {
              orgId: target.org_id,
              reference: row.reference,
              lgslCode: row.lgslCode,
              providerOrgId: decision.provider.orgId,
              arrangementId: decision.provider.arrangementId,
              status: 'open',
              description: row.description,
              postcode: row.postcode,
              lat: row.lat,
              lon: row.lon,
              address: row.address,
              reporterName: row.reporterName,
              reporterEmail: row.reporterEmail,
              reporterPhone: row.reporterPhone,
              channel: row.channel,
              // The front door that took the contact still follows the case, wherever it goes.
              contactOrgId: row.contactOrgId,
              contactId: null,
              routing,
              openedAt: at,
              dueAt,
              referredFromOrgId: row.orgId,
              referredFromCaseId: row.caseId,
              attributes: row.attributes,
              mediaUrl: row.mediaUrl,
            });
          }
          const updated = await repo.updateCase(
            tx,
            { orgId: row.orgId, caseId: row.caseId, expectedVersion: row.version },
            {
              status: 'referred',
              referredToOrgId: target.org_id,
              referredToCaseId: targetCaseId,
              pausedAt: null,
            },
            at,
          );
          if (!updated) throw stale();
          // The receiving organisation gets the history this one wrote (not copies it already had).
          const history = (await repo.caseEvents(tx, row.orgId, row.caseId)).filter(
            (e) => e.copiedFromOrgId === null,
          );
          const already = await repo.caseEvents(tx, target.org_id, targetCaseId);
          const copied = new Set(
            already
              .filter((e) => e.copiedFromOrgId !== null)
              .map((e) => `${e.occurredAt.getTime()}|${e.body}`),
          );
          // The resident is told who has the case now, and the message written for them if any;
          // the reason stays with staff, in both organisations' history.
          const told = `Passed to ${target.name}, who deal with it. Your reference stays the same.${residentMessage ? ` ${residentMessage}` : ''}`;
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'referred_out',
              status: 'referred',
              body: told,
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              relatedOrgId: target.org_id,
              relatedCaseId: targetCaseId,
              occurredAt: at,
            },
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'note',
              body: `Referred to ${target.name}: ${reason}`,
              visibility: 'internal',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
            ...history
              .filter((e) => !copied.has(`${e.occurredAt.getTime()}|${e.body}`))
              .map((e) => ({
                orgId: target.org_id,
                caseId: targetCaseId,
                kind: e.kind,
                status: e.status,
                body: e.body,
                visibility: e.visibility,
                accountId: null,
                actorName: e.actorName,
                occurredAt: e.occurredAt,
                copiedFromOrgId: row.orgId,
              })),
            {
              orgId: target.org_id,
              caseId: targetCaseId,
              kind: 'referred_in',
              status: existing ? 'reopened' : 'open',
              body: `Referred by ${from.name}: ${reason}`,
              visibility: 'internal',
              accountId: actor.accountId,
              actorName: actor.name,
              relatedOrgId: row.orgId,
              relatedCaseId: row.caseId,
              occurredAt: at,
            },
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { status: row.status, version: row.version },
            after: { status: 'referred', referredTo: target.org_id },
          });
          await recordAudit(tx, {
            orgId: target.org_id,
            accountId: actor.accountId,
            action: existing ? 'update' : 'create',
            entityType: 'case',
            entityKey: row.reference,
            ...(existing ? { before: { status: existing.status, version: existing.version } } : {}),
            after: { status: existing ? 'reopened' : 'open', referredFrom: row.orgId },
          });
          await enqueue(tx, [
            ...residentMessages(row.orgId, row, 'case_referred', {
              council: target.name,
              message: residentMessage,
            }),
            staffMessage(
              decision.provider.orgId,
              'case_referred_in',
              row.reference,
              `${from.name} referred ${row.reference} (${row.serviceLabel}) to ${target.name}.`,
            ),
          ]);
          return detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true, extraWriteOrgs: [target.org_id] },
      );
    },
  };
}
