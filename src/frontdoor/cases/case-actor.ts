/**
 * Who is working on cases, in the front door's terms. A case is its responsible organisation's
 * and is handled by its provider's team, so both sides' people see it.
 *
 * - partnership administrator: every current member's cases;
 * - officer: the cases of their organisation, and those it handles for others, limited to the
 *   services of the grant when it names any (for reading as for writing); changes status, writes
 *   notes, refers;
 * - contact-centre agent: takes contacts and opens cases for the organisations they answer for,
 *   sees those organisations' cases (limited to the services of the grant when it names any),
 *   writes notes and refers (the warm hand-off), but leaves status changes to the service's officers;
 * - councillor: no access to cases (they hold residents' personal data); reports come later;
 * - a resident (nobody signed in): opens cases and follows them by reference only.
 *
 * Row-level security keeps each transaction to the organisations in `readOrgs` and `writeOrgs`;
 * the pure rules below (`mayReadCase`, `mayHandleCase`, `mayNoteCase`, `mayReferCase`,
 * `caseScope`) add the services of the grants on top, and every read and write of a case goes
 * through them. A case is reached through its holder (`orgId`), its provider's team, or, for
 * reading only, the front door that took it (`contactOrgId`).
 */
import type { Principal } from '../../platform/index.ts';
import { ProblemError, forbidden } from '../../platform/index.ts';

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
  /**
   * The organisations where the actor's grants name services, with those services: there the
   * actor reads and writes cases of those services only. An organisation not here is not limited
   * (its cases of every service, as far as `readOrgs` and `writeOrgs` reach).
   */
  limits?: ReadonlyMap<number, readonly number[]>;
  /** Whether status may be changed at either side, for the service (organisation-level and service-level). */
  mayHandle(orgId: number, providerOrgId: number, lgslCode: number): boolean;
  /** Whether notes may be written at either side (organisation-level: see `mayNoteCase`). */
  mayNote(orgId: number, providerOrgId: number): boolean;
  /** Whether referrals may be made at either side (organisation-level: see `mayReferCase`). */
  mayRefer(orgId: number, providerOrgId: number): boolean;
}

/** A case as the access rules see it. */
export interface CaseKey {
  /** The organisation that holds it (responsible). */
  orgId: number;
  /** The organisation whose team handles it. */
  providerOrgId: number;
  lgslCode: number;
  /** The organisation whose front door took the contact, when known. */
  contactOrgId?: number | null;
}

/** The services the actor is limited to at an organisation; null when every service. */
export function limitsAt(actor: CaseActor, orgId: number): readonly number[] | null {
  return actor.limits?.get(orgId) ?? null;
}

/** Whether the actor's grants at an organisation cover a service. */
export function coversService(actor: CaseActor, orgId: number, lgslCode: number): boolean {
  const codes = limitsAt(actor, orgId);
  return codes === null || codes.includes(lgslCode);
}

/** The organisations through which a case is reached for writing: its holder and its provider's team. */
const sides = (c: CaseKey): number[] =>
  c.orgId === c.providerOrgId ? [c.orgId] : [c.orgId, c.providerOrgId];

/**
 * Whether the actor may read a case (its resident's details and whole history): through its
 * holder, its provider's team or the front door that took it, where the actor reads and the
 * grants there cover the case's service.
 */
export function mayReadCase(actor: CaseActor, c: CaseKey): boolean {
  return readingOrgs(actor, c).length > 0;
}

/**
 * The organisations through which the actor reads a case, holder first, then provider, then the
 * front door: where a view of it is recorded.
 */
export function readingOrgs(actor: CaseActor, c: CaseKey): number[] {
  const through = [...sides(c), ...(c.contactOrgId != null ? [c.contactOrgId] : [])];
  return [...new Set(through)].filter(
    (o) => actor.readOrgs.includes(o) && coversService(actor, o, c.lgslCode),
  );
}

/** Whether the actor may change the status of a case, pause it or start its clock again. */
export function mayHandleCase(actor: CaseActor, c: CaseKey): boolean {
  return sides(c).some((o) => actor.mayHandle(o, o, c.lgslCode) && coversService(actor, o, c.lgslCode));
}

/** Whether the actor may add a note to a case (or a message to its resident). */
export function mayNoteCase(actor: CaseActor, c: CaseKey): boolean {
  return sides(c).some((o) => actor.mayNote(o, o) && coversService(actor, o, c.lgslCode));
}

/** Whether the actor may refer a case to another organisation. */
export function mayReferCase(actor: CaseActor, c: CaseKey): boolean {
  return sides(c).some((o) => actor.mayRefer(o, o) && coversService(actor, o, c.lgslCode));
}

/** For lists, counts and searches: per organisation read, the services it may be read for (null: all). */
export interface ScopeEntry {
  orgId: number;
  lgslCodes: readonly number[] | null;
}

/**
 * What the actor's lists may hold: the organisations it reads (only `orgIds` of them when given),
 * each with the services it is limited to there. A case is in scope when it is held or handled by
 * one of them, for a service covered there.
 */
export function caseScope(actor: CaseActor, orgIds?: readonly number[]): ScopeEntry[] {
  return actor.readOrgs
    .filter((o) => orgIds === undefined || orgIds.includes(o))
    .map((orgId) => ({ orgId, lgslCodes: limitsAt(actor, orgId) }));
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
  /** Per organisation: null when every service's cases may be read, else the services whose may. */
  const reach = new Map<number, Set<number> | null>();
  const widen = (map: Map<number, Set<number> | null>, orgId: number, codes: number[] | null) => {
    const before = map.get(orgId);
    if (before === null || codes === null || codes.length === 0) map.set(orgId, null);
    else map.set(orgId, new Set([...(before ?? []), ...codes]));
  };
  const allow = (orgId: number, codes: number[] | null) => {
    read.add(orgId);
    handle.add(orgId);
    notes.add(orgId);
    frontDoor.add(orgId);
    widen(services, orgId, codes);
    widen(reach, orgId, codes);
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
      widen(reach, grant.orgId, grant.lgslCodes);
    }
  }
  const either = (set: Set<number>, a: number, b: number) => set.has(a) || set.has(b);
  const limits = new Map<number, readonly number[]>();
  for (const [orgId, codes] of reach)
    if (codes !== null)
      limits.set(
        orgId,
        [...codes].sort((a, b) => a - b),
      );
  return {
    accountId: principal.accountId,
    name: principal.displayName,
    readOrgs: [...read],
    writeOrgs: [...new Set([...handle, ...notes])],
    frontDoorOrgs: [...frontDoor],
    limits,
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
