/**
 * A partnership's risk log as a page (`/partnerships/:slug/risks`): the residual risks on a heat map
 * of likelihood and impact, the same counts as a table, a sentence saying what it shows, and every
 * risk with its scores, owner, treatment, bearer and reviews (overdue reviews said in words).
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { heatMapChartSvg } from '../platform/index.ts';
import { governanceActorFor } from './governance-actor.ts';
import { PartnershipSlug } from './proposal.schemas.ts';
import { RISK_BANDS, TREATMENTS } from './risk.service.ts';

export const riskPages: FastifyPluginAsyncTypebox = async (app) => {
  const { risks, register } = app.services;
  app.get(
    '/partnerships/:slug/risks',
    { schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }) } },
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
        log,
        sentence,
        svg,
        treatments: TREATMENTS,
        // The heat map's counts as a table: impact from 5 down, likelihood across.
        heatRows: [5, 4, 3, 2, 1].map((impact) => ({ impact, counts: log.heat[impact - 1]! })),
      });
    },
  );
};
