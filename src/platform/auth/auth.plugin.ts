/**
 * Signing in and out, and who is signed in.
 *
 * - The session is kept on the server (`account_session`); the encrypted cookie (`jointly_session`:
 *   HttpOnly, SameSite=Lax, Secure behind HTTPS, eight hours) carries only the session's random
 *   secret and the CSRF secret. Signing out ends the session on the server, so a copy of the cookie
 *   stops working too; an administrator can end a session the same way (`/sessions`, `jointly session`).
 * - Every request with a live session gets `request.principal`, loaded afresh from the account and its
 *   grants, so disabling an account, revoking a grant or ending the session takes effect on the next
 *   request.
 * - API clients send `Authorization: Bearer jtk_…` to `/api/v1` (tokens made with `jointly token add`
 *   or on `/account/tokens`); the token acts as its account. A bad, revoked or malformed token is
 *   refused with 401, never treated as the public or as the cookie's session.
 * - CSRF fails closed. Every POST, PUT, PATCH or DELETE made with a signed-in session cookie must carry
 *   the session's CSRF token (`_csrf` in a form, or the `X-CSRF-Token` header), whatever the route:
 *   otherwise 403, before the route runs. Forms that anyone may send (sign-in, a resident's report)
 *   use `requireCsrfToken` as a preHandler too, which refuses when the protection is missing.
 * - Sign-in by password is limited by failures only, per address and per account (sign-in-limits.ts).
 * - `app.requireSignIn` as a preHandler sends someone who is not signed in to the sign-in page and
 *   back again afterwards.
 */
import csrfProtection from '@fastify/csrf-protection';
import secureSession from '@fastify/secure-session';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client';
import { wantsProblemDocument } from '../error-handling.ts';
import { ProblemError } from '../errors.ts';
import { bearerToken } from './access-rules.ts';
import { CSRF_REFUSED_API, CSRF_REFUSED_PAGE, passesCsrf, requireCsrfToken } from './csrf.ts';
import { normaliseEmail } from './account-input.ts';
import type { OidcChecks } from './oidc.ts';
import type { Principal } from './principal.ts';
import { SignInFailures, type SignInDecision } from './sign-in-limits.ts';

declare module '@fastify/secure-session' {
  interface SessionData {
    /** The secret of the server-side session (its SHA-256 is the row in account_session). */
    sid: string;
    /** A sign-in with the identity provider that has not come back yet. */
    oidc: PendingOidc;
  }
}

/** How the principal of a request was established. */
export type Authentication = { kind: 'session'; sessionId: number } | { kind: 'token'; tokenId: number };

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler for pages that need someone signed in: sends anyone else to sign in first. */
    requireSignIn(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  }
  interface FastifyRequest {
    /** How `principal` was established; undefined for the public. */
    authentication?: Authentication;
  }
}

export const SESSION_COOKIE = 'jointly_session';
export const SESSION_HOURS = 8;
export { SIGN_IN_WINDOW_MINUTES } from './sign-in-limits.ts';

export { requireCsrfToken } from './csrf.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const TOKEN_REFUSED =
  'The API token was not accepted: it is unknown, revoked, mistyped or belongs to a disabled account. ' +
  'Send "Authorization: Bearer" and a token made with "jointly token add".';
/** How long someone may take at their identity provider before the sign-in must start again. */
const OIDC_PENDING_MS = 10 * 60_000;

export const SIGN_IN_FAILED = 'Enter a correct email address and password';

/**
 * A place to go back to after signing in: only a path on this site. Anything else (another site,
 * `//host`, `/\host`, or text with spaces or control characters that browsers would strip) gives '/'.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  if (!value.startsWith('/') || value.startsWith('//')) return '/';
  // Backslashes count as slashes in browsers, and tabs or newlines inside a URL are dropped.
  if (/[\\\s\p{Cc}]/u.test(value)) return '/';
  return value;
}

const pathOf = (url: string): string => url.split('?')[0] ?? '/';

function formField(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

interface PendingOidc extends OidcChecks {
  returnTo: string;
  startedAt: number;
}

function isPendingOidc(value: unknown): value is PendingOidc {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.state === 'string' &&
    typeof v.nonce === 'string' &&
    typeof v.codeVerifier === 'string' &&
    typeof v.returnTo === 'string' &&
    typeof v.startedAt === 'number'
  );
}

export interface AuthenticationOptions {
  /** The clock the sign-in limits read (milliseconds); tests pass their own. */
  clock?: () => number;
}

