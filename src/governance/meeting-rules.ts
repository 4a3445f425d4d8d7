/**
 * The rules of bodies and meetings, pure, asked by the meeting service for every caller:
 * - the democratic services officer (`clerk`) of the organisation that keeps a body records its
 *   members, meetings, agenda, papers and minutes; the operator at the command line may too;
 *   nobody else, not even a partnership administrator or another council's clerk;
 * - exempt items and papers (Local Government Act 1972, Schedule 12A) are read only by people with
 *   a grant at the organisation (row-level security holds the same line);
 * - a member's term runs from `termFrom` to `termTo` inclusive; a meeting's minutes are recorded
 *   once it has started and until they are published, and a cancelled meeting has none.
 */
import { londonWallClock } from '../platform/index.ts';
import type { GovernanceActor } from './governance-actor.ts';

/** Whether `actor` records the members, meetings, papers and minutes of bodies kept by `orgId`. */
export const mayManageBodiesOf = (actor: GovernanceActor, orgId: number): boolean =>
  actor.operator === true || actor.clerkOf.includes(orgId);

/** The organisations whose exempt items and papers `actor` reads: those they have a grant at. */
export function readsExemptOf(actor: GovernanceActor, orgId: number): number[] {
  const orgs = new Set(actor.orgIds);
  if (mayManageBodiesOf(actor, orgId)) orgs.add(orgId);
  return [...orgs];
}

export type TermState = 'current' | 'past' | 'future';

/** Where a member's term stands on `today` (an ISO date). */
export function termState(term: { termFrom: string; termTo: string | null }, today: string): TermState {
  if (term.termTo !== null && term.termTo < today) return 'past';
  return term.termFrom > today ? 'future' : 'current';
}

/** Whether an item's minute may be recorded now: the meeting has begun, is not cancelled or published. */
export function minutesOpen(
  meeting: { startsAt: Date; cancelled: boolean; minutesPublishedOn: string | null },
  now: Date,
): { open: true } | { open: false; why: string } {
  if (meeting.cancelled) return { open: false, why: 'The meeting was cancelled: it has no minutes' };
  if (meeting.minutesPublishedOn !== null)
    return { open: false, why: 'The minutes are published: they are the record and are not changed' };
  if (meeting.startsAt.getTime() > now.getTime())
    return { open: false, why: 'Minutes are recorded once the meeting has started' };
  return { open: true };
}

/** A time of day as people type it: 14:00, 9.30, 09:30. */
export function parseClock(text: string): { hour: number; minute: number } | undefined {
  const match = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(text.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

/**
 * The instant a London clock shows `hour:minute` on `date`. When clocks go back the earlier of
 * the two instants is taken; in the hour they skip in spring there is none (undefined).
 */
export function londonInstant(date: string, hour: number, minute: number): Date | undefined {
  const naive = Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
  if (Number.isNaN(naive)) return undefined;
  for (const offset of [3_600_000, 0]) {
    const at = new Date(naive - offset);
    const clock = londonWallClock(at);
    if (clock.date === date && clock.hour === hour && clock.minute === minute) return at;
  }
  return undefined;
}

/** The earliest and latest a meeting may be held: nothing before councils kept minutes this way, or
 * beyond a date a calendar could hold. */
export const MEETING_YEARS = { from: 1974, to: 2100 } as const;

/** What is wrong with a meeting's time, field by field (empty when nothing is). */
export function meetingTimeProblems(startsAt: Date | undefined, endsAt: Date | null): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!startsAt || Number.isNaN(startsAt.getTime()))
    errors.startsAt = 'Enter the date and time the meeting starts';
  else {
    const year = startsAt.getUTCFullYear();
    if (year < MEETING_YEARS.from || year > MEETING_YEARS.to)
      errors.startsAt = `The meeting must start between ${MEETING_YEARS.from} and ${MEETING_YEARS.to}`;
  }
  if (endsAt !== null && Number.isNaN(endsAt.getTime())) errors.endsAt = 'Enter the time the meeting ends';
  else if (endsAt !== null && startsAt && endsAt.getTime() <= startsAt.getTime())
    errors.endsAt = 'The meeting must end after it starts';
  return errors;
}
