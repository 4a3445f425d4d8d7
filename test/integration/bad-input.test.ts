/**
 * Bad input that once gave a 500 on both engines: each now gets a 4xx with a clear problem
 * document (the API and Open311, in Open311's own format) or a page, and changes nothing.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp, getPage, signIn, type Session } from '../support/app.ts';
import { loadFixture, type Fixture } from '../support/fixtures.ts';
import type { Database } from '../../src/db/engine.ts';
import type { AppServices } from '../../src/app/services.ts';
import { withSystem } from '../../src/db/context.ts';
import { createApiKey, RESIDENT, type NewApiKey } from '../../src/frontdoor/index.ts';

const PASSWORD = 'a long enough password for tests';

describe('bad input never gives a 500', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let fixture: Fixture;
  let key: NewApiKey;
  let officer: Session;
  let reference: string;

  const written = async () => {
    const count = async (table: 'service_case' | 'contact' | 'case_event' | 'outbox_message') =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return [
      await count('service_case'),
      await count('contact'),
      await count('case_event'),
      await count('outbox_message'),
    ];
  };
  const open311Form = (url: string, form: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: `/open311/v2/${url}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });

  before(async () => {
    database = await openTestDatabase();
    fixture = await loadFixture(database.db);
    await withSystem(database.db, (tx) =>
      tx
        .insertInto('postcode')
        .values({
          postcode: 'EX1 1AE',
          lat: 50.7228,
          lon: -3.532,
          county_code: 'E10000008',
          district_code: 'E07000041',
          source: 'test',
        })
        .execute(),
    );
    ({ app, services } = await buildTestApp(database));
    key = await createApiKey(database.db, { jurisdiction: 'exeter', name: 'Exeter app' });
    await services.auth.createAccount({
      email: 'officer.exeter@example.org',
      displayName: 'Exeter officer',
      password: PASSWORD,
      grants: [{ orgId: fixture.org.exeter, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    officer = await signIn(app, 'officer.exeter@example.org', PASSWORD);
    const opened = await services.cases.intake(RESIDENT, {
      lgslCode: 524,
      postcode: 'EX1 1AE',
      description: 'Bins not collected',
      channel: 'web',
    });
    assert.ok(opened.outcome === 'opened');
    reference = opened.case.reference;
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('refuses a NUL character in any field with a 400 that names the field, and keeps nothing', async () => {
    const before = await written();
    const base = {
      jurisdiction_id: 'exeter',
      api_key: key.key,
      service_code: '524',
      'attribute[container]': 'refuse',
      address_string: 'EX1 1AE',
      description: 'Bins missed',
    };
    for (const [field, form] of [
      ['description', { ...base, description: 'abc\u0000def' }],
      ['first_name', { ...base, first_name: 'Pat\u0000' }],
      ['attribute[container]', { ...base, 'attribute[container]': '\u0000' }],
    ] as const) {
      const response = await open311Form('requests.json', form);
      assert.equal(response.statusCode, 400, response.body);
      assert.deepEqual(response.json(), [
        { code: 400, description: `${field} must not contain the NUL character (\\u0000).` },
      ]);
    }
    const path = await app.inject({
      method: 'GET',
      url: '/open311/v2/requests/%00.json?jurisdiction_id=exeter',
    });
    assert.equal(path.statusCode, 400, path.body);
    assert.match(path.json()[0].description, /^file must not contain the NUL character/);
    const jurisdiction = await app.inject({
      method: 'GET',
      url: '/open311/v2/services.xml?jurisdiction_id=%00',
    });
    assert.equal(jurisdiction.statusCode, 400, jurisdiction.body);
    assert.match(jurisdiction.body, /<code>400<\/code>\s*<description>jurisdiction_id must not contain/);

    const api = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ service: 524, postcode: 'EX1 1AE', description: 'Bins', name: 'Pat\u0000' }),
    });
    assert.equal(api.statusCode, 400, api.body);
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/);
    assert.deepEqual(api.json().errors, [
      { field: 'name', message: 'must not contain the NUL character (\\u0000)' },
    ]);

    const page = await app.inject({
      method: 'POST',
      url: '/report',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        service: '524',
        postcode: 'EX1 1AE',
        description: 'abc\u0000def',
      }).toString(),
    });
    assert.equal(page.statusCode, 400, page.body);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /description must not contain the NUL character/);

    const desk = await app.inject({
      method: 'POST',
      url: `/desk/cases/${fixture.org.exeter}/${reference}/notes`,
      headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: officer.csrf,
        body: 'a\u0000b',
        visibility: 'internal',
      }).toString(),
    });
    assert.equal(desk.statusCode, 400, desk.body);
    assert.match(desk.body, /body must not contain the NUL character/);
    assert.deepEqual(await written(), before);
  });

  it('refuses ids that are not numbers or are out of range, in paths and query strings', async () => {
    const deskCase = await getPage(app, `/desk/cases/abc/${reference}`, officer);
    assert.equal(deskCase.statusCode, 404, deskCase.body);
    assert.match(String(deskCase.headers['content-type']), /^text\/html/);
    assert.match(deskCase.body, /abc is not an organisation/);
    const huge = await getPage(app, `/desk/cases/99999999999999999999/${reference}`, officer);
    assert.equal(huge.statusCode, 404);
    const before = await written();
    const note = await app.inject({
      method: 'POST',
      url: `/desk/cases/abc/${reference}/notes`,
      headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: officer.csrf, body: 'A note' }).toString(),
    });
    assert.equal(note.statusCode, 404, note.body);
    assert.deepEqual(await written(), before);

    for (const query of ['service=99999999999', 'service=abc', 'team=99999999999999999999']) {
      const queue = await getPage(app, `/desk?${query}`, officer);
      assert.equal(queue.statusCode, 400, `${query}: ${queue.body.slice(0, 200)}`);
      assert.match(queue.body, /in the address must be/);
    }
    assert.equal((await getPage(app, '/desk?service=524', officer)).statusCode, 200);

    const service = await app.inject({ method: 'GET', url: '/api/v1/services/99999999999' });
    assert.equal(service.statusCode, 400, service.body);
    assert.match(String(service.headers['content-type']), /^application\/problem\+json/);
    assert.equal(service.json().errors[0].field, 'lgsl');
    // Schema validation reads 1e400 as Infinity and skips its range checks; the edge refuses it.
    for (const url of [
      '/api/v1/services/1e400',
      '/api/v1/services/Infinity',
      '/api/v1/organisations/exeter/services/1e400/history',
    ]) {
      const infinite = await app.inject({ method: 'GET', url });
      assert.equal(infinite.statusCode, 400, `${url}: ${infinite.body}`);
      assert.match(String(infinite.headers['content-type']), /^application\/problem\+json/);
      assert.equal(infinite.json().errors[0].field, 'lgsl');
    }
    const org = await app.inject({
      method: 'GET',
      url: '/api/v1/organisations/9223372036854775808/arrangements',
    });
    assert.equal(org.statusCode, 404, org.body);
    assert.equal((await getPage(app, '/services/99999999999')).statusCode, 404);
    assert.equal((await getPage(app, '/organisations/exeter/services/99999999999', officer)).statusCode, 404);

    const codes = await app.inject({
      method: 'GET',
      url: '/open311/v2/requests.json?jurisdiction_id=exeter&service_code=abc',
    });
    assert.equal(codes.statusCode, 400, codes.body);
    assert.match(codes.json()[0].description, /service_code must be a list of service codes/);
    // A list that names nothing is no filter, not an empty one.
    for (const query of ['service_request_id=,', 'service_code=,%20,', 'status=,']) {
      const empty = await app.inject({
        method: 'GET',
        url: `/open311/v2/requests.json?jurisdiction_id=exeter&${query}`,
      });
      assert.equal(empty.statusCode, 200, `${query}: ${empty.body.slice(0, 200)}`);
      assert.ok(Array.isArray(empty.json()), query);
    }
    const status = await app.inject({
      method: 'POST',
      url: `/desk/cases/${fixture.org.exeter}/${reference}/status`,
      headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: officer.csrf, status: 'constructor', version: '1' }).toString(),
    });
    assert.equal(status.statusCode, 400, status.body);
    assert.match(status.body, /Choose the status the case is now at/);
    assert.deepEqual(await written(), before);
  });

  it('answers a 20,000-character URL with a page or a problem document, not a bare 431', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const get = (path: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path }, (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                type: String(response.headers['content-type']),
                body,
              }),
            );
          })
          .on('error', reject);
      });
    const long = 'x'.repeat(20_000);
    const page = await get(`/desk?q=${long}`);
    assert.equal(page.status, 431);
    assert.match(page.type, /^text\/html/);
    assert.match(page.body, /<h1>The web address is too long<\/h1>/);
    const api = await get(`/api/v1/services?q=${long}`);
    assert.equal(api.status, 431);
    assert.match(api.type, /^application\/problem\+json/);
    assert.deepEqual(JSON.parse(api.body).status, 431);
    const open311 = await get(`/open311/v2/requests.json?jurisdiction_id=${long}`);
    assert.equal(open311.status, 431);
    assert.match(open311.type, /^application\/problem\+json/);
    // Long, but within what Node reads: the route answers.
    const readable = await get(`/open311/v2/services.json?jurisdiction_id=${'x'.repeat(10_000)}`);
    assert.equal(readable.status, 404);
  });
});
