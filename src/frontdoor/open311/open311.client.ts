/** An Open311 API client in the front door's terms: who it is when it acts, and what it may do. */
import type { ApiClient } from './api-keys.ts';
import type { CaseActor } from '../cases/case-actor.ts';

/** Who posted a request, as its Idempotency-Key (and so its token) records it. */
export const open311Caller = (client: ApiClient): string => `open311:${client.keyId}`;

/** An API client, in the front door's terms: it takes contacts for its organisation and updates what that organisation holds or handles. */
export function open311Actor(client: ApiClient): CaseActor {
  const own = (orgId: number, providerOrgId: number) =>
    orgId === client.orgId || providerOrgId === client.orgId;
  return {
    accountId: null,
    name: client.name,
    readOrgs: [client.orgId],
    writeOrgs: [client.orgId],
    frontDoorOrgs: [client.orgId],
    mayHandle: own,
    mayNote: own,
    mayRefer: () => false,
  };
}
