import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import { buildTestApp } from '../../../test/support/app.ts';
import type { AppServices } from '../../app/services.ts';
import type { Database } from '../../db/engine.ts';
import { createApiKey, type ApiClient, type NewApiKey } from './api-keys.ts';
import { requestRows } from './open311.repository.ts';
import { caseStatusesFor, createRequestLists, requestFilter } from './open311.requests.ts';
import type { Jurisdiction, RequestsQuery } from './open311.types.ts';

/** A point in Exeter (EX1 1AE): street lighting there is Devon's, dog fouling Exeter's. */
const EXETER = { lat: '50.722777', long: '-3.531951' };
const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

describe('which rows a GET requests asks the database for', () => {
  it('names the references alone when the query names them, and always the page', () => {
    const start = new Date('2026-09-01T00:00:00Z');
    const end = new Date('2026-11-01T00:00:00Z');
    const query: RequestsQuery = {
      serviceRequestIds: ['EXE-2026-000001'],
      serviceCodes: ['524'],
      statuses: ['open'],
      start,
      end,
      page: 3,
      pageSize: 20,
    };
    assert.deepEqual(requestFilter(7, query), {
      orgId: 7,
      references: ['EXE-2026-000001'],
      offset: 40,
      limit: 20,
    });
    const { serviceRequestIds: _ids, ...listing } = query;
    assert.deepEqual(requestFilter(7, listing), {
      orgId: 7,
      lgslCodes: [524],
      statuses: caseStatusesFor(['open']),
      start,
      end,
      offset: 40,
      limit: 20,
    });
  });

  it('reads Open311’s open and closed as the case statuses behind them', () => {
    const open = caseStatusesFor(['open']);
    const closed = caseStatusesFor(['closed']);
    for (const status of ['open', 'investigating', 'in_progress', 'reopened'] as const) {
      assert.ok(open.includes(status), status);
    }
    for (const status of ['fixed', 'closed', 'duplicate', 'no_further_action', 'referred'] as const) {
      assert.ok(closed.includes(status), status);
    }
    assert.equal(open.filter((s) => closed.includes(s)).length, 0);
    assert.deepEqual(caseStatusesFor(['open', 'closed']).sort(), [...open, ...closed].sort());
  });
});

