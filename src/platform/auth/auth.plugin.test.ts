import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { Config } from '../../app/config.ts';
import { testConfig } from '../../../test/support/app.ts';
import { withSystem } from '../../db/context.ts';
import type { Database } from '../../db/engine.ts';
import { openTestDatabase } from '../../../test/support/database.ts';
import { loadFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { errorHandling } from '../error-handling.ts';
import { views } from '../views/views.plugin.ts';
import {
  authentication,
  requireCsrfToken,
  safeReturnTo,
  SESSION_COOKIE,
  SIGN_IN_FAILED,
} from './auth.plugin.ts';
import { createAuthService, type AuthService } from './auth.service.ts';

const PASSWORD = 'a long enough test password';

let database: Database;
let fixture: Fixture;
const apps: FastifyInstance[] = [];

/** The clock the sign-in limits of the apps built here read; tests move it on. */
let clockMs = Date.now();

async function buildApp(settings: Partial<Pick<Config, 'cookieSecure' | 'oidc'>> = {}): Promise<{
  app: FastifyInstance;
  auth: AuthService;
}> {
  const config: Config = {
    ...testConfig(),
    publicUrl: 'http://jointly.test',
    oidc: undefined,
    ...settings,
  };
  const auth = await createAuthService({ db: database.db, config });
  const app = Fastify({ logger: false });
  await app.register(helmet, { enableCSPNonces: true });
  await app.register(formbody);
  await app.register(errorHandling);
  await app.register(views);
  app.decorate('services', { auth, config } as never);
  await app.register(authentication, { clock: () => clockMs });
  app.get('/private', { preHandler: app.requireSignIn }, async (request) => ({
    accountId: request.principal?.accountId,
  }));
  app.get('/api/v1/private', { preHandler: app.requireSignIn }, async () => ({ ok: true }));
  app.post('/things', { preHandler: requireCsrfToken }, async () => ({ saved: true }));
  // Routes that forgot to ask for the CSRF token: the plugin asks for it anyway when signed in.
  app.post('/unguarded', async (_request, reply) => reply.header('x-handled', '1').send({ saved: true }));
  app.post('/api/v1/unguarded', async () => ({ saved: true }));
  apps.push(app);
  return { app, auth };
}

/** One visitor: keeps the session cookie between requests, from one IP address. */
class Visitor {
  cookie: string | undefined;
  constructor(
    readonly app: FastifyInstance,
    public ip = '127.0.0.1',
  ) {}

  async send(
    method: 'GET' | 'POST',
    url: string,
    form?: Record<string, string>,
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers,
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    const session = response.cookies.find((c) => c.name === SESSION_COOKIE);
    if (session)
      this.cookie =
        session.value === '' ? undefined : `${SESSION_COOKIE}=${encodeURIComponent(session.value)}`;
    return response;
  }

  /** The CSRF token from the sign-in form (and the session it belongs to). */
  async csrfToken(): Promise<string> {
    const page = await this.send('GET', '/sign-in');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(token, 'the sign-in form has a CSRF token');
    return token;
  }

  async signIn(email: string, password: string, extra: Record<string, string> = {}) {
    return this.send('POST', '/sign-in', { _csrf: await this.csrfToken(), email, password, ...extra });
  }
}

const setCookieHeader = (response: LightMyRequestResponse): string => {
  const header = response.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  return all.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
};

let officerId: number;

before(async () => {
  database = await openTestDatabase();
  fixture = await loadFixture(database.db);
  const auth = await createAuthService({ db: database.db, config: testConfig() });
  officerId = (
    await auth.createAccount({
      email: 'officer@example.org',
      displayName: 'Exeter officer',
      password: PASSWORD,
      grants: [{ orgId: fixture.org.exeter, role: 'officer', partnershipId: null, lgslCodes: null }],
    })
  ).accountId;
  for (const email of ['limited@example.org', 'leaver@example.org', 'secure@example.org']) {
    await auth.createAccount({ email, displayName: email, password: PASSWORD, grants: [] });
  }
});

after(async () => {
  for (const app of apps) await app.close();
  await database.close();
});

describe('safeReturnTo', () => {
  test('keeps paths on this site and refuses everything else', () => {
    assert.equal(safeReturnTo('/partnerships/test-devon?x=1'), '/partnerships/test-devon?x=1');
    for (const unsafe of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      'javascript:alert(1)',
      '',
      undefined,
      ['/'],
    ]) {
      assert.equal(safeReturnTo(unsafe), '/', String(unsafe));
    }
  });
});

