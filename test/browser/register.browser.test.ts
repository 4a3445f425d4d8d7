/**
 * Every register page in Chromium, over the demo partnerships: no axe violations (WCAG 2.2 AA and
 * best practice), no console errors or CSP refusals, and the journeys people take work: signing in,
 * changing an arrangement with the error summary on a mistake, finding who is responsible.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';

let server: DemoServer;
let browser: Browser;

before(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a page at `path`, which must answer below 400, recording what goes wrong on it. */
async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await pageWithErrors(context);
  const response = await opened.page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
  return opened;
}

const signIn = (context: BrowserContext, email: string) =>
  signInWithBrowser(context, server.url, email, DEMO_PASSWORD);

const PUBLIC_PAGES = [
  '/',
  '/partnerships',
  '/partnerships/integrated-devon',
  '/partnerships/transforming-lancashire',
  '/partnerships/2020-vision/services',
  '/organisations/exeter',
  '/services/524',
  '/responsible',
  '/responsible?postcode=EX1+1AE&service=524',
  '/sign-in',
];

describe('register pages in Chromium', () => {
  for (const path of PUBLIC_PAGES) {
    test(`${path} is accessible and loads cleanly`, async () => {
      const context = await browser.newContext();
      try {
        const { page, errors } = await open(context, path);
        assert.ok((await page.textContent('h1'))?.trim(), 'the page has a heading');
        await assertGoodPage(page, errors, page.url());
      } finally {
        await context.close();
      }
    });
  }

  test('who is responsible answers for a postcode, saying why', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await open(context, '/responsible');
      await page.fill('#postcode', 'ex1 1ae');
      // The list of services is enhanced into an autocomplete: type a word, pick the service.
      await page.fill('#service', 'household waste');
      await page.click('.autocomplete__option:has-text("Household waste collection (LGSL 524)")');
      await page.click('button[type="submit"]');
      await page.waitForSelector('.govuk-summary-card');
      assert.match((await page.textContent('main')) ?? '', /Exeter City Council/);
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });

  test('a signed-in officer sees their council’s matrix cells and can change an arrangement', async () => {
    const context = await browser.newContext();
    try {
      await signIn(context, 'admin.devon@example.org');
      const matrix = await open(context, '/partnerships/integrated-devon/services');
      await assertGoodPage(matrix.page, matrix.errors, matrix.page.url());

      const form = await open(context, '/organisations/exeter/arrangements/new?service=524');
      await assertGoodPage(form.page, form.errors, form.page.url());
      // A start date in the wrong form is refused with the error summary, and what was typed stays.
      await form.page.fill('#validFrom-day', '31');
      await form.page.fill('#validFrom-month', '2');
      await form.page.fill('#validFrom-year', '2031');
      await form.page.click('button:has-text("Record arrangement")');
      await form.page.waitForSelector('.govuk-error-summary');
      assert.equal(await form.page.inputValue('#validFrom-day'), '31');
      await assertGoodPage(form.page, form.errors, form.page.url());

      await form.page.fill('#validFrom-day', '1');
      await form.page.fill('#validFrom-month', '4');
      await form.page.click('button:has-text("Record arrangement")');
      await form.page.waitForURL(/\/organisations\/exeter\/services\/524/);
      assert.match((await form.page.textContent('main')) ?? '', /1 April 2031/);
      await assertGoodPage(form.page, form.errors, form.page.url());
    } finally {
      await context.close();
    }
  });

  test('an officer works a case at the desk: queue, case, a note refused then added, a status change', async () => {
    const context = await browser.newContext();
    try {
      await signIn(context, 'officer.exeter@example.org');
      const desk = await open(context, '/desk');
      await assertGoodPage(desk.page, desk.errors, desk.page.url());
      const overdue = await open(context, '/desk?state=overdue');
      await assertGoodPage(overdue.page, overdue.errors, overdue.page.url());

      await desk.page.click('table.govuk-table >> nth=1 >> a.govuk-link >> nth=0');
      await desk.page.waitForURL(/\/desk\/cases\//);
      await assertGoodPage(desk.page, desk.errors, desk.page.url());

      // An empty note is refused with the error summary.
      await desk.page.click('button:has-text("Add note")');
      await desk.page.waitForSelector('.govuk-error-summary');
      await assertGoodPage(desk.page, desk.errors, desk.page.url());

      await desk.page.fill('#body', 'Resident called back; crew told.');
      await desk.page.click('button:has-text("Add note")');
      await desk.page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await desk.page.textContent('main')) ?? '', /Resident called back; crew told\./);
      await assertGoodPage(desk.page, desk.errors, desk.page.url());

      if (await desk.page.locator('#status').count()) {
        await desk.page.click('button:has-text("Change status")');
        await desk.page.waitForSelector('.govuk-notification-banner--success');
        await assertGoodPage(desk.page, desk.errors, desk.page.url());
      }
    } finally {
      await context.close();
    }
  });
});
