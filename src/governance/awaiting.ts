/**
 * The proposals waiting on one council's own decision: awaiting decisions, with the council's
 * approval not yet given or deferred. Public, as councils publish what is before them; the
 * council's decisions page and its scrutiny view both list them.
 */
import { NOBODY } from './governance-actor.ts';
import type { GovernanceService } from './proposal.service.ts';
import type { ProposalView } from './proposal.views.ts';

export interface AwaitingDecision {
  title: string;
  href: string;
  partnership: string;
}

/** Only this council's approvals of each proposal, so that a page speaks of its decisions alone. */
export const councilOnly = (proposals: readonly ProposalView[], orgId: number): ProposalView[] =>
  proposals.map((p) => ({ ...p, approvals: p.approvals.filter((a) => a.council.orgId === orgId) }));

/** Of proposals already kept to the council's approvals, those waiting on it. */
export const awaitingIn = (proposals: readonly ProposalView[]): AwaitingDecision[] =>
  proposals
    .filter(
      (p) =>
        p.state === 'awaiting_decisions' &&
        p.approvals.some((a) => a.latest === null || a.latest.decision === 'deferred'),
    )
    .map((p) => ({
      title: p.title,
      href: `/proposals/${encodeURIComponent(p.id)}`,
      partnership: p.partnership.name,
    }));

export async function awaitingDecisionsOf(
  governance: Pick<GovernanceService, 'proposalsAsking'>,
  orgId: number,
): Promise<AwaitingDecision[]> {
  return awaitingIn(councilOnly(await governance.proposalsAsking(NOBODY, orgId), orgId));
}
