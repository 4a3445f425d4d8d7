/**
 * A partnership's risk log as a page (`/partnerships/:slug/risks`): the residual risks on a heat map
 * of likelihood and impact, the same counts as a table, a sentence saying what it shows, and every
 * risk with its scores, owner, treatment, bearer and reviews (overdue reviews said in words).
 *
 * For the log's keeper, two forms: a new risk (`/partnerships/:slug/risks/new`) and a risk's review
 * (`/partnerships/:slug/risks/:id/review`). The service decides who may; a refused form comes back
 * with the error summary and everything typed, and nothing written. A review made from an older
 * reading of the risk than what is now recorded is refused (409) and shows what is recorded now.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  parseId,
  bannerFor,
  forbidden,
  heatMapChartSvg,
  MAX_ID,
  notFound,
  todayInLondon,
  requireCsrfToken,
  ProblemError,
  ValidationProblem,
} from '../platform/index.ts';
import { governanceActorFor } from './governance-actor.ts';
import {
  FormBody,
  dateFields,
  dateValues,
  formValues,
  underFields,
  wholeNumber,
  type Errors,
  type Values,
} from './governance-forms.ts';
import { dateFrom } from '../platform/index.ts';
import { PartnershipSlug } from './proposal.schemas.ts';
import { RISK_BANDS, RISK_LIMITS, TREATMENTS, type RiskView } from './risk.service.ts';

const DoneQuery = Type.Object(
  { done: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);
const RiskParams = Type.Object({ slug: PartnershipSlug, id: Type.Integer({ minimum: 1, maximum: MAX_ID }) });

const BANNERS: Record<string, string> = {
  added: 'The risk is added to the log.',
  reviewed: 'The review is saved.',
};

const SCORE_FIELDS = ['inherentLikelihood', 'inherentImpact', 'residualLikelihood', 'residualImpact'];
const REVIEW_FIELDS = [
  'version',
  ...dateFields('reviewedOn'),
  ...SCORE_FIELDS,
  'treatment',
  'treatmentNotes',
  'owner',
  ...dateFields('nextReviewOn'),
];
const NEW_FIELDS = [
  'title',
  'description',
  'owner',
  'bearer',
  ...SCORE_FIELDS,
  'treatment',
  'treatmentNotes',
  ...dateFields('lastReviewedOn'),
  ...dateFields('nextReviewOn'),
  'internal',
];

/** Where the service's messages about a review go on its page, in the page's order. */
const REVIEW_NAMES = {
  reviewedOn: 'reviewedOn-day',
  'inherent.likelihood': 'inherentLikelihood',
  'inherent.impact': 'inherentImpact',
  'residual.likelihood': 'residualLikelihood',
  'residual.impact': 'residualImpact',
  treatment: 'treatment',
  treatmentNotes: 'treatmentNotes',
  owner: 'owner',
  nextReviewOn: 'nextReviewOn-day',
};
const NEW_NAMES = {
  title: 'title',
  description: 'description',
  owner: 'owner',
  bearerOrgId: 'bearer',
  inherent: 'inherentLikelihood',
  residual: 'residualLikelihood',
  treatment: 'treatment',
  treatmentNotes: 'treatmentNotes',
  lastReviewedOn: 'lastReviewedOn-day',
  nextReviewOn: 'nextReviewOn-day',
};

const scoresOf = (values: Values) => ({
  inherent: {
    likelihood: wholeNumber(values.inherentLikelihood),
    impact: wholeNumber(values.inherentImpact),
  },
  residual: {
    likelihood: wholeNumber(values.residualLikelihood),
    impact: wholeNumber(values.residualImpact),
  },
});

/** A review form as it opens: what is recorded, and today as the date of the review. */
function reviewValues(risk: RiskView): Values {
  return {
    version: risk.version,
    ...dateValues('reviewedOn', todayInLondon()),
    inherentLikelihood: String(risk.inherent.likelihood),
    inherentImpact: String(risk.inherent.impact),
    residualLikelihood: String(risk.residual.likelihood),
    residualImpact: String(risk.residual.impact),
    treatment: risk.treatment,
    treatmentNotes: risk.treatmentNotes,
    owner: risk.owner,
  };
}

