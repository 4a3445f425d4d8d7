/**
 * Intake: a contact on any channel opens a case for the organisation responsible for the service
 * at the place on the day (the register's answer), handled by the provider under the arrangement
 * in force, in one transaction with its first events, messages, audit row and Idempotency-Key
 * answer. A place that could be more than one council's opens nothing and asks which.
 */
import { withSystem, withTenant } from '../../db/index.ts';
import type { CaseStatus } from '../../db/index.ts';
import { ProblemError, ValidationProblem, forbidden } from '../../platform/index.ts';
import { isDuplicateKey, requestHash, storedAnswer, type IdempotentRequest } from '../../platform/index.ts';
import { todayInLondon } from '../../platform/index.ts';
import { assignCasePrefixes } from '../../register/index.ts';
import type { ResponsibleAnswer } from '../../register/index.ts';
import type { CaseActor } from '../cases/case-actor.ts';
import type { CaseContext } from '../cases/case-context.ts';
import { residentMessages, staffMessage } from '../cases/case-messages.ts';
import { CASE_STATUSES } from '../cases/case-status.ts';
import * as repo from '../cases/cases.repository.ts';
import type { CasesService } from '../cases/cases.types.ts';
import { blankToNull, iso } from '../shared/text.ts';
import { openCase } from './intake.repository.ts';
import { CHANNELS, checkIntake, notCovered, type IntakeInput, type IntakeResult } from './intake.rules.ts';

/** Raised inside intake's transaction for a council that has no reference prefix yet. */
class NoCasePrefix extends Error {}

