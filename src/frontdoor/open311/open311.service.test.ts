import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import { buildTestApp } from '../../../test/support/app.ts';
import { watchStatements } from '../../../test/support/statements.ts';
import type { AppServices } from '../../app/services.ts';
import type { Database } from '../../db/engine.ts';
import type { GeographyService } from '../../geography/index.ts';
import { ProblemError } from '../../platform/index.ts';
import { createResponsibleService, type ResponsibleService } from '../../register/index.ts';
import { createOpen311Service } from './open311.service.ts';

/** Points in Exeter, Newton Abbot (Teignbridge), Tiverton (Mid Devon), Manchester, and at sea. */
const POINTS = {
  exeter: { lat: 50.722777, lon: -3.531951 },
  newtonAbbot: { lat: 50.5289, lon: -3.6088 },
  tiverton: { lat: 50.9026, lon: -3.4886 },
  manchester: { lat: 53.4794, lon: -2.2453 },
  atSea: { lat: 49.5, lon: -7.5 },
};

describe('the services at a point, placed and routed once', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let lookups = 0;
  let responsible: ResponsibleService;
  // Watching from before the database opens, so that every connection is watched.
  const watcher = watchStatements();
  const routingStatements = (statements: string[]) => statements.filter((s) => /routing_facts/.test(s));

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    const geography: GeographyService = {
      ...services.geography,
      lookupPoint: (lat, lon) => {
        lookups++;
        return services.geography.lookupPoint(lat, lon);
      },
      lookupPostcode: (postcode) => {
        lookups++;
        return services.geography.lookupPostcode(postcode);
      },
    };
    responsible = createResponsibleService({ db: database.db, geography });
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  /** What `find` says for one service: its answer, or the problem it throws. */
  async function findOne(query: Parameters<ResponsibleService['find']>[0]) {
    try {
      return { answer: await services.responsible.find(query) };
    } catch (error) {
      if (error instanceof ProblemError) return { problem: error };
      throw error;
    }
  }

  it('answers each service as finding it alone does, from one lookup of the place', async () => {
    const codes = (await services.open311.services(await services.open311.jurisdiction('exeter'))).map((s) =>
      Number(s.service_code),
    );
    assert.ok(codes.length > 5);
    const withUnknown = [...codes, 99999];
    const places = [...Object.values(POINTS), { postcode: 'EX1 1AE' }, { postcode: 'EX16' }];
    for (const place of places) {
      lookups = 0;
      const { result: each, statements } = await watcher.during(() =>
        responsible.findEach({ services: withUnknown, ...place }),
      );
      assert.equal(lookups, 1, `one lookup of ${JSON.stringify(place)}`);
      assert.equal(routingStatements(statements).length, 1, 'the register read once for every service');
      assert.deepEqual(
        each.map((e) => e.service),
        withUnknown,
      );
      for (const [i, service] of withUnknown.entries()) {
        const alone = await findOne({ service, ...place });
        const { answer, problem } = each[i]!;
        if (alone.answer) assert.deepEqual(answer, alone.answer, `${service} at ${JSON.stringify(place)}`);
        else {
          assert.ok(problem, `${service} at ${JSON.stringify(place)} is a problem`);
          assert.equal(problem.status, alone.problem!.status);
          assert.equal(problem.detail, alone.problem!.detail);
          assert.deepEqual(problem.extensions, alone.problem!.extensions);
        }
      }
    }
    await assert.rejects(
      responsible.findEach({ services: codes, lat: 95, lon: 0 }),
      (error) => error instanceof ProblemError && error.status === 400,
    );
    await assert.rejects(
      responsible.findEach({ services: [0], ...POINTS.exeter }),
      (error) => error instanceof ProblemError && /LGSL code/.test(error.detail),
    );
  });

  it('lists the services at a point from one lookup, as before: every one in a council’s area, none at sea', async () => {
    const open311 = createOpen311Service({
      db: database.db,
      cases: services.cases,
      register: services.register,
      responsible,
    });
    const exeter = await open311.jurisdiction('exeter');
    const all = await open311.services(exeter);
    for (const point of [POINTS.exeter, POINTS.newtonAbbot, POINTS.tiverton, POINTS.manchester]) {
      lookups = 0;
      const { result, statements } = await watcher.during(() => open311.services(exeter, point));
      assert.deepEqual(result, all, JSON.stringify(point));
      assert.equal(lookups, 1);
      assert.equal(routingStatements(statements).length, 1);
    }
    lookups = 0;
    assert.deepEqual(await open311.services(exeter, POINTS.atSea), []);
    assert.equal(lookups, 1);
  });
});