describe('signing in with a password', () => {
  let app: FastifyInstance;
  before(async () => {
    ({ app } = await buildApp());
  });

  test('GET /sign-in shows the form with a CSRF token and the right autocomplete', async () => {
    const visitor = new Visitor(app);
    const page = await visitor.send('GET', '/sign-in?returnTo=%2Fprivate');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<input type="hidden" name="_csrf" value="[^"]+">/);
    assert.match(page.body, /<input type="hidden" name="returnTo" value="\/private">/);
    assert.match(page.body, /<label class="govuk-label govuk-label--s" for="email">/);
    assert.match(page.body, /id="email" name="email" type="email"[^>]*autocomplete="username"/);
    assert.match(
      page.body,
      /id="password" name="password" type="password"[^>]*autocomplete="current-password"/,
    );
    assert.doesNotMatch(page.body, /organisation&#39;s account|organisation's account/);
    assert.ok(visitor.cookie, 'the CSRF secret is kept in the session cookie');
    assert.equal(page.headers['cache-control'], 'no-store');
  });

  test('an unsafe returnTo is not put in the form', async () => {
    const page = await new Visitor(app).send('GET', '/sign-in?returnTo=%2F%2Fevil.example');
    assert.doesNotMatch(page.body, /name="returnTo"/);
  });

  test('POST without a CSRF token, or with a wrong one, is refused', async () => {
    const stranger = new Visitor(app);
    const noSession = await stranger.send('POST', '/sign-in', {
      email: 'officer@example.org',
      password: PASSWORD,
    });
    assert.equal(noSession.statusCode, 403);
    const visitor = new Visitor(app);
    await visitor.csrfToken();
    const noToken = await visitor.send('POST', '/sign-in', {
      email: 'officer@example.org',
      password: PASSWORD,
    });
    assert.equal(noToken.statusCode, 403);
    const wrongToken = await visitor.send('POST', '/sign-in', {
      _csrf: 'not-the-token',
      email: 'officer@example.org',
      password: PASSWORD,
    });
    assert.equal(wrongToken.statusCode, 403);
    assert.equal(setCookieHeader(wrongToken).includes('accountId'), false);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 303);
  });

  test('a wrong password shows the error summary, keeps the email and signs nobody in', async () => {
    const visitor = new Visitor(app);
    const response = await visitor.signIn('officer@example.org', 'not the password');
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /class="govuk-error-summary"/);
    assert.match(response.body, new RegExp(`<a href="#email">${SIGN_IN_FAILED}</a>`));
    assert.match(response.body, /id="email-error"/);
    assert.match(response.body, /name="email" type="email"[^>]* value="officer@example.org"/);
    assert.doesNotMatch(response.body, /not the password/);
    assert.match(response.body, /<title>Error: Sign in/);
    assert.equal(response.headers['set-cookie'], undefined);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 303);
  });

  test('empty fields are named in the error summary', async () => {
    const response = await new Visitor(app).signIn('', '');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<a href="#email">Enter your email address<\/a>/);
    assert.match(response.body, /<a href="#password">Enter your password<\/a>/);
  });

  test('the right password signs in, with a cookie scripts cannot read, and goes back to returnTo', async () => {
    const visitor = new Visitor(app);
    const anonymous = await visitor.send('GET', '/private');
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/sign-in?returnTo=%2Fprivate');

    const response = await visitor.signIn(' Officer@Example.org ', PASSWORD, { returnTo: '/private' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/private');
    const cookie = setCookieHeader(response);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=28800/);
    assert.doesNotMatch(cookie, /; Secure/);

    const page = await visitor.send('GET', '/private');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(page.json(), { accountId: officerId });
  });

  test('the layout names who is signed in and offers to sign out', async () => {
    const visitor = new Visitor(app);
    await visitor.signIn('officer@example.org', PASSWORD);
    const page = await visitor.send('GET', '/sign-in');
    assert.match(page.body, /Signed in as <\/span>Exeter officer/);
    assert.match(
      page.body,
      /<form class="app-inline-form" method="post" action="\/sign-out">\s*<input type="hidden" name="_csrf"/,
    );
  });

  test('an unsafe returnTo falls back to the home page', async () => {
    for (const returnTo of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
      const response = await new Visitor(app).signIn('officer@example.org', PASSWORD, { returnTo });
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, '/', returnTo);
    }
  });

  test('protected API routes answer 401 instead of redirecting', async () => {
    const response = await new Visitor(app).send('GET', '/api/v1/private');
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  });

  test('a form needs the CSRF token of its own session', async () => {
    const visitor = new Visitor(app);
    const token = await visitor.csrfToken();
    assert.equal((await visitor.send('POST', '/things', {})).statusCode, 403);
    assert.equal((await visitor.send('POST', '/things', { _csrf: token })).statusCode, 200);
    const other = new Visitor(app);
    await other.csrfToken();
    assert.equal((await other.send('POST', '/things', { _csrf: token })).statusCode, 403);
  });

  test('signing out ends access', async () => {
    const visitor = new Visitor(app);
    await visitor.signIn('officer@example.org', PASSWORD);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 200);
    assert.equal((await visitor.send('POST', '/sign-out', {})).statusCode, 403);
    const token =
      /name="_csrf" value="([^"]+)"/.exec((await visitor.send('GET', '/sign-in')).body)?.[1] ?? '';
    const response = await visitor.send('POST', '/sign-out', { _csrf: token });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/');
    assert.match(setCookieHeader(response), /^jointly_session=;.*Max-Age=0/);
    assert.equal(visitor.cookie, undefined);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 303);
  });

  test('a disabled account is signed out on its next request', async () => {
    const visitor = new Visitor(app);
    await visitor.signIn('leaver@example.org', PASSWORD);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 200);
    await withSystem(database.db, (tx) =>
      tx
        .updateTable('account')
        .set({ disabled_at: new Date() })
        .where('email', '=', 'leaver@example.org')
        .execute(),
    );
    const response = await visitor.send('GET', '/private');
    assert.equal(response.statusCode, 303);
    assert.match(setCookieHeader(response), /^jointly_session=/);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 303);
  });

  test('the 11th attempt from one address in 15 minutes is refused', async () => {
    const visitor = new Visitor(app, '192.0.2.10');
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await visitor.signIn(`someone${attempt}@example.org`, 'wrong password');
      assert.equal(response.statusCode, 401, `attempt ${attempt}`);
    }
    const refused = await visitor.signIn('officer@example.org', PASSWORD);
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /Too many attempts to sign in/);
    assert.match(refused.body, /Wait 15 minutes, then try again/);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.equal(refused.headers['set-cookie'], undefined);
    // Someone else, elsewhere, is not held up.
    assert.equal(
      (await new Visitor(app, '192.0.2.11').signIn('officer@example.org', PASSWORD)).statusCode,
      303,
    );
  });

  test('ten wrong guesses from one address do not lock the owner out from another', async () => {
    const guesser = new Visitor(app, '198.51.100.1');
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await guesser.signIn('Limited@example.org', `wrong password ${attempt}`);
      assert.equal(response.statusCode, 401, `attempt ${attempt}`);
      clockMs += 61_000; // the guesser waits out the growing delay between guesses
    }
    // The guessing address is refused, even with the right password.
    const refused = await guesser.signIn('limited@example.org', PASSWORD);
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    // The owner, from an address without failures, signs in at once.
    const owner = new Visitor(app, '198.51.100.99');
    const response = await owner.signIn('limited@example.org', PASSWORD);
    assert.equal(response.statusCode, 303);
    assert.equal((await owner.send('GET', '/private')).statusCode, 200);
    clockMs += 15 * 60_000;
  });

  test('guesses in quick succession on one account are slowed with a growing wait', async () => {
    const guesser = new Visitor(app, '198.51.100.2');
    for (let attempt = 1; attempt <= 5; attempt++) {
      assert.equal(
        (await guesser.signIn('limited@example.org', 'wrong')).statusCode,
        401,
        `attempt ${attempt}`,
      );
    }
    const slowed = await guesser.signIn('limited@example.org', 'wrong');
    assert.equal(slowed.statusCode, 429);
    assert.equal(slowed.headers['retry-after'], '1');
    assert.match(slowed.body, /Wait 1 second, then try again/);
    clockMs += 1_000;
    assert.equal((await guesser.signIn('limited@example.org', 'wrong')).statusCode, 401);
    const longer = await guesser.signIn('limited@example.org', 'wrong');
    assert.equal(longer.statusCode, 429);
    assert.equal(longer.headers['retry-after'], '2');
    // Someone else, from an address that has not failed, is not held up.
    assert.equal(
      (await new Visitor(app, '198.51.100.3').signIn('limited@example.org', PASSWORD)).statusCode,
      303,
    );
    clockMs += 15 * 60_000;
  });

  test('twenty sign-ins from one address (a contact centre), twice the limit on guesses, are never refused', async () => {
    const auth = await createAuthService({ db: database.db, config: testConfig() });
    const agents = Array.from({ length: 20 }, (_, n) => `agent${n + 1}@contact-centre.example.org`);
    await Promise.all(
      agents.map((email, n) =>
        auth.createAccount({ email, displayName: `Agent ${n + 1}`, password: PASSWORD, grants: [] }),
      ),
    );
    for (const [index, email] of agents.entries()) {
      // A few agents mistype their password first: their failures do not stop the others.
      if (index % 8 === 0) {
        assert.equal((await new Visitor(app, '203.0.113.50').signIn(email, 'mistyped')).statusCode, 401);
      }
      const response = await new Visitor(app, '203.0.113.50').signIn(email, PASSWORD);
      assert.equal(response.statusCode, 303, `agent ${index + 1}`);
    }
  });

  test('a cookie copied before signing out does not work after it', async () => {
    const visitor = new Visitor(app);
    await visitor.signIn('officer@example.org', PASSWORD);
    const copied = visitor.cookie!;
    assert.equal((await visitor.send('GET', '/private')).statusCode, 200);
    const token = await visitor.csrfToken();
    assert.equal((await visitor.send('POST', '/sign-out', { _csrf: token })).statusCode, 303);
    const replayed = await app.inject({ method: 'GET', url: '/private', headers: { cookie: copied } });
    assert.equal(replayed.statusCode, 303);
    assert.match(String(replayed.headers.location), /^\/sign-in/);
    const api = await app.inject({ method: 'GET', url: '/api/v1/private', headers: { cookie: copied } });
    assert.equal(api.statusCode, 401);
    const ended = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('account_session')
        .select(['end_reason'])
        .where('account_id', '=', officerId)
        .where('end_reason', '=', 'signed_out')
        .execute(),
    );
    assert.ok(ended.length >= 1);
  });

  test('the cookie carries the session secret, not the account, and the table keeps only its hash', async () => {
    const visitor = new Visitor(app, '192.0.2.77');
    const response = await visitor.signIn('officer@example.org', PASSWORD);
    assert.equal(response.statusCode, 303);
    const rows = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('account_session')
        .select(['secret_hash', 'ip_address', 'expires_at', 'created_at'])
        .where('ip_address', '=', '192.0.2.77')
        .execute(),
    );
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.secret_hash, /^[0-9a-f]{64}$/);
    assert.equal(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime(), 8 * 3600_000);
    assert.doesNotMatch(decodeURIComponent(visitor.cookie!), new RegExp(rows[0]!.secret_hash));
  });

  test('ending a session from the command line signs it out on its next request', async () => {
    const auth = await createAuthService({ db: database.db, config: testConfig() });
    const visitor = new Visitor(app, '192.0.2.88');
    await visitor.signIn('officer@example.org', PASSWORD);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 200);
    const session = (await auth.liveSessions()).find((s) => s.ipAddress === '192.0.2.88');
    assert.ok(session);
    assert.equal(await auth.endSession(session.sessionId, null), 'ended');
    assert.equal(await auth.endSession(session.sessionId, null), 'not_found');
    assert.equal((await visitor.send('GET', '/private')).statusCode, 303);
  });

  test('a change with a signed-in cookie and no CSRF token is refused on every route', async () => {
    const visitor = new Visitor(app);
    await visitor.signIn('officer@example.org', PASSWORD);
    const page = await visitor.send('POST', '/unguarded', { anything: 'x' });
    assert.equal(page.statusCode, 403);
    assert.equal(page.headers['x-handled'], undefined);
    const api = await visitor.send('POST', '/api/v1/unguarded', { anything: 'x' });
    assert.equal(api.statusCode, 403);
    assert.match(String(api.headers['content-type']), /application\/problem\+json/);
    assert.match(api.json().detail, /CSRF token/);
    const token = await visitor.csrfToken();
    assert.equal((await visitor.send('POST', '/unguarded', { _csrf: token })).statusCode, 200);
    // The public (no session) is not asked for a token on a route that does not ask for one.
    assert.equal((await new Visitor(app).send('POST', '/unguarded', {})).statusCode, 200);
  });
});

