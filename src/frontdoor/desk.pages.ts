/**
 * The case desk, for officers and contact-centre agents: the queue of the organisations they work
 * for with counts per service, search by reference, postcode or words, and a case with its whole
 * history and the forms to move it on, add a note, or refer it to another organisation.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, ValidationProblem, forbidden } from '../platform/errors.ts';
import { brandOf } from '../platform/views/brand.ts';
import type { CaseStatus } from '../db/schema.ts';
import { caseActorFor, type CaseActor } from './case-actor.ts';
import { CASE_STATUSES, refusedMove } from './case-status.ts';
import { CHANNELS, type CaseDetail } from './cases.service.ts';

type Form = Record<string, string | string[] | undefined>;
const text = (form: Form, key: string): string => {
  const value = form[key];
  return (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
};

const STATES = { open: 'In hand', overdue: 'Overdue', closed: 'Finished', all: 'All' } as const;
type State = keyof typeof STATES;

export const deskPages: FastifyPluginAsync = async (app) => {
  const { cases, register } = app.services;
  const csrf = app.csrfProtection ?? ((_req: FastifyRequest, _rep: FastifyReply, done: () => void) => done());

  async function deskActor(request: FastifyRequest): Promise<CaseActor> {
    const principal = request.principal;
    if (!principal) throw new ProblemError(401, 'Sign in required', 'Sign in to see cases.');
    const actor = await caseActorFor(principal, (id) => register.partnershipMemberIds(id));
    if (actor.readOrgs.length === 0) throw forbidden('Your account does not give you access to cases.');
    return actor;
  }

  /** Organisations a case may be referred to: the members of every partnership its council is in. */
  async function referralTargets(orgId: number): Promise<Array<{ value: string; text: string }>> {
    const targets = new Map<number, string>();
    for (const summary of await register.listPartnerships()) {
      const members = await register.partnershipMemberIds(summary.partnershipId);
      if (!members.includes(orgId)) continue;
      const partnership = await register.partnership(summary.slug);
      for (const m of partnership.members) if (m.orgId !== orgId) targets.set(m.orgId, m.name);
    }
    return [...targets]
      .sort(([, a], [, b]) => a.localeCompare(b))
      .map(([value, name]) => ({ value: String(value), text: name }));
  }

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
    const statusChoices = (Object.keys(CASE_STATUSES) as CaseStatus[])
      .filter((s) => refusedMove(detail.status, s) === null)
      .map((s) => ({ value: s, text: CASE_STATUSES[s] }));
    const active = detail.status !== 'referred' && statusChoices.length > 0;
    return reply.code(extra.status ?? 200).page('desk-case.njk', {
      detail,
      channel: CHANNELS[detail.channel],
      brand: brandOf(detail.responsible),
      statusChoices,
      canHandle: actor.mayHandle(detail.orgId, detail.provider.orgId, detail.service.lgslCode) && active,
      canNote: actor.mayNote(detail.orgId, detail.provider.orgId),
      canRefer:
        actor.mayRefer(detail.orgId, detail.provider.orgId) &&
        detail.status !== 'referred' &&
        !detail.closedAt,
      targets: await referralTargets(detail.orgId),
      errors: extra.errors,
      values: extra.values ?? {},
      done: extra.done,
    });
  }

  app.get<{ Querystring: Form }>('/desk', async (request, reply) => {
    const actor = await deskActor(request);
    const q = request.query;
    const state = (text(q, 'state') in STATES ? text(q, 'state') : 'open') as State;
    const lgsl = Number(text(q, 'service'));
    const search = text(q, 'q').trim().slice(0, 100);
    const view = await cases.queue(actor, {
      state,
      ...(Number.isInteger(lgsl) && lgsl > 0 ? { lgslCode: lgsl } : {}),
      ...(search ? { search } : {}),
    });
    return reply.page('desk.njk', {
      view,
      state,
      states: Object.entries(STATES).map(([value, label]) => ({
        value,
        text: label,
        selected: value === state,
      })),
      search,
      service: Number.isInteger(lgsl) && lgsl > 0 ? lgsl : undefined,
    });
  });

  app.get<{ Params: { org: string; reference: string }; Querystring: Form }>(
    '/desk/cases/:org/:reference',
    async (request, reply) => {
      const actor = await deskActor(request);
      const detail = await cases.detail(actor, Number(request.params.org), request.params.reference);
      return showCase(reply, actor, detail, { done: text(request.query, 'done') || undefined });
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
    const orgId = Number(request.params.org);
    const form = request.body ?? {};
    try {
      const detail = await run(actor, orgId, request.params.reference, form);
      return reply.redirect(`/desk/cases/${orgId}/${detail.reference}?done=${done}`, 303);
    } catch (error) {
      const values = Object.fromEntries(Object.keys(form).map((k) => [k, text(form, k)]));
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
    (request, reply) =>
      change(request, reply, 'status', 'status', (actor, orgId, reference, form) => {
        const status = text(form, 'status');
        if (!(status in CASE_STATUSES))
          throw new ValidationProblem({ status: 'Choose the status the case is now at' });
        return cases.changeStatus(actor, orgId, reference, {
          status: status as CaseStatus,
          publicNote: text(form, 'publicNote'),
          internalNote: text(form, 'internalNote'),
          expectedVersion: Number(text(form, 'version')),
        });
      }),
  );

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/notes',
    { preHandler: csrf },
    (request, reply) =>
      change(request, reply, 'note', 'body', (actor, orgId, reference, form) =>
        cases.addNote(actor, orgId, reference, {
          body: text(form, 'body'),
          visibility: text(form, 'visibility') === 'public' ? 'public' : 'internal',
        }),
      ),
  );

  app.post<{ Params: { org: string; reference: string }; Body: Form }>(
    '/desk/cases/:org/:reference/referral',
    { preHandler: csrf },
    (request, reply) =>
      change(request, reply, 'referred', 'toOrgId', (actor, orgId, reference, form) => {
        const to = Number(text(form, 'toOrgId'));
        if (!Number.isInteger(to) || to <= 0) {
          throw new ValidationProblem({ toOrgId: 'Choose who the case belongs to' });
        }
        return cases.refer(actor, orgId, reference, {
          toOrgId: to,
          reason: text(form, 'reason'),
          expectedVersion: Number(text(form, 'version')),
        });
      }),
  );
};
