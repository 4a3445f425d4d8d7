import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import { buildTestApp } from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { createApiKey, type NewApiKey } from './api-keys.ts';
import { XML_LIST_ITEMS } from './open311.format.ts';
import {
  DISCOVERY_SCHEMA,
  ERRORS_SCHEMA,
  NEW_REQUEST_SCHEMA,
  NEW_UPDATE_SCHEMA,
  SERVICES_SCHEMA,
  SERVICE_DEFINITION_SCHEMA,
  SERVICE_REQUESTS_SCHEMA,
  TOKENS_SCHEMA,
  UPDATES_SCHEMA,
} from './open311.schemas.ts';

const ajv = new Ajv({ allErrors: true, strict: false });

/** A point in Exeter (EX1 1AE) and one in the sea off the Isles of Scilly, where no council is. */
const EXETER = { lat: '50.722777', long: '-3.531951' };
const AT_SEA = { lat: '49.5', long: '-7.5' };

const itemNames = new Set(Object.values(XML_LIST_ITEMS));
const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  // `value` is a list item inside a definition's `values`, and a member of a request's attributes.
  isArray: (name, jpath) =>
    itemNames.has(name) && (name !== 'value' || String(jpath).endsWith('values.value')),
});

/**
 * XML as the JSON it should equal: list wrappers become arrays, a top-level list becomes the array
 * itself, and every value is text (as it is in XML).
 */
function xmlAsJson(body: string, root: string): unknown {
  const unwrap = (value: unknown, name: string): unknown => {
    const item = XML_LIST_ITEMS[name];
    if (item !== undefined) {
      const inner = value === '' ? [] : ((value as Record<string, unknown>)[item] as unknown[]);
      return inner.map((v) => unwrap(v, item));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, k)]));
    }
    return value;
  };
  const parsed = xml.parse(body) as Record<string, unknown>;
  assert.ok(root in parsed, `root element <${root}> in ${body.slice(0, 200)}`);
  return unwrap(parsed[root], root);
}

/** JSON with every scalar written as XML writes it. */
function asText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asText);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asText(v)]));
  }
  return value === null ? '' : String(value);
}

/** A form as a client sends it: a list is the same argument repeated. */
function formBody(form: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const v of [value].flat()) body.append(name, v);
  return body.toString();
}

function assertValid(schema: object, body: unknown, what: string) {
  const validate = ajv.compile(schema);
  assert.ok(validate(body), `${what}: ${ajv.errorsText(validate.errors)}`);
}

