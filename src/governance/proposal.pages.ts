/**
 * The pages of proposals that change the register:
 * - `/partnerships/{slug}/proposals`: the partnership's proposals the person may see (everyone sees
 *   those published), each with its state, effective date and what it waits for;
 * - `/proposals/{id}`: one proposal: its summary, state and recommendation, the register changes it
 *   makes (before and after), the approvals it needs with each council's decisions, and the forms
 *   of those who act on it: the council's democratic services officer records the council's
 *   decision, the partnership's administrator submits a draft with the joint committee's
 *   recommendation or withdraws it.
 * Who may see and do what is the governance service's to decide: the forms are shown as the
 * proposal says the person may act, and what is sent is checked by the service, whoever sends it.
 * A refused form comes back with an error summary and everything typed kept, and nothing written.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ProblemError, ValidationProblem, dateFrom, notFound, parseId } from '../platform/index.ts';
import { requireCsrfToken } from '../platform/index.ts';
import { governanceActorFor, proposalKeeperOrg, type GovernanceActor } from './governance-actor.ts';
import type { Decision, ProposalState } from './proposal-rules.ts';
import { PROPOSAL_LIMITS } from './proposal.service.ts';
import { type ApprovalView, type ProposalView } from './proposal.views.ts';

/** The longest text any field of these forms takes at the edge; the service states each field's own limit. */
const EDGE = 10_000;

const SlugParam = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' }),
});
const IdParam = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) });
const DoneQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);
const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const csrf = text(500);
const dateParts = (prefix: string) => ({
  [`${prefix}-day`]: text(10),
  [`${prefix}-month`]: text(10),
  [`${prefix}-year`]: text(10),
});

const DecisionForm = Type.Object(
  {
    _csrf: csrf,
    approval: text(50),
    decision: text(20),
    ...dateParts('decidedOn'),
    minute: text(EDGE),
    paper: text(EDGE),
    notes: text(EDGE),
  },
  { additionalProperties: true },
);
const SubmitForm = Type.Object(
  {
    _csrf: csrf,
    recommendedBy: text(EDGE),
    ...dateParts('recommendedOn'),
    recommendationMinute: text(EDGE),
  },
  { additionalProperties: true },
);
const WithdrawForm = Type.Object({ _csrf: csrf, reason: text(EDGE) }, { additionalProperties: true });

/** Each field of the forms: its words in messages and the longest it may be. */
const FIELDS: Record<string, { label: string; max: number }> = {
  approval: { label: 'The body that decided', max: 50 },
  decision: { label: 'The decision', max: 20 },
  'decidedOn-day': { label: 'The date of the decision', max: 10 },
  'decidedOn-month': { label: 'The date of the decision', max: 10 },
  'decidedOn-year': { label: 'The date of the decision', max: 10 },
  minute: { label: 'The minute reference', max: PROPOSAL_LIMITS.minute },
  paper: { label: 'The paper', max: PROPOSAL_LIMITS.paper },
  notes: { label: 'The notes', max: PROPOSAL_LIMITS.notes },
  recommendedBy: { label: 'The body that recommends it', max: PROPOSAL_LIMITS.body },
  'recommendedOn-day': { label: 'The date of the recommendation', max: 10 },
  'recommendedOn-month': { label: 'The date of the recommendation', max: 10 },
  'recommendedOn-year': { label: 'The date of the recommendation', max: 10 },
  recommendationMinute: { label: 'The minute reference', max: PROPOSAL_LIMITS.minute },
  reason: { label: 'Why it is withdrawn', max: PROPOSAL_LIMITS.reason },
};

/** The order fields appear in on the page, so that the error summary follows the page. */
const FIELD_ORDER = [
  'record-decision',
  'approval',
  'decision',
  'decidedOn-day',
  'minute',
  'paper',
  'notes',
  'submit',
  'recommendedBy',
  'recommendedOn-day',
  'recommendationMinute',
  'withdraw',
  'reason',
];

export const STATE_TAGS: Record<ProposalState, { text: string; classes: string }> = {
  draft: { text: 'Draft', classes: 'govuk-tag--grey' },
  awaiting_decisions: { text: 'Awaiting decisions', classes: '' },
  approved: { text: 'Approved', classes: 'govuk-tag--turquoise' },
  in_effect: { text: 'In effect', classes: 'govuk-tag--green' },
  rejected: { text: 'Rejected', classes: 'govuk-tag--red' },
  withdrawn: { text: 'Withdrawn', classes: 'govuk-tag--orange' },
};

const DECISION_WORDS: Record<Decision, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  deferred: 'Deferred',
};

