/**
 * The signed-in person as the rest of the application sees them: their account and the roles they
 * hold, each at one organisation (a partnership administrator's also names the partnership, an
 * officer's may be limited to some services). Set on the request by the authentication plugin.
 */
import type { Role } from '../../db/index.ts';

export interface RoleGrant {
  orgId: number;
  role: Role;
  /** The partnership a partnership administrator keeps the register for; null for other roles. */
  partnershipId: number | null;
  /** The LGSL services the grant is limited to; null when it covers every service. */
  lgslCodes: number[] | null;
}

export interface Principal {
  accountId: number;
  email: string;
  displayName: string;
  grants: RoleGrant[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, or undefined for the public. */
    principal?: Principal;
  }
}
