/**
 * The cost-sharing pages: the finance page with its chart and the finance lead's forms, a run's
 * page, the ledger lines, and a council's statement as a page, CSV, Excel workbook and printable
 * page. Who sees what, bad input answered with a message and nothing lost, and the downloads read
 * back to the same pence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { openTestDatabase } from '../../test/support/database.ts';
import { buildTestApp, getPage, postForm } from '../../test/support/app.ts';
import { loadFinanceFixture, type FinanceFixture } from '../../test/support/finance.ts';
import type { Database } from '../db/engine.ts';
import { describeRule, financialYearOf } from './finance.pages.ts';

describe('financialYearOf and describeRule', () => {
  it('puts January to March in the year that began the April before', () => {
    assert.equal(financialYearOf('2026-03-31'), '2025-26');
    assert.equal(financialYearOf('2026-04-01'), '2026-27');
    assert.equal(financialYearOf('2099-12-31'), '2099-00');
  });
  it('says a rule in words', () => {
    assert.equal(describeRule({ kind: 'equal' }), 'Equal shares.');
    assert.equal(
      describeRule({ kind: 'fixed', shares: { A: 2500, B: 7500 } }),
      'Fixed shares (A 25.00%, B 75.00%).',
    );
    assert.equal(
      describeRule({
        kind: 'mix',
        parts: [
          { share: 5000, rule: { kind: 'driver', driver: 'population' } },
          { share: 5000, rule: { kind: 'equal' } },
        ],
      }),
      'A mix: 50.00% in proportion to population; 50.00% equal shares.',
    );
  });
});

describe('the finance pages', () => {
  let database: Database;
  let app: FastifyInstance;
  let fx: FinanceFixture;
  const statementUrl = (council: string, rest = '') =>
    `/partnerships/2020-vision/finance/statements/${council}${rest}?period=2025-26`;

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

  it('sends the signed-out to sign in', async () => {
    for (const url of [
      '/partnerships/2020-vision/finance',
      `/finance/runs/${fx.ictRun}`,
      `/finance/pools/${fx.ictPool}/ledger?period=2025-26`,
      statementUrl('cheltenham'),
      statementUrl('cheltenham', '/statement.csv'),
    ]) {
      const response = await getPage(app, url);
      assert.ok([302, 303].includes(response.statusCode), `${url}: ${response.statusCode}`);
      assert.match(response.headers.location as string, /\/sign-in/);
    }
  });

  it('shows the finance lead the pools, the chart with its table, and the Run and Issue forms', async () => {
    const page = await getPage(app, '/partnerships/2020-vision/finance?period=2025-26', fx.sessions.lead);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Test shared ICT/);
    assert.match(page.body, /illustrative/i);
    assert.match(page.body, /<svg[^>]*role="img"/);
    assert.match(page.body, /What each council is charged for 2025-26, by pool/);
    assert.match(page.body, /is charged the most for 2025-26/);
    assert.match(page.body, new RegExp(`action="/finance/runs/${fx.hrRun}/issue"`));
    assert.match(page.body, /Correct the recharge/);
  });

  it('shows a finance officer no Run or Issue forms', async () => {
    const page = await getPage(app, '/partnerships/2020-vision/finance?period=2025-26', fx.sessions.officer);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Test shared ICT/);
    assert.doesNotMatch(page.body, /\/issue"/);
    assert.doesNotMatch(page.body, /Correct the recharge/);
  });

  it('answers a period it cannot read with an error summary, keeping what was typed', async () => {
    const page = await getPage(app, '/partnerships/2020-vision/finance?period=2025-27', fx.sessions.lead);
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /govuk-error-summary/);
    assert.match(page.body, /href="#period"/);
    assert.match(page.body, /value="2025-27" selected/);
  });

  it('shows a refused correction in the error summary with the reason kept', async () => {
    const session = fx.sessions.lead;
    const reason = 'r'.repeat(2001);
    const response = await postForm(app, '/partnerships/2020-vision/finance/runs', session, {
      _csrf: session.csrf,
      pool: String(fx.ictPool),
      period: '2025-26',
      kind: 'recharge',
      [`reason-${fx.ictPool}-recharge`]: reason,
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /govuk-error-summary/);
    assert.match(response.body, new RegExp(`href="#reason-${fx.ictPool}-recharge"`));
    assert.ok(response.body.includes(`>${reason}</textarea>`), 'the reason is kept whole');
    const empty = await postForm(app, '/partnerships/2020-vision/finance/runs', session, {
      _csrf: session.csrf,
      pool: String(fx.ictPool),
      period: '2025-26',
      kind: 'recharge',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /say why it is being corrected/);
  });

  it('refuses a finance officer who sends the Run form', async () => {
    const session = fx.sessions.officer;
    const response = await postForm(app, '/partnerships/2020-vision/finance/runs', session, {
      _csrf: session.csrf,
      pool: String(fx.hrPool),
      period: '2025-26',
    });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /finance lead/);
  });

  it('lets the finance lead run and issue from the pages', async () => {
    const session = fx.sessions.lead;
    const made = await postForm(app, '/partnerships/2020-vision/finance/runs', session, {
      _csrf: session.csrf,
      pool: String(fx.hrPool),
      period: '2025-26 Q2',
      kind: 'recharge',
    });
    assert.equal(made.statusCode, 303);
    const runUrl = (made.headers.location as string).split('?')[0]!;
    assert.match(runUrl, /^\/finance\/runs\/[0-9a-f-]{36}$/);
    const issued = await postForm(app, `${runUrl}/issue`, session, { _csrf: session.csrf });
    assert.equal(issued.statusCode, 303);
    const page = await getPage(app, runUrl, session);
    assert.match(page.body, /Issued/);
    const twice = await postForm(app, `${runUrl}/issue`, session, { _csrf: session.csrf });
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /govuk-error-summary/);
    assert.match(twice.body, /only a draft can be issued/);
  });

  it("shows a run's lines, explanations and inputs with a link to the ledger", async () => {
    const page = await getPage(app, `/finance/runs/${fx.ictRun}`, fx.sessions.officer);
    assert.equal(page.statusCode, 200);
    for (const c of fx.vision.councils) assert.ok(page.body.includes(c.name), c.name);
    assert.match(page.body, /Equal shares\./);
    assert.match(page.body, /Members and their days/);
    assert.match(page.body, new RegExp(`href="/finance/pools/${fx.ictPool}/ledger\\?period=2025-26"`));
    assert.match(page.body, /£1,234,567\.90 in 3 lines/);
  });

  it("shows a councillor only their council's line and not the inputs", async () => {
    const page = await getPage(app, `/finance/runs/${fx.ictRun}`, fx.sessions.councillor);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(fx.own.name));
    assert.ok(!page.body.includes(fx.other.name), 'no other council is named');
    assert.doesNotMatch(page.body, /Members and their days/);
  });

  it("does not show another partnership's pool to a finance officer, nor bad ids", async () => {
    assert.equal((await getPage(app, `/finance/runs/${fx.devonRun}`, fx.sessions.officer)).statusCode, 404);
    assert.equal(
      (await getPage(app, `/finance/pools/${fx.devonPool}/ledger?period=2025-26`, fx.sessions.officer))
        .statusCode,
      404,
    );
    assert.equal((await getPage(app, '/finance/runs/nonsense', fx.sessions.officer)).statusCode, 404);
    assert.equal((await getPage(app, '/finance/pools/1e9/ledger', fx.sessions.officer)).statusCode, 404);
    assert.equal(
      (await getPage(app, `/finance/pools/${'9'.repeat(40)}/ledger`, fx.sessions.officer)).statusCode,
      404,
    );
    assert.equal(
      (await getPage(app, `/finance/pools/${fx.ictPool}/ledger?period=2025-26`, fx.sessions.councillor))
        .statusCode,
      403,
    );
  });

  it('pages the ledger lines with their files and lines', async () => {
    const page = await getPage(
      app,
      `/finance/pools/${fx.ictPool}/ledger?period=2025-26`,
      fx.sessions.officer,
    );
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /3 lines, £1,234,567\.90 in all/);
    assert.match(page.body, /test-ledger-\d+\.csv, line 2/);
    const bad = await getPage(
      app,
      `/finance/pools/${fx.ictPool}/ledger?period=2025-26&page=zero`,
      fx.sessions.officer,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /govuk-error-summary/);
  });

  it("shows a council's statement in its brand, each line linked to its run and ledger", async () => {
    const page = await getPage(app, statementUrl('cheltenham'), fx.sessions.officer);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`class="app-header__name">${fx.own.name}<`));
    assert.match(page.body, new RegExp(`href="/finance/runs/${fx.ictRun}"`));
    assert.match(page.body, new RegExp(`href="/finance/pools/${fx.ictPool}/ledger\\?period=2025-26"`));
    assert.match(page.body, /illustrative/i);
    assert.equal(
      (await getPage(app, statementUrl(fx.other.jurisdiction), fx.sessions.officer)).statusCode,
      403,
    );
    assert.equal(
      (await getPage(app, statementUrl(fx.other.jurisdiction), fx.sessions.councillor)).statusCode,
      403,
    );
    assert.equal((await getPage(app, statementUrl('cheltenham'), fx.sessions.councillor)).statusCode, 200);
    assert.equal((await getPage(app, statementUrl('nowhere'), fx.sessions.officer)).statusCode, 404);
  });

  it('prints on A4 without the navigation', async () => {
    const page = await getPage(app, statementUrl('cheltenham', '/print'), fx.sessions.officer);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /@page \{ size: A4/);
    assert.doesNotMatch(page.body, /govuk-service-navigation__list/);
  });

  it('downloads the statement as CSV whose total is the sum of its issued lines', async () => {
    const response = await getPage(app, statementUrl('cheltenham', '/statement.csv'), fx.sessions.officer);
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /text\/csv/);
    assert.match(
      response.headers['content-disposition'] as string,
      /attachment; filename="cheltenham-2025-26-2020-vision\.csv"/,
    );
    const rows = parse(response.body) as string[][];
    const [head, ...rest] = rows;
    assert.equal(head![4], 'Amount (pence)');
    const total = rest.at(-1)!;
    const lines = rest.slice(0, -1);
    assert.ok(lines.some((l) => l[1] === fx.ictRun));
    const issued = lines.filter((l) => l[3] === 'Issued').reduce((s, l) => s + BigInt(l[4]!), 0n);
    assert.equal(BigInt(total[4]!), issued);
    assert.ok(issued > 0n);
  });

  it('downloads the statement as an Excel workbook: pounds with a £ format and a totals row', async () => {
    const response = await getPage(app, statementUrl('cheltenham', '/statement.xlsx'), fx.sessions.officer);
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Statement')!;
    const rows: ExcelJS.Row[] = [];
    sheet.eachRow((row) => rows.push(row));
    const lines = rows.slice(2, -1);
    const total = rows.at(-1)!;
    assert.ok(lines.length >= 1);
    let pence = 0n;
    for (const row of lines) {
      const pounds = row.getCell(6).value as number;
      assert.equal(typeof pounds, 'number');
      assert.equal(BigInt(Math.round(pounds * 100)), BigInt(row.getCell(5).value as number));
      assert.match(row.getCell(6).numFmt, /£/);
      if (row.getCell(4).value === 'Issued') pence += BigInt(row.getCell(5).value as number);
    }
    const totalPence = total.getCell(5).value as { formula: string; result: number };
    const totalPounds = total.getCell(6).value as { formula: string; result: number };
    assert.match(totalPence.formula, /SUMIF/);
    assert.equal(BigInt(totalPence.result), pence);
    assert.equal(BigInt(Math.round(totalPounds.result * 100)), pence);
  });

  it('refuses a download for a period it cannot read', async () => {
    const response = await getPage(
      app,
      '/partnerships/2020-vision/finance/statements/cheltenham/statement.csv?period=nonsense',
      fx.sessions.officer,
    );
    assert.equal(response.statusCode, 400);
  });
});
