/**
 * The rules of a proposal that changes the register: which state it is in, which councils adopt it,
 * when it takes effect, why it is waiting, and who may record a council's decision. A joint
 * committee recommends and each council decides: nothing takes effect until every approval it
 * needs is in, and a council that rejects keeps its register as it was. Pure: the service reads
 * the facts and writes what these functions decide.
 */

export const DECISIONS = ['approved', 'rejected', 'deferred'] as const;
export type Decision = (typeof DECISIONS)[number];

export const PROPOSAL_STATES = [
  'draft',
  'awaiting_decisions',
  'approved',
  'in_effect',
  'rejected',
  'withdrawn',
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** Why a council's decision is needed: the proposal lists it, or it touches a matter the council reserves. */
export type ApprovalReason = 'listed' | 'reserved_matter';

/** One approval a proposal needs: a council's body (its cabinet, its full council, a joint committee). */
export interface ApprovalFacts {
  orgId: number;
  orgName: string;
  body: string;
  reason: ApprovalReason;
  /** The latest decision recorded for it; a deferral leaves it open. */
  decision: Decision | null;
}

export interface ProposalFacts {
  submitted: boolean;
  withdrawn: boolean;
  applied: boolean;
  /** The date the register changes, ISO (YYYY-MM-DD). */
  effectiveFrom: string;
  /** Whether the councils that approve may go ahead without one that rejects. */
  partialAdoption: boolean;
  approvals: readonly ApprovalFacts[];
  /** The councils whose register rows the proposal changes. */
  changedOrgIds: readonly number[];
}

/** Every approval of one council, so a council adopts only when each of its bodies approved. */
function byCouncil(approvals: readonly ApprovalFacts[]): Map<number, ApprovalFacts[]> {
  const councils = new Map<number, ApprovalFacts[]>();
  for (const approval of approvals)
    councils.set(approval.orgId, [...(councils.get(approval.orgId) ?? []), approval]);
  return councils;
}

const approvedAll = (list: readonly ApprovalFacts[]) => list.every((a) => a.decision === 'approved');
const rejectedAny = (list: readonly ApprovalFacts[]) => list.some((a) => a.decision === 'rejected');
/** A council has decided when each of its bodies approved, or one of them rejected. */
const decided = (list: readonly ApprovalFacts[]) => approvedAll(list) || rejectedAny(list);

/**
 * The councils whose changes take effect, once every council has decided: each council whose
 * register the proposal changes and every one of whose bodies approved. Without partial adoption,
 * one rejection anywhere stops it for all. A council's register never changes without an approval
 * of its own (the service refuses a proposal that changes a council it asks nothing of).
 */
export function adoptingCouncils(p: ProposalFacts): number[] {
  const councils = byCouncil(p.approvals);
  const all = [...councils.values()];
  if (!all.every(decided)) return [];
  if (!p.partialAdoption && !all.every(approvedAll)) return [];
  return [...new Set(p.changedOrgIds)]
    .filter((orgId) => {
      const own = councils.get(orgId);
      return own !== undefined && approvedAll(own);
    })
    .sort((x, y) => x - y);
}

/** The state a reader sees; computed from the facts, never stored or typed in. */
export function proposalState(p: ProposalFacts): ProposalState {
  if (p.withdrawn) return 'withdrawn';
  if (!p.submitted) return 'draft';
  if (p.applied) return 'in_effect';
  const councils = [...byCouncil(p.approvals).values()];
  if (!p.partialAdoption && councils.some(rejectedAny)) return 'rejected';
  if (!councils.every(decided)) return 'awaiting_decisions';
  return adoptingCouncils(p).length > 0 ? 'approved' : 'rejected';
}

/** Whether the register should change now: approved, not yet applied, and its date has come. */
export function isDue(p: ProposalFacts, today: string): boolean {
  return proposalState(p) === 'approved' && p.effectiveFrom <= today;
}

const listOf = (names: readonly string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** What a proposal is waiting for, in words; null when it waits for nothing. */
export function waitingFor(p: ProposalFacts, today: string): string | null {
  const state = proposalState(p);
  if (state === 'approved' && p.effectiveFrom > today) return `It takes effect on ${p.effectiveFrom}.`;
  if (state !== 'awaiting_decisions') return null;
  const open = p.approvals
    .filter((a) => a.decision === null || a.decision === 'deferred')
    .map((a) => `${a.orgName} (${a.body}${a.decision === 'deferred' ? ', deferred' : ''})`);
  const waiting = `Waiting for the decision of ${listOf(open)}.`;
  return p.effectiveFrom <= today
    ? `${waiting} Its effective date, ${p.effectiveFrom}, has passed: the register changes when the last approval is in.`
    : waiting;
}

/** Who records decisions: a council's own people, for their own council only. */
export interface DecisionRecorder {
  /** The organisations the person may record decisions for (their grants' organisations). */
  orgIds: readonly number[];
}

/**
 * Whether `who` may record a decision for `orgId` on a proposal in `state`. Nobody records a
 * decision for another council; decisions are recorded while a proposal awaits them, or to change
 * the record of one that is approved but not yet in effect.
 */
export function mayRecordDecision(
  who: DecisionRecorder,
  orgId: number,
  state: ProposalState,
): { ok: true } | { ok: false; reason: string } {
  if (!who.orgIds.includes(orgId)) {
    return { ok: false, reason: 'Only the council itself records its decision.' };
  }
  if (state !== 'awaiting_decisions' && state !== 'approved') {
    return {
      ok: false,
      reason: `A decision cannot be recorded on a proposal that is ${state.replace('_', ' ')}.`,
    };
  }
  return { ok: true };
}
