/**
 * Service request updates both ways: the public updates to a jurisdiction's requests, and an
 * update from a client's system (a status change, or a message when the status stays), made
 * through the case service for the organisation that holds the case or handles it for them.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import { withTenant } from '../../db/index.ts';
import { ProblemError } from '../../platform/index.ts';
import type { CasesService } from '../cases/cases.types.ts';
import type { ApiClient } from './api-keys.ts';
import { EXTENDED_STATUS, caseStatusFor } from './open311.catalogue.ts';
import { open311Actor } from './open311.client.ts';
import { w3cDateTime } from './open311.format.ts';
import { holderOf, lastEventId, updateRows } from './open311.repository.ts';
import {
  Open311Error,
  fromProblem,
  type IncomingUpdate,
  type Jurisdiction,
  type Open311Update,
} from './open311.types.ts';

/** The statuses a client may send, for the message that refuses another. */
const TAKEN_STATUSES = Object.values(EXTENDED_STATUS)
  .filter((s, i, all) => s !== 'NOT_COUNCILS_RESPONSIBILITY' && all.indexOf(s) === i)
  .join(', ');

export function createUpdates({ db, cases }: { db: Kysely<DB>; cases: CasesService }) {
  const read = { writeOrgs: [], accountId: null };

  /** Who holds a reference now, among the cases the client's organisation may see (it handles or took). */
  const heldBy = (client: ApiClient, reference: string) =>
    withTenant(db, { ...read, readOrgs: [client.orgId] }, (tx) => holderOf(tx, reference));

  return {
    /** Public updates to the jurisdiction's requests in the window, oldest first. */
    async updates(where: Jurisdiction, start: Date, end: Date, limit: number): Promise<Open311Update[]> {
      const rows = await withTenant(db, { ...read, readOrgs: [where.orgId] }, (tx) =>
        updateRows(tx, where.orgId, start, end, limit),
      );
      return rows.map((r) => ({
        update_id: String(r.event_id),
        service_request_id: r.reference,
        status: EXTENDED_STATUS[r.event_status ?? r.case_status],
        updated_datetime: w3cDateTime(r.occurred_at)!,
        description: r.body,
        media_url: '',
      }));
    },

    /** An update from the client's system: a status change, or a message when the status stays. */
    async receiveUpdate(client: ApiClient, update: IncomingUpdate): Promise<{ update_id: string }> {
      const actor = open311Actor(client);
      const reference = update.serviceRequestId.trim().toUpperCase();
      try {
        const detail = await cases.detail(actor, client.orgId, reference).catch(async (error: unknown) => {
          // The client's organisation may handle the case for the council that holds it, or have taken it.
          if (error instanceof ProblemError && error.status === 404) {
            const holder = await heldBy(client, reference);
            if (holder !== undefined) return cases.detail(actor, holder, reference);
          }
          throw error;
        });
        if (!actor.mayNote(detail.orgId, detail.provider.orgId)) {
          throw new Open311Error(
            403,
            `${detail.responsible.name} holds ${reference}: only it, or whoever handles it for them, may update it`,
          );
        }
        const wanted = caseStatusFor(update.status, detail.status);
        if (wanted === undefined) {
          throw new Open311Error(
            400,
            `status ${update.status} is not one this server takes: use ${TAKEN_STATUSES}`,
          );
        }
        const note = update.description.trim();
        const after =
          wanted === detail.status || (wanted === 'open' && detail.status === 'reopened')
            ? await cases.addNote(actor, detail.orgId, reference, {
                body: note === '' ? 'Update received.' : note,
                visibility: 'public',
              })
            : await cases.changeStatus(actor, detail.orgId, reference, {
                status: wanted,
                ...(note !== '' ? { publicNote: note } : {}),
                expectedVersion: detail.version,
              });
        const eventId = await withTenant(db, { ...read, readOrgs: [after.orgId] }, (tx) =>
          lastEventId(tx, after.orgId, after.caseId),
        );
        return { update_id: String(eventId) };
      } catch (error) {
        if (error instanceof ProblemError) throw fromProblem(error);
        throw error;
      }
    },
  };
}
