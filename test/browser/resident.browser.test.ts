/**
 * A resident reports and follows a case in Chromium: with JavaScript, every page of the journey
 * passes axe (WCAG 2.2 AA and best practice) with no console errors; without JavaScript, the same
 * journey works end to end, including the "which council area?" step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors } from '../support/browser.ts';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp } from '../support/app.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Database } from '../../src/db/engine.ts';
import { referencePrefix } from '../../src/frontdoor/cases/case-reference.ts';

let database: Database;
let server: TestServer;
let browser: Browser;

async function fillReport(page: Page, postcode: string, description: string, address?: string) {
  await page.check('input[name="service"][value="524"]');
  await page.fill('#postcode', postcode);
  if (address !== undefined) await page.fill('#address', address);
  await page.fill('#description', description);
}

describe('a resident reports and follows a case', () => {
  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    server = await startTestServer((await buildTestApp(database)).app);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  test('with JavaScript: every page of the journey is accessible', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/report`);
      await assertGoodPage(page, errors, '/report');

      // A mistake: the error summary, the message by the field, and the answers kept.
      await fillReport(page, 'EX1 1AE', '');
      await page.fill('#reporterEmail', 'pat.resident@example.org');
      await page.click('button:has-text("Send report")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /Enter what you want to report/);
      assert.equal(await page.inputValue('#postcode'), 'EX1 1AE');
      assert.equal(await page.inputValue('#reporterEmail'), 'pat.resident@example.org');
      await assertGoodPage(page, errors, '/report with an error');

      await page.fill('#description', 'The recycling was not collected on Tuesday.');
      await page.click('button:has-text("Send report")');
      await page.waitForURL(/\/report\/done\//);
      const reference = (await page.textContent('.govuk-panel strong'))!.trim();
      assert.equal(referencePrefix(reference), 'EXE', reference);
      assert.equal((await page.textContent('.app-header__name'))?.trim(), 'Exeter City Council');
      await assertGoodPage(page, errors, '/report/done');

      await page.click('a:has-text("Track your report")');
      await page.waitForURL(new RegExp(`/track/${reference}$`));
      assert.match((await page.textContent('main')) ?? '', /Open/);
      assert.ok(!(await page.content()).includes('pat.resident@example.org'), 'no personal data');
      await assertGoodPage(page, errors, '/track/{reference}');

      await page.goto(`${server.url}/track`);
      await page.fill('#reference', reference.toLowerCase());
      await page.click('button:has-text("Track report")');
      await page.waitForURL(new RegExp(`/track/${reference}$`));
      await page.goto(`${server.url}/track?reference=nonsense`);
      await page.waitForSelector('.govuk-error-summary');
      await assertGoodPage(page, errors, '/track with an error');
    } finally {
      await context.close();
    }
  });

  test('with JavaScript: a postcode shared by two councils asks which council area', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/report`);
      await fillReport(page, 'EX2', 'Bins not collected.', 'Outside 4 Alphington Road');
      await page.click('button:has-text("Send report")');
      await page.waitForSelector('h1:has-text("Which council area is the place in?")');
      await assertGoodPage(page, errors, 'the choice of council area');
      await page.check('label:has-text("Teignbridge District Council")');
      await page.click('button:has-text("Send report")');
      await page.waitForURL(/\/report\/done\/TEI-/);
      await assertGoodPage(page, errors, '/report/done for Teignbridge');
    } finally {
      await context.close();
    }
  });

  test('without JavaScript: report, choose the council area, get a reference and track it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const { page } = await pageWithErrors(context);
      await page.goto(`${server.url}/report`);
      await fillReport(page, 'EX2', 'Fly-tipped mattress by the bins.', 'By the bins on Cowick Street');
      await page.click('button:has-text("Send report")');
      await page.waitForSelector('h1:has-text("Which council area is the place in?")');
      // Not sure which council: the full postcode instead of a choice.
      await page.check('input[name="choose"][value="postcode"]');
      await page.fill('#fullPostcode', 'EX1 1AE');
      await page.click('button:has-text("Send report")');
      await page.waitForURL(/\/report\/done\/EXE-/);
      const reference = (await page.textContent('.govuk-panel strong'))!.trim();
      assert.equal(referencePrefix(reference), 'EXE', reference);
      await page.click('a:has-text("Track your report")');
      await page.waitForURL(new RegExp(`/track/${reference}$`));
      assert.match((await page.textContent('h1')) ?? '', new RegExp(reference));
      assert.match((await page.textContent('main')) ?? '', /Report received/);
    } finally {
      await context.close();
    }
  });
});
