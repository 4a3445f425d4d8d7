/**
 * The SQL of bodies' members, meetings, agenda items, papers and minutes. What may be done, and
 * by whom, is the meeting service's to decide; what may be read is row-level security's too: an
 * exempt item or paper is not returned to a transaction without a grant at its organisation.
 */
import { sql } from 'kysely';
import type { GovernanceBodyKind, Tx } from '../db/index.ts';

export interface BodyRow {
  orgId: number;
  bodyId: number;
  name: string;
  kind: GovernanceBodyKind;
  partnershipId: number | null;
}

export interface MemberRow {
  orgId: number;
  memberId: number;
  bodyId: number;
  name: string;
  kind: 'councillor' | 'officer' | 'co_opted';
  role: string;
  representsOrgId: number | null;
  voting: boolean;
  termFrom: string;
  termTo: string | null;
  illustrative: boolean;
}

export interface MeetingRow {
  orgId: number;
  meetingId: number;
  uid: string;
  bodyId: number;
  startsAt: Date;
  endsAt: Date | null;
  location: string;
  cancelled: boolean;
  sequence: number;
  minutesPublishedOn: string | null;
  minutesConfirmed: string | null;
  illustrative: boolean;
  updatedAt: Date;
}

export interface ItemRow {
  orgId: number;
  meetingId: number;
  position: number;
  title: string;
  summary: string;
  exempt: boolean;
  exemptReason: string;
  proposalKeeperOrgId: number | null;
  proposalId: string | null;
  minuteReference: string | null;
  minute: string | null;
}

export interface PaperRow {
  orgId: number;
  paperId: number;
  meetingId: number;
  itemPosition: number | null;
  kind: 'agenda' | 'report' | 'appendix' | 'minutes' | 'other';
  title: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  scan: 'clean' | 'not_scanned';
  exempt: boolean;
  uploadedAt: Date;
}

const BODY = [
  'org_id as orgId',
  'body_id as bodyId',
  'name',
  'kind',
  'partnership_id as partnershipId',
] as const;
const MEMBER = [
  'org_id as orgId',
  'member_id as memberId',
  'body_id as bodyId',
  'name',
  'kind',
  'role',
  'represents_org_id as representsOrgId',
  'voting',
  'term_from as termFrom',
  'term_to as termTo',
  'illustrative',
] as const;
const MEETING = [
  'org_id as orgId',
  'meeting_id as meetingId',
  'uid',
  'body_id as bodyId',
  'starts_at as startsAt',
  'ends_at as endsAt',
  'location',
  'cancelled',
  'sequence',
  'minutes_published_on as minutesPublishedOn',
  'minutes_confirmed as minutesConfirmed',
  'illustrative',
  'updated_at as updatedAt',
] as const;
const ITEM = [
  'org_id as orgId',
  'meeting_id as meetingId',
  'position',
  'title',
  'summary',
  'exempt',
  'exempt_reason as exemptReason',
  'proposal_keeper_org_id as proposalKeeperOrgId',
  'proposal_id as proposalId',
  'minute_reference as minuteReference',
  'minute',
] as const;
// Never the content: a list of papers must not read every file it names.
const PAPER = [
  'org_id as orgId',
  'paper_id as paperId',
  'meeting_id as meetingId',
  'item_position as itemPosition',
  'kind',
  'title',
  'file_name as fileName',
  'media_type as mediaType',
  'size_bytes as sizeBytes',
  'sha256',
  'scan',
  'exempt',
  'uploaded_at as uploadedAt',
] as const;

export const bodiesOfOrg = (tx: Tx, orgId: number): Promise<BodyRow[]> =>
  tx.selectFrom('governance_body').select(BODY).where('org_id', '=', orgId).orderBy('body_id').execute();

export const bodyById = (tx: Tx, orgId: number, bodyId: number): Promise<BodyRow | undefined> =>
  tx
    .selectFrom('governance_body')
    .select(BODY)
    .where('org_id', '=', orgId)
    .where('body_id', '=', bodyId)
    .executeTakeFirst();

