/**
 * CSRF checks that fail closed. `requireCsrfToken` is the preHandler for every form; it refuses (403)
 * when the token is missing or wrong, when the session has no CSRF secret, and when the protection
 * itself is missing (the authentication plugin was not registered): never "no check".
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { wantsProblemDocument } from '../error-handling.ts';
import { ProblemError } from '../errors.ts';

export const CSRF_REFUSED_API =
  'This change was sent with a session cookie but without the CSRF token of that session. ' +
  'Send the X-CSRF-Token header from the page you are on, or, from another program, an API token ' +
  '(Authorization: Bearer) made with "jointly token add".';
export const CSRF_REFUSED_PAGE =
  'The form could not be accepted: it did not come from a page of this site in your current session. ' +
  'Go back, reload the page and try again.';

/**
 * Checks a request's CSRF token against its session, failing closed: false when the protection is
 * not there, when the session has no secret, or when the token is missing or wrong.
 */
export function passesCsrf(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const check = (app as Partial<FastifyInstance>).csrfProtection;
  if (typeof check !== 'function') return Promise.resolve(false);
  return new Promise((resolve) => {
    // The protection answers a failure with reply.send(error); here a failure is only a "no".
    const probe = Object.create(reply, {
      send: {
        value: () => {
          resolve(false);
          return probe;
        },
      },
    }) as FastifyReply;
    try {
      check.call(app, request, probe, (error?: unknown) => resolve(error === undefined || error === null));
    } catch {
      resolve(false);
    }
  });
}

/**
 * A preHandler for forms: the CSRF token must match the session. Refuses (403) when the protection
 * is missing rather than letting the form through unchecked.
 */
export function requireCsrfToken(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  passesCsrf(request.server, request, reply).then(
    (ok) =>
      done(
        ok
          ? undefined
          : new ProblemError(
              403,
              'Forbidden',
              wantsProblemDocument(request.url) ? CSRF_REFUSED_API : CSRF_REFUSED_PAGE,
            ),
      ),
    (error: unknown) => done(error as Error),
  );
}
