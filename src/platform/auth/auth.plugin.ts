/**
 * Signing in and out, and who is signed in.
 *
 * - The session is an encrypted cookie (`jointly_session`: HttpOnly, SameSite=Lax, Secure behind
 *   HTTPS, eight hours) holding the account id and the CSRF secret; nothing is kept on the server.
 * - Every request with a session gets `request.principal`, loaded afresh from the account and its
 *   grants, so disabling an account or revoking a grant takes effect on the next request.
 * - Every form posts a `_csrf` token (`reply.generateCsrf()`, put in every page by the views plugin)
 *   and its route uses `app.csrfProtection` as a preHandler.
 * - Sign-in by password is limited to 10 attempts in 15 minutes from one address and for one email.
 * - `app.requireSignIn` as a preHandler sends someone who is not signed in to the sign-in page and
 *   back again afterwards.
 */
import csrfProtection from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import secureSession from '@fastify/secure-session';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client';
import { wantsProblemDocument } from '../error-handling.ts';
import { ProblemError } from '../errors.ts';
import type { OidcChecks } from './auth.service.ts';
import type { Principal } from './principal.ts';

declare module '@fastify/secure-session' {
  interface SessionData {
    /** The signed-in account. */
    accountId: number;
    /** A sign-in with the identity provider that has not come back yet. */
    oidc: PendingOidc;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler for pages that need someone signed in: sends anyone else to sign in first. */
    requireSignIn(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  }
}

export const SESSION_COOKIE = 'jointly_session';
export const SESSION_HOURS = 8;
export const SIGN_IN_ATTEMPTS = 10;
export const SIGN_IN_WINDOW_MINUTES = 15;
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

const authenticationPlugin: FastifyPluginAsync = async (app) => {
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
  if (!app.hasDecorator('createRateLimit')) await app.register(rateLimit, { global: false });

  const window = SIGN_IN_WINDOW_MINUTES * 60_000;
  const limitByAddress = app.createRateLimit({ max: SIGN_IN_ATTEMPTS, timeWindow: window });
  const limitByEmail = app.createRateLimit({
    max: SIGN_IN_ATTEMPTS,
    timeWindow: window,
    keyGenerator: (request) => `email:${formField(request.body, 'email').trim().toLowerCase()}`,
  });

  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined);

  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/assets/')) return;
    const accountId: unknown = request.session.get('accountId');
    if (typeof accountId !== 'number') return;
    const principal = await auth.principal(accountId);
    if (principal) request.principal = principal;
    // The account has been disabled (or removed): the session no longer signs anyone in.
    else request.session.regenerate();
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

  const startSession = (
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    returnTo: string,
  ) => {
    // Nothing from before signing in (CSRF secret, pending sign-in) carries over.
    request.session.regenerate();
    request.session.set('accountId', principal.accountId);
    request.log.info({ accountId: principal.accountId }, 'signed in');
    return reply.redirect(safeReturnTo(returnTo), 303);
  };

  app.get<{ Querystring: { returnTo?: string } }>('/sign-in', async (request, reply) =>
    signInPage(reply, { returnTo: safeReturnTo(request.query.returnTo) }),
  );

  app.post('/sign-in', { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = formField(request.body, 'email').trim();
    const password = formField(request.body, 'password');
    const returnTo = safeReturnTo(formField(request.body, 'returnTo'));

    const limits = await Promise.all([
      limitByAddress(request),
      email === '' ? undefined : limitByEmail(request),
    ]);
    const exceeded = limits.find((limit) => limit !== undefined && !limit.isAllowed && limit.isExceeded);
    if (exceeded !== undefined && !exceeded.isAllowed) {
      request.log.warn({ key: exceeded.key }, 'too many sign-in attempts');
      reply.code(429).header('retry-after', String(exceeded.ttlInSeconds));
      return signInPage(reply, {
        returnTo,
        title: 'Too many attempts to sign in',
        tooManyAttempts: true,
        waitMinutes: Math.max(1, Math.ceil(exceeded.ttlInSeconds / 60)),
      });
    }

    const errors: Record<string, string> = {};
    if (email === '') errors.email = 'Enter your email address';
    if (password === '') errors.password = 'Enter your password';
    if (Object.keys(errors).length > 0) {
      return signInPage(reply.code(400), { returnTo, errors, values: { email } });
    }
    const principal = await auth.signInWithPassword(email, password);
    if (!principal) {
      request.log.info('sign-in refused');
      return signInPage(reply.code(401), { returnTo, errors: { email: SIGN_IN_FAILED }, values: { email } });
    }
    return startSession(request, reply, principal, returnTo);
  });

  app.post('/sign-out', { preHandler: app.csrfProtection }, async (request, reply) => {
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
