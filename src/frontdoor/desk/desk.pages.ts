/**
 * The case desk, for officers and contact-centre agents: the queue of the organisations they work
 * for with counts per team (a service at the organisation that handles it), search by reference,
 * postcode or words, and a case with its whole history and the forms to move it on, add a note, or
 * refer it to another organisation. "Take a request" is `desk-intake.pages.ts`, registered here.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseId, parseIntCode } from '../../platform/index.ts';
import { ProblemError, ValidationProblem, badRequest, notFound } from '../../platform/index.ts';
import { requireCsrfToken } from '../../platform/index.ts';
import { brandOf } from '../../platform/index.ts';
import type { CaseStatus } from '../../db/index.ts';
import {
  mayHandleCase,
  mayNoteCase,
  mayReferCase,
  staffCaseActor,
  type CaseActor,
} from '../cases/case-actor.ts';
import { CASE_STATUSES, statusChoices } from '../cases/case-status.ts';
import type { CaseDetail } from '../cases/cases.types.ts';
import { CHANNELS } from '../intake/intake.rules.ts';
import { informationPath } from '../information/service-information.pages.ts';
import { formText, type Form } from '../shared/form-input.ts';
import { deskIntakePages } from './desk-intake.pages.ts';
import { SEARCH_LIMIT } from './queue.service.ts';

const STATES = { open: 'In hand', overdue: 'Overdue', closed: 'Finished', all: 'All' } as const;
type State = keyof typeof STATES;

/** The organisation id in a case's address: one that could exist, or the case is not there. */
function caseOrgId(text: string): number {
  const orgId = parseId(text);
  if (orgId === undefined)
    throw notFound(`There is no case at this address: ${text.slice(0, 40)} is not an organisation.`);
  return orgId;
}

