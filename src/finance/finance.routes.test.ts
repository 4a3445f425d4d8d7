/**
 * The cost-sharing API: the runs' shape (pence as JSON integers), 400 for a bad period or id, 401
 * signed out, 403 for a write by someone who is not the finance lead, 404 for a run the person may
 * not see; a councillor sees only their council's lines; writes need the CSRF token with a cookie.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import { buildTestApp, type Session } from '../../test/support/app.ts';
import { loadFinanceFixture, type FinanceFixture } from '../../test/support/finance.ts';
import type { Database } from '../db/engine.ts';
import type { RechargeRunJson as RunJson } from './finance.schemas.ts';

describe('the recharge runs API', () => {
  let database: Database;
  let app: FastifyInstance;
  let fx: FinanceFixture;

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    fx = await loadFinanceFixture(app, built.services, database);
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  const get = (url: string, session?: Session) =>
    app.inject({ method: 'GET', url, headers: session ? { cookie: session.cookie } : {} });
  const post = (url: string, session: Session, body: unknown, csrf = true) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie: session.cookie, ...(csrf ? { 'x-csrf-token': session.csrf } : {}) },
      payload: body as Record<string, unknown>,
    });

  it("lists a partnership's runs for a period in the documented shape", async () => {
    const response = await get(
      '/api/v1/partnerships/2020-vision/recharge-runs?period=2025-26',
      fx.sessions.officer,
    );
    assert.equal(response.statusCode, 200);
    const { runs } = response.json() as { runs: RunJson[] };
    const ict = runs.find((r) => r.id === fx.ictRun)!;
    assert.ok(ict, 'the issued ICT run is listed');
    assert.equal(ict.state, 'issued');
    assert.equal(ict.kind, 'recharge');
    assert.equal(ict.period, '2025-26');
    assert.equal(ict.corrects, null);
    assert.equal(ict.superseded_by, null);
    assert.equal(typeof ict.issued_at, 'string');
    assert.deepEqual(Object.keys(ict.pool).sort(), ['id', 'illustrative', 'name', 'total_pence']);
    assert.equal(ict.pool.name, 'Test shared ICT');
    const ledger = fx.ictLedger.reduce((s, p) => s + p, 0n);
    assert.equal(ict.pool.total_pence, Number(ledger));
    assert.equal(ict.lines.length, fx.vision.councils.length);
    for (const line of ict.lines) {
      assert.ok(Number.isInteger(line.amount_pence), 'pence are JSON integers');
      assert.match(line.gss ?? '', /^E0\d{7}$/);
      assert.equal(typeof line.explanation, 'string');
      assert.ok(line.explanation.length > 0);
      for (const key of ['name', 'driver', 'driver_value', 'driver_total']) assert.ok(key in line);
    }
    assert.equal(
      ict.lines.reduce((s: number, l: { amount_pence: number }) => s + l.amount_pence, 0),
      ict.pool.total_pence,
      'the lines add up to the pool to the penny',
    );
    // Another partnership's pool is not among them.
    assert.ok(!runs.some((r) => r.id === fx.devonRun));
  });

  it('answers one run in the same shape', async () => {
    const list = (await get('/api/v1/partnerships/2020-vision/recharge-runs', fx.sessions.lead)).json() as {
      runs: Array<{ id: string }>;
    };
    const response = await get(`/api/v1/recharge-runs/${fx.hrRun}`, fx.sessions.lead);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      response.json(),
      list.runs.find((r) => r.id === fx.hrRun),
    );
    assert.equal(response.json().state, 'draft');
  });

  it('refuses the signed-out with 401', async () => {
    for (const url of [
      '/api/v1/partnerships/2020-vision/recharge-runs',
      `/api/v1/recharge-runs/${fx.ictRun}`,
    ]) {
      const response = await get(url);
      assert.equal(response.statusCode, 401, url);
      assert.match(response.headers['content-type'] as string, /application\/problem\+json/);
    }
  });

  it('answers a bad period or run id with a 400 problem document', async () => {
    for (const url of [
      '/api/v1/partnerships/2020-vision/recharge-runs?period=2025-27',
      `/api/v1/partnerships/2020-vision/recharge-runs?period=${'9'.repeat(5000)}`,
      '/api/v1/recharge-runs/not-a-uuid',
      `/api/v1/recharge-runs/${'a'.repeat(60)}`,
      '/api/v1/partnerships/2020-vision/recharge-runs?period=2025-26&other=1',
    ]) {
      const response = await get(url, fx.sessions.officer);
      assert.equal(response.statusCode, 400, url);
      assert.match(response.headers['content-type'] as string, /application\/problem\+json/);
    }
  });

  it("answers 404 for an unknown run, another partnership's run and an unknown partnership", async () => {
    assert.equal(
      (await get('/api/v1/recharge-runs/00000000-0000-4000-8000-000000000000', fx.sessions.officer))
        .statusCode,
      404,
    );
    assert.equal((await get(`/api/v1/recharge-runs/${fx.devonRun}`, fx.sessions.officer)).statusCode, 404);
    assert.equal((await get(`/api/v1/recharge-runs/${fx.ictRun}`, fx.sessions.devonLead)).statusCode, 404);
    assert.equal(
      (await get('/api/v1/partnerships/no-such-partnership/recharge-runs', fx.sessions.officer)).statusCode,
      404,
    );
  });

  it("shows a councillor only their own council's line", async () => {
    const response = await get(`/api/v1/recharge-runs/${fx.ictRun}`, fx.sessions.councillor);
    assert.equal(response.statusCode, 200);
    const run = response.json();
    assert.equal(run.all_lines, false);
    assert.deepEqual(
      run.lines.map((l: { gss: string }) => l.gss),
      [fx.own.gss],
    );
  });

  it('shows someone with no finance role nothing', async () => {
    const response = await get('/api/v1/partnerships/2020-vision/recharge-runs', fx.sessions.plainOfficer);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().runs, []);
    assert.equal((await get(`/api/v1/recharge-runs/${fx.ictRun}`, fx.sessions.plainOfficer)).statusCode, 404);
  });

  it('lets the finance lead make a draft and issue it, and no one else', async () => {
    const body = { pool_id: fx.hrPool, period: '2025-26 Q1' };
    const refused = await post('/api/v1/recharge-runs', fx.sessions.officer, body);
    assert.equal(refused.statusCode, 403);
    const noCsrf = await post('/api/v1/recharge-runs', fx.sessions.lead, body, false);
    assert.equal(noCsrf.statusCode, 403);
    const made = await post('/api/v1/recharge-runs', fx.sessions.lead, body);
    assert.equal(made.statusCode, 201, made.body);
    const run = made.json();
    assert.equal(run.state, 'draft');
    assert.equal(run.period, '2025-26 Q1');
    assert.equal(made.headers.location, `/api/v1/recharge-runs/${run.id}`);
    assert.equal(
      (await post(`/api/v1/recharge-runs/${run.id}/issue`, fx.sessions.officer, {})).statusCode,
      403,
    );
    const issued = await post(`/api/v1/recharge-runs/${run.id}/issue`, fx.sessions.lead, {});
    assert.equal(issued.statusCode, 200, issued.body);
    assert.equal(issued.json().state, 'issued');
    const again = await post(`/api/v1/recharge-runs/${run.id}/issue`, fx.sessions.lead, {});
    assert.equal(again.statusCode, 409);
    // A second run for an issued period is a correction and needs its reason.
    const noReason = await post('/api/v1/recharge-runs', fx.sessions.lead, body);
    assert.equal(noReason.statusCode, 400);
    const correction = await post('/api/v1/recharge-runs', fx.sessions.lead, {
      ...body,
      reason: 'Budget revised',
    });
    assert.equal(correction.statusCode, 201);
    assert.equal(correction.json().corrects, run.id);
  });

  it('refuses bad bodies with a 400 and changes nothing', async () => {
    const before = (await get('/api/v1/partnerships/2020-vision/recharge-runs', fx.sessions.lead)).json().runs
      .length;
    for (const body of [
      {},
      { pool_id: 'x', period: '2025-26' },
      { pool_id: 0, period: '2025-26' },
      { pool_id: 2 ** 60, period: '2025-26' },
      { pool_id: fx.hrPool, period: 'soon' },
      { pool_id: fx.hrPool, period: '2025-26', kind: 'guess' },
      { pool_id: fx.hrPool, period: '2025-26', reason: 'r'.repeat(2001) },
      { pool_id: fx.hrPool, period: '2025-26', extra: true },
    ]) {
      const response = await post('/api/v1/recharge-runs', fx.sessions.lead, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body).slice(0, 80));
    }
    assert.equal(
      (await post('/api/v1/recharge-runs/not-a-uuid/issue', fx.sessions.lead, {})).statusCode,
      400,
    );
    assert.equal(
      (await post('/api/v1/recharge-runs', fx.sessions.lead, { pool_id: 999_999, period: '2025-26' }))
        .statusCode,
      404,
    );
    const after = (await get('/api/v1/partnerships/2020-vision/recharge-runs', fx.sessions.lead)).json().runs
      .length;
    assert.equal(after, before);
  });
});
