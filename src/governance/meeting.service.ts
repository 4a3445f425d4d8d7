/**
 * Bodies' members and meetings: who sits on a body and for which term, its meetings with their
 * agendas, the papers put before them and their minutes. The organisation that keeps a body
 * (governance_body.org_id) records all of it through its democratic services officer; everyone
 * reads what is public, and an exempt item or paper only people with a grant at that
 * organisation (row-level security enforces it; this service never names what it hides). Who may
 * is `meeting-rules.ts`'s to say, and whether a file may be a paper `paper-check.ts`'s; every
 * change is audited in its own transaction, and a refused change writes nothing (but the audit of
 * a file refused for a virus).
 */
import type { Kysely } from 'kysely';
import type { DB, GovernanceBodyKind, Tx } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import {
  ValidationProblem,
  conflict,
  forbidden,
  isIsoDate,
  notFound,
  parseId,
  recordAudit,
  todayInLondon,
} from '../platform/index.ts';
import type { RegisterService } from '../register/index.ts';
import type { GovernanceActor } from './governance-actor.ts';
import {
  mayManageBodiesOf,
  meetingTimeProblems,
  minutesOpen,
  readsExemptOf,
  termState,
  type TermState,
} from './meeting-rules.ts';
import * as repo from './meeting.repository.ts';
import type { ItemRow, MeetingRow, MemberRow, PaperRow } from './meeting.repository.ts';
import { PAPER_TYPES, checkPaper, sizeWords, type PaperMediaType } from './paper-check.ts';
import { proposalById } from './proposal.repository.ts';

/** What the virus scanner said of a file: configured in the composition root (PAPER_SCAN_COMMAND). */
export type ScanResult = 'clean' | 'infected' | 'not_scanned';
export type ScanPaper = (bytes: Uint8Array) => Promise<ScanResult>;

/** The longest each field may be (the database's own checks), stated on the forms. */
export const MEETING_LIMITS = {
  name: 200,
  role: 200,
  location: 500,
  title: 300,
  summary: 4000,
  exemptReason: 300,
  minuteReference: 200,
  minute: 8000,
  confirmed: 200,
  fileName: 255,
} as const;

export const MEMBER_KINDS = {
  councillor: 'Councillor',
  officer: 'Officer',
  co_opted: 'Co-opted member',
} as const;
export type MemberKind = keyof typeof MEMBER_KINDS;

export const PAPER_KINDS = {
  agenda: 'Agenda',
  report: 'Report',
  appendix: 'Appendix',
  minutes: 'Minutes',
  other: 'Other paper',
} as const;
export type PaperKind = keyof typeof PAPER_KINDS;

export const BODY_KINDS: Record<GovernanceBodyKind, string> = {
  cabinet: 'Cabinet',
  executive: 'Executive',
  full_council: 'Full council',
  committee: 'Committee',
  joint_committee: 'Joint committee',
  programme_board: 'Programme board',
};

export interface BodySummary {
  orgId: number;
  bodyId: number;
  name: string;
  kind: GovernanceBodyKind;
  kindWords: string;
  partnership: { slug: string; name: string } | null;
}

export interface MemberView {
  memberId: number;
  name: string;
  kind: MemberKind;
  kindWords: string;
  role: string;
  represents: { orgId: number; name: string } | null;
  voting: boolean;
  termFrom: string;
  termTo: string | null;
  state: TermState;
  illustrative: boolean;
}

export interface MeetingSummary {
  orgId: number;
  meetingId: number;
  bodyId: number;
  uid: string;
  startsAt: string;
  endsAt: string | null;
  location: string;
  cancelled: boolean;
  sequence: number;
  minutesPublishedOn: string | null;
  minutesConfirmed: string | null;
  illustrative: boolean;
  updatedAt: string;
}

export interface BodyPage {
  body: BodySummary;
  current: MemberView[];
  past: MemberView[];
  upcoming: MeetingSummary[];
  held: MeetingSummary[];
  /** The councils a member may represent: the partnership's, for a joint body; none otherwise. */
  councils: Array<{ orgId: number; name: string }>;
  mayManage: boolean;
}

