/**
 * Open311 intake with the request shapes real clients send. FixMyStreet (the most widely used UK
 * client) POSTs form-encoded arguments: jurisdiction_id and api_key, lat and long, the person's
 * email, names and phone, a description made of the report's title, detail and address on
 * FixMyStreet, media_url for a photo, and `attribute[…]` for each of the service's attributes
 * plus its own (fixmystreet_id, title, description, report_url, closest_address, easting and
 * northing, a UPRN), repeated for several values. Other clients send JSON with numbers where the
 * value is a number, and null for what they do not have.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp, getPage, orgIdsBySlug, signIn, type Session } from '../support/app.ts';
import type { Database } from '../../src/db/engine.ts';
import type { AppServices } from '../../src/app/services.ts';
import { createApiKey, type NewApiKey } from '../../src/frontdoor/index.ts';
import { referencePrefix } from '../../src/frontdoor/cases/case-reference.ts';

const PASSWORD = 'a long enough password for tests';

/** A point in Exeter (EX1 1AE). */
const EXETER = { lat: '50.722777', long: '-3.531951' };

function formBody(form: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const v of [value].flat()) body.append(name, v);
  return body.toString();
}

describe('Open311 intake from real clients', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let fixMyStreet: NewApiKey;
  let otherApp: NewApiKey;
  let officer: Session;
  let exeterOrgId: number;

  const postForm = (url: string, form: Record<string, string | string[]>) =>
    app.inject({
      method: 'POST',
      url: `/open311/v2/${url}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      payload: formBody(form),
    });
  const postJson = (url: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url: `/open311/v2/${url}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const caseCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('service_case')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    fixMyStreet = await createApiKey(database.db, { jurisdiction: 'exeter', name: 'FixMyStreet' });
    otherApp = await createApiKey(database.db, { jurisdiction: 'exeter', name: 'Another reporting app' });
    exeterOrgId = (await orgIdsBySlug(database.db, ['exeter'])).exeter!;
    await services.auth.createAccount({
      email: 'officer.exeter@example.org',
      displayName: 'Exeter officer',
      password: PASSWORD,
      grants: [{ orgId: exeterOrgId, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    officer = await signIn(app, 'officer.exeter@example.org', PASSWORD);
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('takes FixMyStreet’s form-encoded request with attributes the definition does not list, and shows them to staff', async () => {
    const response = await postForm('requests.xml', {
      jurisdiction_id: 'exeter',
      api_key: fixMyStreet.key,
      ...EXETER,
      email: 'sam.resident@example.org',
      description:
        'title: Bins not emptied\n\ndetail: The grey bin on our road was missed on Tuesday.\n\nurl: https://www.fixmystreet.com/report/4123456\n\nSubmitted via FixMyStreet',
      service_code: '524',
      first_name: 'Sam',
      last_name: 'Resident',
      phone: '01632 960 001',
      media_url: 'https://www.fixmystreet.com/photo/4123456.0.full.jpeg',
      'attribute[container]': 'refuse',
      'attribute[fixmystreet_id]': '4123456',
      'attribute[title]': 'Bins not emptied',
      'attribute[description]': 'The grey bin on our road was missed on Tuesday.',
      'attribute[report_url]': 'https://www.fixmystreet.com/report/4123456',
      'attribute[closest_address]': '1 High Street, Exeter EX1 1AE',
      'attribute[easting]': '292250',
      'attribute[northing]': '92600',
      'attribute[uprn]': '100040212345',
      'attribute[photos]': ['one.jpeg', 'two.jpeg'],
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.match(response.headers['content-type'] as string, /^text\/xml/);
    const reference = /<service_request_id>([^<]+)<\/service_request_id>/.exec(response.body)?.[1];
    assert.equal(referencePrefix(reference ?? ''), 'EXE');

    const page = await getPage(app, `/desk/cases/${exeterOrgId}/${reference}`, officer);
    assert.equal(page.statusCode, 200, page.body);
    const section = page.body.slice(page.body.indexOf('id="client-details"'));
    assert.ok(section.length < page.body.length, 'the case page shows what the client sent');
    for (const shown of [
      'fixmystreet_id',
      '4123456',
      'uprn',
      '100040212345',
      'easting',
      '292250',
      'northing',
      '92600',
      'closest_address',
      'one.jpeg, two.jpeg',
      'href="https://www.fixmystreet.com/photo/4123456.0.full.jpeg"',
    ]) {
      assert.ok(section.includes(shown), `the case page shows ${shown}`);
    }
    assert.ok(page.body.includes('Which collection was missed? General rubbish'));

    // The client that sent it reads its attributes and photo back; anyone without its key does not.
    const keyed = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${reference}.json?jurisdiction_id=exeter&api_key=${fixMyStreet.key}`,
    });
    const [request] = keyed.json() as Array<{
      media_url: string;
      attributes: Array<{ code: string; value: string }>;
    }>;
    assert.equal(request!.media_url, 'https://www.fixmystreet.com/photo/4123456.0.full.jpeg');
    assert.deepEqual(
      request!.attributes.find((a) => a.code === 'uprn'),
      { code: 'uprn', value: '100040212345' },
    );
    const open = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${reference}.json?jurisdiction_id=exeter`,
    });
    assert.equal(open.json()[0].attributes, undefined);
    assert.equal(open.json()[0].media_url, '');
  });

  it('takes JSON with numbers where the value is a number, null for what is missing, and attributes as an object', async () => {
    const response = await postJson('requests.json', {
      jurisdiction_id: 'exeter',
      api_key: fixMyStreet.key,
      service_code: 524,
      lat: 50.722777,
      long: -3.531951,
      description: 'Recycling box not emptied',
      email: null,
      phone: null,
      address_string: '1 High Street, Exeter EX1 1AE',
      attribute: { container: 'recycling', fixmystreet_id: 4123457, easting: 292250.5 },
      'attribute[uprn]': 100040212345,
    });
    assert.equal(response.statusCode, 201, response.body);
    const reference = response.json()[0].service_request_id as string;
    const detail = await services.cases.detail(
      {
        accountId: null,
        name: 'test',
        readOrgs: [exeterOrgId],
        writeOrgs: [],
        frontDoorOrgs: [],
        mayHandle: () => true,
        mayNote: () => true,
        mayRefer: () => false,
      },
      exeterOrgId,
      reference,
    );
    assert.deepEqual(detail.attributes, {
      container: 'recycling',
      fixmystreet_id: '4123457',
      easting: '292250.5',
      uprn: '100040212345',
    });
    assert.equal(detail.place.address, '1 High Street, Exeter EX1 1AE');
  });

  it('refuses only what the specification makes wrong, in the client’s format, and opens nothing', async () => {
    const before = await caseCount();
    const base = { jurisdiction_id: 'exeter', api_key: fixMyStreet.key, lat: 50.72, long: -3.53 };
    const refusals: Array<[unknown, RegExp]> = [
      [{ ...base, service_code: 524, description: 'x' }, /attribute\[container\] is required/],
      [{ ...base, service_code: 524, description: 'x', attribute: { container: 'skip' } }, /must be one of/],
      [
        { ...base, service_code: 564, description: { a: 1 } },
        /description must be text or a number, not an object/,
      ],
      [{ ...base, service_code: { code: 564 }, description: 'x' }, /service_code must be text or a number/],
      [{ ...base, service_code: 564, description: 'x', lat: [{}] }, /lat must be text or a number/],
      [
        { ...base, service_code: 564, description: 'x', email: true },
        /email must be text or a number, not a boolean/,
      ],
      [{ ...base, service_code: 564, description: 'x', attribute: ['a'] }, /attribute must be an object/],
      [
        { ...base, service_code: 564, description: 'x', attribute: { uprn: { a: 1 } } },
        /attribute\[uprn\] must be text/,
      ],
      [{ ...base, service_code: 564, description: 'x', media_url: 'javascript:alert(1)' }, /media_url/],
      [
        { ...base, service_code: 564, description: 'x', attribute: { note: 'y'.repeat(1001) } },
        /attribute: .*1,000 or fewer/,
      ],
    ];
    for (const [body, message] of refusals) {
      const response = await postJson('requests.json', body);
      assert.equal(response.statusCode, 400, `${JSON.stringify(body).slice(0, 200)}: ${response.body}`);
      assert.match(response.headers['content-type'] as string, /^application\/json/);
      assert.equal(response.json()[0].code, 400);
      assert.match(response.json()[0].description, message);
    }
    const asXml = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.xml',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...base, service_code: 564, description: { a: 1 } }),
    });
    assert.equal(asXml.statusCode, 400);
    assert.match(asXml.body, /<errors>\s*<error>\s*<code>400<\/code>/);
    assert.equal(await caseCount(), before);
  });

  it('answers a token only to the client that posted the request', async () => {
    const response = await postForm('requests.json', {
      jurisdiction_id: 'exeter',
      api_key: fixMyStreet.key,
      ...EXETER,
      service_code: '577',
      description: 'Dog fouling on the path',
    });
    assert.equal(response.statusCode, 201, response.body);
    const { token, service_request_id: id } = response.json()[0] as {
      token: string;
      service_request_id: string;
    };
    const tokenAs = (key?: string) =>
      app.inject({
        method: 'GET',
        url: `/open311/v2/tokens/${token}.json?jurisdiction_id=exeter${key ? `&api_key=${key}` : ''}`,
      });
    const own = await tokenAs(fixMyStreet.key);
    assert.equal(own.statusCode, 200, own.body);
    assert.deepEqual(own.json(), [{ service_request_id: id, token }]);
    for (const other of [await tokenAs(otherApp.key), await tokenAs()]) {
      assert.equal(other.statusCode, 404, other.body);
      assert.ok(!other.body.includes(id), 'nothing of the request is told');
    }
  });
  it('records each request a client with a key is shown in full, and nothing for a read without a key', async () => {
    const response = await postForm('requests.json', {
      jurisdiction_id: 'exeter',
      api_key: fixMyStreet.key,
      ...EXETER,
      service_code: '577',
      description: 'Dog fouling by the bench',
    });
    assert.equal(response.statusCode, 201, response.body);
    const id = (response.json()[0] as { service_request_id: string }).service_request_id;
    const views = () =>
      database.db
        .selectFrom('audit_log')
        .select(['org_id', 'account_id', 'after'])
        .where('action', '=', 'view')
        .where('entity_type', '=', 'case')
        .where('entity_key', '=', id)
        .execute();
    const anonymous = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${id}.json?jurisdiction_id=exeter`,
    });
    assert.equal(anonymous.statusCode, 200, anonymous.body);
    assert.equal((anonymous.json()[0] as { description: string }).description, '');
    assert.deepEqual(await views(), [], 'a read without a key shows nothing personal and records nothing');

    const keyed = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests.json?jurisdiction_id=exeter&api_key=${fixMyStreet.key}&service_request_id=${id}`,
    });
    assert.equal(keyed.statusCode, 200, keyed.body);
    assert.equal((keyed.json()[0] as { description: string }).description, 'Dog fouling by the bench');
    const recorded = await views();
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.org_id, exeterOrgId);
    assert.equal(recorded[0]!.account_id, null);
    const after =
      typeof recorded[0]!.after === 'string' ? JSON.parse(recorded[0]!.after) : recorded[0]!.after;
    assert.deepEqual(after, { via: 'open311', keyId: fixMyStreet.keyId, key: 'FixMyStreet' });
  });
});
