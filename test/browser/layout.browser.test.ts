import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkAccessibility, formatViolations, launchBrowser } from '../support/browser.ts';
import { buildPageTestApp } from '../support/page-app.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let browser: Browser;

interface PageProblems {
  consoleErrors: string[];
  failedRequests: string[];
}

/** Opens a page, recording console errors (CSP refusals among them) and failed asset requests. */
async function open(context: BrowserContext, path: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage();
  const problems: PageProblems = { consoleErrors: [], failedRequests: [] };
  page.on('console', (message) => {
    // A response with an error status is also logged as "Failed to load resource"; those are
    // counted below, where the page's own (expected) status can be told apart from its assets'.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.consoleErrors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      problems.failedRequests.push(`${response.status()} ${response.url()}`);
    }
  });
  await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  return { page, problems };
}

async function assertAccessible(page: Page): Promise<void> {
  const violations = await checkAccessibility(page);
  assert.deepEqual(violations, [], formatViolations(violations));
}

function assertNoProblems(problems: PageProblems): void {
  assert.deepEqual(problems.consoleErrors, [], 'console errors (a CSP refusal shows here)');
  assert.deepEqual(problems.failedRequests, [], 'failed requests for the page’s assets');
}

describe('the layout in Chromium', () => {
  before(async () => {
    server = await startTestServer(await buildPageTestApp());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a page in a council brand has no axe violations, loads its assets under CSP and runs the JS', async () => {
    const context = await browser.newContext();
    try {
      const { page, problems } = await open(context, '/partnerships/sample');
      await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));
      await page.waitForSelector(
        '[data-module="govuk-service-navigation"][data-govuk-service-navigation-init]',
      );
      await assertAccessible(page);
      assertNoProblems(problems);

      const header = await page.$eval('.app-header', (element) => {
        const link = element.querySelector('a');
        return {
          background: getComputedStyle(element).backgroundColor,
          text: link ? getComputedStyle(link).color : null,
          fontFamily: getComputedStyle(document.body).fontFamily,
        };
      });
      assert.equal(header.background, 'rgb(255, 221, 0)', 'the council colour is the header band');
      assert.equal(header.text, 'rgb(0, 0, 0)', 'black text on a light brand colour');
      assert.doesNotMatch(header.fontFamily, /GDS Transport/);
    } finally {
      await context.close();
    }
  });

  test('the page stays accessible on a narrow screen, where the navigation folds behind a menu button', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    try {
      const { page, problems } = await open(context, '/partnerships/sample');
      const menu = page.locator('.govuk-service-navigation__toggle');
      await menu.waitFor({ state: 'visible' });
      await assertAccessible(page);
      await menu.click();
      assert.equal(await page.locator('#navigation').isVisible(), true);
      await assertAccessible(page);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('a form sent back with errors shows the error summary, focused, and stays accessible', async () => {
    const context = await browser.newContext();
    try {
      const { page, problems } = await open(context, '/partnerships/sample');
      await page.fill('#name', '  ');
      await Promise.all([page.waitForEvent('load'), page.click('button[type="submit"]')]);
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.title(), /^Error: /);
      // govuk-frontend moves focus once its script has run after load: wait for it, up to 5 s.
      const focused = await page
        .waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), null, {
          timeout: 5_000,
        })
        .then(
          () => true,
          () => false,
        );
      assert.equal(focused, true, 'govuk-frontend focuses the error summary');
      await page.click('.govuk-error-summary a[href="#tier"]');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'tier');
      await assertAccessible(page);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('the page-not-found page has no axe violations', async () => {
    const context = await browser.newContext();
    try {
      const { page, problems } = await open(context, '/no/such/page');
      assert.equal(await page.textContent('h1'), 'Page not found');
      await assertAccessible(page);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('a signed-in page with the sign-out form has no axe violations', async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-test-user': 'Sam Jones' } });
    try {
      const { page, problems } = await open(context, '/unbranded');
      assert.equal(await page.locator('button', { hasText: 'Sign out' }).isVisible(), true);
      await assertAccessible(page);
      assertNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  test('with JavaScript turned off the page shows the same content and navigation', async () => {
    const withScript = await browser.newContext();
    const withoutScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const read = async (context: BrowserContext) => {
        const { page } = await open(context, '/partnerships/sample');
        return {
          main: (await page.innerText('main')).trim(),
          links: await page.locator('.govuk-service-navigation__list a:visible').allInnerTexts(),
          javascript: await page
            .evaluate(() => document.body.classList.contains('js-enabled'))
            .catch(() => false),
        };
      };
      const scripted = await read(withScript);
      const plain = await read(withoutScript);
      assert.equal(scripted.javascript, true);
      assert.equal(plain.javascript, false);
      assert.equal(plain.main, scripted.main);
      assert.deepEqual(plain.links, ['Partnerships', 'Who is responsible?', 'API', 'Sign in']);
      assert.deepEqual(plain.links, scripted.links);
    } finally {
      await withScript.close();
      await withoutScript.close();
    }
  });
});
