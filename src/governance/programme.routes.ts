/**
 * The programme API under /api/v1: a partnership's programme with each authority's go/no-go
 * decisions (public), and a council's go/no-go decision recorded by its democratic services
 * officer for that council only.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_ID, ProblemError } from '../platform/index.ts';
import { governanceActorFor } from './governance-actor.ts';
import { PartnershipSlug } from './proposal.schemas.ts';

const GoNoGoBody = Type.Object(
  {
    gss: Type.String({ minLength: 1, maxLength: 20, description: 'The council whose decision it is' }),
    decision: Type.String({ maxLength: 20, description: 'go, no_go or deferred' }),
    decided_on: Type.String({ maxLength: 20, description: 'YYYY-MM-DD' }),
    minute: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: true },
);

export const programmeApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { programmes, register } = app.services;
  app.get(
    '/partnerships/:slug/programme',
    {
      schema: {
        tags: ['governance'],
        summary: "A partnership's programme: phases, milestones and each authority's go/no-go decisions",
        params: Type.Object({ slug: PartnershipSlug }),
      },
    },
    async (request) => ({ programmes: await programmes.programmes(request.params.slug) }),
  );
  app.post(
    '/partnerships/:slug/programme/points/:id/decisions',
    {
      schema: {
        tags: ['governance'],
        summary: "Record a council's go/no-go decision",
        description:
          "For the council's democratic services officer, for their own council only (403 otherwise).",
        params: Type.Object({ slug: PartnershipSlug, id: Type.Integer({ minimum: 1, maximum: MAX_ID }) }),
        body: GoNoGoBody,
      },
    },
    async (request, reply) => {
      if (!request.principal) throw new ProblemError(401, 'Unauthorized', 'Sign in, or send an API token.');
      const council = await register.organisation(request.body.gss);
      const view = await programmes.recordGoNoGo(
        governanceActorFor(request.principal),
        request.params.slug,
        request.params.id,
        {
          orgId: council.orgId,
          decision: request.body.decision,
          decidedOn: request.body.decided_on,
          minute: request.body.minute,
        },
      );
      return reply.code(201).send(view);
    },
  );
};
