/**
 * Option appraisal: scores from ratings and weights, ranks with ties shared, and the demo's 2020
 * Vision appraisal (Table 4.8's outcomes, Table 6.2's longlist, §1.52's shortlist) on its page,
 * with bad input refused and nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openDemoApp } from '../../test/support/app.ts';
import { rowCount } from '../../test/support/rows.ts';
import type { Database } from '../db/engine.ts';
import type { AppServices } from '../app/services.ts';
import { ProblemError } from '../platform/index.ts';
import { NOBODY } from './governance-actor.ts';
import { scoreOptions } from './appraisal.service.ts';

describe('scoreOptions', () => {
  it('scores high, medium and low as 3, 2 and 1 times the weight, and shares a rank between equal totals', () => {
    const options = [
      { kind: 'make' as const, name: 'A', shortlisted: false, ratings: ['high', 'low'] as const },
      { kind: 'share' as const, name: 'B', shortlisted: true, ratings: ['medium', 'medium'] as const },
      { kind: 'buy' as const, name: 'C', shortlisted: false, ratings: ['low', 'high'] as const },
    ];
    const even = scoreOptions(
      [{ weight: 1 }, { weight: 1 }],
      options.map((o) => ({ ...o, ratings: [...o.ratings] })),
    );
    assert.deepEqual(
      even.map((o) => [o.name, o.scores, o.total, o.rank]),
      [
        ['A', [3, 1], 4, 1],
        ['B', [2, 2], 4, 1],
        ['C', [1, 3], 4, 1],
      ],
    );
    const weighted = scoreOptions(
      [{ weight: 3 }, { weight: 1 }],
      options.map((o) => ({ ...o, ratings: [...o.ratings] })),
    );
    assert.deepEqual(
      weighted.map((o) => [o.name, o.total, o.rank]),
      [
        ['A', 10, 1],
        ['B', 8, 2],
        ['C', 6, 3],
      ],
    );
  });
});

describe('the option appraisal', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;

  let close: () => Promise<void>;

  before(async () => {
    ({ database, app, services, close } = await openDemoApp());
  });
  after(() => close?.());

  it("holds the 2020 Vision appraisal with the report's outcomes, longlist and shortlist", async () => {
    const [appraisal] = await services.appraisals.appraisals('2020-vision');
    assert.ok(appraisal);
    assert.deepEqual(
      appraisal.outcomes.map((o) => [o.name, o.contributory.length, o.weight]),
      [
        ['Savings', 4, 1],
        ['Influence', 5, 1],
        ['Quality', 5, 1],
        ['Creativity', 3, 1],
      ],
    );
    assert.equal(appraisal.weighted, false);
    assert.equal(appraisal.maximum, 12);
    assert.deepEqual(
      appraisal.options.map((o) => o.kind),
      ['make', 'buy', 'share', 'share', 'share', 'divest'],
    );
    const shortlisted = appraisal.options.filter((o) => o.shortlisted);
    assert.ok(shortlisted.every((o) => o.kind === 'share'));
    const best = Math.max(...appraisal.options.filter((o) => !o.shortlisted).map((o) => o.total));
    assert.ok(
      shortlisted.every((o) => o.total > best),
      'the illustrative ratings agree with the shortlist',
    );
    const page = await app.inject({ method: 'GET', url: '/partnerships/2020-vision/appraisals' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Shared service model \(lead authority or joint committee\)/);
    assert.match(page.body, /High \(3\)/);
    assert.match(page.body, /no weights are applied/);
    assert.equal(
      (await app.inject({ method: 'GET', url: '/partnerships/no-such/appraisals' })).statusCode,
      404,
    );
    assert.match(
      (await app.inject({ method: 'GET', url: '/partnerships/warwickshire-way/appraisals' })).body,
      /no option appraisal recorded/,
    );
  });

  it('refuses an appraisal from anyone but the administrator, or with bad ratings, and writes nothing', async () => {
    const before = await rowCount(database, 'appraisal');
    const input = {
      title: 'Waste options',
      outcomes: [{ name: 'Savings' }, { name: 'Quality', weight: 2 }],
      options: [{ kind: 'share', name: 'Joint waste team', ratings: ['high', 'medium'] }],
    };
    const refused = (work: Promise<unknown>, status: number) =>
      assert.rejects(work, (e: unknown) => e instanceof ProblemError && e.status === status);
    await refused(services.appraisals.createAppraisal(NOBODY, '2020-vision', input), 403);
    const vision = await services.register.partnership('2020-vision');
    const keeper = {
      ...NOBODY,
      keeps: [{ partnershipId: vision.partnershipId, orgId: vision.members[0]!.orgId }],
    };
    await refused(
      services.appraisals.createAppraisal(keeper, '2020-vision', {
        ...input,
        outcomes: [{ name: 'Savings', weight: 0 }, { name: '' }],
        options: [{ kind: 'rent', name: 'x', ratings: ['high'] }],
      }),
      400,
    );
    assert.equal(await rowCount(database, 'appraisal'), before);
    const made = await services.appraisals.createAppraisal(keeper, '2020-vision', input);
    assert.equal(made.weighted, true);
    assert.deepEqual(made.options[0]!.scores, [3, 4]);
  });
});
