/**
 * A pool's rules page: the form read into a rule (pure), a refused rule shown with its message and
 * everything typed kept, a saved one listed in words, and only the finance lead may save.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import { buildTestApp, getPage, postForm, signIn, type Session } from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import { DEMO_PASSWORD } from '../demo/accounts.ts';
import { OPERATOR } from './finance-actor.ts';
import { ruleFromForm } from './rules.pages.ts';

const members = [
  // Only what the form needs of each member.
  { orgId: 1, gss: 'E07000078', name: 'Cheltenham', joinedOn: '2015-04-01', leftOn: null },
  { orgId: 2, gss: 'E07000079', name: 'Cotswold', joinedOn: '2015-04-01', leftOn: null },
];

describe('ruleFromForm', () => {
  it('reads each kind of rule from the form', () => {
    assert.deepEqual(ruleFromForm({ kind: 'equal' }, { members }).rule, { kind: 'equal' });
    assert.deepEqual(ruleFromForm({ kind: 'driver', driver: 'households' }, { members }).rule, {
      kind: 'driver',
      driver: 'households',
    });
    const fixed = ruleFromForm(
      { kind: 'fixed', 'share-E07000078': '60', 'share-E07000079': '40.00%', tolerance: '3' },
      { members },
    );
    assert.deepEqual(fixed.rule, { kind: 'fixed', shares: { E07000078: 6000, E07000079: 4000 } });
    assert.equal(fixed.tolerance, 300);
    assert.deepEqual(ruleFromForm({ kind: 'json', json: '{"kind":"equal"}' }, { members }).rule, {
      kind: 'equal',
    });
  });

  it('names every field it cannot read', () => {
    assert.deepEqual(ruleFromForm({}, { members }).errors, { kind: 'Select how the pool is shared' });
    assert.deepEqual(
      Object.keys(
        ruleFromForm({ kind: 'fixed', 'share-E07000078': 'sixty', tolerance: '-1' }, { members }).errors,
      ),
      ['share-E07000078', 'share-E07000079', 'tolerance'],
    );
    assert.ok(ruleFromForm({ kind: 'driver', driver: 'toString' }, { members }).errors.driver);
    assert.ok(ruleFromForm({ kind: 'json', json: '{' }, { members }).errors.json);
  });
});

describe("a pool's rules page", () => {
  let database: Database;
  let app: FastifyInstance;
  let lead: Session;
  let officer: Session;
  let poolId: number;
  let gss: string[];

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    lead = await signIn(app, 'finance.lead.2020vision@example.org', DEMO_PASSWORD);
    officer = await signIn(app, 'finance.cheltenham@example.org', DEMO_PASSWORD);
    const hr = (await built.services.finance.pools(OPERATOR, '2020-vision')).find((p) => p.name === 'HR')!;
    poolId = hr.id;
    gss = hr.members.map((m) => m.gss!);
  });
  after(async () => {
    await app.close();
    await database.close();
  });

  it('keeps what was typed and says why when the percentages do not add up to 100%, then saves them when they do', async () => {
    const form = {
      validFrom: '2026-04-01',
      kind: 'fixed',
      tolerance: '',
      notes: 'Agreed at the joint committee',
    };
    const shares = Object.fromEntries(gss.map((g) => [`share-${g}`, '25']));
    const refused = await postForm(app, `/finance/pools/${poolId}/rules`, lead, {
      _csrf: lead.csrf,
      ...form,
      ...shares,
      [`share-${gss[0]}`]: '30',
    });
    assert.equal(refused.statusCode, 400, refused.body.slice(0, 2000));
    assert.match(refused.body, /There is a problem/);
    assert.match(refused.body, /100/);
    assert.match(refused.body, /value="30"/);
    assert.match(refused.body, /Agreed at the joint committee/);

    const saved = await postForm(app, `/finance/pools/${poolId}/rules`, lead, {
      _csrf: lead.csrf,
      ...form,
      ...shares,
    });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
    const page = await getPage(app, `/finance/pools/${poolId}/rules?saved=rule`, lead);
    assert.match(page.body, /The rule is saved/);
    assert.match(page.body, /By agreed shares \(Cheltenham Borough Council 25\.00%/);

    const again = await postForm(app, `/finance/pools/${poolId}/rules`, lead, {
      _csrf: lead.csrf,
      ...form,
      ...shares,
    });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /already has a rule from 2026-04-01/);
  });

  it("shows a member's finance officer the rules without the form, and refuses its post", async () => {
    const page = await getPage(app, `/finance/pools/${poolId}/rules`, officer);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /By population/);
    assert.doesNotMatch(page.body, /Save a new rule/);
    const post = await postForm(app, `/finance/pools/${poolId}/rules`, officer, {
      _csrf: officer.csrf,
      validFrom: '2027-04-01',
      kind: 'equal',
    });
    assert.equal(post.statusCode, 403);
    assert.equal((await getPage(app, '/finance/pools/abc/rules', lead)).statusCode, 404);
    assert.equal((await getPage(app, `/finance/pools/${poolId}/rules`)).statusCode, 303);
  });

  it('records a budget for a quarter, and refuses an amount it cannot read, keeping what was typed', async () => {
    const refused = await postForm(app, `/finance/pools/${poolId}/amounts`, lead, {
      _csrf: lead.csrf,
      amountKind: 'budget',
      amountPeriod: '2026-27 Q5',
      amount: '12.345',
      amountSource: 'Budget book',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Enter the amount in pounds and pence/);
    assert.match(refused.body, /value="2026-27 Q5"/);
    const badPeriod = await postForm(app, `/finance/pools/${poolId}/amounts`, lead, {
      _csrf: lead.csrf,
      amountKind: 'budget',
      amountPeriod: '2026-27 Q5',
      amount: '1,000.00',
    });
    assert.equal(badPeriod.statusCode, 400);
    assert.match(badPeriod.body, /is not a period/);
    const saved = await postForm(app, `/finance/pools/${poolId}/amounts`, lead, {
      _csrf: lead.csrf,
      amountKind: 'budget',
      amountPeriod: '2026-27 Q1',
      amount: '£250,000.50',
      amountSource: 'Budget book',
    });
    assert.equal(saved.statusCode, 303);
    const page = await getPage(app, `/finance/pools/${poolId}/rules?saved=amount`, lead);
    assert.match(page.body, /The amount is recorded/);
    assert.match(page.body, /2026-27 Q1[\s\S]*Budget[\s\S]*£250,000\.50/);
    const officerPost = await postForm(app, `/finance/pools/${poolId}/amounts`, officer, {
      _csrf: officer.csrf,
      amountKind: 'budget',
      amountPeriod: '2026-27',
      amount: '1',
    });
    assert.equal(officerPost.statusCode, 403);
  });
});
