/**
 * Rules about sessions and API tokens, as pure functions.
 *
 * - A session signs someone in while it has not been ended and has not expired.
 * - A partnership administrator may see and end the sessions of accounts that hold a grant at an
 *   organisation that is a current member of their partnership (or is their own organisation).
 *   The command line (`jointly session`) may see and end every session.
 * - A person may see and revoke their own API tokens; the command line may revoke any.
 */
import type { Principal } from './principal.ts';

export interface SessionState {
  expiresAt: Date;
  endedAt: Date | null;
}

export function sessionIsLive(session: SessionState, now: Date): boolean {
  return session.endedAt === null && session.expiresAt.getTime() > now.getTime();
}

/**
 * The organisations whose people's sessions this person may manage: for each partnership they
 * administer, its current members and their own organisation. Empty for every other role.
 */
export function sessionReach(
  principal: Principal,
  membersOf: ReadonlyMap<number, readonly number[]>,
): Set<number> {
  const reach = new Set<number>();
  for (const grant of principal.grants) {
    if (grant.role !== 'partnership_admin' || grant.partnershipId === null) continue;
    reach.add(grant.orgId);
    for (const member of membersOf.get(grant.partnershipId) ?? []) reach.add(member);
  }
  return reach;
}

/** Whether an account holding grants at `accountOrgs` is within `reach`. */
export function mayManageSessionsOf(reach: ReadonlySet<number>, accountOrgs: readonly number[]): boolean {
  return accountOrgs.some((orgId) => reach.has(orgId));
}

/** The partnerships a person administers (whose members' lists `sessionReach` needs). */
export function administeredPartnerships(principal: Principal): number[] {
  return [
    ...new Set(
      principal.grants.flatMap((g) =>
        g.role === 'partnership_admin' && g.partnershipId !== null ? [g.partnershipId] : [],
      ),
    ),
  ];
}

/** The form of an API token: `jtk_` and 43 characters of base64url (32 random bytes). */
export const API_TOKEN_FORM = /^jtk_[A-Za-z0-9_-]{43}$/;

/** A bearer token from an Authorization header; undefined when there is no such header, null when malformed. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (!match) return null;
  return API_TOKEN_FORM.test(match[1]!) ? match[1]! : null;
}
