/**
 * Bad input never gives a 500, and a refused request changes nothing. For every route the
 * application registers (read from Fastify as each is added, so a new route is fuzzed without
 * touching this file), generated text, numbers, unicode, NUL characters, numbers far out of range
 * and very long values go to every path parameter, to query and body fields (those the route's
 * schema names, those the application's forms name, and Open311's arguments), as form-encoded
 * and as JSON bodies, signed out and as a signed-in officer with a valid CSRF token. Every answer
 * must be below 500, and every 4xx must leave the row count of every table as it was and be a
 * page or a problem document that is not the database's own refusal (which would mean a check
 * is missing at the edge).
 *
 * FUZZ_RUNS sets the runs per route and person (default 6); FUZZ_SEED replays a failure.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { signIn, testConfig, type Session } from '../support/app.ts';
import { loadFixture } from '../support/fixtures.ts';
import { withSystem } from '../../src/db/context.ts';
import { buildServer } from '../../src/app/server.ts';
import { createServices } from '../../src/app/services.ts';
import { createApiKey, RESIDENT } from '../../src/frontdoor/index.ts';
import { DATABASE_REFUSED_DETAIL } from '../../src/platform/error-handling.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PASSWORD = 'a long enough password for tests';

interface Route {
  method: string;
  url: string;
  params: string[];
  fields: string[];
}

// ---- the application, with its routes as Fastify adds them ----
const routes: Route[] = [];
const schemaFields = (schema: unknown): string[] =>
  Object.keys(((schema ?? {}) as { properties?: Record<string, unknown> }).properties ?? {});
const database = await openTestDatabase();
const fixture = await loadFixture(database.db);
const services = await createServices(testConfig(), database);
const app: FastifyInstance = await buildServer(services, {
  onRoute: (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const schema = (route.schema ?? {}) as { querystring?: unknown; body?: unknown };
      routes.push({
        method,
        url: route.url,
        params: [...route.url.matchAll(/:(\w+)|(\*)/g)].map((m) => m[1] ?? '*'),
        fields: [...schemaFields(schema.querystring), ...schemaFields(schema.body)],
      });
    }
  },
});
await app.ready();

const key = await createApiKey(database.db, { jurisdiction: 'exeter', name: 'Fuzzing client' });
await services.auth.createAccount({
  email: 'officer.exeter@example.org',
  displayName: 'Exeter officer',
  password: PASSWORD,
  grants: [{ orgId: fixture.org.exeter, role: 'officer', partnershipId: null, lgslCodes: null }],
});
const officer: Session = await signIn(app, 'officer.exeter@example.org', PASSWORD);
// One real postcode (Exeter's EX1 1AE, from ONSPD), so that intake and routing are reached too.
await withSystem(database.db, (tx) =>
  tx
    .insertInto('postcode')
    .values({
      postcode: 'EX1 1AE',
      lat: 50.7228,
      lon: -3.532,
      country_code: 'E92000001',
      county_code: 'E10000008',
      district_code: 'E07000041',
      source: 'test',
    })
    .execute(),
);
const opened = await services.cases.intake(RESIDENT, {
  lgslCode: 524,
  postcode: 'EX1 1AE',
  description: 'Bins not collected',
  channel: 'web',
});
const reference = opened.outcome === 'opened' ? opened.case.reference : 'EXE-2026-000001';

/** Every field name the application's pages ask for, read from their forms. */
async function formFieldNames(): Promise<string[]> {
  const names = new Set<string>();
  for (const route of routes) {
    if (route.method !== 'GET' || route.params.length > 0) continue;
    for (const session of [undefined, officer]) {
      const page = await app.inject({
        method: 'GET',
        url: route.url,
        headers: session ? { cookie: session.cookie } : {},
      });
      for (const m of page.body.matchAll(/<(?:input|select|textarea)[^>]*\sname="([^"]+)"/g))
        names.add(m[1]!);
    }
  }
  return [...names];
}

/** GeoReport v2's arguments (its paths take them as query and body fields, without a schema). */
const OPEN311_ARGUMENTS = [
  'jurisdiction_id',
  'api_key',
  'service_code',
  'lat',
  'long',
  'address_string',
  'address_id',
  'email',
  'device_id',
  'account_id',
  'first_name',
  'last_name',
  'phone',
  'description',
  'media_url',
  'attribute[container]',
  'attribute[uprn]',
  'attribute',
  'service_request_id',
  'status',
  'start_date',
  'end_date',
  'page',
  'page_size',
  'updated_datetime',
];
const FIELDS = [...new Set([...OPEN311_ARGUMENTS, ...(await formFieldNames())])].filter((f) => f !== '_csrf');

/** Values that make sense for a field or parameter, so that the fuzzing also reaches past the first check. */
const GOOD: Record<string, string[]> = {
  org: [String(fixture.org.exeter)],
  reference: [reference],
  lgsl: ['524'],
  key: ['exeter'],
  slug: ['test-devon'],
  resource: ['requests.json', 'services.xml', 'servicerequestupdates.json', 'discovery.json'],
  file: ['524.json', `${reference}.xml`],
  jurisdiction_id: ['exeter'],
  api_key: [key.key],
  service_code: ['524', '564'],
  service: ['524'],
  lat: ['50.7228'],
  long: ['-3.532'],
  postcode: ['EX1 1AE'],
  team: [String(fixture.org.exeter)],
  version: ['1'],
};