const authenticationPlugin: FastifyPluginAsync<AuthenticationOptions> = async (app, options) => {
  const { auth, config } = app.services;

  await app.register(secureSession, {
    key: auth.sessionKey(),
    cookieName: SESSION_COOKIE,
    expiry: SESSION_HOURS * 60 * 60,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      maxAge: SESSION_HOURS * 60 * 60,
    },
  });
  await app.register(csrfProtection, { sessionPlugin: '@fastify/secure-session' });

  const failures = new SignInFailures(options.clock ?? Date.now);

  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined);
  if (!app.hasRequestDecorator('authentication')) app.decorateRequest('authentication', undefined);

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/assets/')) return;
    const authorization = request.headers.authorization;
    if (pathOf(request.url).startsWith('/api/') && authorization !== undefined && authorization !== '') {
      // An API client: the token alone says who it is; the cookie, if any, is not looked at.
      const token = bearerToken(authorization);
      const found = token ? await auth.tokenPrincipal(token) : null;
      if (!found) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new ProblemError(401, 'Unauthorized', TOKEN_REFUSED);
      }
      request.principal = found.principal;
      request.authentication = { kind: 'token', tokenId: found.tokenId };
      return;
    }
    const secret: unknown = request.session.get('sid');
    if (typeof secret !== 'string') {
      // A cookie from before sessions were kept on the server signs nobody in.
      if ((request.session.get as (key: string) => unknown)('accountId') !== undefined)
        request.session.regenerate();
      return;
    }
    const live = await auth.sessionPrincipal(secret);
    if (live) {
      request.principal = live.principal;
      request.authentication = { kind: 'session', sessionId: live.sessionId };
    }
    // Signed out, ended by an administrator, expired, or the account disabled: signs nobody in.
    else request.session.regenerate();
  });

  // A change made with a signed-in session cookie needs that session's CSRF token, on every route.
  app.addHook('preValidation', async (request, reply) => {
    if (!UNSAFE_METHODS.has(request.method) || request.authentication?.kind !== 'session') return;
    const api = wantsProblemDocument(request.url);
    if (!(await passesCsrf(app, request, reply))) {
      request.log.warn({ accountId: request.principal?.accountId }, 'change without a CSRF token refused');
      throw new ProblemError(403, 'Forbidden', api ? CSRF_REFUSED_API : CSRF_REFUSED_PAGE);
    }
    // The token is not part of what an API route's schema describes.
    if (api && typeof request.body === 'object' && request.body !== null && '_csrf' in request.body) {
      delete (request.body as Record<string, unknown>)._csrf;
    }
  });

  app.decorate('requireSignIn', async function requireSignIn(request: FastifyRequest, reply: FastifyReply) {
    if (request.principal) return undefined;
    if (wantsProblemDocument(request.url)) throw new ProblemError(401, 'Unauthorized', 'Sign in to do that.');
    const back = request.method === 'GET' || request.method === 'HEAD' ? request.url : pathOf(request.url);
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(safeReturnTo(back))}`, 303);
  });

  const oidcHref = (returnTo: string) =>
    returnTo === '/' ? '/sign-in/oidc' : `/sign-in/oidc?returnTo=${encodeURIComponent(returnTo)}`;

  const signInPage = (reply: FastifyReply, context: { returnTo: string } & Record<string, unknown>) => {
    reply.header('cache-control', 'no-store');
    return reply.page('sign-in.njk', {
      title: 'Sign in',
      errors: {},
      values: {},
      oidcEnabled: auth.oidc !== undefined,
      oidcHref: oidcHref(context.returnTo),
      ...context,
      returnTo: context.returnTo === '/' ? undefined : context.returnTo,
    });
  };

  const startSession = async (
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    returnTo: string,
  ) => {
    const secret = await auth.startSession(principal.accountId, SESSION_HOURS * 60 * 60_000, {
      ipAddress: request.ip,
      userAgent: request.headers['user-agent'],
    });
    // Nothing from before signing in (CSRF secret, pending sign-in) carries over.
    request.session.regenerate();
    request.session.set('sid', secret);
    request.log.info({ accountId: principal.accountId }, 'signed in');
    return reply.redirect(safeReturnTo(returnTo), 303);
  };

  const tooManyAttempts = (
    request: FastifyRequest,
    reply: FastifyReply,
    returnTo: string,
    refused: Extract<SignInDecision, { allowed: false }>,
  ) => {
    request.log.warn({ reason: refused.reason, ip: request.ip }, 'sign-in slowed after failed attempts');
    reply.code(429).header('retry-after', String(refused.retryAfterSeconds));
    const seconds = refused.retryAfterSeconds;
    const minutes = Math.ceil(seconds / 60);
    return signInPage(reply, {
      returnTo,
      title: 'Too many attempts to sign in',
      tooManyAttempts: true,
      wait:
        seconds < 60
          ? `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`
          : `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`,
    });
  };

  app.get<{ Querystring: { returnTo?: string } }>('/sign-in', async (request, reply) =>
    signInPage(reply, { returnTo: safeReturnTo(request.query.returnTo) }),
  );

  app.post('/sign-in', { preHandler: requireCsrfToken }, async (request, reply) => {
    const email = formField(request.body, 'email').trim();
    const password = formField(request.body, 'password');
    const returnTo = safeReturnTo(formField(request.body, 'returnTo'));
    const account = normaliseEmail(email).slice(0, 254);

    const decision = failures.decide(request.ip, account);
    if (!decision.allowed) return tooManyAttempts(request, reply, returnTo, decision);

    const errors: Record<string, string> = {};
    if (email === '') errors.email = 'Enter your email address';
    if (password === '') errors.password = 'Enter your password';
    if (Object.keys(errors).length > 0) {
      return signInPage(reply.code(400), { returnTo, errors, values: { email } });
    }
    const principal = await auth.signInWithPassword(email, password);
    if (!principal) {
      failures.recordFailure(request.ip, account);
      request.log.info('sign-in refused');
      return signInPage(reply.code(401), { returnTo, errors: { email: SIGN_IN_FAILED }, values: { email } });
    }
    failures.recordSuccess(account);
    return startSession(request, reply, principal, returnTo);
  });

  app.post('/sign-out', { preHandler: requireCsrfToken }, async (request, reply) => {
    const secret: unknown = request.session.get('sid');
    if (typeof secret === 'string') await auth.signOut(secret);
    request.session.delete();
    return reply.redirect('/', 303);
  });

  const oidc = auth.oidc;
  if (oidc !== undefined) {
    const OIDC_UNAVAILABLE =
      "Signing in with your organisation's account is not working at the moment. Try again later, or sign in with your email address and password";

    app.get<{ Querystring: { returnTo?: string } }>('/sign-in/oidc', async (request, reply) => {
      const returnTo = safeReturnTo(request.query.returnTo);
      const checks: OidcChecks = {
        state: randomState(),
        nonce: randomNonce(),
        codeVerifier: randomPKCECodeVerifier(),
      };
      let destination: URL;
      try {
        destination = await oidc.authorizationUrl(checks.state, checks.nonce, checks.codeVerifier);
      } catch (error) {
        request.log.error({ err: error }, 'could not reach the identity provider');
        return signInPage(reply.code(503), { returnTo, errors: { oidc: OIDC_UNAVAILABLE } });
      }
      const pending: PendingOidc = { ...checks, returnTo, startedAt: Date.now() };
      request.session.set('oidc', pending);
      reply.header('cache-control', 'no-store');
      return reply.redirect(destination.href, 303);
    });

    app.get('/sign-in/oidc/callback', async (request, reply) => {
      const pending: unknown = request.session.get('oidc');
      request.session.set('oidc', undefined);
      if (!isPendingOidc(pending) || Date.now() - pending.startedAt > OIDC_PENDING_MS) {
        return signInPage(reply.code(400), {
          returnTo: '/',
          errors: {
            oidc: "Your sign-in with your organisation's account took too long or was started in another browser. Try again",
          },
        });
      }
      let principal: Principal | null;
      try {
        const claims = await oidc.callback(new URL(request.url, config.publicUrl), pending);
        principal = await auth.signInWithOidc(claims);
        if (!principal) {
          request.log.info({ subject: claims.sub }, 'no account for the identity provider subject');
          return signInPage(reply.code(403), {
            returnTo: pending.returnTo,
            errors: {
              oidc: `There is no Jointly account for ${claims.email ?? 'you'}. Ask your partnership administrator to add you`,
            },
          });
        }
      } catch (error) {
        request.log.warn({ err: error }, 'sign-in with the identity provider failed');
        return signInPage(reply.code(401), {
          returnTo: pending.returnTo,
          errors: { oidc: "You could not be signed in with your organisation's account. Try again" },
        });
      }
      return startSession(request, reply, principal, pending.returnTo);
    });
  }
};

export const authentication = fp(authenticationPlugin, {
  name: 'jointly-authentication',
  fastify: '5.x',
  dependencies: ['jointly-views'],
});
