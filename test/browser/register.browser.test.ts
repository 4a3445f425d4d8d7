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
  '/partnerships/2020-vision',
  '/partnerships/warwickshire-way',
  '/partnerships/2020-vision/services',
  '/partnerships/transforming-lancashire/services',
  '/organisations/exeter',
  '/organisations/exeter/services/524',
  '/services/524',
  '/responsible',
  '/responsible?postcode=EX1+1AE&service=524',
  '/sign-in',
];

describe('register pages in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

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

  for (const slug of ['integrated-devon', 'warwickshire-way', '2020-vision', 'transforming-lancashire']) {
    test(`at 1280 px the ${slug} matrix scrolls inside its own region, within the page`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const { page, errors } = await open(context, `/partnerships/${slug}/services`);
        const region = page.locator('.app-matrix-region');
        assert.equal(await region.getAttribute('role'), 'region');
        assert.equal(await region.getAttribute('tabindex'), '0');
        // Written as a string: functions passed to the page must not carry the test's transpiled helpers.
        const measured = (await page.evaluate(`(() => {
          const region = document.querySelector('.app-matrix-region');
          const label = document.getElementById(region.getAttribute('aria-labelledby') || '');
          return {
            page: document.documentElement.clientWidth,
            pageScroll: document.documentElement.scrollWidth,
            header: document.querySelector('header').getBoundingClientRect().toJSON(),
            main: document.querySelector('main').getBoundingClientRect().toJSON(),
            region: region.getBoundingClientRect().toJSON(),
            table: region.querySelector('table').getBoundingClientRect().toJSON(),
            label: label ? label.textContent.trim() : '',
          };
        })()`)) as {
          page: number;
          pageScroll: number;
          header: DOMRect;
          main: DOMRect;
          region: DOMRect;
          table: DOMRect;
          label: string;
        };
        assert.ok(measured.label.length > 0, 'the region is labelled');
        assert.ok(measured.region.left >= measured.main.left - 1, 'the region starts inside the page');
        assert.ok(
          measured.region.right <= Math.min(measured.page, measured.main.right) + 1,
          `the region (right edge ${measured.region.right}) stays inside the page (${measured.main.right})`,
        );
        assert.ok(
          measured.pageScroll <= measured.page,
          `the page does not scroll sideways (${measured.pageScroll})`,
        );
        assert.ok(measured.header.width <= measured.page);

        // Every cell is a short code with its full words for hover (title) and for screen readers.
        const cell = page.locator('.app-matrix__cell .app-matrix__code').first();
        assert.match((await cell.getAttribute('title')) ?? '', /\S/);
        assert.match((await cell.locator('.govuk-visually-hidden').textContent()) ?? '', /\S/);
        assert.doesNotMatch((await page.textContent('main')) ?? '', /\b\d{4}-\d{2}-\d{2}\b/);

        if (measured.table.width > measured.region.width) {
          // Scrolled to its far end, the service column stays where it was (sticky).
          const before = await page.locator('.app-matrix tbody th').first().boundingBox();
          await region.evaluate((e) => e.scrollTo({ left: e.scrollWidth }));
          const after = await page.locator('.app-matrix tbody th').first().boundingBox();
          assert.ok(before && after && Math.abs(after.x - before.x) < 1, 'the service column stays in view');
        }
        await assertGoodPage(page, errors, page.url());
      } finally {
        await context.close();
      }
    });
  }

  test('the delivery chart is an image with a title, in the page’s sans-serif font, beside its table', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { page, errors } = await open(context, '/partnerships/integrated-devon');
      const chart = page.locator('svg.app-chart__svg');
      assert.equal(await chart.getAttribute('role'), 'img');
      assert.match((await chart.locator('title').textContent()) ?? '', /Integrated Devon/);
      const fonts = await chart.evaluate((svg) => [
        ...new Set([...svg.querySelectorAll('text')].map((t) => getComputedStyle(t).fontFamily)),
      ]);
      assert.ok(
        fonts.length > 0 && fonts.every((f) => /sans-serif/.test(f) && !/Times/.test(f)),
        fonts.join(),
      );
      // No label is cut off: every text lies inside the drawing.
      const outside = await chart.evaluate((svg) => {
        const frame = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')]
          .filter((t) => {
            const b = t.getBoundingClientRect();
            return (
              b.left < frame.left - 1 ||
              b.right > frame.right + 1 ||
              b.top < frame.top - 1 ||
              b.bottom > frame.bottom + 1
            );
          })
          .map((t) => t.textContent);
      });
      assert.deepEqual(outside, []);
      const box = await chart.boundingBox();
      assert.ok(box && box.x + box.width <= 1280);
      assert.ok(await page.locator('figure.app-chart + div table').count(), 'a table follows the chart');
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });

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
        // The list starts at the current status: choose the next one.
        await desk.page.selectOption('#status', { index: 1 });
        await desk.page.click('button:has-text("Change status")');
        await desk.page.waitForSelector('.govuk-notification-banner--success');
        await assertGoodPage(desk.page, desk.errors, desk.page.url());
      }
    } finally {
      await context.close();
    }
  });
});
