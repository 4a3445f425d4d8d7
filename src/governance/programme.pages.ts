/**
 * A partnership's programme as a page (`/partnerships/:slug/programme`): a timeline of its phases
 * in order, each with its dates, key activities and milestones, and at each go/no-go point every
 * authority's own decision in a table. It reads without colour (every state is in words) and
 * prints on A4.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PartnershipSlug } from './proposal.schemas.ts';

const DECISION_WORDS = { go: 'Go', no_go: 'No-go', deferred: 'Deferred' } as const;

export const programmePages: FastifyPluginAsyncTypebox = async (app) => {
  const { programmes, register } = app.services;
  app.get(
    '/partnerships/:slug/programme',
    { schema: { hide: true, params: Type.Object({ slug: PartnershipSlug }) } },
    async (request, reply) => {
      const partnership = await register.partnership(request.params.slug);
      const list = await programmes.programmes(partnership.slug);
      return reply.page('programme.njk', {
        title: `Programme – ${partnership.name}`,
        partnership,
        programmes: list.map((p) => ({
          ...p,
          phases: p.phases.map((ph) => ({
            ...ph,
            milestones: ph.milestones.map((m) => ({
              ...m,
              decisions: m.decisions.map((d) => ({
                ...d,
                words: d.decision === null ? 'Not yet decided' : DECISION_WORDS[d.decision],
              })),
            })),
          })),
        })),
      });
    },
  );
};
