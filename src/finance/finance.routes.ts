/**
 * The cost-sharing API under /api/v1: a partnership's recharge runs for a period, one run, and for
 * the partnership's finance lead a draft run of a pool and issuing it. Who may see and do what is
 * the finance service's to decide; here requests are validated and answers shaped. Changes need an
 * API token, or the session's CSRF token with its cookie (the authentication plugin checks that for
 * every change).
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ProblemError } from '../platform/index.ts';
import { financeActorFor, type FinanceActor } from './finance-actor.ts';
import {
  NewRunSchema,
  PeriodText,
  RechargeRunSchema,
  RechargeRunsSchema,
  RunIdParam,
  SlugParam,
  runJson,
} from './finance.schemas.ts';

/** The person asking, who must be signed in (or send a token): nothing of a pool is public. */
export function signedInActor(request: FastifyRequest): FinanceActor {
  if (!request.principal) {
    throw new ProblemError(401, 'Unauthorized', 'Sign in, or send an API token, to read recharges.');
  }
  return financeActorFor(request.principal);
}

export const financeApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { finance } = app.services;

  app.get(
    '/partnerships/:slug/recharge-runs',
    {
      schema: {
        tags: ['finance'],
        summary: "A partnership's recharge runs, optionally for one period",
        description:
          'The runs of the pools you may see: a finance officer sees every line of the pools its council ' +
          'shares, a councillor only its own council’s lines (`all_lines` is then false). Amounts are ' +
          'integer pence. Signed out: 401.',
        params: Type.Object({ slug: SlugParam }),
        querystring: Type.Object({ period: Type.Optional(PeriodText) }, { additionalProperties: false }),
        response: { 200: RechargeRunsSchema },
      },
    },
    async (request) => {
      const actor = signedInActor(request);
      const runs = await finance.runs(actor, request.params.slug, request.query.period);
      return { runs: runs.map(runJson) };
    },
  );

  app.get(
    '/recharge-runs/:id',
    {
      schema: {
        tags: ['finance'],
        summary: 'One recharge run, with its lines',
        description:
          'An id that is not a UUID is a 400; a run you may not see is a 404, as if it did not exist.',
        params: Type.Object({ id: RunIdParam }),
        response: { 200: RechargeRunSchema },
      },
    },
    async (request) => runJson(await finance.run(signedInActor(request), request.params.id)),
  );

  app.post(
    '/recharge-runs',
    {
      schema: {
        tags: ['finance'],
        summary: 'Work out a draft recharge (or true-up) of a pool for a period',
        description:
          "For the partnership's finance lead. Where the period already has an issued run, the draft is a " +
          'correction of it and needs a reason. Any earlier draft of the same pool, period and kind is discarded.',
        body: NewRunSchema,
        response: { 201: RechargeRunSchema },
      },
    },
    async (request, reply) => {
      const actor = signedInActor(request);
      const { pool_id: poolId, period, kind, reason } = request.body;
      const options = reason === undefined ? {} : { reason };
      const run =
        kind === 'true_up'
          ? await finance.trueUpPool(actor, poolId, period, options)
          : await finance.runPool(actor, poolId, period, options);
      return reply.code(201).header('location', `/api/v1/recharge-runs/${run.id}`).send(runJson(run));
    },
  );

  app.post(
    '/recharge-runs/:id/issue',
    {
      schema: {
        tags: ['finance'],
        summary: 'Issue a draft run: from then on it never changes',
        description:
          'Issuing a correction supersedes the run it corrects. Only a draft can be issued (409 otherwise).',
        params: Type.Object({ id: RunIdParam }),
        response: { 200: RechargeRunSchema },
      },
    },
    async (request) => runJson(await finance.issue(signedInActor(request), request.params.id)),
  );
};
