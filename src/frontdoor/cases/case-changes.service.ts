/**
 * What staff do to a case in hand: change its status, write a note (for staff, or a message to
 * the resident), and pause or resume its service-level clock. Each change is checked against the
 * person's grants (`case-actor.ts`) and the status rules (`case-status.ts`), made only at the
 * version the person saw, and written with its history, its audit row and its messages in one
 * transaction.
 */
import { recordAudit } from '../../platform/index.ts';
import { enqueue } from '../../platform/index.ts';
import { ValidationProblem, conflict, forbidden } from '../../platform/index.ts';
import { blankToNull, characters, iso } from '../shared/text.ts';
import { mayHandleCase, mayNoteCase } from './case-actor.ts';
import { stale, type CaseContext } from './case-context.ts';
import { residentMessages } from './case-messages.ts';
import { CASE_STATUSES, isFinished, refusedMove, refusedPause } from './case-status.ts';
import * as repo from './cases.repository.ts';
import type { CasesService } from './cases.types.ts';

/** The longest note on a case (to the resident or for staff), in characters. */
export const NOTE_LIMIT = 4000;

export function createCaseChanges(
  ctx: CaseContext,
): Pick<CasesService, 'changeStatus' | 'addNote' | 'pause' | 'resume'> {
  return {
    changeStatus: (actor, orgId, reference, change) =>
      ctx.withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayHandleCase(actor, row)) {
            throw forbidden('You cannot change the status of this case.');
          }
          if (!Object.hasOwn(CASE_STATUSES, change.status)) {
            throw new ValidationProblem({ status: 'Choose a status from the list' });
          }
          const publicNote = blankToNull(change.publicNote);
          const internalNote = blankToNull(change.internalNote);
          // Each note over its limit is named by its own field.
          const tooLong = {
            ...((publicNote?.length ?? 0) > NOTE_LIMIT
              ? { publicNote: `What to tell the resident must be ${characters(NOTE_LIMIT)}` }
              : {}),
            ...((internalNote?.length ?? 0) > NOTE_LIMIT
              ? { internalNote: `Note for staff must be ${characters(NOTE_LIMIT)}` }
              : {}),
          };
          if (Object.keys(tooLong).length > 0) throw new ValidationProblem(tooLong);
          if (row.version !== change.expectedVersion) throw stale();
          const refused = refusedMove(row.status, change.status);
          if (refused) throw conflict(refused);
          const at = ctx.now();
          const finished = isFinished(change.status);
          const updated = await repo.updateCase(
            tx,
            { orgId: row.orgId, caseId: row.caseId, expectedVersion: change.expectedVersion },
            {
              status: change.status,
              closedAt: finished ? at : null,
              ...(finished ? { pausedAt: null } : {}),
            },
            at,
          );
          if (!updated) throw stale();
          const label = CASE_STATUSES[change.status];
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'status',
              status: change.status,
              body: publicNote ?? `Status changed to ${label.toLowerCase()}.`,
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
            ...(internalNote
              ? [
                  {
                    orgId: row.orgId,
                    caseId: row.caseId,
                    kind: 'note' as const,
                    body: internalNote,
                    visibility: 'internal' as const,
                    accountId: actor.accountId,
                    actorName: actor.name,
                    occurredAt: at,
                  },
                ]
              : []),
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { status: row.status, version: row.version },
            after: { status: change.status, version: row.version + 1 },
          });
          await enqueue(
            tx,
            residentMessages(row.orgId, row, finished ? 'case_closed' : 'case_updated', {
              status: label,
              note: publicNote,
            }),
          );
          return ctx.detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true },
      ),

    addNote: (actor, orgId, reference, note) =>
      ctx.withCase(actor, orgId, reference, async (tx, row) => {
        if (!mayNoteCase(actor, row)) throw forbidden('You cannot add notes to this case.');
        const body = note.body?.trim() ?? '';
        if (body === '') throw new ValidationProblem({ body: 'Enter the note' });
        if (body.length > NOTE_LIMIT)
          throw new ValidationProblem({ body: `Notes must be ${characters(NOTE_LIMIT)}` });
        const at = ctx.now();
        await repo.insertEvents(tx, [
          {
            orgId: row.orgId,
            caseId: row.caseId,
            kind: note.visibility === 'public' ? 'message' : 'note',
            body,
            visibility: note.visibility,
            accountId: actor.accountId,
            actorName: actor.name,
            occurredAt: at,
          },
        ]);
        await recordAudit(tx, {
          orgId: row.orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'case',
          entityKey: row.reference,
          after: { event: note.visibility === 'public' ? 'message' : 'note', visibility: note.visibility },
        });
        if (note.visibility === 'public') {
          await enqueue(tx, residentMessages(row.orgId, row, 'case_message', { message: body }));
        }
        return ctx.detailOf(tx, row);
      }),

    pause: (actor, orgId, reference, pause) =>
      ctx.withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayHandleCase(actor, row)) {
            throw forbidden('You cannot pause this case.');
          }
          const reason = pause.reason?.trim() ?? '';
          if (reason === '')
            throw new ValidationProblem({ reason: 'Say what you are waiting for from the resident' });
          if (reason.length > 2000)
            throw new ValidationProblem({ reason: 'Reason must be 2,000 characters or fewer' });
          if (row.version !== pause.expectedVersion) throw stale();
          const refused = refusedPause(row);
          if (refused) throw conflict(refused);
          const at = ctx.now();
          if (!(await repo.updateCase(tx, { ...row, expectedVersion: row.version }, { pausedAt: at }, at))) {
            throw stale();
          }
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'paused',
              body: `Waiting for information from you: ${reason}`,
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { pausedAt: null, version: row.version },
            after: { pausedAt: at.toISOString(), version: row.version + 1 },
          });
          await enqueue(tx, residentMessages(row.orgId, row, 'case_message', { message: reason }));
          return ctx.detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true },
      ),

    resume: (actor, orgId, reference, expectedVersion) =>
      ctx.withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayHandleCase(actor, row)) {
            throw forbidden('You cannot resume this case.');
          }
          if (row.version !== expectedVersion) throw stale();
          if (row.pausedAt === null) throw conflict('The case is not waiting on the resident.');
          const at = ctx.now();
          const dueAt = await ctx.dueDateAfterPause(tx, { ...row, pausedAt: row.pausedAt }, at);
          if (
            !(await repo.updateCase(
              tx,
              { ...row, expectedVersion: row.version },
              { pausedAt: null, dueAt },
              at,
            ))
          ) {
            throw stale();
          }
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'resumed',
              body: 'We have what we need and are working on it again.',
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { pausedAt: row.pausedAt.toISOString(), dueAt: iso(row.dueAt), version: row.version },
            after: { pausedAt: null, dueAt: iso(dueAt), version: row.version + 1 },
          });
          return ctx.detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true },
      ),
  };
}