describe('Open311 GeoReport v2', () => {
  let database: Database;
  let app: FastifyInstance;
  let exeterKey: NewApiKey;
  let devonKey: NewApiKey;
  let teignbridgeKey: NewApiKey;

  const get = (url: string) => app.inject({ method: 'GET', url: `/open311/v2/${url}` });
  const post = (url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `/open311/v2/${url}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: formBody(form),
    });

  /** Asks for a resource in both formats: checks the JSON against its schema and the XML against the JSON. */
  async function both(
    resource: string,
    query: string,
    schema: object,
    root: string,
    status = 200,
  ): Promise<{ json: unknown; xmlBody: string }> {
    const [name, ...rest] = resource.split('?');
    const suffix = query ? `?${query}` : rest.length ? `?${rest.join('?')}` : '';
    const asJson = await get(`${name}.json${suffix}`);
    const asXml = await get(`${name}.xml${suffix}`);
    assert.equal(asJson.statusCode, status, asJson.body);
    assert.equal(asXml.statusCode, status, asXml.body);
    assert.equal(asJson.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(asXml.headers['content-type'], 'text/xml; charset=utf-8');
    assert.match(asXml.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n/);
    const json = asJson.json();
    assertValid(schema, json, `${name}.json`);
    assert.deepEqual(xmlAsJson(asXml.body, root), asText(json), `${name}.xml matches ${name}.json`);
    return { json, xmlBody: asXml.body };
  }

  async function newRequest(
    form: Record<string, string>,
    key = exeterKey,
    headers: Record<string, string> = {},
  ) {
    const response = await post(
      'requests.json',
      { jurisdiction_id: key.jurisdiction!, api_key: key.key, ...form },
      headers,
    );
    assert.equal(response.statusCode, 201, response.body);
    assertValid(NEW_REQUEST_SCHEMA, response.json(), 'POST requests.json');
    return response.json()[0] as { service_request_id: string; token: string; service_notice: string };
  }

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    app = (await buildTestApp(database)).app;
    exeterKey = await createApiKey(database.db, { jurisdiction: 'exeter', name: 'Exeter reporting app' });
    devonKey = await createApiKey(database.db, { jurisdiction: 'devon', name: 'Devon highways system' });
    teignbridgeKey = await createApiKey(database.db, {
      jurisdiction: 'teignbridge',
      name: 'Teignbridge app',
    });
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('describes itself in discovery, in both formats', async () => {
    const { json } = await both('discovery', '', DISCOVERY_SCHEMA, 'discovery');
    const endpoint = (json as { endpoints: Array<{ url: string; formats: string[] }> }).endpoints[0]!;
    assert.match(endpoint.url, /\/open311\/v2$/);
    assert.deepEqual(endpoint.formats, ['text/xml', 'application/json']);
  });

  it('lists the services, and at a point only those someone answers for there', async () => {
    const { json } = await both('services', 'jurisdiction_id=exeter', SERVICES_SCHEMA, 'services');
    const services = json as Array<{ service_code: string; metadata: boolean; service_name: string }>;
    const bins = services.find((s) => s.service_code === '524');
    assert.equal(bins?.service_name, 'Household waste collection');
    assert.equal(bins?.metadata, true);
    assert.equal(services.find((s) => s.service_code === '564')?.metadata, false);

    const here = await both(
      'services',
      `jurisdiction_id=exeter&lat=${EXETER.lat}&long=${EXETER.long}`,
      SERVICES_SCHEMA,
      'services',
    );
    assert.equal((here.json as unknown[]).length, services.length);
    const sea = await both(
      'services',
      `jurisdiction_id=exeter&lat=${AT_SEA.lat}&long=${AT_SEA.long}`,
      SERVICES_SCHEMA,
      'services',
    );
    assert.deepEqual(sea.json, []);
    assert.match(sea.xmlBody, /<services><\/services>|<services\/>|<services>\s*<\/services>/);
  });

  it('defines a service’s attributes, and has none for a service that asks nothing', async () => {
    const { json } = await both(
      'services/524',
      'jurisdiction_id=exeter',
      SERVICE_DEFINITION_SCHEMA,
      'service_definition',
    );
    const definition = json as {
      attributes: Array<{ code: string; required: boolean; values: Array<{ key: string }> }>;
    };
    assert.equal(definition.attributes[0]?.code, 'container');
    assert.equal(definition.attributes[0]?.required, true);
    assert.deepEqual(
      definition.attributes[0]?.values.map((v) => v.key),
      ['refuse', 'recycling', 'food', 'garden'],
    );
    const none = await get('services/564.json?jurisdiction_id=exeter');
    assert.deepEqual(none.json(), { service_code: '564', attributes: [] });
  });

  it('answers errors as the specification says, in the format asked for', async () => {
    const cases: Array<[string, string, number, Record<string, string>?]> = [
      ['GET', 'services.json', 400],
      ['GET', 'services.json?jurisdiction_id=atlantis', 404],
      ['GET', 'services/99999.json?jurisdiction_id=exeter', 404],
      ['GET', 'requests/EXE-2020-999999.json?jurisdiction_id=exeter', 404],
      [
        'GET',
        'requests.json?jurisdiction_id=exeter&start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z',
        400,
      ],
      ['GET', 'requests.json?jurisdiction_id=exeter&start_date=yesterday', 400],
      ['GET', 'requests.json?jurisdiction_id=exeter&status=pending', 400],
      ['GET', 'requests.json?jurisdiction_id=exeter&page_size=1001', 400],
      ['GET', 'tokens/not-a-token.json?jurisdiction_id=exeter', 404],
      ['GET', 'services.csv?jurisdiction_id=exeter', 400],
      [
        'POST',
        'requests.json',
        403,
        { jurisdiction_id: 'exeter', service_code: '564', ...EXETER, description: 'x' },
      ],
      [
        'POST',
        'requests.json',
        403,
        {
          jurisdiction_id: 'exeter',
          api_key: 'jly_wrongwrongwrongwrongwrongwrongwrongwrong',
          service_code: '564',
        },
      ],
      ['POST', 'requests.json', 400, { api_key: 'x', service_code: '564' }],
      ['POST', 'requests.json', 404, { jurisdiction_id: 'nowhere', api_key: 'x', service_code: '564' }],
    ];
    for (const [method, url, status, form] of cases) {
      const response = method === 'GET' ? await get(url) : await post(url, form ?? {});
      assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
      if (url.includes('.csv')) {
        assert.deepEqual(xmlAsJson(response.body, 'errors'), [
          { code: '400', description: 'Add .xml or .json to the path to say which format you want.' },
        ]);
        continue;
      }
      assertValid(ERRORS_SCHEMA, response.json(), `${method} ${url}`);
      assert.equal(response.json()[0].code, status);
      const asXml =
        method === 'GET'
          ? await get(url.replace('.json', '.xml'))
          : await post(url.replace('.json', '.xml'), form ?? {});
      assert.equal(asXml.statusCode, status);
      assert.deepEqual(xmlAsJson(asXml.body, 'errors'), asText(response.json()));
    }
    // A key works only for its own council's jurisdiction.
    const elsewhere = await post('requests.json', {
      jurisdiction_id: 'devon',
      api_key: exeterKey.key,
      service_code: '564',
      ...EXETER,
      description: 'Light out',
    });
    assert.equal(elsewhere.statusCode, 403);
    assert.match(elsewhere.json()[0].description, /not for this jurisdiction_id/);
  });

  it('refuses a request without its required attribute, a place, or within the limits, and opens nothing', async () => {
    const count = async () =>
      (await database.db.selectFrom('service_case').select('case_id').execute()).length;
    const before = await count();
    const base = { jurisdiction_id: 'exeter', api_key: exeterKey.key, ...EXETER, description: 'Bins missed' };
    const refusals: Array<[Record<string, string | string[]>, number, RegExp]> = [
      [{ ...base, service_code: '524' }, 400, /attribute\[container\] is required/],
      [
        { ...base, service_code: '524', 'attribute[container]': 'skip' },
        400,
        /must be one of refuse, recycling/,
      ],
      [
        { ...base, service_code: '587', 'attribute[size]': ['car_boot', 'small_van'] },
        400,
        /attribute\[size\] must be one of single_bag/,
      ],
      [
        { jurisdiction_id: 'exeter', api_key: exeterKey.key, service_code: '564', description: 'x' },
        400,
        /lat and long/,
      ],
      [{ ...base, service_code: '564', description: 'x'.repeat(4001) }, 400, /description/],
      [{ ...base, service_code: '564', email: 'not an email' }, 400, /email/],
      [{ ...base, service_code: '564', lat: '95' }, 400, /lat must be a number/],
      [{ ...base }, 400, /service_code was not provided/],
      [{ ...base, service_code: '12345' }, 404, /service_code 12345 was not found/],
    ];
    for (const [form, status, message] of refusals) {
      const response = await post('requests.json', form);
      assert.equal(response.statusCode, status, response.body);
      assertValid(ERRORS_SCHEMA, response.json(), 'error');
      assert.match(response.json()[0].description, message);
    }
    assert.equal(await count(), before);
  });

  it('takes a request for whoever is responsible, and follows it under its id and token', async () => {
    // Exeter's app takes a street light report: Devon (the county) is responsible.
    const made = await newRequest({
      service_code: '564',
      ...EXETER,
      description: 'Street light out',
      email: 'pat@example.org',
    });
    assert.match(made.service_request_id, /^DEV-\d{4}-\d{6}$/);
    assert.match(made.service_notice, /Devon County Council is responsible/);

    const { json } = await both(
      `requests/${made.service_request_id}`,
      'jurisdiction_id=exeter',
      SERVICE_REQUESTS_SCHEMA,
      'service_requests',
    );
    const [request] = json as Array<Record<string, unknown>>;
    assert.equal(request!.status, 'open');
    assert.equal(request!.agency_responsible, 'Devon County Council');
    assert.equal(request!.description, '', 'no description for a caller without a key');
    assert.equal(request!.lat, 50.723, 'the point only roughly');

    const keyed = await get(
      `requests/${made.service_request_id}.json?jurisdiction_id=exeter&api_key=${exeterKey.key}`,
    );
    assert.equal(keyed.json()[0].description, 'Street light out');
    assert.equal(keyed.json()[0].lat, 50.722777);
    assert.ok(!keyed.body.includes('pat@example.org'), 'never the reporter’s email');

    // Teignbridge neither holds nor took it.
    assert.equal(
      (await get(`requests/${made.service_request_id}.json?jurisdiction_id=teignbridge`)).statusCode,
      404,
    );

    const token = await both(
      `tokens/${made.token}`,
      `jurisdiction_id=exeter&api_key=${exeterKey.key}`,
      TOKENS_SCHEMA,
      'service_requests',
    );
    assert.deepEqual(token.json, [{ service_request_id: made.service_request_id, token: made.token }]);
  });

  it('gives the first answer again to a repeated request with the same Idempotency-Key', async () => {
    const form = {
      service_code: '524',
      ...EXETER,
      description: 'Recycling missed',
      'attribute[container]': 'recycling',
    };
    const first = await newRequest(form, exeterKey, { 'idempotency-key': 'exeter-app-0001' });
    const again = await newRequest(form, exeterKey, { 'idempotency-key': 'exeter-app-0001' });
    assert.equal(again.service_request_id, first.service_request_id);
    assert.equal(first.token, 'exeter-app-0001');
    const different = await post(
      'requests.json',
      { jurisdiction_id: 'exeter', api_key: exeterKey.key, ...form, description: 'Something else' },
      { 'idempotency-key': 'exeter-app-0001' },
    );
    assert.equal(different.statusCode, 422);
    assertValid(ERRORS_SCHEMA, different.json(), 'reused key');
    const [row] = await both(
      `requests/${first.service_request_id}`,
      `jurisdiction_id=exeter&api_key=${exeterKey.key}`,
      SERVICE_REQUESTS_SCHEMA,
      'service_requests',
    ).then((r) => r.json as Array<{ description: string }>);
    assert.equal(row!.description, 'Recycling missed\nWhich collection was missed? Recycling');
  });

  it('lists requests in the 90-day window, filtered and paged, newest first', async () => {
    const a = await newRequest({
      service_code: '587',
      ...EXETER,
      description: 'Mattress dumped',
      'attribute[size]': 'single_item',
    });
    const b = await newRequest({ service_code: '577', ...EXETER, description: 'Dog fouling on the path' });
    const { json } = await both(
      'requests',
      `jurisdiction_id=exeter&api_key=${exeterKey.key}`,
      SERVICE_REQUESTS_SCHEMA,
      'service_requests',
    );
    const all = json as Array<{
      service_request_id: string;
      service_code: string;
      requested_datetime: string;
    }>;
    assert.ok(all.length >= 4);
    const times = all.map((r) => r.requested_datetime);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.ok(all.some((r) => r.service_request_id === a.service_request_id));

    const fly = await get('requests.json?jurisdiction_id=exeter&service_code=587');
    assert.deepEqual(
      fly.json().map((r: { service_code: string }) => r.service_code),
      ['587'],
    );
    const twoIds = await get(
      `requests.json?jurisdiction_id=exeter&service_request_id=${a.service_request_id},${b.service_request_id}`,
    );
    assert.deepEqual(
      twoIds
        .json()
        .map((r: { service_request_id: string }) => r.service_request_id)
        .sort(),
      [a.service_request_id, b.service_request_id].sort(),
    );
    const page1 = (await get('requests.json?jurisdiction_id=exeter&page_size=2&page=1')).json();
    const page2 = (await get('requests.json?jurisdiction_id=exeter&page_size=2&page=2')).json();
    assert.equal(page1.length, 2);
    assert.deepEqual(
      [...page1, ...page2].map((r: { service_request_id: string }) => r.service_request_id),
      all.slice(0, page1.length + page2.length).map((r) => r.service_request_id),
    );
    const old = await get(
      'requests.json?jurisdiction_id=exeter&start_date=2025-01-01T00:00:00Z&end_date=2025-03-01T00:00:00Z',
    );
    assert.deepEqual(old.json(), []);
    const closed = await get('requests.json?jurisdiction_id=exeter&status=closed');
    assert.deepEqual(closed.json(), []);
  });

  it('takes status updates from the council’s system and gives them back as updates, extended statuses and all', async () => {
    const made = await newRequest({ service_code: '564', ...EXETER, description: 'Light flickering' });
    // Exeter took it but Devon holds it: Exeter's key cannot change its status.
    const notTheirs = await post('servicerequestupdates.json', {
      jurisdiction_id: 'exeter',
      api_key: exeterKey.key,
      service_request_id: made.service_request_id,
      status: 'FIXED',
    });
    assert.equal(notTheirs.statusCode, 403, notTheirs.body);
    assert.equal(
      (
        await post('servicerequestupdates.json', {
          jurisdiction_id: 'teignbridge',
          api_key: teignbridgeKey.key,
          service_request_id: made.service_request_id,
          status: 'FIXED',
        })
      ).statusCode,
      404,
    );

    const update = (status: string, description: string) =>
      post('servicerequestupdates.json', {
        jurisdiction_id: 'devon',
        api_key: devonKey.key,
        service_request_id: made.service_request_id,
        status,
        description,
        updated_datetime: new Date().toISOString(),
      });
    const scheduled = await update('ACTION_SCHEDULED', 'A team will replace the lamp on Thursday.');
    assert.equal(scheduled.statusCode, 200, scheduled.body);
    assertValid(NEW_UPDATE_SCHEMA, scheduled.json(), 'POST servicerequestupdates.json');
    const bogus = await update('MAYBE', '');
    assert.equal(bogus.statusCode, 400);
    assert.match(bogus.json()[0].description, /status MAYBE is not one this server takes/);
    const referral = await update('NOT_COUNCILS_RESPONSIBILITY', '');
    assert.equal(referral.statusCode, 400);
    const fixed = await update('FIXED', 'Lamp replaced.');
    assert.equal(fixed.statusCode, 200, fixed.body);
    const backwards = await update('INVESTIGATING', '');
    assert.equal(backwards.statusCode, 409, 'a fixed case is reopened, not moved back');
    assert.match(backwards.json()[0].description, /reopen it before changing its status/);

    const { json } = await both(
      'servicerequestupdates',
      'jurisdiction_id=exeter',
      UPDATES_SCHEMA,
      'service_requests_updates',
    );
    const mine = (
      json as Array<{ service_request_id: string; status: string; description: string; update_id: string }>
    ).filter((u) => u.service_request_id === made.service_request_id);
    assert.deepEqual(
      mine.map((u) => u.status),
      ['ACTION_SCHEDULED', 'FIXED'],
    );
    assert.equal(mine[1]!.description, 'Lamp replaced.');
    assert.equal(mine[1]!.update_id, fixed.json()[0].update_id);

    const request = (await get(`requests/${made.service_request_id}.json?jurisdiction_id=exeter`)).json()[0];
    assert.equal(request.status, 'closed');
    assert.equal(request.status_notes, 'Lamp replaced.');
  });
});