describe('CSRF fails closed', () => {
  test('requireCsrfToken refuses when the protection is not registered', async () => {
    const app = Fastify({ logger: false });
    await app.register(formbody);
    await app.register(errorHandling);
    app.post('/form', { preHandler: requireCsrfToken }, async () => ({ saved: true }));
    apps.push(app);
    const response = await app.inject({
      method: 'POST',
      url: '/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '_csrf=anything',
    });
    assert.equal(response.statusCode, 403);
    assert.doesNotMatch(response.body, /saved/);
  });
});

describe('cookies behind HTTPS', () => {
  test('are marked Secure when COOKIE_SECURE is set', async () => {
    const { app } = await buildApp({ cookieSecure: true });
    const response = await new Visitor(app).signIn('secure@example.org', PASSWORD);
    assert.equal(response.statusCode, 303);
    assert.match(setCookieHeader(response), /; Secure/);
    assert.match(setCookieHeader(response), /; HttpOnly/);
  });
});

/** A small OpenID Connect provider on the loopback interface, answering as a real one would. */
async function startProvider(): Promise<{
  issuer: string;
  /** What the provider says about the person who signs in next. */
  issue(code: string, nonce: string, codeChallenge: string, claims: Record<string, unknown>): void;
  close(): Promise<void>;
}> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { nonce: string; codeChallenge: string; claims: Record<string, unknown> }>();
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', issuer);
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (url.pathname === '/idp/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (url.pathname === '/idp/jwks') return json(200, { keys: [jwk] });
      if (url.pathname === '/idp/token' && request.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        const grant = codes.get(form.get('code') ?? '');
        const challenge = createHash('sha256')
          .update(form.get('code_verifier') ?? '')
          .digest('base64url');
        if (
          !grant ||
          challenge !== grant.codeChallenge ||
          form.get('client_id') !== 'jointly-test' ||
          form.get('client_secret') !== 'provider-secret' ||
          form.get('redirect_uri') !== 'http://jointly.test/sign-in/oidc/callback'
        ) {
          return json(400, { error: 'invalid_grant' });
        }
        codes.delete(form.get('code') ?? '');
        const now = Math.floor(Date.now() / 1000);
        const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'test-key' })).toString(
          'base64url',
        );
        const payload = Buffer.from(
          JSON.stringify({
            iss: issuer,
            aud: 'jointly-test',
            iat: now,
            exp: now + 300,
            nonce: grant.nonce,
            ...grant.claims,
          }),
        ).toString('base64url');
        const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString(
          'base64url',
        );
        return json(200, {
          access_token: 'access-token',
          token_type: 'Bearer',
          expires_in: 300,
          id_token: `${header}.${payload}.${signature}`,
        });
      }
      return json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/idp`;
  return {
    issuer,
    issue: (code, nonce, codeChallenge, claims) => codes.set(code, { nonce, codeChallenge, claims }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("signing in with the organisation's account", () => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let app: FastifyInstance;
  let auth: AuthService;

  before(async () => {
    provider = await startProvider();
    ({ app, auth } = await buildApp({
      oidc: { issuer: provider.issuer, clientId: 'jointly-test', clientSecret: 'provider-secret' },
    }));
  });
  after(() => provider.close());

  /** Starts a sign-in and returns what Jointly asked the provider for. */
  const start = async (visitor: Visitor, returnTo?: string) => {
    const response = await visitor.send(
      'GET',
      returnTo ? `/sign-in/oidc?returnTo=${encodeURIComponent(returnTo)}` : '/sign-in/oidc',
    );
    assert.equal(response.statusCode, 303);
    const location = new URL(String(response.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, `${provider.issuer}/authorize`);
    const query = Object.fromEntries(location.searchParams);
    assert.equal(query.client_id, 'jointly-test');
    assert.equal(query.redirect_uri, 'http://jointly.test/sign-in/oidc/callback');
    assert.equal(query.response_type, 'code');
    assert.equal(query.code_challenge_method, 'S256');
    assert.match(query.scope ?? '', /\bopenid\b.*\bemail\b/);
    for (const key of ['state', 'nonce', 'code_challenge'] as const) assert.ok(query[key], key);
    return { state: query.state!, nonce: query.nonce!, codeChallenge: query.code_challenge! };
  };

  test('the sign-in page offers it', async () => {
    const page = await new Visitor(app).send('GET', '/sign-in?returnTo=%2Fprivate');
    assert.match(
      page.body,
      /href="\/sign-in\/oidc\?returnTo=%2Fprivate">Sign in with your organisation's account<\/a>/,
    );
  });

  test('links an account by verified email and signs in', async () => {
    const { accountId } = await auth.createAccount({
      email: 'sso.person@example.org',
      displayName: 'SSO person',
      grants: [{ orgId: fixture.org.teignbridge, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    const visitor = new Visitor(app);
    const asked = await start(visitor, '/private');
    provider.issue('code-1', asked.nonce, asked.codeChallenge, {
      sub: 'subject-1',
      email: 'SSO.Person@example.org',
      email_verified: true,
      name: 'S. Person',
    });
    const response = await visitor.send('GET', `/sign-in/oidc/callback?code=code-1&state=${asked.state}`);
    assert.equal(response.statusCode, 303, response.body);
    assert.equal(response.headers.location, '/private');
    assert.match(setCookieHeader(response), /; HttpOnly; SameSite=Lax/);
    assert.deepEqual((await visitor.send('GET', '/private')).json(), { accountId });
  });

  test('refuses someone the provider knows but Jointly has no account for', async () => {
    const visitor = new Visitor(app);
    const asked = await start(visitor);
    provider.issue('code-2', asked.nonce, asked.codeChallenge, {
      sub: 'subject-2',
      email: 'stranger@example.org',
      email_verified: true,
    });
    const response = await visitor.send('GET', `/sign-in/oidc/callback?code=code-2&state=${asked.state}`);
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /There is no Jointly account for stranger@example.org/);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 303);
  });

  test('refuses an answer whose state does not match, or that comes without a sign-in started', async () => {
    const visitor = new Visitor(app);
    const asked = await start(visitor);
    provider.issue('code-3', asked.nonce, asked.codeChallenge, { sub: 'subject-1' });
    const forged = await visitor.send('GET', '/sign-in/oidc/callback?code=code-3&state=forged');
    assert.equal(forged.statusCode, 401);
    assert.match(forged.body, /could not be signed in/);
    // The pending sign-in is used up: replaying the right answer does not work either.
    const replay = await visitor.send('GET', `/sign-in/oidc/callback?code=code-3&state=${asked.state}`);
    assert.equal(replay.statusCode, 400);
    assert.equal((await visitor.send('GET', '/private')).statusCode, 303);
  });

  test('says so when the provider cannot be reached', async () => {
    const { app: offline } = await buildApp({
      oidc: { issuer: 'http://127.0.0.1:1/idp', clientId: 'jointly-test', clientSecret: 'provider-secret' },
    });
    const response = await new Visitor(offline).send('GET', '/sign-in/oidc');
    assert.equal(response.statusCode, 503);
    assert.match(response.body, /not working at the moment/);
  });
});
