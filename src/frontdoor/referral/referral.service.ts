/**
 * Referral: a case that belongs elsewhere goes, with its history, to a partner of the holder, to
 * whoever the register names for its service at its place today, or back to the referrer
 * (`referral-targets.ts`, checked here for every caller). The holder's row becomes `referred`; the
 * receiving organisation gets a row with the same reference (or its own earlier row, reopened)
 * and a copy of the history, in one transaction with both audit rows and the messages.
 *
 * `refer` is long because it is one transaction that must be read in order: check, route, write
 * the receiving row, close this one, copy the history, audit and tell; split, its steps would
 * hide the order the database sees them in.
 */
import { recordAudit } from '../../platform/index.ts';
import { todayInLondon } from '../../platform/index.ts';
import { ProblemError, ValidationProblem, conflict, forbidden } from '../../platform/index.ts';
import { enqueue } from '../../platform/index.ts';
import { withTenant } from '../../db/index.ts';
import { providerInForce, type CouncilRef } from '../../register/index.ts';
import { mayReferCase, type CaseActor } from '../cases/case-actor.ts';
import { stale, type CaseContext } from '../cases/case-context.ts';
import { residentMessages, staffMessage } from '../cases/case-messages.ts';
import { refusedReferralFrom } from '../cases/case-status.ts';
import * as repo from '../cases/cases.repository.ts';
import type { CasesService } from '../cases/cases.types.ts';
import { blankToNull } from '../shared/text.ts';
import { referralTargets, refusedReferral } from './referral-targets.ts';
import { caseToRefer, insertCase, organisationToReceive, type CaseToRefer } from './referral.repository.ts';

