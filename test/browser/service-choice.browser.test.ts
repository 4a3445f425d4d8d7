/**
 * Choosing a service by name in Chromium, on "who is responsible" and at the desk: with
 * JavaScript, GOV.UK's accessible autocomplete over the list finds a service by a word people use
 * ("pothole"); without JavaScript, the plain list does the same job. Both pass axe (WCAG 2.2 AA and
 * best practice) with no console errors or CSP refusals. axe cannot run in a page with JavaScript
 * off, so a page reached without it is checked as it was rendered: its HTML, served again at its
 * address to a page whose own scripts are replaced by empty ones.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertGoodPage,
  checkAccessibility,
  formatViolations,
  launchBrowser,
  pageWithErrors,
  signInWithBrowser,
} from '../support/browser.ts';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp, orgIdsBySlug } from '../support/app.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Database } from '../../src/db/engine.ts';

const PASSWORD = 'a long enough password for tests';
let database: Database;
let server: TestServer;
let browser: Browser;

async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await pageWithErrors(context);
  const response = await opened.page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
  return opened;
}

/** axe over a page reached without JavaScript, exactly as it was rendered (see above). */
async function assertGoodWithoutJavaScript(page: Page, errors: string[], what: string) {
  const html = await page.content();
  const url = page.url();
  const context = await browser.newContext();
  try {
    await context.route('**/assets/*.js', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }),
    );
    await context.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    const checked = await pageWithErrors(context);
    await checked.page.goto(url, { waitUntil: 'load' });
    assert.equal(await checked.page.locator('.autocomplete__input').count(), 0, 'the plain list');
    await assertGoodPage(checked.page, [...errors, ...checked.errors], what);
  } finally {
    await context.close();
  }
}

/** Types a word into the autocomplete and picks the suggestion that reads `choice`. */
async function pick(page: Page, word: string, choice: string) {
  await page.fill('input#service', word);
  const option = page.locator('.autocomplete__option', { hasText: choice });
  await option.first().waitFor();
  const violations = await checkAccessibility(page);
  assert.deepEqual(violations, [], `with the suggestions open: ${formatViolations(violations)}`);
  await option.first().click();
}

describe('choosing a service by name in Chromium', () => {
  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    const built = await buildTestApp(database);
    const { exeter } = await orgIdsBySlug(database.db, ['exeter']);
    await built.services.auth.createAccount({
      email: 'agent.exeter@example.org',
      displayName: 'Alex Agent',
      password: PASSWORD,
      grants: [{ orgId: exeter!, role: 'agent', partnershipId: null, lgslCodes: null }],
    });
    server = await startTestServer(built.app);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  test('who is responsible: the autocomplete finds road maintenance by "pothole"', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await open(context, '/responsible');
      assert.equal(await page.locator('input#service.autocomplete__input').count(), 1, 'enhanced');
      await page.fill('#postcode', 'EX1 1AE');
      await pick(page, 'pothole', 'Road maintenance (LGSL 557)');
      assert.equal(await page.inputValue('select#service-select'), '557');
      await page.click('button[type="submit"]');
      await page.waitForSelector('.govuk-summary-card');
      assert.match((await page.textContent('main')) ?? '', /Devon County Council/);
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });

  test('who is responsible without JavaScript: the plain list', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const { page, errors } = await open(context, '/responsible');
      await page.fill('#postcode', 'EX1 1AE');
      await page.selectOption('select#service', '557');
      await page.click('button[type="submit"]');
      await page.waitForSelector('.govuk-summary-card');
      assert.match((await page.textContent('main')) ?? '', /Devon County Council/);
      await assertGoodWithoutJavaScript(page, errors, page.url());
    } finally {
      await context.close();
    }
  });

  for (const javaScriptEnabled of [true, false]) {
    test(`the desk ${javaScriptEnabled ? 'with' : 'without'} JavaScript: finds a service by a common word and keeps it after the check`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      try {
        await signInWithBrowser(context, server.url, 'agent.exeter@example.org', PASSWORD);
        const { page, errors } = await open(context, '/desk/new');
        if (javaScriptEnabled) {
          await pick(page, 'dog mess', 'Dog fouling');
        } else {
          await page.fill('#find', 'dog mess');
          await page.click('button:has-text("Find services")');
          await page.waitForURL(/find=dog/);
          await page.selectOption('select#service', {
            label: (await page.locator('select#service option').nth(1).textContent())!.trim(),
          });
        }
        await page.fill('#postcode', 'EX1 1AE');
        await page.click('button[value="check"]');
        await page.waitForSelector('#council-information');
        assert.match((await page.textContent('#council-information')) ?? '', /Dog fouling/);
        if (javaScriptEnabled) await assertGoodPage(page, errors, page.url());
        else await assertGoodWithoutJavaScript(page, errors, page.url());
      } finally {
        await context.close();
      }
    });
  }
});
