/**
 * Who is asking, in the register's terms: the organisations whose private records (an arrangement's
 * internal notes; the register's facts are public to everyone) they may read, whose arrangements
 * they may write, and which services they may change. Row-level security and column grants enforce
 * the read and write sets in the database; `mayChange` adds the service scope of an officer's grant.
 *
 * - partnership administrator: reads and writes the arrangements of every current member of their
 *   partnership (they keep the partnership's register on the members' behalf), and defines the
 *   partnership's own areas (`partnership-areas.ts`);
 * - officer: reads and writes their own organisation's, limited to the services of the grant when it
 *   names any;
 * - councillor: reads their own council's; changes nothing;
 * - contact-centre agent: reads the organisations they answer for; changes nothing.
 */
import type { FastifyRequest } from 'fastify';
import { ProblemError } from '../platform/index.ts';
import type { Principal } from '../platform/index.ts';
import { PUBLIC_ACTOR, type Actor } from './register.service.ts';

export async function actorForPrincipal(
  principal: Principal,
  membersOf: (partnershipId: number) => Promise<number[]>,
): Promise<Actor> {
  const read = new Set<number>();
  const write = new Set<number>();
  /** Per organisation: null when every service may be changed, else the services that may. */
  const services = new Map<number, Set<number> | null>();
  const allow = (orgId: number, codes: number[] | null) => {
    write.add(orgId);
    const before = services.get(orgId);
    if (before === null || codes === null || codes.length === 0) services.set(orgId, null);
    else services.set(orgId, new Set([...(before ?? []), ...codes]));
  };

  const keepsRegisterOf: Array<{ partnershipId: number; orgId: number }> = [];

  for (const grant of principal.grants) {
    read.add(grant.orgId);
    if (grant.role === 'partnership_admin' && grant.partnershipId !== null) {
      keepsRegisterOf.push({ partnershipId: grant.partnershipId, orgId: grant.orgId });
      for (const member of await membersOf(grant.partnershipId)) {
        read.add(member);
        allow(member, null);
      }
      allow(grant.orgId, null);
    } else if (grant.role === 'officer') {
      allow(grant.orgId, grant.lgslCodes);
    }
  }

  return {
    scope: { readOrgs: [...read], writeOrgs: [...write], accountId: principal.accountId },
    accountId: principal.accountId,
    keepsRegisterOf,
    mayChange(orgId, lgslCode) {
      if (!write.has(orgId)) return false;
      const codes = services.get(orgId);
      return codes === null || (codes?.has(lgslCode) ?? false);
    },
  };
}

/** The actor for a request: the public when nobody is signed in (unless sign-in is required). */
export async function actorFor(
  request: FastifyRequest,
  options: { requireSignIn?: boolean } = {},
): Promise<Actor> {
  const principal = request.principal;
  if (!principal) {
    if (options.requireSignIn) throw new ProblemError(401, 'Sign in required', 'Sign in to do that.');
    return PUBLIC_ACTOR;
  }
  const { register } = request.server.services;
  return actorForPrincipal(principal, (partnershipId) => register.partnershipMemberIds(partnershipId));
}