describe('a page of Open311 requests, read from the database a page at a time', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let exeterKey: NewApiKey;
  let devonKey: NewApiKey;
  let exeter: Jurisdiction;
  /** Exeter's requests, newest first: what every page below is a slice of. */
  let newestFirst: string[];
  let streetLights: Set<string>;
  let old: string;
  let fixed: string[];

  /** The most rows one read gave the list. */
  let largestRead = 0;
  const lists = () =>
    createRequestLists(services.database.db, async (tx, filter) => {
      const rows = await requestRows(tx, filter);
      largestRead = Math.max(largestRead, rows.length);
      return rows;
    });
  const client = (key: NewApiKey): ApiClient => ({
    orgId: key.orgId,
    keyId: key.keyId,
    name: key.name,
    jurisdiction: key.jurisdiction,
  });

  const post = async (key: NewApiKey, form: Record<string, string>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        jurisdiction_id: key.jurisdiction!,
        api_key: key.key,
        ...EXETER,
        ...form,
      }).toString(),
    });
    assert.equal(response.statusCode, 201, response.body);
    return (response.json() as Array<{ service_request_id: string }>)[0]!.service_request_id;
  };
  const openedAt = (reference: string, at: Date) =>
    services.database.db
      .updateTable('service_case')
      .set({ opened_at: at })
      .where('reference', '=', reference)
      .execute();

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    exeterKey = await createApiKey(database.db, { jurisdiction: 'exeter', name: 'Exeter reporting app' });
    devonKey = await createApiKey(database.db, { jurisdiction: 'devon', name: 'Devon highways system' });
    // Exeter's app sends 24 requests: street lights (Devon holds them) and dog fouling (Exeter's).
    const made: string[] = [];
    streetLights = new Set();
    for (let i = 0; i < 24; i++) {
      const light = i % 3 === 0;
      const reference = await post(exeterKey, {
        service_code: light ? '564' : '577',
        description: `Request ${i}`,
      });
      if (light) streetLights.add(reference);
      made.push(reference);
    }
    // Devon's own system sends one that Exeter neither holds nor took.
    const devonsOwn = await post(devonKey, { service_code: '564', description: 'Devon’s own' });
    // Each a minute after the one before, a day ago; one more from before the 90-day window.
    const base = Date.now() - DAY - made.length * MINUTE;
    for (const [i, reference] of made.entries()) await openedAt(reference, new Date(base + i * MINUTE));
    await openedAt(devonsOwn, new Date(base + 30 * MINUTE));
    old = await post(exeterKey, { service_code: '577', description: 'Long ago' });
    await openedAt(old, new Date(Date.now() - 100 * DAY));
    newestFirst = [...made].reverse();
    // Exeter's system marks two of its own fixed.
    fixed = [made[4]!, made[10]!];
    for (const reference of fixed) {
      const response = await app.inject({
        method: 'POST',
        url: '/open311/v2/servicerequestupdates.json',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          jurisdiction_id: 'exeter',
          api_key: exeterKey.key,
          service_request_id: reference,
          status: 'FIXED',
        }).toString(),
      });
      assert.equal(response.statusCode, 200, response.body);
    }
    exeter = await services.open311.jurisdiction('exeter');
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  const window = () => ({ start: new Date(Date.now() - 90 * DAY), end: new Date() });
  const references = (list: Array<{ service_request_id: string }>) => list.map((r) => r.service_request_id);

  it('reads exactly the page, and the right one, newest first, across the councils holding them', async () => {
    largestRead = 0;
    const page = await lists().listRequests(exeter, { ...window(), page: 2, pageSize: 5 }, client(exeterKey));
    assert.deepEqual(references(page), newestFirst.slice(5, 10));
    assert.equal(largestRead, 5, 'the database gives the list the page and nothing more');
    for (const request of page) {
      const holder = streetLights.has(request.service_request_id)
        ? 'Devon County Council'
        : 'Exeter City Council';
      assert.equal(request.agency_responsible, holder);
      assert.match(request.description, /^Request \d+$/, 'Exeter took them all: its key sees them in full');
    }

    largestRead = 0;
    const last = await lists().listRequests(exeter, { ...window(), page: 5, pageSize: 5 }, undefined);
    assert.deepEqual(references(last), newestFirst.slice(20, 24));
    assert.equal(largestRead, 4);
    assert.deepEqual(
      await lists().listRequests(exeter, { ...window(), page: 6, pageSize: 5 }, undefined),
      [],
    );
  });

  it('filters by service and status in the database, then pages', async () => {
    largestRead = 0;
    const lights = await lists().listRequests(
      exeter,
      { ...window(), serviceCodes: ['564'], page: 1, pageSize: 3 },
      undefined,
    );
    assert.deepEqual(references(lights), newestFirst.filter((r) => streetLights.has(r)).slice(0, 3));
    assert.equal(largestRead, 3);

    largestRead = 0;
    const newestFixed = await lists().listRequests(
      exeter,
      { ...window(), statuses: ['closed'], page: 1, pageSize: 1 },
      undefined,
    );
    assert.deepEqual(references(newestFixed), [fixed[1]]);
    assert.equal(largestRead, 1);
    const open = await lists().listRequests(
      exeter,
      { ...window(), statuses: ['open'], page: 1, pageSize: 100 },
      undefined,
    );
    assert.deepEqual(
      references(open),
      newestFirst.filter((r) => !fixed.includes(r)),
    );
  });

  it('reads only requests first had in the window', async () => {
    const recent = await lists().listRequests(exeter, { ...window(), page: 1, pageSize: 100 }, undefined);
    assert.ok(!references(recent).includes(old));
    const then = await lists().listRequests(
      exeter,
      {
        start: new Date(Date.now() - 101 * DAY),
        end: new Date(Date.now() - 99 * DAY),
        page: 1,
        pageSize: 100,
      },
      undefined,
    );
    assert.deepEqual(references(then), [old]);
  });

  it('gives the same page through the API', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/open311/v2/requests.json?jurisdiction_id=exeter&page_size=5&page=2&api_key=${exeterKey.key}`,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(references(response.json()), newestFirst.slice(5, 10));
  });
});
