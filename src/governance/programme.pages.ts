/**
 * A partnership's programme as a page (`/partnerships/:slug/programme`): a timeline of its phases
 * in order, each with its dates, key activities and milestones, and at each go/no-go point every
 * authority's own decision in a table. It reads without colour (every state is in words) and
 * prints on A4 (the forms are left off the printout).
 *
 * The forms on it: a council's democratic services officer records that council's decision at a
 * go/no-go point (one form per point for each council they are clerk of), and the programme's
 * keeper marks a milestone reached. The page shows a form as the service says the person may act;
 * what is sent is checked by the service, whoever sends it. A refused form comes back open, with
 * the error summary and everything typed, and nothing written.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bannerFor, MAX_ID, requireCsrfToken, ValidationProblem } from '../platform/index.ts';
import { governanceActorFor } from './governance-actor.ts';
import {
  FormBody,
  dateFields,
  formValues,
  prefixed,
  underFields,
  type Errors,
  type Values,
} from './governance-forms.ts';
import { dateFrom } from '../platform/index.ts';
import { PartnershipSlug } from './proposal.schemas.ts';
import { GO_NO_GO, type GoNoGo, type ProgrammeView } from './programme.service.ts';

const DECISION_WORDS = { go: 'Go', no_go: 'No-go', deferred: 'Deferred' } as const;

const DoneQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);
const PointParams = Type.Object({
  slug: PartnershipSlug,
  id: Type.Integer({ minimum: 1, maximum: MAX_ID }),
});

/** What a form asks of the service: the page's own messages, where the service's go, and the work. */
interface FormWork {
  pageErrors: Errors;
  names: Record<string, string>;
  run: () => Promise<unknown>;
}

/** The form that was sent and refused: its id on the page, its messages by field, what was typed. */
interface Refused {
  form: string;
  errors: Errors;
  values: Values;
}

const pointForm = (milestoneId: number, orgId: number) => `point-${milestoneId}-${orgId}`;
const milestoneForm = (milestoneId: number) => `milestone-${milestoneId}`;

const BANNERS: Record<string, string> = {
  decision: 'The decision is recorded.',
  reached: 'The milestone is marked as reached.',
};

export const programmePages: FastifyPluginAsyncTypebox = async (app) => {
  const { programmes, register } = app.services;
  const form = { preHandler: [app.requireSignIn, requireCsrfToken] };
  const pageHref = (slug: string) => `/partnerships/${encodeURIComponent(slug)}/programme`;

  async function programmePage(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    refused?: Refused,
    done = '',
  ) {
    const partnership = await register.partnership(slug);
    const list = await programmes.programmes(partnership.slug, governanceActorFor(request.principal));
    const names = new Map(partnership.members.map((m) => [m.orgId, m]));
    const stateOf = (id: string) =>
      refused?.form === id
        ? { open: true, errors: refused.errors, values: refused.values }
        : { open: false, errors: {}, values: {} };
    return reply.page('programme.njk', {
      title: `Programme – ${partnership.name}`,
      partnership,
      banner: bannerFor(BANNERS, done),
      errors: refused ? prefixed(refused.form, refused.errors) : {},
      programmes: list.map((p: ProgrammeView) => ({
        ...p,
        phases: p.phases.map((ph) => ({
          ...ph,
          milestones: ph.milestones.map((m) => ({
            ...m,
            decisions: m.decisions.map((d) => ({
              ...d,
              words: d.decision === null ? 'Not yet decided' : DECISION_WORDS[d.decision],
            })),
            decisionForms: m.mayRecordFor.map((orgId) => {
              const council = names.get(orgId)!;
              const id = pointForm(m.milestoneId, orgId);
              const state = stateOf(id);
              return {
                id,
                ...state,
                council: council.name,
                councilKey: council.gss ?? String(orgId),
                action: `${pageHref(partnership.slug)}/points/${m.milestoneId}/decisions`,
                decisions: GO_NO_GO.map((value: GoNoGo) => ({
                  value,
                  text: DECISION_WORDS[value],
                  checked: state.values.decision === value,
                })),
              };
            }),
            completeForm:
              p.mayKeep && m.status !== 'reached'
                ? {
                    id: milestoneForm(m.milestoneId),
                    ...stateOf(milestoneForm(m.milestoneId)),
                    action: `${pageHref(partnership.slug)}/milestones/${m.milestoneId}/reached`,
                  }
                : null,
          })),
        })),
      })),
    });
  }

  app.get(
    '/partnerships/:slug/programme',
    { schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }), querystring: DoneQuery } },
    async (request, reply) =>
      programmePage(request, reply, request.params.slug, undefined, request.query.done ?? ''),
  );

  /**
   * Runs a form's work: back to the programme with a banner (303) when it is done, or the page
   * again with the form open and its messages (400). Anything else (403, 404) is an error page.
   */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    refusedForm: string,
    values: Values,
    work: () => FormWork,
    done: string,
  ) {
    const { pageErrors, names, run } = work();
    try {
      await run();
    } catch (error) {
      if (!(error instanceof ValidationProblem)) throw error;
      const errors = { ...underFields(error.fields, names, 'form'), ...pageErrors };
      const refused = { form: refusedForm, errors: orderedLike(errors, Object.values(names)), values };
      return programmePage(request, reply.code(400), slug, refused);
    }
    return reply.redirect(`${pageHref(slug)}?done=${done}`, 303);
  }

  app.post(
    '/partnerships/:slug/programme/points/:id/decisions',
    { ...form, schema: { hide: true, params: PointParams, body: FormBody } },
    async (request, reply) => {
      const { slug, id } = request.params;
      const values = formValues(request.body, ['council', 'decision', ...dateFields('decidedOn'), 'minute']);
      const council = await register.organisation(values.council ?? '').catch(() => null);
      // A council that is not there is no council of this person's: the service refuses it.
      const orgId = council?.orgId ?? 0;
      return act(
        request,
        reply,
        slug,
        pointForm(id, orgId),
        values,
        (): FormWork => {
          const date = dateFrom(values, 'decidedOn', 'the date of the decision');
          return {
            pageErrors: date.error ? { 'decidedOn-day': date.error } : {},
            names: { decision: 'decision', decidedOn: 'decidedOn-day', minute: 'minute', orgId: 'form' },
            run: () =>
              programmes.recordGoNoGo(governanceActorFor(request.principal), slug, id, {
                orgId,
                decision: values.decision ?? '',
                decidedOn: date.iso,
                minute: values.minute ?? '',
              }),
          };
        },
        'decision',
      );
    },
  );

  app.post(
    '/partnerships/:slug/programme/milestones/:id/reached',
    { ...form, schema: { hide: true, params: PointParams, body: FormBody } },
    async (request, reply) => {
      const { slug, id } = request.params;
      const values = formValues(request.body, dateFields('completedOn'));
      return act(
        request,
        reply,
        slug,
        milestoneForm(id),
        values,
        (): FormWork => {
          const date = dateFrom(values, 'completedOn', 'the date it was reached');
          return {
            pageErrors: date.error ? { 'completedOn-day': date.error } : {},
            names: { completedOn: 'completedOn-day' },
            run: () =>
              programmes.completeMilestone(governanceActorFor(request.principal), slug, id, {
                completedOn: date.iso,
              }),
          };
        },
        'reached',
      );
    },
  );
};

/** Errors in the order of the page's fields. */
function orderedLike(errors: Errors, order: readonly string[]): Errors {
  const rank = (k: string) =>
    (order.indexOf(k) + 1 || order.length + 1) - (k === 'form' ? order.length + 2 : 0);
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}
