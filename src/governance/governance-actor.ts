/**
 * Who may do what with a partnership's proposals. Pure: the proposal service asks these for every
 * caller, whatever page, API or command the request came through.
 *
 * - A partnership administrator (`partnership_admin`, granted at an organisation for a
 *   partnership) keeps the partnership's proposals: drafts them, submits them with the joint
 *   committee's recommendation and withdraws them. Their organisation is the proposal's keeper.
 * - A democratic services officer (`clerk`) records their own council's decisions, and nobody
 *   else's: not even a partnership administrator records a council's decision.
 * - Anyone with a grant at a council reads the drafts and internal proposals that ask that
 *   council's decision; everyone reads what is published (submitted and not internal).
 * - The operator at the command line keeps every partnership's proposals and records no decision.
 */
import type { Principal } from '../platform/index.ts';

export interface GovernanceActor {
  accountId: number | null;
  /** The partnerships whose proposals this person keeps, each with the organisation of the grant. */
  keeps: ReadonlyArray<{ partnershipId: number; orgId: number }>;
  /** The councils whose decisions this person records. */
  clerkOf: readonly number[];
  /** Every organisation this person has a grant at (they read its drafts and internal proposals). */
  orgIds: readonly number[];
  operator?: boolean;
}

export const NOBODY: GovernanceActor = { accountId: null, keeps: [], clerkOf: [], orgIds: [] };

/** The command line's operator: keeps every partnership's proposals, records no council's decision. */
export const OPERATOR: GovernanceActor = { ...NOBODY, operator: true };

export function governanceActorFor(principal: Principal | undefined): GovernanceActor {
  if (!principal) return NOBODY;
  const keeps: Array<{ partnershipId: number; orgId: number }> = [];
  const clerkOf = new Set<number>();
  const orgIds = new Set<number>();
  for (const grant of principal.grants) {
    orgIds.add(grant.orgId);
    if (grant.role === 'partnership_admin' && grant.partnershipId !== null)
      keeps.push({ partnershipId: grant.partnershipId, orgId: grant.orgId });
    else if (grant.role === 'clerk') clerkOf.add(grant.orgId);
  }
  return { accountId: principal.accountId, keeps, clerkOf: [...clerkOf], orgIds: [...orgIds] };
}

/** What the rules need to know of a partnership: its members and their roles, from the register. */
export interface PartnershipReach {
  partnershipId: number;
  members: ReadonlyArray<{ orgId: number; role: string; leftOn: string | null }>;
}

/** A partnership's councils today: its current members, not its vehicles (a joint committee, a company). */
export function currentCouncils<M extends PartnershipReach['members'][number]>(members: readonly M[]): M[] {
  return members.filter((m) => m.leftOn === null && m.role !== 'vehicle');
}

/**
 * The organisation under which `actor` keeps a partnership's proposals, programme, risk log and
 * appraisals (the keeper of what they record), or null when they do not. The operator keeps them
 * under the partnership's first current council.
 */
export function proposalKeeperOrg(actor: GovernanceActor, partnership: PartnershipReach): number | null {
  if (actor.operator) return currentCouncils(partnership.members)[0]?.orgId ?? null;
  return actor.keeps.find((k) => k.partnershipId === partnership.partnershipId)?.orgId ?? null;
}

/** Whether `actor` submits, withdraws and edits the drafts of a proposal kept by `keeperOrgId`. */
export function mayKeepProposal(actor: GovernanceActor, partnershipId: number, keeperOrgId: number): boolean {
  return (
    actor.operator === true ||
    actor.keeps.some((k) => k.partnershipId === partnershipId && k.orgId === keeperOrgId)
  );
}

/** The organisations whose drafts and internal proposals `actor` reads. */
export function readsProposalsOf(actor: GovernanceActor): number[] {
  return [...new Set([...actor.orgIds, ...actor.keeps.map((k) => k.orgId)])];
}
