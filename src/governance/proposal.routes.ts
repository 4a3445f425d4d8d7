/**
 * The proposals API under /api/v1: a partnership's proposals and one proposal, as anyone may read
 * what councils publish (drafts and internal proposals to their keeper and the councils asked), and
 * a council's decision recorded by its democratic services officer. Who may is the governance
 * service's to decide; here requests are validated and answers shaped. A decision needs an API
 * token, or the session's CSRF token with its cookie (the authentication plugin checks every change).
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemError } from '../platform/index.ts';
import { governanceActorFor } from './governance-actor.ts';
import {
  NewDecisionSchema,
  PartnershipSlug,
  ProposalIdParam,
  ProposalSchema,
  ProposalsSchema,
  proposalJson,
} from './proposal.schemas.ts';

export const proposalApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { governance, register } = app.services;

  app.get(
    '/proposals',
    {
      schema: {
        tags: ['governance'],
        summary: "A partnership's proposals that change the register",
        description:
          'Published proposals to everyone; drafts and internal proposals also to their keeper and to the ' +
          'councils whose decision they ask. Each lists its register changes and the approvals it needs, ' +
          'with each council’s latest decision. An unknown partnership is a 404.',
        querystring: Type.Object({ partnership: PartnershipSlug }, { additionalProperties: true }),
        response: { 200: ProposalsSchema },
      },
    },
    async (request) => {
      const actor = governanceActorFor(request.principal);
      const proposals = await governance.proposals(actor, request.query.partnership);
      return { proposals: proposals.map(proposalJson) };
    },
  );

  app.get(
    '/proposals/:id',
    {
      schema: {
        tags: ['governance'],
        summary: 'One proposal, in the same shape',
        description:
          'An id that is not a UUID is a 400; a proposal you may not see is a 404, as if it did not exist.',
        params: Type.Object({ id: ProposalIdParam }),
        response: { 200: ProposalSchema },
      },
    },
    async (request) =>
      proposalJson(await governance.proposal(governanceActorFor(request.principal), request.params.id)),
  );

  app.post(
    '/proposals/:id/decisions',
    {
      schema: {
        tags: ['governance'],
        summary: "Record a council's decision on a proposal",
        description:
          "For the council's democratic services officer, for their own council only (403 for anyone else). " +
          'When it is the last approval and the effective date has come, the register changes in the same ' +
          'request. A proposal that is not awaiting decisions is a 409.',
        params: Type.Object({ id: ProposalIdParam }),
        body: NewDecisionSchema,
        response: { 201: ProposalSchema },
      },
    },
    async (request, reply) => {
      if (!request.principal) {
        throw new ProblemError(401, 'Unauthorized', 'Sign in, or send an API token, to record a decision.');
      }
      const { gss, body_id: bodyId, decided_on: decidedOn, ...rest } = request.body;
      const council = await register.organisation(gss);
      const view = await governance.recordDecision(governanceActorFor(request.principal), request.params.id, {
        orgId: council.orgId,
        bodyId,
        decision: rest.decision,
        decidedOn,
        minute: rest.minute,
        ...(rest.paper === undefined ? {} : { paper: rest.paper }),
        ...(rest.notes === undefined ? {} : { notes: rest.notes }),
      });
      return reply.code(201).send(proposalJson(view));
    },
  );
};
