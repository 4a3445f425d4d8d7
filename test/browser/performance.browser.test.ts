/**
 * Performance in Chromium over the demo: a Lancashire district's councillor signs in, goes from
 * their council's page to its quarterly report, reads each measure's status and trend with its
 * table, picks another quarter, opens the scrutiny view and the locality plan, and prints the
 * report and the plan on A4 (in print media at A4's content width nothing runs off the page, the
 * picker and links are left off, and the PDF has pages). The benchmarking page too. No axe
 * violations (WCAG 2.2 AA and best practice) and no console errors on any page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  A4_CONTENT_WIDTH,
  A4_MARGIN,
  assertGoodPage,
  launchBrowser,
  overflowInPrint,
  pageWithErrors,
  signInWithBrowser,
} from '../support/browser.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';
import { lastEndedQuarter, previousPeriod } from '../../src/performance/index.ts';
import { todayInLondon } from '../../src/platform/index.ts';

const PASSWORD = 'a long enough password for the quarterly report';
const COUNCILLOR = 'councillor.burnley.browser@example.org';
const BURNLEY = 'E07000117';

let server: DemoServer;
let browser: Browser;

async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await pageWithErrors(context);
  const response = await opened.page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
  return opened;
}

/** Prints the page as it stands: nothing wider than A4, no forms, and a PDF with pages. */
async function assertPrints(page: Page, what: string): Promise<number> {
  await page.setViewportSize({ width: A4_CONTENT_WIDTH, height: 1000 });
  await page.emulateMedia({ media: 'print' });
  assert.deepEqual(await overflowInPrint(page), [], `${what} in print at A4's width`);
  const printedForms = await page.evaluate(
    () =>
      Array.from(document.querySelectorAll('main form, main .govuk-button')).filter(
        (el) => el.getClientRects().length > 0,
      ).length,
  );
  assert.equal(printedForms, 0, `${what}: the picker and buttons are left off the printout`);
  const pdf = await page.pdf({ format: 'A4', margin: A4_MARGIN, printBackground: true });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
  assert.ok(pages.length >= 1, `${what} makes a PDF with pages`);
  await page.emulateMedia({ media: 'screen' });
  return pages.length;
}

describe('the quarterly report in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
    const burnley = await server.services.register.organisation(BURNLEY);
    await server.services.auth.createAccount({
      email: COUNCILLOR,
      displayName: 'Councillor, Burnley',
      password: PASSWORD,
      grants: [{ orgId: burnley.orgId, role: 'councillor', partnershipId: null, lgslCodes: null }],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a Burnley councillor reads the quarterly report, scrutiny and locality plan, and prints them', async () => {
    const context = await browser.newContext();
    await signInWithBrowser(context, server.url, COUNCILLOR, PASSWORD);
    try {
      const { page, errors } = await open(context, `/organisations/${BURNLEY}`);
      await page.click('a:has-text("quarterly report on its shared services")');
      await page.waitForURL(/\/report$/);
      const quarter = lastEndedQuarter(todayInLondon())!;
      assert.match(
        (await page.textContent('h1')) ?? '',
        new RegExp(`Quarterly report ${quarter.id.slice(0, 7)} Q${quarter.quarter}`),
      );
      await assertGoodPage(page, errors, 'the quarterly report');

      // Each measure has a status and both directions of travel in words.
      const rows = await page.$$eval('tr[id^="measure-"]', (trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').trim())),
      );
      assert.ok(rows.length >= 15, `measures: ${rows.length}`);
      for (const [name, value, , status, sincePrevious, sinceLastYear] of rows) {
        assert.ok(value, `${name} has a value or says it has none`);
        assert.match(status ?? '', /^(Green|Amber|Red|No target|Not rated.*)$/, `${name}: status`);
        assert.match(
          sincePrevious ?? '',
          /^(Improving|Worsening|No change|Up|Down|No earlier value)/,
          `${name}: trend`,
        );
        assert.match(
          sinceLastYear ?? '',
          /^(Improving|Worsening|No change|Up|Down|No earlier value)/,
          `${name}: a year on`,
        );
      }
      assert.ok(
        rows.some(([, , , status]) => /^(Green|Amber|Red)$/.test(status ?? '')),
        'the demo’s targets rate some measures',
      );
      // Each trend: a chart (an image with a name), a sentence and a table of the same quarters.
      const trends = await page.$$eval('section.app-trend', (sections) =>
        sections.map((s) => ({
          chart: s.querySelector('svg[role="img"]')?.getAttribute('aria-labelledby') ?? null,
          summary: (s.querySelector('p')?.textContent ?? '').trim(),
          rows: s.querySelectorAll('tbody tr').length,
        })),
      );
      assert.ok(trends.length >= 5, `trends: ${trends.length}`);
      for (const t of trends) {
        assert.ok(t.chart, 'the chart is named');
        assert.ok(t.summary.length > 10, 'the chart is summed up in words');
        assert.ok(t.rows >= 1 && t.rows <= 8, `up to eight quarters in its table (${t.rows})`);
      }

      // Another quarter, by the picker.
      const before = previousPeriod(quarter)!;
      await page.selectOption('#period', before.id);
      await page.click('button:has-text("Show this quarter")');
      await page.waitForURL(new RegExp(`period=${before.id}`));
      await assertGoodPage(page, errors, 'the report of the quarter before');
      const printed = await assertPrints(page, 'the quarterly report');
      assert.ok(printed >= 2, `the report prints on ${printed} pages`);

      // The scrutiny view, for the council's own councillor.
      await page.click('a:has-text("Scrutiny view")');
      await page.waitForURL(/\/scrutiny\?period=/);
      assert.match((await page.textContent('h1')) ?? '', /Scrutiny/);
      await assertGoodPage(page, errors, 'the scrutiny view');

      // The locality plan, from the report.
      await page.goBack();
      await page.click('main a:has-text("Locality plan 2025-26")');
      await page.waitForURL(/locality-plan\?year=2025-26/);
      assert.match((await page.textContent('h1')) ?? '', /Locality plan 2025-26/);
      await assertGoodPage(page, errors, 'the locality plan from the report');
      await assertPrints(page, 'the locality plan');
    } finally {
      await context.close();
    }
  });

  test('the public compares Burnley with its partners and peers, and is kept out of scrutiny', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await open(context, `/organisations/${BURNLEY}/report`);
      assert.equal(await page.locator('a:has-text("Scrutiny view")').count(), 0);
      await page.click('a:has-text("Benchmarking against partners and peers")');
      await page.waitForURL(/\/benchmarking\?period=/);
      await assertGoodPage(page, errors, 'benchmarking');
      assert.match((await page.textContent('main')) ?? '', /2017-18/);
      const charts = await page.locator('main svg[role="img"]').count();
      const tables = await page.locator('main table').count();
      assert.ok(charts >= 5 && tables >= charts, `charts ${charts}, tables ${tables}`);
      await assertPrints(page, 'benchmarking');
      const scrutiny = await page.goto(`${server.url}/organisations/${BURNLEY}/scrutiny`);
      assert.match(scrutiny?.url() ?? '', /\/sign-in/);
    } finally {
      await context.close();
    }
  });
});