export function createReferral(ctx: CaseContext): Pick<CasesService, 'refer' | 'referralTargets'> {
  /** Who the register says answers for a case's service at its place today, or null if it cannot say. */
  async function registerAnswer(row: repo.CaseRow, date: string) {
    const place =
      row.postcode !== null
        ? { postcode: row.postcode }
        : row.lat !== null && row.lon !== null
          ? { lat: row.lat, lon: row.lon }
          : null;
    if (place === null) return null;
    try {
      const answer = await ctx.responsible.find({ service: row.lgslCode, ...place, date });
      const named = (o: { orgId: number; name: string }) => ({ orgId: o.orgId, name: o.name });
      const providerReason = answer.reasons.find((r) => r.rule === 'arrangement' || r.rule === 'default');
      return {
        responsible:
          answer.status === 'resolved' && answer.responsible
            ? [named(answer.responsible)]
            : answer.candidates.map(named),
        provider: answer.provider ? named(answer.provider) : null,
        serviceLabel: row.serviceLabel,
        // Who delivers for the responsible council at this very place (a locality's own
        // arrangement over the council's), for a case referred to that council.
        atPlace:
          answer.status === 'resolved' && answer.responsible && answer.provider && providerReason
            ? {
                responsibleOrgId: answer.responsible.orgId,
                decision: { provider: answer.provider, reason: providerReason },
              }
            : null,
      };
    } catch (error) {
      // A place the register cannot route today leaves the partners (and the referrer).
      if (error instanceof ProblemError && error.status < 500) return null;
      throw error;
    }
  }

  /** A case the actor may refer, and the organisations it may go to. */
  async function referralChoices(actor: CaseActor, orgId: number, reference: string) {
    const date = todayInLondon(ctx.now());
    // The case, its holder's and referrer's names and the holder's partners: one statement.
    const row = await ctx.withCase(
      actor,
      orgId,
      reference,
      async (_tx, found: CaseToRefer) => {
        if (!mayReferCase(actor, found)) throw forbidden('You cannot refer this case.');
        return found;
      },
      { read: (tx, holder, ref) => caseToRefer(tx, holder, ref, date) },
    );
    // Routing reads the register outside the case's transaction (the embedded engine has one connection).
    const register = await registerAnswer(row, date);
    const holder = { orgId: row.orgId, name: row.holderName };
    return {
      row,
      holder,
      register: register && { ...register, date },
      targets: referralTargets({
        holderOrgId: row.orgId,
        partners: row.partners,
        register,
        referredFrom:
          row.referredFromOrgId !== null && row.referrerName !== null
            ? { orgId: row.referredFromOrgId, name: row.referrerName }
            : null,
      }),
    };
  }

  return {
    referralTargets: async (actor, orgId, reference) =>
      (await referralChoices(actor, orgId, reference)).targets,

    async refer(actor, orgId, reference, referral) {
      const reason = referral.reason?.trim() ?? '';
      const residentMessage = blankToNull(referral.residentMessage);
      const problems: Record<string, string> = {};
      if (referral.toOrgId === orgId) {
        problems.toOrgId = 'Choose another organisation: the case is already theirs';
      }
      if (reason === '') problems.reason = 'Say why the case belongs to them';
      else if (reason.length > 2000) problems.reason = 'Reason must be 2,000 characters or fewer';
      if ((residentMessage?.length ?? 0) > 2000) {
        problems.residentMessage = 'The message to the resident must be 2,000 characters or fewer';
      }
      if (Object.keys(problems).length > 0) throw new ValidationProblem(problems);
      const { row: chosen, holder, targets, register } = await referralChoices(actor, orgId, reference);
      const target = await organisationToReceive(ctx.db, referral.toOrgId);
      const refused = refusedReferral(targets, holder, referral.toOrgId, target?.name ?? null);
      if (refused || !target) {
        throw new ValidationProblem({ toOrgId: refused ?? 'Choose an organisation from the list' });
      }
      const targetRef: CouncilRef = {
        orgId: target.org_id,
        name: target.name,
        gss: target.gss_code,
        jurisdiction: target.jurisdiction,
      };
      // Who will deliver for the receiving council, decided before the case's transaction so that
      // its scope takes in that provider, whose team is told. To the council the register names at
      // the case's place: its provider there, area and all; to any other, its arrangement for its
      // whole area.
      const date = register?.date ?? todayInLondon(ctx.now());
      const atPlace = register?.atPlace;
      const decision =
        atPlace && atPlace.responsibleOrgId === target.org_id
          ? atPlace.decision
          : await withTenant(ctx.db, { readOrgs: [target.org_id], writeOrgs: [], accountId: null }, (tx) =>
              providerInForce(tx, targetRef, chosen.lgslCode, date),
            );
      return ctx.withCase(
        actor,
        orgId,
        reference,
        async (tx, row) => {
          if (!mayReferCase(actor, row)) throw forbidden('You cannot refer this case.');
          if (row.version !== referral.expectedVersion) throw stale();
          const refused = refusedReferralFrom(row.status);
          if (refused) throw conflict(refused);
          const at = ctx.now();
          const from = (await ctx.brands(tx, [row.orgId])).get(row.orgId)!;
          const routing = {
            reason: `Referred by ${from.name}: ${reason} ${decision.reason.text}`,
            reasons: [{ rule: 'referral', text: `Referred by ${from.name}: ${reason}` }, decision.reason],
            date,
          };
          // The receiving council's own target where it has one; the resident keeps the due date
          // they were given where it has none.
          const dueAt = (await ctx.dueDate(tx, target.org_id, row.lgslCode, at)) ?? row.dueAt;
          const existing = await repo.caseByReference(tx, target.org_id, row.reference, { forUpdate: true });
          let targetCaseId: number;
          if (existing) {
            // It was theirs before and came here: it goes back to the same case.
            const reopened = await repo.updateCase(
              tx,
              { orgId: existing.orgId, caseId: existing.caseId, expectedVersion: existing.version },
              {
                status: 'reopened',
                providerOrgId: decision.provider.orgId,
                arrangementId: decision.provider.arrangementId,
                dueAt,
                pausedAt: null,
                closedAt: null,
                routing,
                referredFromOrgId: row.orgId,
                referredFromCaseId: row.caseId,
                referredToOrgId: null,
                referredToCaseId: null,
              },
              at,
            );
            if (!reopened) throw stale();
            targetCaseId = existing.caseId;
          } else {
            targetCaseId = await insertCase(tx, {
              orgId: target.org_id,
              reference: row.reference,
              lgslCode: row.lgslCode,
              providerOrgId: decision.provider.orgId,
              arrangementId: decision.provider.arrangementId,
              status: 'open',
              description: row.description,
              postcode: row.postcode,
              lat: row.lat,
              lon: row.lon,
              address: row.address,
              reporterName: row.reporterName,
              reporterEmail: row.reporterEmail,
              reporterPhone: row.reporterPhone,
              channel: row.channel,
              // The front door that took the contact still follows the case, wherever it goes.
              contactOrgId: row.contactOrgId,
              contactId: null,
              routing,
              openedAt: at,
              dueAt,
              referredFromOrgId: row.orgId,
              referredFromCaseId: row.caseId,
              attributes: row.attributes,
              mediaUrl: row.mediaUrl,
            });
          }
          const updated = await repo.updateCase(
            tx,
            { orgId: row.orgId, caseId: row.caseId, expectedVersion: row.version },
            {
              status: 'referred',
              referredToOrgId: target.org_id,
              referredToCaseId: targetCaseId,
              pausedAt: null,
            },
            at,
          );
          if (!updated) throw stale();
          // The receiving organisation gets the history this one wrote (not copies it already had).
          const history = (await repo.caseEvents(tx, row.orgId, row.caseId)).filter(
            (e) => e.copiedFromOrgId === null,
          );
          const already = await repo.caseEvents(tx, target.org_id, targetCaseId);
          const copied = new Set(
            already
              .filter((e) => e.copiedFromOrgId !== null)
              .map((e) => `${e.occurredAt.getTime()}|${e.body}`),
          );
          // The resident is told who has the case now, and the message written for them if any;
          // the reason stays with staff, in both organisations' history.
          const told = `Passed to ${target.name}, who deal with it. Your reference stays the same.${residentMessage ? ` ${residentMessage}` : ''}`;
          await repo.insertEvents(tx, [
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'referred_out',
              status: 'referred',
              body: told,
              visibility: 'public',
              accountId: actor.accountId,
              actorName: actor.name,
              relatedOrgId: target.org_id,
              relatedCaseId: targetCaseId,
              occurredAt: at,
            },
            {
              orgId: row.orgId,
              caseId: row.caseId,
              kind: 'note',
              body: `Referred to ${target.name}: ${reason}`,
              visibility: 'internal',
              accountId: actor.accountId,
              actorName: actor.name,
              occurredAt: at,
            },
            ...history
              .filter((e) => !copied.has(`${e.occurredAt.getTime()}|${e.body}`))
              .map((e) => ({
                orgId: target.org_id,
                caseId: targetCaseId,
                kind: e.kind,
                status: e.status,
                body: e.body,
                visibility: e.visibility,
                accountId: null,
                actorName: e.actorName,
                occurredAt: e.occurredAt,
                copiedFromOrgId: row.orgId,
              })),
            {
              orgId: target.org_id,
              caseId: targetCaseId,
              kind: 'referred_in',
              status: existing ? 'reopened' : 'open',
              body: `Referred by ${from.name}: ${reason}`,
              visibility: 'internal',
              accountId: actor.accountId,
              actorName: actor.name,
              relatedOrgId: row.orgId,
              relatedCaseId: row.caseId,
              occurredAt: at,
            },
          ]);
          await recordAudit(tx, {
            orgId: row.orgId,
            accountId: actor.accountId,
            action: 'update',
            entityType: 'case',
            entityKey: row.reference,
            before: { status: row.status, version: row.version },
            after: { status: 'referred', referredTo: target.org_id },
          });
          await recordAudit(tx, {
            orgId: target.org_id,
            accountId: actor.accountId,
            action: existing ? 'update' : 'create',
            entityType: 'case',
            entityKey: row.reference,
            ...(existing ? { before: { status: existing.status, version: existing.version } } : {}),
            after: { status: existing ? 'reopened' : 'open', referredFrom: row.orgId },
          });
          await enqueue(tx, [
            ...residentMessages(row.orgId, row, 'case_referred', {
              council: target.name,
              message: residentMessage,
            }),
            staffMessage(
              decision.provider.orgId,
              'case_referred_in',
              row.reference,
              `${from.name} referred ${row.reference} (${row.serviceLabel}) to ${target.name}.`,
            ),
          ]);
          return ctx.detailOf(tx, (await repo.caseByReference(tx, row.orgId, row.reference))!);
        },
        { forUpdate: true, extraWriteOrgs: [...new Set([target.org_id, decision.provider.orgId])] },
      );
    },
  };
}
