/**
 * The sovereignty register over the demo: each shared service with each council's kept and
 * delegated decisions as the register holds them on a date, services no council shares left out,
 * and its page open to everyone with bad input answered, never a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import { buildTestApp } from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import { createRegisterService } from '../register/index.ts';
import { sovereigntyRegister } from './sovereignty.ts';

const SOVEREIGN_POLICY = 'Matters of policy over which the council keeps independent decision-making';

describe('the sovereignty register', () => {
  let database: Database;
  let app: FastifyInstance;

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    app = (await buildTestApp(database)).app;
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it("lists each shared service with every council's kept and delegated decisions on a date", async () => {
    const register = createRegisterService(database.db);
    const vision = await sovereigntyRegister(register, '2020-vision', '2026-12-01');
    const building = vision.services.find((s) => s.lgslCode === 499);
    assert.ok(building, 'building control is shared through the venture');
    assert.deepEqual(building.rows.map((r) => r.council.gss).sort(), [
      'E07000078',
      'E07000079',
      'E07000080',
      'E07000181',
    ]);
    for (const row of building.rows) {
      assert.ok(row.reserved.includes(SOVEREIGN_POLICY), row.council.name);
      assert.ok(
        row.delegated.some((d) => /business plan/i.test(d)),
        row.council.name,
      );
      assert.equal(row.provider, '2020 Vision Joint Committee');
    }
    assert.ok(
      !vision.services.some((s) => s.lgslCode === 478),
      'car parks: West Oxfordshire keeps them itself',
    );
    const beforeVenture = await sovereigntyRegister(register, '2020-vision', '2015-01-01');
    assert.deepEqual(
      beforeVenture.services.map((s) => s.lgslCode),
      [],
      'before the venture every council delivers its services itself',
    );
  });

  it('shows the page to anyone, and answers bad input with a 400 or 404', async () => {
    const page = await app.inject({ method: 'GET', url: '/partnerships/integrated-devon/sovereignty' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Whether the service stays in the cluster arrangement/);
    assert.match(page.body, /Day-to-day delivery by the cluster team/);
    for (const [url, status] of [
      ['/partnerships/integrated-devon/sovereignty?date=2026-02-30', 400],
      ['/partnerships/integrated-devon/sovereignty?date=yesterday', 400],
      ['/partnerships/no-such/sovereignty', 404],
      ['/partnerships/%00/sovereignty', 400],
      ['/partnerships/integrated-devon/sovereignty?date=2009-04-07&extra=1', 200],
    ] as const) {
      assert.equal((await app.inject({ method: 'GET', url })).statusCode, status, url);
    }
  });
});
