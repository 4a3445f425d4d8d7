/**
 * The whole application over a test database, as the composition root builds it, for integration
 * tests through `app.inject()` and browser tests; and signing in through the real sign-in form.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { loadConfig, type Config } from '../../src/app/config.ts';
import { buildServer } from '../../src/app/server.ts';
import { createServices, type AppServices } from '../../src/app/services.ts';
import type { Database } from '../../src/db/engine.ts';
import { openTestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  services: AppServices;
}

/**
 * The configuration tests run with: no demo loaded at start, no logs, any free port, and password
 * hashes that take 64 KiB instead of 64 MiB (the same argon2id code; a sign-in then costs well under
 * a millisecond, where the suite's thousands of sign-ins at the real cost took minutes of CPU).
 */
export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    JOINTLY_DEMO: 'false',
    LOG_LEVEL: 'silent',
    PORT: '0',
    PASSWORD_HASH_MEMORY_KIB: '64',
    ...env,
  });
}

export async function buildTestApp(database: Database): Promise<TestApp> {
  const config = testConfig();
  const services = await createServices(config, database);
  const app = await buildServer(services);
  await app.ready();
  return { app, services };
}

/** A test database with the demo loaded and the application over it; `close` ends both. */
export async function openDemoApp(): Promise<TestApp & { database: Database; close(): Promise<void> }> {
  const database = await openTestDatabase({ data: 'demo' });
  const built = await buildTestApp(database);
  return {
    ...built,
    database,
    async close() {
      await built.app.close();
      await database.close();
    },
  };
}

/** The cookies a response sets, as a Cookie header value. */
function cookiesFrom(setCookie: string | string[] | undefined, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.split('=')[0]!, c] as const),
  );
  for (const header of [setCookie ?? []].flat()) {
    const pair = header.split(';')[0]!;
    jar.set(pair.split('=')[0]!, pair);
  }
  return [...jar.values()].join('; ');
}

/** The hidden CSRF token of the first form on a page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('the page has no CSRF token');
  return match[1]!;
}

/** A signed-in browser session: its cookie, and a CSRF token that goes with it. */
export interface Session {
  cookie: string;
  csrf: string;
}

/** Signs in through the sign-in form, as a person would. */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  let cookie = cookiesFrom(form.headers['set-cookie']);
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: csrfTokenIn(form.body) }).toString(),
  });
  if (response.statusCode !== 302 && response.statusCode !== 303) {
    throw new Error(`sign-in as ${email} failed with ${response.statusCode}`);
  }
  cookie = cookiesFrom(response.headers['set-cookie'], cookie);
  const page = await app.inject({ method: 'GET', url: '/sign-in', headers: { cookie } });
  cookie = cookiesFrom(page.headers['set-cookie'], cookie);
  return { cookie, csrf: csrfTokenIn(page.body) };
}

/** A page as a signed-in person sees it (or anyone, without a session). */
export function getPage(app: FastifyInstance, url: string, session?: Session) {
  return app.inject({ method: 'GET', url, headers: session ? { cookie: session.cookie } : {} });
}

/** A form sent as a signed-in person: the answers as a browser sends them. */
export function postForm(app: FastifyInstance, url: string, session: Session, form: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

/** The hidden fields of a page's forms, as a browser sends them back (entities decoded). */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = match[2]!
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return fields;
}

/** Organisation ids by GOV.UK slug, for the councils a test works with. */
export async function orgIdsBySlug(
  db: Kysely<DB>,
  slugs: readonly string[],
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('organisation')
    .select(['org_id', 'jurisdiction'])
    .where('jurisdiction', 'in', [...slugs])
    .execute();
  return Object.fromEntries(rows.map((r) => [r.jurisdiction!, r.org_id]));
}