export interface PaperView {
  paperId: number;
  itemPosition: number | null;
  kind: PaperKind;
  kindWords: string;
  title: string;
  fileName: string;
  mediaType: string;
  typeWords: string;
  sizeBytes: number;
  sizeWords: string;
  sha256: string;
  scan: 'clean' | 'not_scanned';
  exempt: boolean;
  uploadedAt: string;
}

export interface ItemView {
  /** Its number on the agenda as this reader sees it. */
  number: number;
  position: number;
  title: string;
  summary: string;
  exempt: boolean;
  exemptReason: string;
  proposal: { id: string; title: string } | null;
  /** Shown when the minutes are published, or to those who record them. */
  minuteReference: string | null;
  minute: string | null;
  papers: PaperView[];
}

export interface MeetingPage {
  body: BodySummary;
  meeting: MeetingSummary;
  items: ItemView[];
  /** Papers for the meeting as a whole (the agenda, the minutes). */
  papers: PaperView[];
  /** Whether part of the meeting was held in private: one sentence, nothing more, for the public. */
  heldInPrivate: boolean;
  showMinutes: boolean;
  minutesOpen: { open: true } | { open: false; why: string };
  mayManage: boolean;
}

export interface MinutesEntry {
  meetingId: number;
  bodyId: number;
  bodyName: string;
  startsAt: string;
  minutesPublishedOn: string;
  illustrative: boolean;
}

export interface MemberInput {
  name: string;
  kind: string;
  role?: string;
  representsOrgId?: number | null;
  voting?: boolean;
  termFrom: string;
  termTo?: string | null;
  illustrative?: boolean;
}

export interface MeetingInput {
  startsAt: Date | undefined;
  /** When it ends; none when not given. */
  endsAt?: Date | null;
  location?: string;
  illustrative?: boolean;
}

export interface ItemInput {
  title: string;
  summary?: string;
  exempt?: boolean;
  exemptReason?: string;
  proposalId?: string | null;
}

export interface PaperInput {
  kind: string;
  title: string;
  fileName: string;
  bytes: Uint8Array;
  /** The agenda item it belongs to, or none for the meeting as a whole. */
  itemPosition?: number | null;
  exempt?: boolean;
}

