/**
 * The savings, business case and exit pages with the demo's accounts: who sees what, the £
 * thousands the baselines are published in, the illustrative warning, and bad input answered
 * with a message, never a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import { buildTestApp, getPage, signIn, type Session } from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import { DEMO_PASSWORD } from '../demo/accounts.ts';
import { OPERATOR } from './finance-actor.ts';
import { thousands } from './savings.pages.ts';

describe('thousands', () => {
  it('gives pence in £ thousands to one decimal place, rounding half up', () => {
    assert.equal(thousands(453_200_000n), '£4,532.0k');
    assert.equal(thousands(12_345_67n), '£12.3k');
    assert.equal(thousands(5_000n), '£0.1k');
    assert.equal(thousands(4_999n), '£0.0k');
    assert.equal(thousands(-98_765_43n), '-£98.8k');
  });
});

describe('the savings, business case and exit pages', () => {
  let database: Database;
  let app: FastifyInstance;
  let lead: Session;
  let councillor: Session;
  let stranger: Session;
  let caseId: number;
  let ictId: number;

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    lead = await signIn(app, 'finance.lead.2020vision@example.org', DEMO_PASSWORD);
    councillor = await signIn(app, 'councillor.westoxfordshire@example.org', DEMO_PASSWORD);
    stranger = await signIn(app, 'finance.westdevon@example.org', DEMO_PASSWORD);
    caseId = (await built.services.savings.businessCases(OPERATOR, '2020-vision'))[0]!.id;
    ictId = (await built.services.finance.pools(OPERATOR, '2020-vision')).find((p) => p.name === 'ICT')!.id;
  });
  after(async () => {
    await app.close();
    await database.close();
  });

  it("shows the finance lead every council's saving, in pounds and in the £ thousands of the outturn, with a chart and its table", async () => {
    const page = await getPage(app, '/partnerships/2020-vision/finance/savings?year=2025-26', lead);
    assert.equal(page.statusCode, 200);
    for (const name of ['Cheltenham', 'Cotswold', 'Forest of Dean', 'West Oxfordshire'])
      assert.match(page.body, new RegExp(name));
    assert.match(page.body, /£ thousands/);
    assert.match(page.body, /illustrative/);
    assert.match(page.body, /<svg/);
    assert.match(
      page.body,
      /Move the partnership venture from the joint committee to a jointly owned company/,
    );
  });

  it("links the partnership's page to its finance for the roles that read it, and not for the public", async () => {
    const link = /href="\/partnerships\/2020-vision\/finance"/;
    assert.match((await getPage(app, '/partnerships/2020-vision', lead)).body, link);
    assert.match((await getPage(app, '/partnerships/2020-vision', councillor)).body, link);
    assert.doesNotMatch((await getPage(app, '/partnerships/2020-vision')).body, link);
  });

  it("shows a councillor only its own council's savings, and another council's finance officer none", async () => {
    const own = await getPage(app, '/partnerships/2020-vision/finance/savings', councillor);
    assert.equal(own.statusCode, 200);
    assert.match(own.body, /West Oxfordshire/);
    assert.doesNotMatch(own.body, /Cheltenham Borough Council/);
    const none = await getPage(app, '/partnerships/2020-vision/finance/savings', stranger);
    assert.equal(none.statusCode, 200);
    assert.doesNotMatch(none.body, /Cheltenham Borough Council|West Oxfordshire District Council/);
    assert.match(none.body, /no business cases you can see/);
  });

  it('shows a business case with its payback, net present value and shares, to its councils only', async () => {
    const page = await getPage(app, `/partnerships/2020-vision/finance/business-cases/${caseId}`, councillor);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Net present value/);
    assert.match(page.body, /3\.50%/);
    assert.match(page.body, /West Oxfordshire/);
    assert.doesNotMatch(page.body, /Cheltenham Borough Council/);
    assert.equal(
      (await getPage(app, `/partnerships/2020-vision/finance/business-cases/${caseId}`, stranger)).statusCode,
      404,
    );
    assert.equal(
      (await getPage(app, `/partnerships/integrated-devon/finance/business-cases/${caseId}`, lead))
        .statusCode,
      404,
    );
  });

  it('shows what West Oxfordshire leaving the ICT pool would cost the other three', async () => {
    const page = await getPage(app, `/finance/pools/${ictId}/exit?council=E07000181&period=2025-26`, lead);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /If West Oxfordshire District Council left/);
    for (const name of ['Cheltenham', 'Cotswold', 'Forest of Dean'])
      assert.match(page.body, new RegExp(`${name}[^<]*</th>`));
    const form = await getPage(app, `/finance/pools/${ictId}/exit`, lead);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Council that would leave/);
  });

  it('answers bad input with a message or a 404, never a 500, and sends someone signed out to sign in', async () => {
    const cases: Array<[string, Session | undefined, number]> = [
      ['/partnerships/2020-vision/finance/savings?year=2025-27', lead, 400],
      ['/partnerships/2020-vision/finance/savings?year=%00', lead, 400],
      ['/partnerships/2020-vision/finance/savings?year=x&year=2025-26', lead, 400],
      ['/partnerships/2020-vision/finance/savings?year[]=x', lead, 200],
      ['/partnerships/NOT%20A%20SLUG/finance/savings', lead, 404],
      ['/partnerships/nope/finance/savings', lead, 404],
      ['/partnerships/2020-vision/finance/business-cases/1e400', lead, 404],
      ['/partnerships/2020-vision/finance/business-cases/99999999999999999999', lead, 404],
      [`/finance/pools/${ictId}/exit?council=E07000044`, lead, 400],
      [`/finance/pools/${ictId}/exit?council=E07000181&period=soon`, lead, 400],
      [`/finance/pools/${ictId}/exit?council=E07000181`, stranger, 404],
      ['/finance/pools/-1/exit', lead, 404],
      ['/partnerships/2020-vision/finance/savings', undefined, 303],
    ];
    for (const [url, session, status] of cases) {
      const page = await getPage(app, url, session);
      assert.equal(page.statusCode, status, `${url}: ${page.body.slice(0, 300)}`);
      if (status === 400) assert.match(page.body, /There is a problem/);
    }
  });
});
