/**
 * Who is working on cases, in the front door's terms. A case is its responsible organisation's
 * and is handled by its provider's team, so both sides' people see it.
 *
 * - partnership administrator: every current member's cases;
 * - officer: the cases of their organisation, and those it handles for others, limited to the
 *   services of the grant when it names any; changes status, writes notes, refers;
 * - contact-centre agent: takes contacts and opens cases for the organisations they answer for,
 *   sees those organisations' cases, writes notes and refers (the warm hand-off), but leaves
 *   status changes to the service's officers;
 * - councillor: no access to cases (they hold residents' personal data); reports come later;
 * - a resident (nobody signed in): opens cases and follows them by reference only.
 */
import type { Principal } from '../platform/auth/principal.ts';
import { ProblemError, forbidden } from '../platform/errors.ts';

export interface CaseActor {
  accountId: number | null;
  /** The name recorded on what they do. */
  name: string | null;
  /** Organisations whose cases (or cases they provide) may be read. */
  readOrgs: readonly number[];
  /** Organisations whose cases they may write to at all (status, notes, referrals). */
  writeOrgs: readonly number[];
  /** Organisations for whose front door they may take contacts. */
  frontDoorOrgs: readonly number[];
  mayHandle(orgId: number, providerOrgId: number, lgslCode: number): boolean;
  mayNote(orgId: number, providerOrgId: number): boolean;
  mayRefer(orgId: number, providerOrgId: number): boolean;
}

export const RESIDENT: CaseActor = {
  accountId: null,
  name: null,
  readOrgs: [],
  writeOrgs: [],
  frontDoorOrgs: [],
  mayHandle: () => false,
  mayNote: () => false,
  mayRefer: () => false,
};

export async function caseActorFor(
  principal: Principal,
  membersOf: (partnershipId: number) => Promise<number[]>,
): Promise<CaseActor> {
  const read = new Set<number>();
  const handle = new Set<number>();
  const frontDoor = new Set<number>();
  const notes = new Set<number>();
  /** Per organisation: null when every service may be handled, else the services that may. */
  const services = new Map<number, Set<number> | null>();
  const allow = (orgId: number, codes: number[] | null) => {
    read.add(orgId);
    handle.add(orgId);
    notes.add(orgId);
    frontDoor.add(orgId);
    const before = services.get(orgId);
    if (before === null || codes === null || codes.length === 0) services.set(orgId, null);
    else services.set(orgId, new Set([...(before ?? []), ...codes]));
  };
  for (const grant of principal.grants) {
    if (grant.role === 'partnership_admin' && grant.partnershipId !== null) {
      for (const member of await membersOf(grant.partnershipId)) allow(member, null);
      allow(grant.orgId, null);
    } else if (grant.role === 'officer') {
      allow(grant.orgId, grant.lgslCodes);
    } else if (grant.role === 'agent') {
      read.add(grant.orgId);
      notes.add(grant.orgId);
      frontDoor.add(grant.orgId);
    }
  }
  const either = (set: Set<number>, a: number, b: number) => set.has(a) || set.has(b);
  return {
    accountId: principal.accountId,
    name: principal.displayName,
    readOrgs: [...read],
    writeOrgs: [...new Set([...handle, ...notes])],
    frontDoorOrgs: [...frontDoor],
    mayHandle(orgId, providerOrgId, lgslCode) {
      return [orgId, providerOrgId].some((o) => {
        if (!handle.has(o)) return false;
        const codes = services.get(o);
        return codes === null || (codes?.has(lgslCode) ?? false);
      });
    },
    mayNote: (orgId, providerOrgId) => either(notes, orgId, providerOrgId),
    mayRefer: (orgId, providerOrgId) => either(notes, orgId, providerOrgId),
  };
}

/**
 * The case actor of someone signed in who works on cases (staff of at least one organisation);
 * refuses anyone signed out (401) and anyone whose roles give no access to cases (403).
 */
export async function staffCaseActor(
  principal: Principal | undefined,
  membersOf: (partnershipId: number) => Promise<number[]>,
): Promise<CaseActor> {
  if (!principal) throw new ProblemError(401, 'Sign in required', 'Sign in to see cases.');
  const actor = await caseActorFor(principal, membersOf);
  if (actor.readOrgs.length === 0) throw forbidden('Your account does not give you access to cases.');
  return actor;
}
