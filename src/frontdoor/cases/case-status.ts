/**
 * The statuses a case moves through, as UK councils name them, and which moves are allowed.
 * A case that is fixed, closed, a duplicate, needing no further action or cancelled is finished
 * and can only be reopened; one referred to another organisation is finished here and carries on
 * there (and comes back only by being referred back).
 */
import type { CaseStatus } from '../../db/index.ts';

export const CASE_STATUSES: Readonly<Record<CaseStatus, string>> = {
  open: 'Open',
  investigating: 'Investigating',
  action_scheduled: 'Action scheduled',
  in_progress: 'In progress',
  fixed: 'Fixed',
  closed: 'Closed',
  duplicate: 'Duplicate',
  referred: 'Not our responsibility: referred',
  no_further_action: 'No further action',
  cancelled: 'Cancelled',
  reopened: 'Reopened',
};

export const FINISHED_STATUSES: ReadonlySet<CaseStatus> = new Set<CaseStatus>([
  'fixed',
  'closed',
  'duplicate',
  'no_further_action',
  'cancelled',
]);

/** The statuses of a case in hand: the desk's open lists and counts. */
export const ACTIVE_STATUSES: readonly CaseStatus[] = [
  'open',
  'investigating',
  'action_scheduled',
  'in_progress',
  'reopened',
];

export const isFinished = (status: CaseStatus): boolean => FINISHED_STATUSES.has(status);
export const isActive = (status: CaseStatus): boolean => ACTIVE_STATUSES.includes(status);

/** Why a move from one status to another is not allowed, or null when it is. */
export function refusedMove(from: CaseStatus, to: CaseStatus): string | null {
  if (from === to) return `The case is already ${CASE_STATUSES[to].toLowerCase()}.`;
  if (to === 'referred') return 'Refer the case to another organisation instead of setting it to referred.';
  if (from === 'referred') {
    return 'The case was referred to another organisation; it comes back here only if they refer it back.';
  }
  if (isFinished(from)) {
    return to === 'reopened'
      ? null
      : `The case is ${CASE_STATUSES[from].toLowerCase()}: reopen it before changing its status.`;
  }
  if (to === 'reopened') return 'Only a finished case can be reopened.';
  if (to === 'open') return 'A case in hand cannot go back to open; choose where it is now.';
  return null;
}

/**
 * The statuses a person may choose for a case, for the status form: the current one first (so the
 * form shows where the case is), then those it may move to, the next ones in the workflow first.
 */
export function statusChoices(current: CaseStatus): CaseStatus[] {
  const all = Object.keys(CASE_STATUSES) as CaseStatus[];
  const at = all.indexOf(current);
  const onward = [...all.slice(at + 1), ...all.slice(0, at)];
  return [current, ...onward.filter((s) => refusedMove(current, s) === null)];
}

/**
 * Why a case cannot start waiting on the resident (its service-level clock stopped), or null
 * when it can: only a case in hand, not already waiting, can wait.
 */
export function refusedPause(c: { status: CaseStatus; pausedAt: Date | null }): string | null {
  if (c.pausedAt !== null) return 'The case is already waiting on the resident.';
  if (c.status === 'referred' || isFinished(c.status)) {
    return `The case is ${CASE_STATUSES[c.status].toLowerCase()}: only a case in hand can wait.`;
  }
  return null;
}

/** Why a case in this status cannot be referred, or null when it can: only a case in hand goes on. */
export function refusedReferralFrom(status: CaseStatus): string | null {
  return status === 'referred' || isFinished(status)
    ? `The case is ${CASE_STATUSES[status].toLowerCase()}: only a case in hand can be referred.`
    : null;
}