export interface MeetingService {
  /** The bodies an organisation keeps, and the bodies of others on which it is represented. */
  bodies(orgId: number): Promise<{ own: BodySummary[]; representedOn: BodySummary[] }>;
  body(actor: GovernanceActor, orgId: number, bodyId: number): Promise<BodyPage>;
  meeting(actor: GovernanceActor, orgId: number, meetingId: number): Promise<MeetingPage>;
  /** A body's meetings for its calendar feed: every one, cancelled ones included. */
  calendar(orgId: number, bodyId: number): Promise<{ body: BodySummary; meetings: MeetingSummary[] }>;
  /** An organisation's meetings with published minutes, newest first. */
  minutes(orgId: number): Promise<MinutesEntry[]>;
  paper(
    actor: GovernanceActor,
    orgId: number,
    paperId: number,
  ): Promise<PaperView & { meetingId: number; content: Uint8Array }>;
  addMember(actor: GovernanceActor, orgId: number, bodyId: number, input: MemberInput): Promise<MemberView>;
  endTerm(actor: GovernanceActor, orgId: number, memberId: number, termTo: string): Promise<MemberView>;
  scheduleMeeting(
    actor: GovernanceActor,
    orgId: number,
    bodyId: number,
    input: MeetingInput,
  ): Promise<MeetingSummary>;
  rescheduleMeeting(
    actor: GovernanceActor,
    orgId: number,
    meetingId: number,
    input: MeetingInput,
  ): Promise<MeetingSummary>;
  cancelMeeting(actor: GovernanceActor, orgId: number, meetingId: number): Promise<MeetingSummary>;
  addItem(actor: GovernanceActor, orgId: number, meetingId: number, input: ItemInput): Promise<number>;
  uploadPaper(
    actor: GovernanceActor,
    orgId: number,
    meetingId: number,
    input: PaperInput,
  ): Promise<PaperView>;
  recordMinute(
    actor: GovernanceActor,
    orgId: number,
    meetingId: number,
    position: number,
    input: { reference: string; minute: string },
  ): Promise<void>;
  publishMinutes(
    actor: GovernanceActor,
    orgId: number,
    meetingId: number,
    input?: { confirmed?: string },
  ): Promise<MeetingSummary>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const meetingSummary = (m: MeetingRow): MeetingSummary => ({
  orgId: m.orgId,
  meetingId: m.meetingId,
  bodyId: m.bodyId,
  uid: m.uid,
  startsAt: m.startsAt.toISOString(),
  endsAt: m.endsAt?.toISOString() ?? null,
  location: m.location,
  cancelled: m.cancelled,
  sequence: m.sequence,
  minutesPublishedOn: m.minutesPublishedOn,
  minutesConfirmed: m.minutesConfirmed,
  illustrative: m.illustrative,
  updatedAt: m.updatedAt.toISOString(),
});

const paperView = (p: PaperRow): PaperView => ({
  paperId: p.paperId,
  itemPosition: p.itemPosition,
  kind: p.kind,
  kindWords: PAPER_KINDS[p.kind],
  title: p.title,
  fileName: p.fileName,
  mediaType: p.mediaType,
  typeWords: PAPER_TYPES[p.mediaType as PaperMediaType]?.label ?? p.mediaType,
  sizeBytes: p.sizeBytes,
  sizeWords: sizeWords(p.sizeBytes),
  sha256: p.sha256,
  scan: p.scan,
  exempt: p.exempt,
  uploadedAt: p.uploadedAt.toISOString(),
});

/** A field's text, trimmed, with a message when it is missing or too long. */
function checkText(
  errors: Record<string, string>,
  field: string,
  label: string,
  value: string | undefined,
  max: number,
  required: boolean,
): string {
  const text = (value ?? '').trim();
  if (required && text.length === 0) errors[field] = `Enter ${label}`;
  else if (text.length > max)
    errors[field] =
      `${label[0]!.toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer: there are ${text.length.toLocaleString('en-GB')}`;
  return text;
}

const refuse = (errors: Record<string, string>) => {
  if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
};

export function createMeetingService(deps: {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'partnership' | 'organisationSummaries'>;
  scanPaper: ScanPaper;
}): MeetingService {
  const { db, register, scanPaper } = deps;
  const readScope = (actor: GovernanceActor, orgId: number) => ({
    readOrgs: readsExemptOf(actor, orgId),
    writeOrgs: [],
    accountId: actor.accountId,
  });
  const writeScope = (actor: GovernanceActor, orgId: number) => ({
    readOrgs: [orgId],
    writeOrgs: [orgId],
    accountId: actor.accountId,
  });
  const mayManage = (actor: GovernanceActor, orgId: number) => {
    if (!mayManageBodiesOf(actor, orgId))
      throw forbidden(
        'Only the democratic services officer of the council that keeps this body records its business.',
      );
  };

  async function partnershipOf(id: number | null): Promise<{ slug: string; name: string } | null> {
    if (id === null) return null;
    const row = await withSystem(db, (tx) =>
      tx
        .selectFrom('partnership')
        .select(['slug', 'name'])
        .where('partnership_id', '=', id)
        .executeTakeFirst(),
    );
    return row ?? null;
  }

  async function summaryOf(row: repo.BodyRow): Promise<BodySummary> {
    return {
      orgId: row.orgId,
      bodyId: row.bodyId,
      name: row.name,
      kind: row.kind,
      kindWords: BODY_KINDS[row.kind],
      partnership: await partnershipOf(row.partnershipId),
    };
  }

  async function findBody(orgId: number, bodyId: number): Promise<repo.BodyRow> {
    const row =
      parseId(String(bodyId)) === undefined
        ? undefined
        : await withSystem(db, (tx) => repo.bodyById(tx, orgId, bodyId));
    if (!row) throw notFound(`There is no body ${bodyId} of this organisation.`);
    return row;
  }

  const noMeeting = (meetingId: number) => notFound(`There is no meeting ${meetingId} of this organisation.`);

  /** The councils a member of a body may represent: a joint body's partnership's current councils. */
  async function councilsFor(body: repo.BodyRow): Promise<Array<{ orgId: number; name: string }>> {
    const partnership = await partnershipOf(body.partnershipId);
    if (!partnership) return [];
    const p = await register.partnership(partnership.slug);
    return p.members
      .filter((m) => m.leftOn === null && m.role !== 'vehicle')
      .map((m) => ({ orgId: m.orgId, name: m.name }));
  }

  async function memberViews(rows: readonly MemberRow[], today: string): Promise<MemberView[]> {
    const ids = [...new Set(rows.map((r) => r.representsOrgId).filter((id): id is number => id !== null))];
    const names = ids.length ? await register.organisationSummaries(ids) : new Map();
    return rows.map((r) => ({
      memberId: r.memberId,
      name: r.name,
      kind: r.kind,
      kindWords: MEMBER_KINDS[r.kind],
      role: r.role,
      represents:
        r.representsOrgId === null
          ? null
          : {
              orgId: r.representsOrgId,
              name: names.get(r.representsOrgId)?.name ?? String(r.representsOrgId),
            },
      voting: r.voting,
      termFrom: r.termFrom,
      termTo: r.termTo,
      state: termState(r, today),
      illustrative: r.illustrative,
    }));
  }

  /** A meeting's row as the writer sees it, locked, with the rules for changing it. */
  async function lockedMeeting(tx: Tx, orgId: number, meetingId: number): Promise<MeetingRow> {
    const row = await repo.meetingById(tx, orgId, meetingId, true);
    if (!row) throw noMeeting(meetingId);
    return row;
  }

  function checkMeetingInput(input: MeetingInput, errors: Record<string, string>) {
    Object.assign(errors, meetingTimeProblems(input.startsAt, input.endsAt ?? null));
    return checkText(
      errors,
      'location',
      'the place of the meeting',
      input.location,
      MEETING_LIMITS.location,
      false,
    );
  }

  async function meetingSummaryOf(orgId: number, meetingId: number): Promise<MeetingSummary> {
    const row = await withSystem(db, (tx) => repo.meetingById(tx, orgId, meetingId));
    return meetingSummary(row!);
  }

  return {
    async bodies(orgId) {
      const today = todayInLondon();
      const [own, representedOn] = await withSystem(db, async (tx) => [
        await repo.bodiesOfOrg(tx, orgId),
        await repo.bodiesRepresenting(tx, orgId, today),
      ]);
      return {
        own: await Promise.all(own.map(summaryOf)),
        representedOn: await Promise.all(representedOn.map(summaryOf)),
      };
    },

    async body(actor, orgId, bodyId) {
      const row = await findBody(orgId, bodyId);
      const today = todayInLondon();
      const now = Date.now();
      const { members, meetings } = await withTenant(db, readScope(actor, orgId), async (tx) => ({
        members: await repo.membersOf(tx, orgId, bodyId),
        meetings: await repo.meetingsOfBody(tx, orgId, bodyId),
      }));
      const views = await memberViews(members, today);
      const manage = mayManageBodiesOf(actor, orgId);
      return {
        body: await summaryOf(row),
        current: views.filter((m) => m.state !== 'past'),
        past: views.filter((m) => m.state === 'past').reverse(),
        // A meeting is upcoming until it ends (or, with no end given, until it starts).
        upcoming: meetings.filter((m) => (m.endsAt ?? m.startsAt).getTime() >= now).map(meetingSummary),
        held: meetings
          .filter((m) => (m.endsAt ?? m.startsAt).getTime() < now)
          .reverse()
          .map(meetingSummary),
        councils: manage ? await councilsFor(row) : [],
        mayManage: manage,
      };
    },

    async meeting(actor, orgId, meetingId) {
      const scope = readScope(actor, orgId);
      const found = await withTenant(db, scope, async (tx) => {
        const meeting = await repo.meetingById(tx, orgId, meetingId);
        if (!meeting) return undefined;
        const items = await repo.itemsOf(tx, orgId, meetingId);
        const papers = await repo.papersOf(tx, orgId, meetingId);
        const proposals = new Map<string, string>();
        for (const id of new Set(items.map((i) => i.proposalId).filter((p): p is string => p !== null))) {
          const p = await proposalById(tx, id);
          if (p) proposals.set(id, p.title);
        }
        return { meeting, items, papers, proposals };
      });
      if (!found) throw noMeeting(meetingId);
      const { meeting, items, papers, proposals } = found;
      const body = await findBody(orgId, meeting.bodyId);
      const manage = mayManageBodiesOf(actor, orgId);
      // Whether anything is hidden from this reader, asked as the owner so that the page can say,
      // in one sentence, that part of the meeting was held in private, and nothing more.
      const heldInPrivate = scope.readOrgs.includes(orgId)
        ? false
        : await withSystem(db, (tx) => repo.hasExemptItems(tx, orgId, meetingId));
      const showMinutes = meeting.minutesPublishedOn !== null || manage;
      const views = papers.map(paperView);
      const itemView = (i: ItemRow, index: number): ItemView => ({
        number: index + 1,
        position: i.position,
        title: i.title,
        summary: i.summary,
        exempt: i.exempt,
        exemptReason: i.exemptReason,
        proposal:
          i.proposalId && proposals.has(i.proposalId)
            ? { id: i.proposalId, title: proposals.get(i.proposalId)! }
            : null,
        minuteReference: showMinutes ? i.minuteReference : null,
        minute: showMinutes ? i.minute : null,
        papers: views.filter((p) => p.itemPosition === i.position),
      });
      return {
        body: await summaryOf(body),
        meeting: meetingSummary(meeting),
        items: items.map(itemView),
        papers: views.filter((p) => p.itemPosition === null),
        heldInPrivate,
        showMinutes,
        minutesOpen: minutesOpen(meeting, new Date()),
        mayManage: manage,
      };
    },

    async calendar(orgId, bodyId) {
      const body = await findBody(orgId, bodyId);
      const meetings = await withSystem(db, (tx) => repo.meetingsOfBody(tx, orgId, bodyId));
      return { body: await summaryOf(body), meetings: meetings.map(meetingSummary) };
    },

    async minutes(orgId) {
      const rows = await withSystem(db, (tx) => repo.meetingsWithMinutes(tx, orgId));
      return rows.map((r) => ({
        meetingId: r.meetingId,
        bodyId: r.bodyId,
        bodyName: r.bodyName,
        startsAt: r.startsAt.toISOString(),
        minutesPublishedOn: r.minutesPublishedOn!,
        illustrative: r.illustrative,
      }));
    },

    async paper(actor, orgId, paperId) {
      const row =
        parseId(String(paperId)) === undefined
          ? undefined
          : await withTenant(db, readScope(actor, orgId), (tx) => repo.paperWithContent(tx, orgId, paperId));
      // An exempt paper is, to those who may not read it, a paper that does not exist.
      if (!row) throw notFound(`There is no paper ${paperId} of this organisation.`);
      return { ...paperView(row), meetingId: row.meetingId, content: new Uint8Array(row.content) };
    },

    async addMember(actor, orgId, bodyId, input) {
      mayManage(actor, orgId);
      const body = await findBody(orgId, bodyId);
      const errors: Record<string, string> = {};
      const name = checkText(
        errors,
        'name',
        'the member’s name or office',
        input.name,
        MEETING_LIMITS.name,
        true,
      );
      const role = checkText(errors, 'role', 'the role', input.role, MEETING_LIMITS.role, false);
      if (!Object.hasOwn(MEMBER_KINDS, input.kind))
        errors.kind = 'Select whether the member is a councillor, an officer or a co-opted member';
      if (!isIsoDate(input.termFrom))
        errors.termFrom = 'Enter the date the term of office starts as a real date';
      if (input.termTo != null) {
        if (!isIsoDate(input.termTo)) errors.termTo = 'Enter the date the term of office ends as a real date';
        else if (isIsoDate(input.termFrom) && input.termTo < input.termFrom)
          errors.termTo = 'The term of office must end on or after the day it starts';
      }
      const councils = await councilsFor(body);
      const represents = input.representsOrgId ?? null;
      if (represents !== null && !councils.some((c) => c.orgId === represents))
        errors.representsOrgId =
          councils.length === 0
            ? 'Only a member of a joint body represents a council'
            : 'Select a council of the partnership, or none';
      refuse(errors);
      const saved = await withTenant(db, writeScope(actor, orgId), async (tx) => {
        const row = await repo.insertMember(tx, {
          orgId,
          bodyId,
          name,
          kind: input.kind as MemberKind,
          role,
          representsOrgId: represents,
          voting: input.voting ?? true,
          termFrom: input.termFrom,
          termTo: input.termTo ?? null,
          illustrative: input.illustrative ?? false,
          createdBy: actor.accountId,
        });
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'body_member',
          entityKey: String(row.memberId),
          after: row,
        });
        return row;
      });
      return (await memberViews([saved], todayInLondon()))[0]!;
    },