// ---- what is sent ----
const nasty = fc.constantFrom(
  '\u0000',
  'abc\u0000def',
  '99999999999',
  '9223372036854775808',
  '-1',
  '0',
  '1.5',
  '1e400',
  'NaN',
  'Infinity',
  '',
  ' ',
  '%',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '\uD800',
  'a\uDFFFb',
  '😀🏴󠁧󠁢󠁥󠁮󠁧󠁿',
  'Zoë Ünïcødé',
  'a,b,,c',
  ',',
  ' , ,',
  '2026-02-30',
  '2026-01-01T00:00:00Z',
  'EXE-2026-000001',
  'attribute[x]',
  'constructor',
  '__proto__',
  'toString',
);
const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 4, arbitrary: nasty },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 300, max: 20_000 }).map((n) => 'x'.repeat(n)) },
);
const valueFor = (name: string): fc.Arbitrary<string> =>
  GOOD[name] ? fc.oneof(text, fc.constantFrom(...GOOD[name])) : text;
const jsonValue = (name: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: valueFor(name) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.boolean()) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), text, { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
  );

/** A URL's path segment or query value, even one holding a lone surrogate (sent as the bytes it would be). */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
  }
}

interface Attempt {
  params: string[];
  query: Array<[string, string]>;
  body: Array<[string, unknown]>;
  json: boolean;
}

function attempts(route: Route): fc.Arbitrary<Attempt> {
  const names = fc.subarray([...new Set([...route.fields, ...FIELDS])], { maxLength: 6 });
  const own = fc.subarray(route.fields);
  const pick = (json: boolean) =>
    fc
      .tuple(own, names)
      .map(([a, b]) => [...new Set([...a, ...b])])
      .chain((chosen) =>
        fc.tuple(...chosen.map((n) => fc.tuple(fc.constant(n), json ? jsonValue(n) : valueFor(n)))),
      );
  return fc.boolean().chain((json) =>
    fc.record({
      params: fc.tuple(...route.params.map((p) => valueFor(p))),
      query: pick(false) as fc.Arbitrary<Array<[string, string]>>,
      body: route.method === 'GET' ? fc.constant([]) : (pick(json) as fc.Arbitrary<Array<[string, unknown]>>),
      json: fc.constant(json),
    }),
  );
}

// ---- what is checked ----
const tables = (
  await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%'
    ORDER BY table_name`.execute(database.db)
).rows.map((r) => r.table_name);

/**
 * Audit rows that record someone seeing something: a refused change shows its page again (the
 * case, with the person's details), and that view is audited as any view is. Every other row
 * counts.
 */
const READ_AUDITS = "action NOT IN ('view', 'search', 'read')";

async function rowCounts(): Promise<Record<string, number>> {
  const columns = tables
    .map((t) => `(SELECT count(*) FROM "${t}"${t === 'audit_log' ? ` WHERE ${READ_AUDITS}` : ''}) AS "${t}"`)
    .join(', ');
  const { rows } = await sql<Record<string, string | number>>`${sql.raw(`SELECT ${columns}`)}`.execute(
    database.db,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([t, n]) => [t, Number(n)]));
}

function urlOf(route: Route, attempt: Attempt): string {
  let index = 0;
  const path = route.url.replace(/:(\w+)|\*/g, () => encode(attempt.params[index++] ?? ''));
  const query = attempt.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  return query ? `${path}?${query}` : path;
}

async function send(route: Route, attempt: Attempt, session: Session | undefined) {
  const headers: Record<string, string> = session
    ? { cookie: session.cookie, 'x-csrf-token': session.csrf }
    : {};
  if (route.method === 'GET') return app.inject({ method: 'GET', url: urlOf(route, attempt), headers });
  if (attempt.json) {
    return app.inject({
      method: route.method as 'POST',
      url: urlOf(route, attempt),
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(Object.fromEntries(attempt.body)),
    });
  }
  const form = new URLSearchParams();
  for (const [k, v] of attempt.body) form.append(k, String(v));
  if (session) form.append('_csrf', session.csrf);
  return app.inject({
    method: route.method as 'POST',
    url: urlOf(route, attempt),
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form.toString(),
  });
}

/** Routes whose purpose is to end the person's session: fuzzed signed out only. */
const ENDS_SESSION = new Set(['POST /sign-out']);

describe('fuzzing every route', () => {
  after(async () => {
    await app.close();
    await database.close();
  });

  it('enumerates the application’s routes from Fastify', () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'GET /desk/cases/:org/:reference',
      'POST /open311/v2/:resource',
      'GET /api/v1/services/:lgsl',
      'POST /report',
    ]) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
  });

  for (const route of routes) {
    for (const [who, session] of [
      ['signed out', undefined],
      ['as an officer', officer],
    ] as const) {
      if (session && ENDS_SESSION.has(`${route.method} ${route.url}`)) continue;
      it(`${route.method} ${route.url} ${who}: never a 5xx, and a 4xx changes nothing`, async () => {
        await fc.assert(
          fc.asyncProperty(attempts(route), async (attempt) => {
            const before = await rowCounts();
            const response = await send(route, attempt, session);
            const where = `${route.method} ${urlOf(route, attempt).slice(0, 300)}`;
            assert.ok(
              response.statusCode < 500,
              `${where}: ${response.statusCode} ${response.body.slice(0, 300)}`,
            );
            if (response.statusCode >= 400) {
              assert.deepEqual(await rowCounts(), before, `${where}: a refused request wrote nothing`);
              assert.match(
                String(response.headers['content-type']),
                /^(application\/problem\+json|application\/json|text\/xml|text\/html)/,
                `${where}: a page or problem document`,
              );
              assert.ok(
                !response.body.includes(DATABASE_REFUSED_DETAIL),
                `${where}: refused by the database, not at the edge: ${response.body.slice(0, 300)}`,
              );
            }
          }),
          { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
        );
      });
    }
  }
});