export const deskPages: FastifyPluginAsync = async (app) => {
  const { cases, register, information } = app.services;
  const csrf = requireCsrfToken;
  await app.register(deskIntakePages);

  const deskActor = (request: FastifyRequest): Promise<CaseActor> =>
    staffCaseActor(request.principal, (id) => register.partnershipMemberIds(id));

  async function showCase(
    reply: FastifyReply,
    actor: CaseActor,
    detail: CaseDetail,
    extra: {
      errors?: Record<string, string>;
      values?: Record<string, string>;
      done?: string;
      status?: number;
    } = {},
  ) {
    // The current status first (and chosen), then those the case may move to.
    const choices = statusChoices(detail.status).map((s) => ({
      value: s,
      text: s === detail.status ? `${CASE_STATUSES[s]} (now)` : CASE_STATUSES[s],
    }));
    const active = detail.status !== 'referred' && choices.length > 1;
    const key = {
      orgId: detail.orgId,
      providerOrgId: detail.provider.orgId,
      lgslCode: detail.service.lgslCode,
    };
    const canRefer = mayReferCase(actor, key) && detail.status !== 'referred' && !detail.closedAt;
    const targets = canRefer ? await cases.referralTargets(actor, detail.orgId, detail.reference) : [];
    return reply.code(extra.status ?? 200).page('desk-case.njk', {
      detail,
      channel: CHANNELS[detail.channel],
      brand: brandOf(detail.responsible),
      statusChoices: choices,
      canHandle: mayHandleCase(actor, key) && active,
      canNote: mayNoteCase(actor, key),
      canRefer,
      targets: targets.map((t) => ({ value: String(t.orgId), text: `${t.name} – ${t.why}` })),
      information: await information.of(detail.orgId, detail.service.lgslCode),
      informationHref: actor.mayHandle(detail.orgId, detail.orgId, detail.service.lgslCode)
        ? informationPath(detail.orgId, detail.service.lgslCode)
        : null,
      errors: extra.errors,
      values: extra.values ?? {},
      done: extra.done,
    });
  }

  app.get<{ Querystring: Form }>('/desk', async function showDeskQueues(request, reply) {
    const actor = await deskActor(request);
    const q = request.query;
    // A search without a state looks through every case, finished ones too: a reference is found.
    const asked = formText(q, 'state');
    const state = (
      Object.hasOwn(STATES, asked) ? asked : formText(q, 'q').trim() !== '' ? 'all' : 'open'
    ) as State;
    const lgsl = parseIntCode(formText(q, 'service')) ?? 0;
    const team = parseId(formText(q, 'team')) ?? 0;
    // A filter given but not a code or an organisation names no queue: say so, not show another.
    if (formText(q, 'service').trim() !== '' && lgsl === 0) {
      throw badRequest('The service in the address must be an LGSL service code, like 524.');
    }
    if (formText(q, 'team').trim() !== '' && team === 0) {
      throw badRequest('The team in the address must be the number of an organisation.');
    }
    // A search longer than the service looks for is refused on its field, with what was typed kept.
    const typed = formText(q, 'q').trim();
    const errors =
      typed.length > SEARCH_LIMIT
        ? {
            q: `Find a case must be ${SEARCH_LIMIT} characters or fewer (you entered ${typed.length.toLocaleString('en-GB')})`,
          }
        : undefined;
    const search = errors ? '' : typed;
    const view = await cases.queue(actor, {
      state,
      ...(Number.isInteger(lgsl) && lgsl > 0 ? { lgslCode: lgsl } : {}),
      ...(Number.isSafeInteger(team) && team > 0 ? { providerOrgId: team } : {}),
      ...(search ? { search } : {}),
    });
    const teamName = view.counts.find((c) => c.providerOrgId === team)?.providerName;
    return reply.code(errors ? 400 : 200).page('desk.njk', {
      errors,
      view,
      state,
      states: Object.entries(STATES).map(([value, label]) => ({
        value,
        text: label,
        selected: value === state,
      })),
      search: typed,
      service: Number.isInteger(lgsl) && lgsl > 0 ? lgsl : undefined,
      team: Number.isSafeInteger(team) && team > 0 ? team : undefined,
      teamName,
      canTake: actor.frontDoorOrgs.length > 0,
    });
  });

  app.get<{ Params: { org: string; reference: string }; Querystring: Form }>(
    '/desk/cases/:org/:reference',
    async function showDeskCase(request, reply) {
      const actor = await deskActor(request);
      const detail = await cases.detail(actor, caseOrgId(request.params.org), request.params.reference);
      return showCase(reply, actor, detail, { done: formText(request.query, 'done') || undefined });
    },
  );

  /** Runs a change; on a refusal the case is shown again with the message and what was typed. */
  async function change(
    request: FastifyRequest<{ Params: { org: string; reference: string }; Body: Form }>,
    reply: FastifyReply,
    done: string,
    field: string,
    run: (actor: CaseActor, orgId: number, reference: string, form: Form) => Promise<CaseDetail>,
  ) {
    const actor = await deskActor(request);
    const orgId = caseOrgId(request.params.org);
    const form = request.body ?? {};
    try {
      const detail = await run(actor, orgId, request.params.reference, form);
      return reply.redirect(`/desk/cases/${orgId}/${detail.reference}?done=${done}`, 303);
    } catch (error) {
      const values = Object.fromEntries(Object.keys(form).map((k) => [k, formText(form, k)]));
      if (error instanceof ValidationProblem || (error instanceof ProblemError && error.status === 409)) {
        const errors = error instanceof ValidationProblem ? error.fields : { [field]: error.detail };
        const detail = await cases.detail(actor, orgId, request.params.reference);
        return showCase(reply, actor, detail, { errors, values, status: error.status });
      }
      throw error;
    }
  }

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/status',
    { preHandler: csrf },
    function changeCaseStatus(request, reply) {
      return change(request, reply, 'status', 'status', (actor, orgId, reference, form) => {
        const status = formText(form, 'status');
        if (!Object.hasOwn(CASE_STATUSES, status))
          throw new ValidationProblem({ status: 'Choose the status the case is now at' });
        return cases.changeStatus(actor, orgId, reference, {
          status: status as CaseStatus,
          publicNote: formText(form, 'publicNote'),
          internalNote: formText(form, 'internalNote'),
          expectedVersion: parseIntCode(formText(form, 'version')) ?? 0,
        });
      });
    },
  );

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/notes',
    { preHandler: csrf },
    function addCaseNote(request, reply) {
      return change(request, reply, 'note', 'body', (actor, orgId, reference, form) =>
        cases.addNote(actor, orgId, reference, {
          body: formText(form, 'body'),
          visibility: formText(form, 'visibility') === 'public' ? 'public' : 'internal',
        }),
      );
    },
  );

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/referral',
    { preHandler: csrf },
    function referCase(request, reply) {
      return change(request, reply, 'referred', 'toOrgId', (actor, orgId, reference, form) => {
        const to = parseId(formText(form, 'toOrgId')) ?? 0;
        if (to === 0) {
          throw new ValidationProblem({ toOrgId: 'Choose who the case belongs to' });
        }
        return cases.refer(actor, orgId, reference, {
          toOrgId: to,
          reason: formText(form, 'reason'),
          residentMessage: formText(form, 'residentMessage'),
          expectedVersion: parseIntCode(formText(form, 'version')) ?? 0,
        });
      });
    },
  );
};
