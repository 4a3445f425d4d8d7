/**
 * Locality plans as pages. `/partnerships/:slug/localities` lists the partnership's districts with
 * their plan's year, where it was agreed and its commitments counted by state;
 * `/organisations/:key/locality-plan?year=2025-26` is one district's plan: its objectives in order,
 * a table under each of what each tier commits to, with the owner, the measures that show progress
 * and the state in words, a table of the states, and what each measure counts. It prints on A4
 * without its forms.
 *
 * For those the service lets: a commitment's state (radios and a note), the plan's agreement (the
 * district's body, the date and the minute) and a new commitment, each a form on the plan's page.
 * The service decides who may; a refused form comes back on the page with the error summary and
 * everything typed, and nothing written.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  FormBody,
  MAX_ID,
  ValidationProblem,
  badRequest,
  bannerFor,
  dateFrom,
  formValues,
  parseId,
  requireCsrfToken,
  underFields,
} from '../platform/index.ts';
import { localityActorFor } from './locality-actor.ts';
import {
  COMMITMENT_STATES,
  LOCALITY_LIMITS,
  STATES_NEEDING_A_NOTE,
  type PlanView,
} from './locality.service.ts';
import { MEASURES } from './measures.ts';
import { readPeriod } from './periods.ts';

type Values = Record<string, string | string[]>;
type Errors = Record<string, string>;

const OrgKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
const Slug = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });
/** Anything else in the query is ignored; what is read is bounded and checked here. */
const PlanQuery = Type.Object(
  {
    year: Type.Optional(Type.String({ maxLength: 20 })),
    partnership: Type.Optional(Type.String({ maxLength: 100 })),
    done: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: true },
);
const BANNERS: Record<string, string> = {
  state: 'The commitment’s state is saved.',
  agreed: 'The plan’s agreement is recorded.',
  added: 'The commitment is added to the plan.',
};

/** The first of a repeated field as text, or nothing. */
const text = (body: unknown, field: string): string | undefined => formValues(body, [field])[field];

/** Every value of a field that may repeat (checkboxes), as text, at most `max` + 1 of them. */
function texts(body: unknown, field: string, max: number): string[] {
  const form = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const raw = form[field];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((v): v is string => typeof v === 'string').slice(0, max + 1);
}

/** A whole number as typed, or -1 (which names nothing) for anything else. */
const idOf = (value: string | undefined) => parseId((value ?? '').trim()) ?? -1;

/** Which form on the plan's page was sent back with mistakes, and what it held. */
interface FormState {
  form: 'state' | 'agreement' | 'add';
  commitmentId?: number;
  errors: Errors;
  values: Values;
}

