/**
 * Defining a partnership's area from postcode sectors in Chromium, as its administrator: the link
 * from the partnership's page, the form, a mistake shown in the error summary with what was typed
 * kept, and the area's page once defined. No axe violations (WCAG 2.2 AA and best practice) and no
 * console errors on any of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';

let server: DemoServer;
let browser: Browser;

describe('defining an area from postcode sectors in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('an administrator defines Cullompton from its sectors after one is refused', async () => {
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'admin.devon@example.org', DEMO_PASSWORD);
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/partnerships/integrated-devon`, { waitUntil: 'load' });
      await assertGoodPage(page, errors, page.url());
      await page.click('a:has-text("Define an area from postcode sectors")');
      await page.waitForURL(/\/partnerships\/integrated-devon\/areas\/new$/);
      await assertGoodPage(page, errors, page.url());

      await page.fill('#name', 'Cullompton');
      await page.check('input[name="kind"][value="locality"]');
      await page.fill('#sectors', 'EX15 1\nEX15 two');
      await page.click('button:has-text("Define the area")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(
        (await page.textContent('.govuk-error-summary')) ?? '',
        /“EX15 two” is not a postcode sector/,
      );
      assert.equal(await page.inputValue('#name'), 'Cullompton');
      assert.equal(await page.inputValue('#sectors'), 'EX15 1\nEX15 two');
      assert.ok(await page.isChecked('input[name="kind"][value="locality"]'));
      // The summary's link takes the person to the field.
      await page.click('.govuk-error-summary a[href="#sectors"]');
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'sectors');
      await assertGoodPage(page, errors, page.url());

      await page.fill('#sectors', 'EX15 1\nEX15 2');
      await page.click('button:has-text("Define the area")');
      await page.waitForURL(
        /\/partnerships\/integrated-devon\/areas\/integrated-devon%3Alocality%3Acullompton\?defined=1$/,
      );
      assert.match(
        (await page.textContent('.govuk-panel')) ?? '',
        /Area defined[\s\S]*Cullompton holds \d+ postcodes/,
      );
      assert.match((await page.textContent('main')) ?? '', /EX15 1, EX15 2/);
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });
});
