/**
 * Who may see and do what with a partnership's costs. Pure: the finance service asks these for
 * every caller, whatever page, API or command the request came through.
 *
 * - A partnership finance lead (`finance_lead`, granted at an organisation for a partnership) keeps
 *   the partnership's pools: runs, issues and corrects recharges, and reads every pool and line.
 * - A finance officer (`finance_officer`) reads the pools its council shares (every line of their
 *   runs, the ledger lines and driver figures behind them) and its council's statement.
 * - A councillor reads its council's statement: its own lines of the runs, with what they were
 *   worked out from; not the other councils' lines.
 * - Nobody else, and nobody signed out, reads anything of a pool.
 * - The operator at the command line acts as every partnership's finance lead.
 */
import type { Principal } from '../platform/index.ts';

export interface FinanceActor {
  accountId: number | null;
  /** The partnerships this person keeps the finances of, each with the organisation of the grant. */
  leads: ReadonlyArray<{ partnershipId: number; orgId: number }>;
  /** Councils whose pools this person's finance officer grant reads. */
  financeOfficerOf: readonly number[];
  /** Councils whose statements this person's councillor grant reads. */
  councillorOf: readonly number[];
  /** The command line's operator: every partnership, as its finance lead. */
  operator?: boolean;
}

/** What the rules need to know of a pool. */
export interface PoolReach {
  partnershipId: number;
  /** The organisation that keeps it (the finance lead's). */
  keeperOrgId: number;
  /** Every council that has ever shared it. */
  memberOrgIds: readonly number[];
  /** The council whose retained costs it is, or null for a shared pool. */
  retainedBy: number | null;
}

export const NOBODY: FinanceActor = { accountId: null, leads: [], financeOfficerOf: [], councillorOf: [] };

/** The command line's operator, who keeps every partnership's finances under `orgId` of each. */
export const OPERATOR: FinanceActor = { ...NOBODY, operator: true };

/** The finance actor of a signed-in person, or NOBODY for the public. */
export function financeActorFor(principal: Principal | undefined): FinanceActor {
  if (!principal) return NOBODY;
  const leads: Array<{ partnershipId: number; orgId: number }> = [];
  const financeOfficerOf = new Set<number>();
  const councillorOf = new Set<number>();
  for (const grant of principal.grants) {
    if (grant.role === 'finance_lead' && grant.partnershipId !== null) {
      leads.push({ partnershipId: grant.partnershipId, orgId: grant.orgId });
    } else if (grant.role === 'finance_officer') financeOfficerOf.add(grant.orgId);
    else if (grant.role === 'councillor') councillorOf.add(grant.orgId);
  }
  return {
    accountId: principal.accountId,
    leads,
    financeOfficerOf: [...financeOfficerOf],
    councillorOf: [...councillorOf],
  };
}

/** The organisation under which `actor` keeps `partnershipId`'s finances, or null when it does not. */
export function financeKeeperOrg(actor: FinanceActor, partnershipId: number): number | null {
  return actor.leads.find((l) => l.partnershipId === partnershipId)?.orgId ?? null;
}

/** Whether `actor` runs, issues and corrects this pool's recharges. */
export function mayKeepPool(actor: FinanceActor, pool: PoolReach): boolean {
  return actor.operator === true || financeKeeperOrg(actor, pool.partnershipId) === pool.keeperOrgId;
}

/** The councils a pool's costs fall on: its members, or the one council whose retained costs they are. */
const chargedCouncils = (pool: PoolReach): readonly number[] =>
  pool.retainedBy === null ? pool.memberOrgIds : [pool.retainedBy];

/** Whether `actor` reads the whole pool: every line of its runs, its ledger lines and figures. */
export function mayReadPool(actor: FinanceActor, pool: PoolReach): boolean {
  if (mayKeepPool(actor, pool) || financeKeeperOrg(actor, pool.partnershipId) !== null) return true;
  return chargedCouncils(pool).some((org) => actor.financeOfficerOf.includes(org));
}

/** Whether `actor` reads `orgId`'s statement: its own lines of the pools it is charged by. */
export function mayReadStatement(
  actor: FinanceActor,
  orgId: number,
  partnershipIds: readonly number[],
): boolean {
  if (actor.operator) return true;
  if (partnershipIds.some((p) => financeKeeperOrg(actor, p) !== null)) return true;
  return actor.financeOfficerOf.includes(orgId) || actor.councillorOf.includes(orgId);
}

/**
 * The lines of a pool's runs `actor` may read: every council's to whoever reads the pool, only
 * its own council's to a councillor, none otherwise.
 */
export function visibleCouncils(actor: FinanceActor, pool: PoolReach): 'all' | readonly number[] {
  if (mayReadPool(actor, pool)) return 'all';
  return chargedCouncils(pool).filter((org) => actor.councillorOf.includes(org));
}

/** Whether `actor` may see anything of finance at all (the pages' menu link, for example). */
export function hasFinanceRole(actor: FinanceActor): boolean {
  return (
    actor.operator === true ||
    actor.leads.length > 0 ||
    actor.financeOfficerOf.length > 0 ||
    actor.councillorOf.length > 0
  );
}