type Form = Record<string, unknown>;
type Values = Record<string, string>;
type Errors = Record<string, string>;

/** What a form asks of the service: the page's own messages (a date it cannot read), where the
 * service's messages go on the page, and the work. */
interface FormAction {
  pageErrors?: Errors;
  names: Record<string, string>;
  run: () => Promise<unknown>;
}

interface PageState {
  errors?: Errors;
  values?: Values;
}

const isRecord = (value: unknown): value is Form =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a form sent, as text: the first of a repeated field, nothing for anything else. */
function valuesOf(body: unknown, fields: readonly string[]): Values {
  const form = isRecord(body) ? body : {};
  const values: Values = {};
  for (const field of fields) {
    const raw = Array.isArray(form[field]) ? (form[field] as unknown[])[0] : form[field];
    if (typeof raw === 'string') values[field] = raw;
    else if (typeof raw === 'number' || typeof raw === 'boolean') values[field] = String(raw);
  }
  return values;
}

/** The fields a form sent that the edge refused (too long, sent twice), each with its message. */
function edgeErrors(request: FastifyRequest): Errors {
  const issues = (request.validationError as { validation?: unknown } | undefined)?.validation;
  const errors: Errors = {};
  for (const issue of Array.isArray(issues) ? issues : []) {
    const path = String((issue as { instancePath?: unknown }).instancePath ?? '').replace(/^\//, '');
    const field = FIELDS[path];
    if (!field) continue;
    const key = path.replace(/-(month|year)$/, '-day');
    errors[key] =
      (issue as { keyword?: unknown }).keyword === 'maxLength'
        ? `${field.label} must be ${field.max.toLocaleString('en-GB')} characters or fewer`
        : `${field.label} was sent more than once: enter it once`;
  }
  if (Object.keys(errors).length === 0)
    errors.form = 'The form could not be read: reload the page and try again';
  return errors;
}

/** Which part of the request the edge refused, if any: `params`, `body` or `querystring`. */
const refusedPart = (request: FastifyRequest): string | undefined =>
  request.validationError
    ? String((request.validationError as { validationContext?: unknown }).validationContext ?? 'request')
    : undefined;

/** The service's messages under the names of the page's fields, in the order of the page. */
function pageErrors(fields: Record<string, string>, names: Record<string, string>, form: string): Errors {
  const errors: Errors = {};
  for (const [field, message] of Object.entries(fields)) {
    const key = names[field] ?? form;
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  }
  return ordered(errors);
}

const ordered = (errors: Errors): Errors =>
  Object.fromEntries(
    Object.entries(errors).sort(
      ([a], [b]) =>
        (FIELD_ORDER.indexOf(a) + 1 || FIELD_ORDER.length + 1) -
        (FIELD_ORDER.indexOf(b) + 1 || FIELD_ORDER.length + 1),
    ),
  );

const councilKey = (c: { gss: string | null; orgId: number }) => encodeURIComponent(c.gss ?? String(c.orgId));

/** What a proposal waits for, in words, for its row in the list and its page. */
function waitingWords(view: ProposalView): string {
  if (view.waitingFor) return view.waitingFor;
  if (view.state === 'draft') return 'Its submission with the recommendation of the partnership.';
  return 'Nothing.';
}

function reasonWords(a: ApprovalView): string {
  const matters = a.matters.join('; ');
  if (a.reason === 'reserved_matter') return `Reserved matter: ${matters}`;
  return matters ? `Listed; it touches a reserved matter: ${matters}` : 'Listed';
}

function bannerFor(done: string, view: ProposalView): string | null {
  const after =
    view.state === 'in_effect'
      ? ' Every approval is in: the proposal is in effect and the register has changed.'
      : view.state === 'rejected'
        ? ' The proposal is rejected: the register stays as it was.'
        : view.state === 'approved'
          ? ` Every approval is in: ${view.waitingFor ?? 'it takes effect on its date.'}`
          : '';
  if (done === 'drafted')
    return 'The draft is saved. Submit it with the recommendation when the councils are to decide.';
  if (done === 'decision') return `The decision is recorded.${after}`;
  if (done === 'submitted')
    return `The proposal is submitted: the councils it asks can now record their decisions.${after}`;
  if (done === 'withdrawn') return 'The proposal is withdrawn: no decision can be recorded on it.';
  return null;
}

const proposalHref = (id: string) => `/proposals/${encodeURIComponent(id)}`;

export const proposalPages: FastifyPluginAsync = async (app) => {
  const { governance } = app.services;
  const actorOf = (request: FastifyRequest): GovernanceActor => governanceActorFor(request.principal);
  const form = { preHandler: [app.requireSignIn, requireCsrfToken] };

  app.get<{ Params: { slug: string } }>(
    '/partnerships/:slug/proposals',
    { schema: { hide: true, params: SlugParam }, attachValidation: true },
    async function proposalsPage(request, reply) {
      const { slug } = request.params;
      if (refusedPart(request) === 'params')
        throw notFound(`There is no partnership "${String(slug).slice(0, 100)}".`);
      const partnership = await app.services.register.partnership(slug);
      const proposals = await governance.proposals(actorOf(request), slug);
      return reply.page('proposals.njk', {
        title: `Proposals – ${partnership.name}`,
        partnership,
        signedIn: request.principal !== undefined,
        draftHref:
          proposalKeeperOrg(actorOf(request), partnership) === null
            ? null
            : `/partnerships/${encodeURIComponent(slug)}/proposals/new`,
        proposals: proposals.map((p) => ({
          id: p.id,
          href: proposalHref(p.id),
          title: p.title,
          tag: STATE_TAGS[p.state],
          effectiveFrom: p.effectiveFrom,
          waiting: waitingWords(p),
          illustrative: p.illustrative,
          internal: p.internal,
        })),
      });
    },
  );

  /** A proposal's page, with the forms of those who act on it and what a refused form said. */
  async function proposalPage(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    state: PageState = {},
    done = '',
  ) {
    const view = await governance.proposal(actorOf(request), request.params.id);
    const slug = view.partnership.slug;
    const values = state.values ?? {};
    const decidable = view.approvals.filter((a) => view.mayDecideFor.includes(a.council.orgId));
    const codes = [...new Set(view.changes.flatMap((c) => (c.lgslCode === null ? [] : [c.lgslCode])))];
    const errors = ordered(state.errors ?? {});
    return reply.page('proposal.njk', {
      title: view.title,
      view,
      tag: STATE_TAGS[view.state],
      waiting: waitingWords(view),
      banner: bannerFor(done, view),
      listHref: `/partnerships/${encodeURIComponent(slug)}/proposals`,
      registerHref:
        codes.length === 0
          ? null
          : `/partnerships/${encodeURIComponent(slug)}/services?` +
            codes.map((c) => `service=${c}`).join('&'),
      changes: view.changes.map((c) => ({
        council: c.council.name,
        service: c.service,
        lgslCode: c.lgslCode,
        // A pool's own pages are its members' finance officers': the proposal says what changes.
        href:
          c.lgslCode !== null
            ? `/organisations/${councilKey(c.council)}/services/${c.lgslCode}`
            : c.kind === 'join' || c.kind === 'leave'
              ? `/partnerships/${encodeURIComponent(slug)}`
              : null,
        before:
          c.before?.text ?? (c.kind === 'allocation_rule' ? 'No rule recorded' : 'No arrangement recorded'),
        after: c.after.text,
        matters: c.matters,
        adopted: c.adopted === null ? 'Not yet decided' : c.adopted ? 'Yes' : 'No',
      })),
      approvals: view.approvals.map((a) => ({
        council: a.council.name,
        body: a.body.name,
        reason: reasonWords(a),
        decision: a.latest ? DECISION_WORDS[a.latest.decision] : 'Not yet decided',
        decidedOn: a.latest?.decidedOn ?? '',
        minute: a.latest?.minute ?? '',
        history: a.history.map((d) => ({ ...d, decisionWords: DECISION_WORDS[d.decision] })),
      })),
      anyDecision: view.approvals.some((a) => a.history.length > 0),
      decisionForm:
        decidable.length > 0
          ? {
              approvals: decidable.map((a, i) => {
                const value = `${a.council.orgId}:${a.body.bodyId}`;
                return {
                  value,
                  text: `${a.council.name}: ${a.body.name}${a.latest ? ` (${DECISION_WORDS[a.latest.decision].toLowerCase()})` : ''}`,
                  selected: values.approval === undefined ? i === 0 : values.approval === value,
                };
              }),
              decisions: (Object.keys(DECISION_WORDS) as Decision[]).map((d) => ({
                value: d,
                text: DECISION_WORDS[d],
                checked: values.decision === d,
              })),
            }
          : null,
      submitForm: view.mayKeep && view.state === 'draft',
      withdrawForm: view.mayKeep && view.state !== 'in_effect' && view.state !== 'withdrawn',
      limits: PROPOSAL_LIMITS,
      errors,
      values,
    });
  }

  app.get<{ Params: { id: string }; Querystring: { done?: unknown } }>(
    '/proposals/:id',
    { schema: { hide: true, params: IdParam, querystring: DoneQuery }, attachValidation: true },
    async (request, reply) => {
      const part = refusedPart(request);
      if (part === 'params')
        throw notFound(`There is no proposal "${String(request.params.id).slice(0, 40)}".`);
      const done = part === undefined && typeof request.query.done === 'string' ? request.query.done : '';
      return proposalPage(request, reply, {}, done);
    },
  );

  /**
   * Runs a form's work: on success, back to the proposal with its banner (303); a ValidationProblem
   * shows the form again with its messages (400); a proposal that changed meanwhile (409) shows the
   * page with why. Anything else (403, 404) is answered as an error page.
   */
  async function act(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    fields: readonly string[],
    formId: string,
    work: (values: Values) => FormAction,
    done: string,
  ) {
    const part = refusedPart(request);
    if (part === 'params')
      throw notFound(`There is no proposal "${String(request.params.id).slice(0, 40)}".`);
    const values = valuesOf(request.body, fields);
    if (part !== undefined)
      return proposalPage(request, reply.code(400), { errors: edgeErrors(request), values });
    const { pageErrors: own = {}, names, run } = work(values);
    try {
      await run();
    } catch (error) {
      if (error instanceof ValidationProblem) {
        const errors = { ...pageErrors(error.fields, names, formId), ...own };
        return proposalPage(request, reply.code(400), { errors, values });
      }
      if (error instanceof ProblemError && error.status === 409)
        return proposalPage(request, reply.code(409), { errors: { [formId]: error.detail }, values });
      throw error;
    }
    return reply.redirect(`${proposalHref(request.params.id.toLowerCase())}?done=${done}`, 303);
  }

  app.post<{ Params: { id: string } }>(
    '/proposals/:id/decisions',
    { ...form, schema: { hide: true, params: IdParam, body: DecisionForm }, attachValidation: true },
    (request, reply) =>
      act(
        request,
        reply,
        [
          'approval',
          'decision',
          'decidedOn-day',
          'decidedOn-month',
          'decidedOn-year',
          'minute',
          'paper',
          'notes',
        ],
        'record-decision',
        (values): FormAction => {
          // "council:body", as the form's choices are; anything else names no council of the person's.
          const [orgText, bodyText] = (values.approval ?? '').split(':');
          const orgId = parseId(orgText ?? '') ?? 0;
          const bodyId = parseId(bodyText ?? '') ?? 0;
          const date = dateFrom(values, 'decidedOn', 'the date of the decision');
          return {
            pageErrors: date.error ? { 'decidedOn-day': date.error } : {},
            names: {
              bodyId: 'approval',
              orgId: 'approval',
              decision: 'decision',
              decidedOn: 'decidedOn-day',
              minute: 'minute',
              paper: 'paper',
              notes: 'notes',
            },
            run: () =>
              governance.recordDecision(actorOf(request), request.params.id, {
                orgId,
                bodyId,
                decision: values.decision ?? '',
                decidedOn: date.iso,
                minute: values.minute ?? '',
                paper: values.paper ?? '',
                notes: values.notes ?? '',
              }),
          };
        },
        'decision',
      ),
  );

  app.post<{ Params: { id: string } }>(
    '/proposals/:id/submit',
    { ...form, schema: { hide: true, params: IdParam, body: SubmitForm }, attachValidation: true },
    (request, reply) =>
      act(
        request,
        reply,
        [
          'recommendedBy',
          'recommendedOn-day',
          'recommendedOn-month',
          'recommendedOn-year',
          'recommendationMinute',
        ],
        'submit',
        (values): FormAction => {
          const date = dateFrom(values, 'recommendedOn', 'the date of the recommendation');
          return {
            pageErrors: date.error ? { 'recommendedOn-day': date.error } : {},
            names: { by: 'recommendedBy', on: 'recommendedOn-day', minute: 'recommendationMinute' },
            run: () =>
              governance.submit(actorOf(request), request.params.id, {
                by: values.recommendedBy ?? '',
                on: date.iso,
                minute: values.recommendationMinute ?? '',
              }),
          };
        },
        'submitted',
      ),
  );

  app.post<{ Params: { id: string } }>(
    '/proposals/:id/withdraw',
    { ...form, schema: { hide: true, params: IdParam, body: WithdrawForm }, attachValidation: true },
    (request, reply) =>
      act(
        request,
        reply,
        ['reason'],
        'withdraw',
        (values): FormAction => ({
          names: { reason: 'reason' },
          run: () => governance.withdraw(actorOf(request), request.params.id, values.reason ?? ''),
        }),
        'withdrawn',
      ),
  );
};