export const riskPages: FastifyPluginAsyncTypebox = async (app) => {
  const { risks, register } = app.services;
  const form = { preHandler: [app.requireSignIn, requireCsrfToken] };
  const signedIn = { preHandler: [app.requireSignIn] };
  const logHref = (slug: string) => `/partnerships/${encodeURIComponent(slug)}/risks`;

  /** The risk `id` of the log as the person sees it, if they may review it. */
  async function reviewable(request: FastifyRequest, slug: string, id: number) {
    const partnership = await register.partnership(slug);
    const risk = (await risks.riskLog(governanceActorFor(request.principal), slug)).risks.find(
      (r) => r.riskId === id,
    );
    if (!risk) throw notFound(`${partnership.name}’s risk log has no risk ${id}.`);
    if (!risk.mayReview)
      throw forbidden('Only the partnership’s administrator reviews the risks in its log.');
    return { partnership, risk };
  }

  async function reviewPage(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    id: number,
    state: { errors?: Errors; values?: Values } = {},
  ) {
    const { partnership, risk } = await reviewable(request, slug, id);
    const values = state.values ?? reviewValues(risk);
    return reply.page('risk-review.njk', {
      title: `Review the risk – ${partnership.name}`,
      partnership,
      risk,
      logHref: logHref(partnership.slug),
      action: `${logHref(partnership.slug)}/${risk.riskId}/review`,
      version: values.version ?? '',
      treatments: TREATMENTS,
      limits: RISK_LIMITS,
      errors: state.errors ?? {},
      values,
    });
  }

  async function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    state: { errors?: Errors; values?: Values } = {},
  ) {
    const partnership = await register.partnership(slug);
    const log = await risks.riskLog(governanceActorFor(request.principal), slug);
    if (!log.mayAdd) throw forbidden('Only the partnership’s administrator keeps its risk log.');
    const values = state.values ?? {};
    return reply.page('risk-new.njk', {
      title: `Add a risk – ${partnership.name}`,
      partnership,
      logHref: logHref(partnership.slug),
      action: `${logHref(partnership.slug)}/new`,
      bearers: [
        { value: '', text: 'The partnership as a whole', selected: !values.bearer },
        ...partnership.members.map((m) => ({
          value: String(m.orgId),
          text: m.name,
          selected: values.bearer === String(m.orgId),
        })),
      ],
      treatments: TREATMENTS,
      limits: RISK_LIMITS,
      errors: state.errors ?? {},
      values: { ...values, internal: values.internal === 'yes' ? ['yes'] : [] },
    });
  }

  app.get(
    '/partnerships/:slug/risks',
    { schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }), querystring: DoneQuery } },
    async (request, reply) => {
      const partnership = await register.partnership(request.params.slug);
      const log = await risks.riskLog(governanceActorFor(request.principal), partnership.slug);
      const highest = log.risks[0];
      const sentence =
        log.risks.length === 0
          ? `${partnership.name} has no risks recorded.`
          : `${log.risks.length} risks after treatment; the highest, "${highest!.title}", scores ` +
            `${highest!.residual.score} (likelihood ${highest!.residual.likelihood}, impact ${highest!.residual.impact}). ` +
            `${log.overdue === 0 ? 'No review is overdue.' : `${log.overdue} reviews are overdue.`}`;
      const svg =
        log.risks.length === 0
          ? null
          : await heatMapChartSvg({
              id: 'risk-heat-map',
              title: `Residual risks of ${partnership.name} by likelihood and impact`,
              description: sentence,
              xLabel: 'Likelihood (1 rare to 5 almost certain)',
              yLabel: 'Impact (1 minimal to 5 severe)',
              size: 5,
              counts: log.heat,
              bands: [...RISK_BANDS],
            });
      return reply.page('risks.njk', {
        title: `Risk log – ${partnership.name}`,
        partnership,
        banner: bannerFor(BANNERS, request.query.done),
        newHref: `${logHref(partnership.slug)}/new`,
        log,
        sentence,
        svg,
        treatments: TREATMENTS,
        // The heat map's counts as a table: impact from 5 down, likelihood across.
        heatRows: [5, 4, 3, 2, 1].map((impact) => ({ impact, counts: log.heat[impact - 1]! })),
      });
    },
  );

  app.get(
    '/partnerships/:slug/risks/:id/review',
    { ...signedIn, schema: { hide: true, params: RiskParams } },
    async (request, reply) => reviewPage(request, reply, request.params.slug, request.params.id),
  );

  app.post(
    '/partnerships/:slug/risks/:id/review',
    { ...form, schema: { hide: true, params: RiskParams, body: FormBody } },
    async (request, reply) => {
      const { slug, id } = request.params;
      const values = formValues(request.body, REVIEW_FIELDS);
      // The same refusals as the page's, before anything is read from the form.
      await reviewable(request, slug, id);
      const reviewedOn = dateFrom(values, 'reviewedOn', 'the date of the review');
      const nextReviewOn = dateFrom(values, 'nextReviewOn', 'the date of the next review');
      const own: Errors = {};
      if (reviewedOn.error) own['reviewedOn-day'] = reviewedOn.error;
      if (nextReviewOn.error) own['nextReviewOn-day'] = nextReviewOn.error;
      try {
        await risks.review(governanceActorFor(request.principal), id, {
          ...scoresOf(values),
          owner: values.owner ?? '',
          treatment: values.treatment ?? '',
          treatmentNotes: values.treatmentNotes ?? '',
          reviewedOn: reviewedOn.iso,
          nextReviewOn: nextReviewOn.iso,
          version: values.version ?? '',
        });
      } catch (error) {
        if (error instanceof ValidationProblem) {
          const errors = { ...underFields(error.fields, REVIEW_NAMES, 'form'), ...own };
          return reviewPage(request, reply.code(400), slug, id, {
            errors: underFields(errors, identity(REVIEW_NAMES), 'form'),
            values,
          });
        }
        if (error instanceof ProblemError && error.status === 409) {
          // What was typed stays, against what is now recorded: saving again is a decision made
          // with both in view.
          const version = String(error.extensions?.version ?? '');
          return reviewPage(request, reply.code(409), slug, id, {
            errors: { form: error.detail },
            values: { ...values, version },
          });
        }
        throw error;
      }
      return reply.redirect(`${logHref(slug)}?done=reviewed#risk-${id}`, 303);
    },
  );

  app.get(
    '/partnerships/:slug/risks/new',
    { ...signedIn, schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }) } },
    async (request, reply) => newPage(request, reply, request.params.slug),
  );

  app.post(
    '/partnerships/:slug/risks/new',
    { ...form, schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }), body: FormBody } },
    async (request, reply) => {
      const { slug } = request.params;
      const values = formValues(request.body, NEW_FIELDS);
      const lastTyped = dateFields('lastReviewedOn').some((f) => (values[f] ?? '').trim() !== '');
      const lastReviewedOn = lastTyped
        ? dateFrom(values, 'lastReviewedOn', 'the date it was last reviewed')
        : { iso: null, error: undefined };
      const nextReviewOn = dateFrom(values, 'nextReviewOn', 'the date of the next review');
      const own: Errors = {};
      if (lastReviewedOn.error) own['lastReviewedOn-day'] = lastReviewedOn.error;
      if (nextReviewOn.error) own['nextReviewOn-day'] = nextReviewOn.error;
      const bearer = (values.bearer ?? '').trim();
      try {
        await risks.createRisk(governanceActorFor(request.principal), slug, {
          title: values.title ?? '',
          description: values.description ?? '',
          owner: values.owner ?? '',
          // Not a member's id: the service says to select a partner.
          bearerOrgId: bearer === '' ? null : (parseId(bearer) ?? -1),
          ...scoresOf(values),
          treatment: values.treatment ?? '',
          treatmentNotes: values.treatmentNotes ?? '',
          lastReviewedOn: lastReviewedOn.error ? 'not a date' : lastReviewedOn.iso,
          nextReviewOn: nextReviewOn.iso,
          internal: values.internal === 'yes',
        });
      } catch (error) {
        if (!(error instanceof ValidationProblem)) throw error;
        const errors = { ...underFields(error.fields, NEW_NAMES, 'form'), ...own };
        return newPage(request, reply.code(400), slug, {
          errors: underFields(errors, identity(NEW_NAMES), 'form'),
          values,
        });
      }
      return reply.redirect(`${logHref(slug)}?done=added`, 303);
    },
  );
};

/** The page's own field names, each to itself: for putting merged messages back in page order. */
const identity = (names: Record<string, string>) =>
  Object.fromEntries(Object.values(names).map((n) => [n, n]));
