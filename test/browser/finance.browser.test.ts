/**
 * The cost-sharing pages in Chromium over the demo: the finance lead's page for 2020 Vision with
 * its chart, a run, the ledger lines behind a pool, a council's statement and its printable page,
 * a period that cannot be read shown in the error summary; and a finance officer's statement whose
 * total is the sum of its issued lines. No axe violations (WCAG 2.2 AA and best practice) and no
 * console errors on any of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';

let server: DemoServer;
let browser: Browser;

/** Pence from "£1,234.56" or "-£0.05". */
const pence = (text: string): bigint => {
  const t = text.trim();
  const negative = t.startsWith('-');
  const digits = t.replace(/[^0-9]/g, '');
  return (negative ? -1n : 1n) * BigInt(digits);
};

async function statementTotals(page: Page): Promise<{ issued: bigint; total: bigint }> {
  const rows = await page.$$eval('table.app-statement tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td, th')].map((c) => (c.textContent ?? '').trim())),
  );
  const total = rows.at(-1)!;
  const issued = rows
    .slice(0, -1)
    .filter((r) => /issued/i.test(r[1] ?? ''))
    .reduce((s, r) => s + pence(r[2]!), 0n);
  return { issued, total: pence(total[2]!) };
}

describe('the finance pages in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the finance lead reads 2020 Vision's costs, a run, its ledger and a statement", async () => {
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'finance.lead.2020vision@example.org', DEMO_PASSWORD);
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/partnerships/2020-vision/finance?period=2025-26`, { waitUntil: 'load' });
      assert.match((await page.textContent('h1')) ?? '', /Costs and recharges, 2025-26/);
      assert.ok(await page.isVisible('figure.app-chart svg[role="img"]'), 'the chart is drawn');
      assert.match((await page.textContent('main')) ?? '', /illustrative/i);
      await assertGoodPage(page, errors, page.url());

      await page.goto(`${server.url}/partnerships/2020-vision/finance?period=2025-27`, { waitUntil: 'load' });
      await page.waitForSelector('.govuk-error-summary');
      await page.click('.govuk-error-summary a[href="#period"]');
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'period');
      await assertGoodPage(page, errors, page.url());

      await page.goto(`${server.url}/partnerships/2020-vision/finance?period=2025-26`, { waitUntil: 'load' });
      const runHref = await page.getAttribute('main a[href^="/finance/runs/"]', 'href');
      assert.ok(runHref, 'a run is linked');
      await page.goto(`${server.url}${runHref}`, { waitUntil: 'load' });
      assert.match((await page.textContent('main')) ?? '', /What it was worked out from/);
      await assertGoodPage(page, errors, page.url());

      const ledgerHref = await page.getAttribute('main a[href*="/ledger?period="]', 'href');
      if (ledgerHref) {
        await page.goto(`${server.url}${ledgerHref}`, { waitUntil: 'load' });
        assert.match((await page.textContent('h1')) ?? '', /Ledger lines/);
        await assertGoodPage(page, errors, page.url());
      }

      await page.goto(`${server.url}/partnerships/2020-vision/finance/statements/cotswold?period=2025-26`, {
        waitUntil: 'load',
      });
      const totals = await statementTotals(page);
      assert.equal(totals.total, totals.issued, 'the statement total is the sum of its issued lines');
      await assertGoodPage(page, errors, page.url());
      await page.goto(
        `${server.url}/partnerships/2020-vision/finance/statements/cotswold/print?period=2025-26`,
        {
          waitUntil: 'load',
        },
      );
      assert.equal(
        await page.$('.govuk-service-navigation__list'),
        null,
        'no navigation on the printed page',
      );
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });

  test("a finance officer's statement adds up to its issued lines", async () => {
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'finance.cheltenham@example.org', DEMO_PASSWORD);
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/partnerships/2020-vision/finance/statements/cheltenham?period=2025-26`, {
        waitUntil: 'load',
      });
      const totals = await statementTotals(page);
      assert.ok(totals.issued > 0n, 'the demo has issued recharges for Cheltenham');
      assert.equal(totals.total, totals.issued);
      await assertGoodPage(page, errors, page.url());
      await page.goto(`${server.url}/partnerships/2020-vision/finance?period=2025-26`, { waitUntil: 'load' });
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });
});