/** Bodies of other organisations on which a member represents `orgId` on `today`. */
export const bodiesRepresenting = (tx: Tx, orgId: number, today: string): Promise<BodyRow[]> =>
  tx
    .selectFrom('governance_body as b')
    .select([
      'b.org_id as orgId',
      'b.body_id as bodyId',
      'b.name',
      'b.kind',
      'b.partnership_id as partnershipId',
    ])
    .where('b.org_id', '!=', orgId)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('body_member as m')
          .select('m.member_id')
          .whereRef('m.org_id', '=', 'b.org_id')
          .whereRef('m.body_id', '=', 'b.body_id')
          .where('m.represents_org_id', '=', orgId)
          .where('m.term_from', '<=', today)
          .where((eb) => eb.or([eb('m.term_to', 'is', null), eb('m.term_to', '>=', today)])),
      ),
    )
    .orderBy('b.name')
    .execute();

export const membersOf = (tx: Tx, orgId: number, bodyId: number): Promise<MemberRow[]> =>
  tx
    .selectFrom('body_member')
    .select(MEMBER)
    .where('org_id', '=', orgId)
    .where('body_id', '=', bodyId)
    .orderBy('term_from')
    .orderBy('member_id')
    .execute();

export const memberById = (tx: Tx, orgId: number, memberId: number): Promise<MemberRow | undefined> =>
  tx
    .selectFrom('body_member')
    .select(MEMBER)
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .forUpdate()
    .executeTakeFirst();

export const insertMember = (
  tx: Tx,
  m: Omit<MemberRow, 'memberId'> & { createdBy: number | null },
): Promise<MemberRow> =>
  tx
    .insertInto('body_member')
    .values({
      org_id: m.orgId,
      body_id: m.bodyId,
      name: m.name,
      kind: m.kind,
      role: m.role,
      represents_org_id: m.representsOrgId,
      voting: m.voting,
      term_from: m.termFrom,
      term_to: m.termTo,
      illustrative: m.illustrative,
      created_by: m.createdBy,
    })
    .returning(MEMBER)
    .executeTakeFirstOrThrow();

export async function endTerm(tx: Tx, orgId: number, memberId: number, termTo: string): Promise<void> {
  await tx
    .updateTable('body_member')
    .set({ term_to: termTo })
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .execute();
}

export const meetingsOfBody = (tx: Tx, orgId: number, bodyId: number): Promise<MeetingRow[]> =>
  tx
    .selectFrom('meeting')
    .select(MEETING)
    .where('org_id', '=', orgId)
    .where('body_id', '=', bodyId)
    .orderBy('starts_at')
    .orderBy('meeting_id')
    .execute();

/** A meeting; `lock` holds it until the transaction ends, so changes to it happen one at a time. */
export function meetingById(tx: Tx, orgId: number, meetingId: number, lock = false) {
  const query = tx
    .selectFrom('meeting')
    .select(MEETING)
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId);
  return (lock ? query.forUpdate() : query).executeTakeFirst() as Promise<MeetingRow | undefined>;
}

export const insertMeeting = (
  tx: Tx,
  m: {
    orgId: number;
    bodyId: number;
    startsAt: Date;
    endsAt: Date | null;
    location: string;
    illustrative: boolean;
    createdBy: number | null;
  },
): Promise<MeetingRow> =>
  tx
    .insertInto('meeting')
    .values({
      org_id: m.orgId,
      body_id: m.bodyId,
      starts_at: m.startsAt,
      ends_at: m.endsAt,
      location: m.location,
      illustrative: m.illustrative,
      created_by: m.createdBy,
    })
    .returning(MEETING)
    .executeTakeFirstOrThrow();

/** A change calendars must hear of: the sequence goes up by one and the meeting is marked updated. */
export async function changeMeeting(
  tx: Tx,
  orgId: number,
  meetingId: number,
  change: { startsAt: Date; endsAt: Date | null; location: string } | { cancelled: true },
): Promise<void> {
  const set =
    'cancelled' in change
      ? { cancelled: true }
      : { starts_at: change.startsAt, ends_at: change.endsAt, location: change.location };
  await tx
    .updateTable('meeting')
    .set({ ...set, sequence: sql<number>`sequence + 1`, updated_at: sql<Date>`now()` })
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId)
    .execute();
}

