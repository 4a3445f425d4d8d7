/**
 * Bodies and meetings in Chromium over the demo: the public reads a council's bodies, the 2020
 * Vision Joint Committee's page and a meeting with its papers and published minutes, and the
 * council's minutes; Teignbridge's democratic services officer schedules a meeting of its
 * Executive (a mistake first, shown in the error summary with what was typed), adds an item and
 * uploads a paper. No axe violations (WCAG 2.2 AA and best practice) and no console errors on any
 * page visited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';

let server: DemoServer;
let browser: Browser;

async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await pageWithErrors(context);
  const response = await opened.page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
  return opened;
}

describe('bodies and meetings in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the public reads a council’s bodies, the Joint Committee, a meeting and the minutes', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await open(context, '/organisations/cotswold');
      await page.click('a:has-text("committees and meetings")');
      await page.waitForURL(/\/organisations\/cotswold\/bodies$/);
      await assertGoodPage(page, errors, page.url());
      await page.click('a:has-text("2020 Vision Joint Committee")');
      await page.waitForURL(/\/bodies\/\d+$/);
      assert.match((await page.textContent('main')) ?? '', /Member appointed by Cheltenham Borough Council/);
      await assertGoodPage(page, errors, page.url());
      await page.click('main ul.govuk-list a[href*="/meetings/"] >> nth=-1');
      await page.waitForURL(/\/meetings\/\d+$/);
      const text = (await page.textContent('main')) ?? '';
      assert.match(text, /Part of this meeting was held in private/);
      assert.doesNotMatch(text, /candidates/);
      await assertGoodPage(page, errors, page.url());
      await page.goto(`${server.url}/organisations/cotswold/minutes`);
      await assertGoodPage(page, errors, page.url());
      await page.click('main table a >> nth=0');
      await page.waitForURL(/\/meetings\/\d+$/);
      assert.match((await page.textContent('main')) ?? '', /Plain text, \d+ KB/);
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });

  test('the clerk schedules a meeting (a mistake first), adds an item and uploads a paper', async () => {
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'clerk.teignbridge@example.org', DEMO_PASSWORD);
      const { page, errors } = await open(context, '/organisations/teignbridge/bodies');
      await page.click('main a:has-text("Executive")');
      await page.waitForURL(/\/bodies\/\d+$/);
      await assertGoodPage(page, errors, page.url());
      await page.fill('#meeting-date-day', '31');
      await page.fill('#meeting-date-month', '2');
      await page.fill('#meeting-date-year', '2027');
      await page.fill('#meeting-start', '10:00');
      await page.fill('#meeting-location', 'Forde House, Newton Abbot');
      await page.click('button:has-text("Schedule the meeting")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /must be a real date/);
      assert.equal(await page.inputValue('#meeting-location'), 'Forde House, Newton Abbot');
      await assertGoodPage(page, errors, `${page.url()} with an error summary`);
      await page.fill('#meeting-date-day', '28');
      await page.click('button:has-text("Schedule the meeting")');
      await page.waitForSelector('.govuk-notification-banner--success');
      await page.click('main a:has-text("28 February 2027")');
      await page.waitForURL(/\/meetings\/\d+$/);
      await assertGoodPage(page, errors, page.url());
      await page.fill('#item-title', 'Shared licensing team for the South cluster');
      await page.click('button:has-text("Add the item")');
      await page.waitForSelector('.govuk-notification-banner--success');
      await page.fill('#paper-title', 'Report of the Director of Place');
      await page.selectOption('#paper-kind', 'report');
      await page.selectOption('#paper-item', '1');
      await page.setInputFiles('#paper-file', {
        name: 'report.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('The South cluster licensing team.\n'),
      });
      await page.click('button:has-text("Upload the paper")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await page.textContent('main')) ?? '', /Report of the Director of Place/);
      await assertGoodPage(page, errors, `${page.url()} after the upload`);
    } finally {
      await context.close();
    }
  });
});