export const localityPages: FastifyPluginAsyncTypebox = async (app) => {
  const { localities, register } = app.services;
  const form = { preHandler: [app.requireSignIn, requireCsrfToken] };
  const planHref = (plan: Pick<PlanView, 'district' | 'year' | 'partnership'>) =>
    `/organisations/${encodeURIComponent(plan.district.key)}/locality-plan?year=${encodeURIComponent(plan.year)}` +
    `&partnership=${encodeURIComponent(plan.partnership.slug)}`;

  /** The year a query names, or a 400 saying what is wrong with it. */
  function yearFrom(year: string | undefined): string | undefined {
    if (year === undefined || year.trim() === '') return undefined;
    const reading = readPeriod(year);
    if (!reading.ok) throw badRequest(reading.reason);
    if (reading.period.kind !== 'year')
      throw badRequest('A locality plan is for a financial year, such as 2025-26.');
    return reading.period.id;
  }

  function slugFrom(slug: string | undefined): string | undefined {
    if (slug === undefined || slug === '') return undefined;
    if (!/^[a-z0-9][a-z0-9-]{0,99}$/.test(slug)) throw badRequest('That is not a partnership.');
    return slug;
  }

  async function planPage(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    query: { year?: string; slug?: string; done?: string },
    state?: FormState,
  ) {
    const actor = localityActorFor(request.principal);
    const plan = await localities.plan(actor, key, { year: query.year, slug: query.slug });
    const district = await register.organisation(key);
    const values = state?.values ?? {};
    const base = `/organisations/${encodeURIComponent(plan.district.key)}/locality-plan/${plan.planId}`;
    const mayUpdateAny = plan.objectives.some((o) => o.commitments.some((c) => c.mayUpdate));
    return reply.page('locality-plan.njk', {
      title: `Locality plan ${plan.year} – ${plan.district.name}`,
      brand: district,
      plan,
      banner: bannerFor(BANNERS, query.done),
      localitiesHref: `/partnerships/${encodeURIComponent(plan.partnership.slug)}/localities`,
      reportHref: `/organisations/${encodeURIComponent(district.gss ?? plan.district.key)}/report`,
      yearHrefs: plan.years.map((year) => ({
        year,
        href: planHref({ ...plan, year }),
        current: year === plan.year,
      })),
      stateAction: (commitmentId: number) => `${base}/commitments/${commitmentId}/state`,
      agreementAction: `${base}/agreement`,
      addAction: `${base}/commitments`,
      stateItems: Object.entries(COMMITMENT_STATES).map(([value, label]) => ({ value, text: label })),
      needsNote: STATES_NEEDING_A_NOTE.map((s) => COMMITMENT_STATES[s].toLowerCase()).join(', '),
      catalogue: MEASURES.map((m) => ({ value: m.id, text: m.name })),
      agreedBodyValue: plan.agreement ? String(plan.agreement.bodyId) : '',
      bodyItems: [
        { value: '', text: 'Select a body' },
        ...plan.bodies.map((b) => ({ value: String(b.bodyId), text: b.name })),
      ],
      objectiveItems: [
        { value: '', text: 'Select an objective' },
        ...plan.objectives.map((o) => ({ value: String(o.number), text: `${o.number}. ${o.title}` })),
      ],
      councilItems: [
        { value: '', text: 'Select who commits' },
        ...plan.councils.map((c) => ({ value: String(c.orgId), text: c.name })),
      ],
      limits: LOCALITY_LIMITS,
      mayUpdateAny,
      formState: state ?? null,
      errors: state?.errors ?? {},
      values,
    });
  }

  /** After a refused form: the plan's page again with the form's mistakes, or the error itself. */
  async function refused(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    plan: { year: string; slug: string },
    error: unknown,
    state: Omit<FormState, 'errors'> & { ids: Record<string, string>; fallback: string; own?: Errors },
  ) {
    if (!(error instanceof ValidationProblem)) throw error;
    const errors = underFields({ ...error.fields }, state.ids, state.fallback);
    for (const [id, message] of Object.entries(state.own ?? {})) errors[id] = message;
    const ordered = underFields(
      errors,
      Object.fromEntries(Object.values(state.ids).map((id) => [id, id])),
      state.fallback,
    );
    return planPage(request, reply.code(400), key, plan, { ...state, errors: ordered });
  }

  /** The plan a form was sent for, as the person sees it (a 404 for one that is not there). */
  const planFor = (request: FastifyRequest, key: string, planId: number) =>
    localities.plan(localityActorFor(request.principal), key, { planId });

  app.get(
    '/partnerships/:slug/localities',
    { schema: { hide: true, params: Type.Object({ slug: Slug }), querystring: PlanQuery } },
    async (request, reply) => {
      const year = yearFrom(request.query.year);
      const view = await localities.localities(
        localityActorFor(request.principal),
        request.params.slug,
        year,
      );
      const partnership = await register.partnership(request.params.slug);
      return reply.page('localities.njk', {
        title: `Locality plans – ${view.partnership.name}`,
        partnership,
        view,
        year: year ?? null,
        states: Object.values(COMMITMENT_STATES),
        planHref: (key: string, planYear: string) =>
          `/organisations/${encodeURIComponent(key)}/locality-plan?year=${encodeURIComponent(planYear)}` +
          `&partnership=${encodeURIComponent(view.partnership.slug)}`,
      });
    },
  );

  app.get(
    '/organisations/:key/locality-plan',
    { schema: { hide: true, params: Type.Object({ key: OrgKey }), querystring: PlanQuery } },
    async (request, reply) =>
      planPage(request, reply, request.params.key, {
        year: yearFrom(request.query.year),
        slug: slugFrom(request.query.partnership),
        done: request.query.done,
      }),
  );

  app.post(
    '/organisations/:key/locality-plan/:planId/commitments/:id/state',
    {
      ...form,
      schema: { hide: true, params: Type.Object({ key: OrgKey, planId: Id, id: Id }), body: FormBody },
    },
    async (request, reply) => {
      const { key, planId, id } = request.params;
      const plan = await planFor(request, key, planId);
      const values = { state: text(request.body, 'state') ?? '', note: text(request.body, 'note') ?? '' };
      const at = { year: plan.year, slug: plan.partnership.slug };
      try {
        await localities.updateState(localityActorFor(request.principal), plan.district.orgId, id, values);
      } catch (error) {
        return refused(request, reply, key, at, error, {
          form: 'state',
          commitmentId: id,
          values,
          ids: { state: `c${id}-state`, note: `c${id}-note` },
          fallback: `c${id}-state`,
        });
      }
      return reply.redirect(`${planHref(plan)}&done=state#commitment-${id}`, 303);
    },
  );

  app.post(
    '/organisations/:key/locality-plan/:planId/agreement',
    { ...form, schema: { hide: true, params: Type.Object({ key: OrgKey, planId: Id }), body: FormBody } },
    async (request, reply) => {
      const { key, planId } = request.params;
      const plan = await planFor(request, key, planId);
      const values = Object.fromEntries(
        ['body', 'agreedOn-day', 'agreedOn-month', 'agreedOn-year', 'minute'].map((f) => [
          f,
          text(request.body, f) ?? '',
        ]),
      );
      const date = dateFrom(values, 'agreedOn', 'the date the plan was agreed');
      const at = { year: plan.year, slug: plan.partnership.slug };
      try {
        await localities.recordAgreement(localityActorFor(request.principal), plan.district.orgId, planId, {
          bodyId: idOf(values.body),
          agreedOn: date.iso,
          minute: values.minute ?? '',
        });
      } catch (error) {
        const fields = error instanceof ValidationProblem ? { ...error.fields } : {};
        if (date.error) delete fields.agreedOn;
        return refused(
          request,
          reply,
          key,
          at,
          error instanceof ValidationProblem ? new ValidationProblem(fields) : error,
          {
            form: 'agreement',
            values,
            ids: { bodyId: 'agreement-body', agreedOn: 'agreement-agreedOn-day', minute: 'agreement-minute' },
            fallback: 'agreement-body',
            own: date.error ? { 'agreement-agreedOn-day': date.error } : {},
          },
        );
      }
      return reply.redirect(`${planHref(plan)}&done=agreed#agreement`, 303);
    },
  );

  app.post(
    '/organisations/:key/locality-plan/:planId/commitments',
    { ...form, schema: { hide: true, params: Type.Object({ key: OrgKey, planId: Id }), body: FormBody } },
    async (request, reply) => {
      const { key, planId } = request.params;
      const plan = await planFor(request, key, planId);
      const measures = texts(request.body, 'measures', LOCALITY_LIMITS.measures);
      const values: Values = {
        ...Object.fromEntries(
          ['objective', 'council', 'commitment', 'owner'].map((f) => [f, text(request.body, f) ?? '']),
        ),
        measures,
      };
      const objective = (values.objective as string).trim();
      const at = { year: plan.year, slug: plan.partnership.slug };
      let commitmentId: number;
      try {
        commitmentId = await localities.addCommitment(
          localityActorFor(request.principal),
          plan.district.orgId,
          planId,
          {
            // The page numbers objectives from 1; anything else names none.
            objectivePosition: /^\d{1,4}$/.test(objective) ? Number(objective) - 1 : -1,
            committedOrgId: idOf(values.council as string),
            commitment: values.commitment as string,
            owner: values.owner as string,
            measureIds: measures,
          },
        );
      } catch (error) {
        return refused(request, reply, key, at, error, {
          form: 'add',
          values,
          ids: {
            objectivePosition: 'add-objective',
            committedOrgId: 'add-council',
            commitment: 'add-commitment',
            owner: 'add-owner',
            measureIds: 'add-measures',
          },
          fallback: 'add-objective',
        });
      }
      return reply.redirect(`${planHref(plan)}&done=added#commitment-${commitmentId}`, 303);
    },
  );
};
