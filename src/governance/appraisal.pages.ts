/**
 * A partnership's option appraisals as a printable report (`/partnerships/:slug/appraisals`): the
 * outcomes framework, each option's rating against each outcome in words with its score, the
 * totals and ranks, and the shortlist.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PartnershipSlug } from './proposal.schemas.ts';

const RATING_WORDS = { high: 'High', medium: 'Medium', low: 'Low' } as const;

export const appraisalPages: FastifyPluginAsyncTypebox = async (app) => {
  const { appraisals, register } = app.services;
  app.get(
    '/partnerships/:slug/appraisals',
    { schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }) } },
    async (request, reply) => {
      const partnership = await register.partnership(request.params.slug);
      const list = await appraisals.appraisals(partnership.slug);
      return reply.page('appraisals.njk', {
        title: `Option appraisal – ${partnership.name}`,
        partnership,
        appraisals: list.map((a) => ({
          ...a,
          options: a.options.map((o) => ({
            ...o,
            cells: o.ratings.map((r, i) => `${RATING_WORDS[r]} (${o.scores[i]})`),
          })),
          shortlist: a.options.filter((o) => o.shortlisted).map((o) => o.name),
        })),
      });
    },
  );
};
