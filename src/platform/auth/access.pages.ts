/**
 * Pages about access for people who are signed in:
 *
 * - `/account`: your API tokens (make one, shown once; revoke one), and for a partnership
 *   administrator a link to the sessions they may end.
 * - `/sessions`: for partnership administrators, who is signed in among the people of their
 *   partnership's members, and a button to end each session (signed out on its next request).
 *
 * The rules (who may see and end which session, whose tokens) are in the session store; the routes
 * only translate.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, forbidden, notFound } from '../errors.ts';
import { requireCsrfToken } from './csrf.ts';
import type { Principal } from './principal.ts';
import { SessionInputError } from './sessions.ts';

const ID = /^[1-9]\d{0,14}$/;

function signedIn(request: FastifyRequest): Principal {
  if (!request.principal) throw new ProblemError(401, 'Sign in required', 'Sign in to see this page.');
  return request.principal;
}

function idParam(value: string, what: string): number {
  if (!ID.test(value)) throw notFound(`There is no ${what} ${value}.`);
  return Number(value);
}

const isAdministrator = (principal: Principal) =>
  principal.grants.some((g) => g.role === 'partnership_admin' && g.partnershipId !== null);

export const accessPages: FastifyPluginAsync = async (app) => {
  const { auth } = app.services;

  const accountPage = async (
    reply: FastifyReply,
    principal: Principal,
    extra: {
      errors?: Record<string, string>;
      values?: Record<string, string>;
      made?: unknown;
      revoked?: boolean;
    } = {},
  ) => {
    reply.header('cache-control', 'no-store');
    const tokens = (await auth.listTokens(principal.accountId)).map((t) => ({
      ...t,
      createdAt: t.createdAt.toISOString(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      revokedAt: t.revokedAt?.toISOString() ?? null,
    }));
    return reply.page('account.njk', {
      title: 'Your account',
      principal,
      tokens,
      administrator: isAdministrator(principal),
      errors: extra.errors ?? {},
      values: extra.values ?? {},
      made: extra.made,
      revoked: extra.revoked ?? false,
    });
  };

  app.get<{ Querystring: { revoked?: string } }>('/account', async (request, reply) =>
    accountPage(reply, signedIn(request), { revoked: request.query.revoked === '1' }),
  );

  app.post<{ Body: { name?: unknown } }>(
    '/account/tokens',
    { preHandler: requireCsrfToken },
    async (request, reply) => {
      const principal = signedIn(request);
      const name = typeof request.body?.name === 'string' ? request.body.name : '';
      try {
        const made = await auth.createToken({
          email: principal.email,
          name,
          createdBy: principal.accountId,
        });
        return await accountPage(reply.code(201), principal, { made });
      } catch (error) {
        if (!(error instanceof SessionInputError)) throw error;
        return accountPage(reply.code(400), principal, {
          errors: { name: error.message.replace(/\.$/, '') },
          values: { name },
        });
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/account/tokens/:id/revoke',
    { preHandler: requireCsrfToken },
    async (request, reply) => {
      const principal = signedIn(request);
      const id = idParam(request.params.id, 'API token');
      const revoked = await auth.revokeToken(id, {
        accountId: principal.accountId,
        owner: principal.accountId,
      });
      if (!revoked) throw notFound(`You have no API token ${id} that is still in use.`);
      return reply.redirect('/account?revoked=1', 303);
    },
  );

  app.get<{ Querystring: { ended?: string } }>('/sessions', async (request, reply) => {
    const principal = signedIn(request);
    const sessions = await auth.sessionsManagedBy(principal);
    if (sessions === null) throw forbidden('Only a partnership administrator can see who is signed in.');
    reply.header('cache-control', 'no-store');
    return reply.page('sessions.njk', {
      title: 'Who is signed in',
      sessions: sessions.map((s) => ({
        ...s,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        own: s.accountId === principal.accountId,
      })),
      ended: request.query.ended === '1',
    });
  });

  app.post<{ Params: { id: string } }>(
    '/sessions/:id/end',
    { preHandler: requireCsrfToken },
    async (request, reply) => {
      const principal = signedIn(request);
      const id = idParam(request.params.id, 'session');
      const result = await auth.endSession(id, principal);
      if (result === 'forbidden') throw forbidden('Only a partnership administrator can end sessions.');
      if (result === 'not_found') throw notFound(`There is no session ${id} that you can end.`);
      return reply.redirect('/sessions?ended=1', 303);
    },
  );
};
