/**
 * The 2020 Vision risk log in the demo, through the risk service and its page: scores and bands
 * from likelihood × impact, the heat map's counts matching the risks (as a table beside the
 * chart), overdue reviews said in words, internal risks kept to their keeper, and bad input
 * refused without writing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openDemoApp } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import { ProblemError } from '../platform/index.ts';
import { NOBODY, type GovernanceActor } from './governance-actor.ts';
import { bandOf } from './risk.service.ts';

describe('the risk log', () => {
  let app: FastifyInstance;
  let services: AppServices;
  let keeper: GovernanceActor;

  let close: () => Promise<void>;

  before(async () => {
    ({ app, services, close } = await openDemoApp());
    const vision = await services.register.partnership('2020-vision');
    keeper = {
      ...NOBODY,
      keeps: [
        {
          partnershipId: vision.partnershipId,
          orgId: (await services.register.organisation('E07000079')).orgId,
        },
      ],
    };
  });
  after(() => close?.());

  it('bands a score of likelihood × impact', () => {
    assert.deepEqual([1, 4, 5, 9, 10, 16, 20, 25].map(bandOf), [
      'Low (1 to 4)',
      'Low (1 to 4)',
      'Medium (5 to 9)',
      'Medium (5 to 9)',
      'High (10 to 16)',
      'High (10 to 16)',
      'Very high (20 or 25)',
      'Very high (20 or 25)',
    ]);
  });

  it("holds the report's risks, highest residual first, with the heat map's counts matching them", async () => {
    const log = await services.risks.riskLog(NOBODY, '2020-vision');
    assert.equal(log.risks.length, 7);
    assert.equal(log.risks[0]!.title, 'Policy on pensions: employer contributions almost doubling');
    assert.deepEqual(log.risks[0]!.residual, {
      likelihood: 3,
      impact: 4,
      score: 12,
      band: 'High (10 to 16)',
    });
    for (let i = 1; i < log.risks.length; i++)
      assert.ok(log.risks[i - 1]!.residual.score >= log.risks[i]!.residual.score);
    const counted = log.heat.flat().reduce((a, b) => a + b, 0);
    assert.equal(counted, 7);
    for (const r of log.risks) assert.ok(log.heat[r.residual.impact - 1]![r.residual.likelihood - 1]! >= 1);
    assert.equal(log.overdue, 7, 'the demo reviews were due in 2015');
    const page = await app.inject({ method: 'GET', url: '/partnerships/2020-vision/risks' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<svg[^>]+role="img"/);
    assert.match(page.body, /Overdue: was due 20 February 2015/);
    assert.match(page.body, /Residual risks by impact \(rows\) and likelihood \(columns\)/);
    const none = await app.inject({ method: 'GET', url: '/partnerships/warwickshire-way/risks' });
    assert.match(none.body, /has no risks recorded/);
    assert.doesNotMatch(none.body, /<svg[^>]+role="img"/);
    assert.equal((await app.inject({ method: 'GET', url: '/partnerships/no-such/risks' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/partnerships/%00/risks' })).statusCode, 400);
  });

  it('keeps an internal risk to its keeper, and refuses bad input or another keeper, writing nothing', async () => {
    const input = {
      title: 'Contract exit costs higher than planned',
      owner: 'Programme Board',
      inherent: { likelihood: 3, impact: 4 },
      residual: { likelihood: 2, impact: 4 },
      treatment: 'transfer',
      nextReviewOn: '2099-01-01',
      internal: true,
    };
    const before = (await services.risks.riskLog(keeper, '2020-vision')).risks.length;
    const refused = (work: Promise<unknown>, status: number) =>
      assert.rejects(work, (e: unknown) => e instanceof ProblemError && e.status === status);
    await refused(services.risks.createRisk(NOBODY, '2020-vision', input), 403);
    await refused(
      services.risks.createRisk(keeper, '2020-vision', {
        ...input,
        inherent: { likelihood: 6, impact: 0 },
        treatment: 'ignore',
        nextReviewOn: 'soon',
      }),
      400,
    );
    await refused(services.risks.createRisk(keeper, 'integrated-devon', input), 403);
    assert.equal((await services.risks.riskLog(keeper, '2020-vision')).risks.length, before);
    const made = await services.risks.createRisk(keeper, '2020-vision', input);
    assert.equal(made.reviewOverdue, false);
    assert.equal((await services.risks.riskLog(keeper, '2020-vision')).risks.length, before + 1);
    assert.ok(
      !(await services.risks.riskLog(NOBODY, '2020-vision')).risks.some((r) => r.riskId === made.riskId),
    );
  });
});
