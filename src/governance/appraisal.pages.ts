/**
 * A partnership's option appraisals as a printable report (`/partnerships/:slug/appraisals`): the
 * outcomes framework, each option's rating against each outcome in words with its score, the
 * totals and ranks, and the shortlist.
 *
 * For the appraisal's keeper, a form per option (`…/appraisals/:id/options/:position`): its rating
 * against each outcome and whether it is shortlisted; the scores and ranks follow from the ratings.
 * The service decides who may; a refused form comes back with the error summary and what was
 * chosen, and nothing written; a revision made from an older reading of the option is refused (409).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  MAX_ID,
  ProblemError,
  ValidationProblem,
  forbidden,
  notFound,
  requireCsrfToken,
} from '../platform/index.ts';
import { governanceActorFor } from './governance-actor.ts';
import { FormBody, formValues, underFields, type Errors, type Values } from './governance-forms.ts';
import { PartnershipSlug } from './proposal.schemas.ts';

const RATING_WORDS = { high: 'High', medium: 'Medium', low: 'Low' } as const;

const DoneQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);
const OptionParams = Type.Object({
  slug: PartnershipSlug,
  id: Type.Integer({ minimum: 1, maximum: MAX_ID }),
  position: Type.Integer({ minimum: 0, maximum: 1000 }),
});

const ratingField = (i: number) => `rating-${i}`;

export const appraisalPages: FastifyPluginAsyncTypebox = async (app) => {
  const { appraisals, register } = app.services;
  const form = { preHandler: [app.requireSignIn, requireCsrfToken] };
  const listHref = (slug: string) => `/partnerships/${encodeURIComponent(slug)}/appraisals`;

  app.get(
    '/partnerships/:slug/appraisals',
    { schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }), querystring: DoneQuery } },
    async (request, reply) => {
      const partnership = await register.partnership(request.params.slug);
      const list = await appraisals.appraisals(partnership.slug, governanceActorFor(request.principal));
      return reply.page('appraisals.njk', {
        title: `Option appraisal – ${partnership.name}`,
        partnership,
        banner: request.query.done === 'revised' ? 'The option’s ratings are saved.' : null,
        appraisals: list.map((a) => ({
          ...a,
          options: a.options.map((o) => ({
            ...o,
            cells: o.ratings.map((r, i) => `${RATING_WORDS[r]} (${o.scores[i]})`),
            href: `${listHref(partnership.slug)}/${a.appraisalId}/options/${o.position}`,
          })),
          shortlist: a.options.filter((o) => o.shortlisted).map((o) => o.name),
        })),
      });
    },
  );

  async function optionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    params: { slug: string; id: number; position: number },
    state: { errors?: Errors; values?: Values } = {},
  ) {
    const partnership = await register.partnership(params.slug);
    const appraisal = (
      await appraisals.appraisals(partnership.slug, governanceActorFor(request.principal))
    ).find((a) => a.appraisalId === params.id);
    const option = appraisal?.options.find((o) => o.position === params.position);
    if (!appraisal || !option)
      throw notFound(`${partnership.name} has no such option in an option appraisal.`);
    if (!appraisal.mayKeep)
      throw forbidden('Only the partnership’s administrator revises its option appraisals.');
    const values: Values = state.values ?? {
      version: option.version,
      shortlisted: option.shortlisted ? 'yes' : 'no',
      ...Object.fromEntries(option.ratings.map((r, i) => [ratingField(i), r])),
    };
    return reply.page('appraisal-option.njk', {
      title: `${option.name} – option appraisal – ${partnership.name}`,
      partnership,
      appraisal,
      option,
      listHref: listHref(partnership.slug),
      action: `${listHref(partnership.slug)}/${appraisal.appraisalId}/options/${option.position}`,
      version: values.version ?? '',
      outcomes: appraisal.outcomes.map((o, i) => ({
        name: ratingField(i),
        legend: o.name + (appraisal.weighted ? ` (weight ${o.weight})` : ''),
        items: (['high', 'medium', 'low'] as const).map((r) => ({
          value: r,
          text: RATING_WORDS[r],
          checked: values[ratingField(i)] === r,
        })),
      })),
      shortlistItems: [
        { value: 'yes', text: 'Yes', checked: values.shortlisted === 'yes' },
        { value: 'no', text: 'No', checked: values.shortlisted === 'no' },
      ],
      errors: state.errors ?? {},
      values,
    });
  }

  app.get(
    '/partnerships/:slug/appraisals/:id/options/:position',
    { preHandler: [app.requireSignIn], schema: { hide: true, params: OptionParams } },
    async (request, reply) => optionPage(request, reply, request.params),
  );

  app.post(
    '/partnerships/:slug/appraisals/:id/options/:position',
    { ...form, schema: { hide: true, params: OptionParams, body: FormBody } },
    async (request, reply) => {
      const { slug, id, position } = request.params;
      const partnership = await register.partnership(slug);
      const appraisal = (await appraisals.appraisals(partnership.slug)).find((a) => a.appraisalId === id);
      const outcomes = appraisal?.outcomes.length ?? 0;
      const fields = Array.from({ length: outcomes }, (_, i) => ratingField(i));
      const values = formValues(request.body, ['version', ...fields, 'shortlisted']);
      const names: Record<string, string> = Object.fromEntries(fields.map((f, i) => [`ratings[${i}]`, f]));
      names.shortlisted = 'shortlisted';
      try {
        await appraisals.reviseOption(governanceActorFor(request.principal), slug, id, position, {
          ratings: fields.map((f) => values[f] ?? ''),
          shortlisted: values.shortlisted === 'yes' ? true : values.shortlisted === 'no' ? false : null,
          version: values.version ?? '',
        });
      } catch (error) {
        if (error instanceof ValidationProblem)
          return optionPage(request, reply.code(400), request.params, {
            errors: underFields(error.fields, names, 'form'),
            values,
          });
        if (error instanceof ProblemError && error.status === 409)
          return optionPage(request, reply.code(409), request.params, {
            errors: { form: error.detail },
            values: { ...values, version: String(error.extensions?.version ?? '') },
          });
        throw error;
      }
      return reply.redirect(`${listHref(slug)}?done=revised`, 303);
    },
  );
};
