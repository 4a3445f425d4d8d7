import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import { buildTestApp } from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { referencePrefix } from './case-reference.ts';

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('front door API', () => {
  let database: Database;
  let app: FastifyInstance;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
  const bins = {
    service: 524,
    postcode: 'EX1 1AE',
    description: 'Bins not collected.',
    email: 'pat@example.org',
  };

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    app = (await buildTestApp(database)).app;
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('opens a case for whoever is responsible and says where to follow it', async () => {
    const response = await post(bins);
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json();
    assert.equal(body.outcome, 'opened');
    assert.equal(referencePrefix(body.case.reference), 'EXE');
    assert.equal(body.case.responsible.jurisdiction, 'exeter');
    assert.equal(response.headers.location, `/api/v1/cases/${body.case.reference}`);
    const tracked = await app.inject({ method: 'GET', url: response.headers.location as string });
    assert.equal(tracked.statusCode, 200);
    assert.equal(tracked.json().status, 'open');
    assert.ok(!tracked.body.includes('pat@example.org'));
  });

  it('answers a place on a boundary with the candidates, and opens nothing', async () => {
    const before = (await database.db.selectFrom('service_case').select('case_id').execute()).length;
    const response = await post({ ...bins, postcode: undefined, lat: 50.692964, lon: -3.540154 });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().outcome, 'ambiguous');
    assert.equal(response.json().candidates.length, 2);
    assert.equal((await database.db.selectFrom('service_case').select('case_id').execute()).length, before);
  });

  it('gives a repeat with the same Idempotency-Key the first answer, and refuses it with another body', async () => {
    const headers = { 'idempotency-key': 'api-test-1' };
    const first = await post(bins, headers);
    const again = await post(bins, headers);
    assert.equal(again.statusCode, 201);
    assert.equal(again.json().case.reference, first.json().case.reference);
    const other = await post({ ...bins, description: 'Something else.' }, headers);
    assert.equal(other.statusCode, 422);
    assert.equal(other.headers['content-type'], PROBLEM);
    assert.equal((await post(bins, { 'idempotency-key': 'has spaces in it' })).statusCode, 400);
  });

  it('refuses bad input with a problem document naming the field, and a form post with 415', async () => {
    const missing = await post({ service: 524, postcode: 'EX1 1AE' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().detail, /description is required/);
    const empty = await post({ ...bins, description: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.json().detail, /Enter what you want to report/);
    const badEmail = await post({ ...bins, email: 'nope' });
    assert.equal(badEmail.statusCode, 400);
    const unknownPlace = (await post({ ...bins, postcode: 'EX1 9ZZ' })).json();
    assert.deepEqual([unknownPlace.status, unknownPlace.code], [404, 'unknown_place']);
    const unknownService = (await post({ ...bins, service: 9999 })).json();
    assert.deepEqual([unknownService.status, unknownService.code], [404, 'unknown_service']);
    const form = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'service=524&postcode=EX1+1AE&description=x',
    });
    assert.equal(form.statusCode, 415);
  });

  it('says an unknown reference is not found', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/cases/EXE-2020-999999' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['content-type'], PROBLEM);
  });
});
