/**
 * Who may do what with a district's locality plan. Pure: the locality service asks these for every
 * caller, whatever page or command the request came through.
 *
 * - The district's own officers (`officer` or `partnership_admin` granted at the district) and the
 *   administrator of the partnership the plan belongs to set a plan out: the plan, its objectives
 *   and the commitments under them.
 * - A commitment's state is kept by the council that made it (the county for its own commitments
 *   in a district's plan) and by the district whose plan it is, through their officers.
 * - Agreement at a body of the district is recorded by the district's democratic services officer
 *   (`clerk`), who records nothing else in the plan.
 * - Everyone reads every plan: councils publish them.
 * - The operator (command line, demo) sets out every plan and records agreement for the district.
 */
import type { Principal } from '../platform/index.ts';

export interface LocalityActor {
  accountId: number | null;
  grants: ReadonlyArray<{ orgId: number; role: string; partnershipId: number | null }>;
  operator?: boolean;
}

export const LOCALITY_PUBLIC: LocalityActor = { accountId: null, grants: [] };
export const LOCALITY_OPERATOR: LocalityActor = { accountId: null, grants: [], operator: true };

export function localityActorFor(principal: Principal | undefined): LocalityActor {
  if (!principal) return LOCALITY_PUBLIC;
  return {
    accountId: principal.accountId,
    grants: principal.grants.map((g) => ({ orgId: g.orgId, role: g.role, partnershipId: g.partnershipId })),
  };
}

/** The roles that work for their council on a plan; councillors, agents, finance staff and clerks do not. */
const STAFF = new Set(['officer', 'partnership_admin']);

const isStaffAt = (actor: LocalityActor, orgId: number) =>
  actor.grants.some((g) => g.orgId === orgId && STAFF.has(g.role));

/** A plan as the rules see it: the district it belongs to and its partnership. */
export interface PlanReach {
  orgId: number;
  partnershipId: number;
}

/** Whether `actor` sets out the plan: creates it and adds its objectives and commitments. */
export function mayKeepPlan(actor: LocalityActor, plan: PlanReach): boolean {
  return (
    actor.operator === true ||
    isStaffAt(actor, plan.orgId) ||
    actor.grants.some((g) => g.role === 'partnership_admin' && g.partnershipId === plan.partnershipId)
  );
}

/**
 * The council under which `actor` changes a commitment's state (the one that made it, before the
 * district), or null when they may not: the county's officer keeps the county's commitments in a
 * district's plan and none of the district's.
 */
export function commitmentKeeper(
  actor: LocalityActor,
  commitment: { planOrgId: number; committedOrgId: number },
): number | null {
  if (isStaffAt(actor, commitment.committedOrgId)) return commitment.committedOrgId;
  if (actor.operator === true || isStaffAt(actor, commitment.planOrgId)) return commitment.planOrgId;
  return null;
}

/** Whether `actor` records where and when the district agreed its plan. */
export function mayRecordAgreement(actor: LocalityActor, planOrgId: number): boolean {
  return actor.operator === true || actor.grants.some((g) => g.orgId === planOrgId && g.role === 'clerk');
}
