/**
 * Who may set a council's targets and enter or import its values. Pure: the measures service asks
 * this for every caller, whatever page, API or command the request came through.
 *
 * - A council's own officer, with a grant that covers every service (targets and values are for
 *   the council as a whole, so an officer kept to some services sets none).
 * - A partnership administrator, for every current member of the partnership the grant names and
 *   for the organisation of the grant.
 * - The operator (command line, demo), for every council.
 * - Nobody else, and nobody for another council: reading is for everyone, as councils publish
 *   their performance.
 */
import type { Principal } from '../platform/index.ts';

export interface MeasuresActor {
  accountId: number | null;
  /** Councils where this person is an officer for every service. */
  officerOf: readonly number[];
  /** Each partnership this person administers, with the organisation of the grant. */
  administers: ReadonlyArray<{ partnershipId: number; orgId: number }>;
  /** The command line and the demo, which keep every council's targets. */
  operator?: boolean;
}

export const NOBODY: MeasuresActor = { accountId: null, officerOf: [], administers: [] };
export const MEASURES_OPERATOR: MeasuresActor = { ...NOBODY, operator: true };

export function measuresActorFor(principal: Principal | undefined): MeasuresActor {
  if (!principal) return NOBODY;
  const officerOf = new Set<number>();
  const administers: Array<{ partnershipId: number; orgId: number }> = [];
  for (const grant of principal.grants) {
    if (grant.role === 'officer' && grant.lgslCodes === null) officerOf.add(grant.orgId);
    if (grant.role === 'partnership_admin' && grant.partnershipId !== null) {
      administers.push({ partnershipId: grant.partnershipId, orgId: grant.orgId });
    }
  }
  return { accountId: principal.accountId, officerOf: [...officerOf], administers };
}

/**
 * Whether `actor` keeps the targets and values of council `orgId`, given the current members of
 * each partnership the actor administers.
 */
export function mayKeepMeasuresOf(
  actor: MeasuresActor,
  orgId: number,
  membersOf: ReadonlyMap<number, readonly number[]>,
): boolean {
  if (actor.operator === true) return true;
  if (actor.accountId === null) return false;
  if (actor.officerOf.includes(orgId)) return true;
  return actor.administers.some(
    (a) => a.orgId === orgId || (membersOf.get(a.partnershipId) ?? []).includes(orgId),
  );
}