export async function publishMinutes(
  tx: Tx,
  orgId: number,
  meetingId: number,
  publishedOn: string,
  confirmed: string | null,
): Promise<void> {
  await tx
    .updateTable('meeting')
    .set({ minutes_published_on: publishedOn, minutes_confirmed: confirmed, updated_at: sql<Date>`now()` })
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId)
    .execute();
}

/** A council's meetings whose minutes are published, newest first, with their body's name. */
export const meetingsWithMinutes = (tx: Tx, orgId: number) =>
  tx
    .selectFrom('meeting as m')
    .innerJoin('governance_body as b', (j) =>
      j.onRef('b.org_id', '=', 'm.org_id').onRef('b.body_id', '=', 'm.body_id'),
    )
    .select([
      'm.meeting_id as meetingId',
      'm.body_id as bodyId',
      'b.name as bodyName',
      'm.starts_at as startsAt',
      'm.minutes_published_on as minutesPublishedOn',
      'm.illustrative as illustrative',
    ])
    .where('m.org_id', '=', orgId)
    .where('m.minutes_published_on', 'is not', null)
    .orderBy('m.starts_at', 'desc')
    .execute();

export const itemsOf = (tx: Tx, orgId: number, meetingId: number): Promise<ItemRow[]> =>
  tx
    .selectFrom('agenda_item')
    .select(ITEM)
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId)
    .orderBy('position')
    .execute();

/** Whether a meeting has items the transaction cannot see (asked as the owner, for one sentence). */
export async function hasExemptItems(tx: Tx, orgId: number, meetingId: number): Promise<boolean> {
  const row = await tx
    .selectFrom('agenda_item')
    .select('position')
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId)
    .where('exempt', '=', true)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function nextPosition(tx: Tx, orgId: number, meetingId: number): Promise<number> {
  const row = await tx
    .selectFrom('agenda_item')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

export async function insertItem(tx: Tx, item: Omit<ItemRow, 'minuteReference' | 'minute'>): Promise<void> {
  await tx
    .insertInto('agenda_item')
    .values({
      org_id: item.orgId,
      meeting_id: item.meetingId,
      position: item.position,
      title: item.title,
      summary: item.summary,
      exempt: item.exempt,
      exempt_reason: item.exemptReason,
      proposal_keeper_org_id: item.proposalKeeperOrgId,
      proposal_id: item.proposalId,
    })
    .execute();
}

export async function setMinute(
  tx: Tx,
  orgId: number,
  meetingId: number,
  position: number,
  reference: string,
  minute: string,
): Promise<void> {
  await tx
    .updateTable('agenda_item')
    .set({ minute_reference: reference, minute })
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId)
    .where('position', '=', position)
    .execute();
}

export const papersOf = (tx: Tx, orgId: number, meetingId: number): Promise<PaperRow[]> =>
  tx
    .selectFrom('meeting_paper')
    .select(PAPER)
    .where('org_id', '=', orgId)
    .where('meeting_id', '=', meetingId)
    .orderBy('item_position', (ob) => ob.nullsFirst())
    .orderBy('paper_id')
    .execute();

export const paperWithContent = (
  tx: Tx,
  orgId: number,
  paperId: number,
): Promise<(PaperRow & { content: Uint8Array }) | undefined> =>
  tx
    .selectFrom('meeting_paper')
    .select([...PAPER, 'content'])
    .where('org_id', '=', orgId)
    .where('paper_id', '=', paperId)
    .executeTakeFirst();

export const insertPaper = (
  tx: Tx,
  p: Omit<PaperRow, 'paperId' | 'uploadedAt'> & { content: Uint8Array; uploadedBy: number | null },
): Promise<PaperRow> =>
  tx
    .insertInto('meeting_paper')
    .values({
      org_id: p.orgId,
      meeting_id: p.meetingId,
      item_position: p.itemPosition,
      kind: p.kind,
      title: p.title,
      file_name: p.fileName,
      media_type: p.mediaType,
      size_bytes: p.sizeBytes,
      sha256: p.sha256,
      content: p.content,
      scan: p.scan,
      exempt: p.exempt,
      uploaded_by: p.uploadedBy,
    })
    .returning(PAPER)
    .executeTakeFirstOrThrow();