    async endTerm(actor, orgId, memberId, termTo) {
      mayManage(actor, orgId);
      if (parseId(String(memberId)) === undefined) throw notFound(`There is no member ${memberId}.`);
      if (!isIsoDate(termTo))
        throw new ValidationProblem({ termTo: 'Enter the last day of the term as a real date' });
      const saved = await withTenant(db, writeScope(actor, orgId), async (tx) => {
        const before = await repo.memberById(tx, orgId, memberId);
        if (!before) throw notFound(`There is no member ${memberId} of this organisation’s bodies.`);
        if (before.termTo !== null)
          throw new ValidationProblem({
            memberId: `${before.name}’s term has already ended, on ${before.termTo}`,
          });
        if (termTo < before.termFrom)
          throw new ValidationProblem({
            termTo: `The last day of the term must be on or after the day it started, ${before.termFrom}`,
          });
        await repo.endTerm(tx, orgId, memberId, termTo);
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'end',
          entityType: 'body_member',
          entityKey: String(memberId),
          before: { termTo: null },
          after: { termTo },
        });
        return { ...before, termTo };
      });
      return (await memberViews([saved], todayInLondon()))[0]!;
    },

    async scheduleMeeting(actor, orgId, bodyId, input) {
      mayManage(actor, orgId);
      await findBody(orgId, bodyId);
      const errors: Record<string, string> = {};
      const location = checkMeetingInput(input, errors);
      refuse(errors);
      const row = await withTenant(db, writeScope(actor, orgId), async (tx) => {
        const saved = await repo.insertMeeting(tx, {
          orgId,
          bodyId,
          startsAt: input.startsAt!,
          endsAt: input.endsAt ?? null,
          location,
          illustrative: input.illustrative ?? false,
          createdBy: actor.accountId,
        });
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'meeting',
          entityKey: String(saved.meetingId),
          after: meetingSummary(saved),
        });
        return saved;
      });
      return meetingSummary(row);
    },

    async rescheduleMeeting(actor, orgId, meetingId, input) {
      mayManage(actor, orgId);
      const errors: Record<string, string> = {};
      const location = checkMeetingInput(input, errors);
      refuse(errors);
      await withTenant(db, writeScope(actor, orgId), async (tx) => {
        const before = await lockedMeeting(tx, orgId, meetingId);
        if (before.cancelled) throw conflict('The meeting is cancelled: schedule a new meeting instead.');
        if (before.minutesPublishedOn !== null)
          throw conflict('The meeting’s minutes are published: its time and place are part of the record.');
        await repo.changeMeeting(tx, orgId, meetingId, {
          startsAt: input.startsAt!,
          endsAt: input.endsAt ?? null,
          location,
        });
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'meeting',
          entityKey: String(meetingId),
          before: {
            startsAt: before.startsAt,
            endsAt: before.endsAt,
            location: before.location,
            sequence: before.sequence,
          },
          after: {
            startsAt: input.startsAt,
            endsAt: input.endsAt ?? null,
            location,
            sequence: before.sequence + 1,
          },
        });
      });
      return meetingSummaryOf(orgId, meetingId);
    },

    async cancelMeeting(actor, orgId, meetingId) {
      mayManage(actor, orgId);
      await withTenant(db, writeScope(actor, orgId), async (tx) => {
        const before = await lockedMeeting(tx, orgId, meetingId);
        if (before.cancelled) throw conflict('The meeting is already cancelled.');
        if (before.minutesPublishedOn !== null)
          throw conflict('The meeting was held: its minutes are published.');
        await repo.changeMeeting(tx, orgId, meetingId, { cancelled: true });
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'meeting',
          entityKey: String(meetingId),
          before: { cancelled: false, sequence: before.sequence },
          after: { cancelled: true, sequence: before.sequence + 1 },
        });
      });
      return meetingSummaryOf(orgId, meetingId);
    },

    async addItem(actor, orgId, meetingId, input) {
      mayManage(actor, orgId);
      const errors: Record<string, string> = {};
      const title = checkText(errors, 'title', 'the item’s title', input.title, MEETING_LIMITS.title, true);
      const summary = checkText(
        errors,
        'summary',
        'the summary',
        input.summary,
        MEETING_LIMITS.summary,
        false,
      );
      const exempt = input.exempt ?? false;
      const exemptReason = exempt
        ? checkText(
            errors,
            'exemptReason',
            'the paragraph of Schedule 12A that makes it exempt',
            input.exemptReason,
            MEETING_LIMITS.exemptReason,
            true,
          )
        : '';
      const proposalText = (input.proposalId ?? '').trim();
      if (proposalText !== '' && !UUID.test(proposalText))
        errors.proposalId = 'Enter the proposal’s reference as its page gives it, or leave it empty';
      refuse(errors);
      // The proposal must be one this person reads (a draft of another council's is not theirs to name).
      let proposal: { keeper: number; id: string } | null = null;
      if (proposalText !== '') {
        const found = await withTenant(
          db,
          {
            readOrgs: [...new Set([...readsExemptOf(actor, orgId), ...actor.keeps.map((k) => k.orgId)])],
            writeOrgs: [],
            accountId: actor.accountId,
          },
          (tx) => proposalById(tx, proposalText.toLowerCase()),
        );
        if (!found)
          throw new ValidationProblem({
            proposalId: 'There is no proposal with that reference that you can see',
          });
        proposal = { keeper: found.orgId, id: found.proposalId };
      }
      return withTenant(db, writeScope(actor, orgId), async (tx) => {
        const meeting = await lockedMeeting(tx, orgId, meetingId);
        if (meeting.cancelled) throw conflict('The meeting is cancelled: it has no agenda.');
        if (meeting.minutesPublishedOn !== null)
          throw conflict('The meeting’s minutes are published: its agenda is closed.');
        const position = await repo.nextPosition(tx, orgId, meetingId);
        const item = {
          orgId,
          meetingId,
          position,
          title,
          summary,
          exempt,
          exemptReason,
          proposalKeeperOrgId: proposal?.keeper ?? null,
          proposalId: proposal?.id ?? null,
        };
        await repo.insertItem(tx, item);
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'agenda_item',
          entityKey: `${meetingId}:${position}`,
          after: item,
        });
        return position;
      });
    },

    async uploadPaper(actor, orgId, meetingId, input) {
      mayManage(actor, orgId);
      const errors: Record<string, string> = {};
      const title = checkText(errors, 'title', 'the paper’s title', input.title, MEETING_LIMITS.title, true);
      if (!Object.hasOwn(PAPER_KINDS, input.kind))
        errors.kind =
          'Select what the paper is: the agenda, a report, an appendix, the minutes or another paper';
      const fileName = input.fileName.trim();
      let checked: Awaited<ReturnType<typeof checkPaper>> | undefined;
      if (fileName === '' && input.bytes.byteLength === 0) errors.file = 'Select a file';
      else if (fileName.length > MEETING_LIMITS.fileName)
        errors.file = `The selected file’s name must be ${MEETING_LIMITS.fileName} characters or fewer`;
      else {
        checked = await checkPaper(input.bytes, fileName);
        if (!checked.ok) errors.file = checked.message;
      }
      refuse(errors);
      // No message means the file passed its checks.
      return store(checked as Extract<typeof checked, { ok: true }>);

      /** Keeps a checked file once the meeting, the item and the virus scan allow it. */
      async function store(checked: { mediaType: PaperMediaType; sizeBytes: number; sha256: string }) {
        const position = input.itemPosition ?? null;
        const meeting = await withTenant(db, writeScope(actor, orgId), async (tx) => {
          const m = await repo.meetingById(tx, orgId, meetingId);
          if (!m) throw noMeeting(meetingId);
          const items = await repo.itemsOf(tx, orgId, meetingId);
          return { m, item: position === null ? null : items.find((i) => i.position === position) };
        });
        if (position !== null && !meeting.item)
          throw new ValidationProblem({
            itemPosition: 'Select an item on this meeting’s agenda, or the meeting as a whole',
          });
        const scan = await scanPaper(input.bytes).catch(() => 'failed' as const);
        if (scan === 'infected' || (scan !== 'clean' && scan !== 'not_scanned')) {
          // The refusal is kept in the audit trail (a file with a virus was offered); the file is not.
          await withTenant(db, writeScope(actor, orgId), (tx) =>
            recordAudit(tx, {
              orgId,
              accountId: actor.accountId,
              action: 'refuse',
              entityType: 'meeting_paper',
              entityKey: String(meetingId),
              after: { fileName, sha256: checked.sha256, sizeBytes: checked.sizeBytes, scan },
            }),
          );
          throw new ValidationProblem({
            file:
              scan === 'infected'
                ? 'The selected file contains a virus: it has not been kept'
                : 'The virus scan could not run: the file has not been kept, try again later',
          });
        }
        const saved = await withTenant(db, writeScope(actor, orgId), async (tx) => {
          const row = await repo.insertPaper(tx, {
            orgId,
            meetingId,
            itemPosition: position,
            kind: input.kind as PaperKind,
            title,
            fileName,
            mediaType: checked.mediaType,
            sizeBytes: checked.sizeBytes,
            sha256: checked.sha256,
            content: input.bytes,
            scan,
            // A paper for an exempt item is as private as the item.
            exempt: (input.exempt ?? false) || (meeting.item?.exempt ?? false),
            uploadedBy: actor.accountId,
          });
          await recordAudit(tx, {
            orgId,
            accountId: actor.accountId,
            action: 'create',
            entityType: 'meeting_paper',
            entityKey: String(row.paperId),
            after: paperView(row),
          });
          return row;
        });
        return paperView(saved);
      }
    },

    async recordMinute(actor, orgId, meetingId, position, input) {
      mayManage(actor, orgId);
      const errors: Record<string, string> = {};
      const reference = checkText(
        errors,
        'minuteReference',
        'the minute’s reference',
        input.reference,
        MEETING_LIMITS.minuteReference,
        true,
      );
      const minute = checkText(errors, 'minute', 'the minute', input.minute, MEETING_LIMITS.minute, true);
      refuse(errors);
      await withTenant(db, writeScope(actor, orgId), async (tx) => {
        const meeting = await lockedMeeting(tx, orgId, meetingId);
        const open = minutesOpen(meeting, new Date());
        if (!open.open) throw new ValidationProblem({ position: open.why });
        const item = (await repo.itemsOf(tx, orgId, meetingId)).find((i) => i.position === position);
        if (!item) throw new ValidationProblem({ position: 'Select an item on this meeting’s agenda' });
        await repo.setMinute(tx, orgId, meetingId, position, reference, minute);
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'agenda_item',
          entityKey: `${meetingId}:${position}`,
          before: { minuteReference: item.minuteReference, minute: item.minute },
          after: { minuteReference: reference, minute },
        });
      });
    },

    async publishMinutes(actor, orgId, meetingId, input = {}) {
      mayManage(actor, orgId);
      const errors: Record<string, string> = {};
      const confirmed = checkText(
        errors,
        'confirmed',
        'the minute that confirmed them',
        input.confirmed,
        MEETING_LIMITS.confirmed,
        false,
      );
      refuse(errors);
      const today = todayInLondon();
      await withTenant(db, writeScope(actor, orgId), async (tx) => {
        const meeting = await lockedMeeting(tx, orgId, meetingId);
        const open = minutesOpen(meeting, new Date());
        if (!open.open) throw new ValidationProblem({ publish: open.why });
        const items = await repo.itemsOf(tx, orgId, meetingId);
        if (!items.some((i) => i.minute !== null))
          throw new ValidationProblem({
            publish: 'Record the minute of at least one item before publishing the minutes',
          });
        await repo.publishMinutes(tx, orgId, meetingId, today, confirmed || null);
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'meeting',
          entityKey: String(meetingId),
          before: { minutesPublishedOn: null },
          after: { minutesPublishedOn: today, minutesConfirmed: confirmed || null },
        });
      });
      return meetingSummaryOf(orgId, meetingId);
    },
  };
}