export function createIntake(ctx: CaseContext): Pick<CasesService, 'intake'> {
  /** The stored answer to a repeated request, where routing now gives another answer. */
  const answered = async (request: IdempotentRequest | undefined, frontDoorOrgId?: number) =>
    request && (await storedAnswer<IntakeResult>(ctx.db, request, frontDoorOrgId))?.response;

  async function intake(
    actor: CaseActor,
    input: IntakeInput,
    idempotency?: Omit<IdempotentRequest, 'body'>,
  ): Promise<IntakeResult> {
    const problems = checkIntake(input);
    if (Object.keys(problems).length > 0) throw new ValidationProblem(problems);
    if (input.frontDoorOrgId !== undefined && !actor.frontDoorOrgs.includes(input.frontDoorOrgId)) {
      throw forbidden('You cannot take contacts for that organisation.');
    }
    const request: IdempotentRequest | undefined = idempotency && { ...idempotency, body: input };
    const openedAt = ctx.now();
    const date = todayInLondon(openedAt);
    let answer: ResponsibleAnswer;
    try {
      answer = await ctx.responsible.find({
        service: input.lgslCode,
        ...(input.postcode !== undefined ? { postcode: input.postcode } : {}),
        ...(input.lat !== undefined && input.lon !== undefined ? { lat: input.lat, lon: input.lon } : {}),
        ...(input.chooseOrgId !== undefined ? { choose: input.chooseOrgId } : {}),
        date,
      });
    } catch (error) {
      const stored = await answered(request);
      if (stored) return stored;
      throw error;
    }
    if (answer.status === 'ambiguous') {
      const ambiguous: IntakeResult = {
        outcome: 'ambiguous',
        reason: answer.reason,
        candidates: answer.candidates,
        answer,
      };
      return (await answered(request)) ?? ambiguous;
    }
    if (answer.coverage && !answer.coverage.covered) {
      const stored = await answered(request);
      if (stored) return stored;
      throw notCovered(answer);
    }
    const owner = answer.responsible!;
    const provider = answer.provider!;
    const frontDoor = input.frontDoorOrgId ?? owner.orgId;
    // The provider's team is told of a new case in its own outbox, so intake writes for it too.
    const scope = {
      readOrgs: [owner.orgId, frontDoor],
      writeOrgs: [owner.orgId, frontDoor, provider.orgId],
      accountId: actor.accountId,
    };

    // A repeated Idempotency-Key is found when its answer is written (the statement fails and
    // nothing is kept), so a first request pays no extra look-up.
    const create = () =>
      withTenant(ctx.db, scope, async (tx) => {
        const orgs = await repo.caseOrganisations(tx, [owner.orgId, provider.orgId]);
        const prefix = orgs.get(owner.orgId)?.casePrefix;
        if (!prefix) throw new NoCasePrefix();
        const dueAt = await ctx.dueDate(tx, owner.orgId, input.lgslCode, openedAt);
        const resolution = input.resolvedAtFirstContact ? blankToNull(input.resolution) : null;
        const reporterEmail = blankToNull(input.reporterEmail)?.toLowerCase() ?? null;
        const reporterPhone = blankToNull(input.reporterPhone);
        const accessPoint = blankToNull(input.accessPoint);
        const label = answer.service!.label;
        const status: CaseStatus = resolution !== null ? 'closed' : 'open';
        // The reference is given by the database as the case is written: '' stands for it here.
        const result: Extract<IntakeResult, { outcome: 'opened' }> = {
          outcome: 'opened',
          case: {
            reference: '',
            status,
            statusLabel: CASE_STATUSES[status],
            service: { lgslCode: input.lgslCode, label },
            responsible: orgs.get(owner.orgId)!.brand,
            provider: orgs.get(provider.orgId)!.brand,
            openedAt: openedAt.toISOString(),
            dueAt: iso(dueAt),
            closedAt: resolution !== null ? openedAt.toISOString() : null,
          },
        };
        const contacted = { reference: '', reporterEmail, reporterPhone };
        const about = { service: label, council: owner.name };
        const handledBy =
          provider.orgId === owner.orgId ? '' : ` ${provider.name} deals with it on ${owner.name}’s behalf.`;
        const by = { accountId: actor.accountId, actorName: actor.name, occurredAt: openedAt };
        const opened = await openCase(tx, {
          contact: {
            orgId: frontDoor,
            channel: input.channel,
            accessPoint,
            accountId: actor.accountId,
            residentName: blankToNull(input.reporterName),
            residentEmail: reporterEmail,
            residentPhone: reporterPhone,
            receivedAt: openedAt,
            ...(resolution !== null ? { resolvedAtFirstContact: true, notes: resolution } : {}),
          },
          prefix,
          year: Number(date.slice(0, 4)),
          case: {
            orgId: owner.orgId,
            lgslCode: input.lgslCode,
            providerOrgId: provider.orgId,
            arrangementId: provider.arrangementId,
            status,
            description: input.description.trim(),
            // A full postcode, or the part of one the person gave (kept with the street they named).
            postcode:
              answer.place?.postcode ??
              (answer.place?.kind === 'outcode' || answer.place?.kind === 'sector'
                ? answer.place.query
                : null),
            lat: input.lat ?? answer.place?.lat ?? null,
            lon: input.lon ?? answer.place?.lon ?? null,
            address: blankToNull(input.address),
            reporterName: blankToNull(input.reporterName),
            reporterEmail,
            reporterPhone,
            channel: input.channel,
            contactOrgId: frontDoor,
            routing: { reason: answer.reason, reasons: answer.reasons, date },
            openedAt,
            dueAt,
            ...(resolution !== null ? { closedAt: openedAt } : {}),
            ...(input.attributes ? { attributes: input.attributes } : {}),
            ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
          },
          events: [
            {
              kind: 'opened',
              status: 'open',
              body: `${label}: received by ${CHANNELS[input.channel].toLowerCase()}${accessPoint ? ` at ${accessPoint}` : ''} for ${owner.name}.${handledBy}`,
              visibility: 'public',
              ...by,
            },
            ...(resolution !== null
              ? [
                  {
                    kind: 'resolved_at_first_contact' as const,
                    status: 'closed' as const,
                    body: `Dealt with when you got in touch: ${resolution}`,
                    visibility: 'public' as const,
                    ...by,
                  },
                ]
              : []),
          ],
          messages:
            resolution !== null
              ? // Nothing is left for the service's team: the resident is told what was done.
                residentMessages(owner.orgId, contacted, 'case_closed', {
                  ...about,
                  status: CASE_STATUSES.closed,
                  note: resolution,
                })
              : [
                  ...residentMessages(owner.orgId, contacted, 'case_received', about),
                  staffMessage(provider.orgId, 'case_assigned', '', `New ${label} case for ${owner.name}.`),
                ],
          audit: {
            accountId: actor.accountId,
            after: {
              status,
              lgslCode: input.lgslCode,
              providerOrgId: provider.orgId,
              channel: input.channel,
              frontDoorOrgId: frontDoor,
              by: actor.name,
            },
          },
          ...(request?.key !== undefined
            ? {
                answer: {
                  caller: request.caller,
                  key: request.key,
                  requestHash: requestHash(request.body),
                  statusCode: 201,
                  response: result,
                },
              }
            : {}),
        });
        result.case.reference = opened.reference;
        return result;
      });

    try {
      try {
        return await create();
      } catch (error) {
        if (!(error instanceof NoCasePrefix)) throw error;
        // A council new to the register has no prefix for its references yet: give every such
        // council one (as the owner of the schema), then open the case.
        await withSystem(ctx.db, (tx) => assignCasePrefixes(tx));
        return await create();
      }
    } catch (error) {
      // A repeated key (or two requests with one key at once): the answer stored with the first.
      if (request && (isDuplicateKey(error) || error instanceof ProblemError)) {
        const stored = await answered(request, frontDoor);
        if (stored) return stored;
      }
      throw error;
    }
  }

  return { intake };
}
