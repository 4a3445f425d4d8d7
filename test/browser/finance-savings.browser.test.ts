/**
 * Savings, a business case and a partner's exit in Chromium, as the 2020 Vision finance lead and
 * as West Oxfordshire's councillor: no axe violations (WCAG 2.2 AA and best practice) and no
 * console errors on any page, a refused year shown in the error summary with what was typed kept,
 * the exit chosen from the form, and a pool's rules page with a refused rule.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import { OPERATOR } from '../../src/finance/index.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';

let server: DemoServer;
let browser: Browser;

describe('savings, business cases and exits in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the finance lead reads the savings, opens the business case and models West Oxfordshire leaving ICT', async () => {
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'finance.lead.2020vision@example.org', DEMO_PASSWORD);
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/partnerships/2020-vision/finance/savings?year=2025-26`, {
        waitUntil: 'load',
      });
      assert.match((await page.textContent('main')) ?? '', /Cotswold District Council/);
      await assertGoodPage(page, errors, page.url());

      await page.fill('#year', '2025-27');
      await page.click('button:has-text("Show the year")');
      await page.waitForSelector('.govuk-error-summary');
      assert.equal(await page.inputValue('#year'), '2025-27');
      await assertGoodPage(page, errors, page.url());

      await page.goto(`${server.url}/partnerships/2020-vision/finance/savings`, { waitUntil: 'load' });
      await page.click('a:has-text("jointly owned company")');
      await page.waitForURL(/\/business-cases\/\d+$/);
      assert.match((await page.textContent('main')) ?? '', /Net present value/);
      await assertGoodPage(page, errors, page.url());

      const ict = await server.services.finance.pools(OPERATOR, '2020-vision');
      const id = ict.find((p) => p.name === 'ICT')!.id;
      await page.goto(`${server.url}/finance/pools/${id}/exit`, { waitUntil: 'load' });
      await assertGoodPage(page, errors, page.url());
      await page.selectOption('#council', 'E07000181');
      await page.click('button:has-text("Show what it would cost")');
      await page.waitForSelector('h2:has-text("If West Oxfordshire District Council left")');
      await assertGoodPage(page, errors, page.url());

      // The pool's rules, budgets and actuals: a rule refused, with its message in the summary.
      await page.goto(`${server.url}/finance/pools/${id}/rules`, { waitUntil: 'load' });
      await assertGoodPage(page, errors, page.url());
      await page.click('button:has-text("Save the rule")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /Select how the pool is shared/);
      await page.click('.govuk-error-summary a[href="#kind"]');
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });

  test("a councillor reads its own council's savings", async () => {
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'councillor.westoxfordshire@example.org', DEMO_PASSWORD);
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/partnerships/2020-vision/finance/savings`, { waitUntil: 'load' });
      const main = (await page.textContent('main')) ?? '';
      assert.match(main, /West Oxfordshire District Council/);
      assert.doesNotMatch(main, /Cheltenham Borough Council/);
      await assertGoodPage(page, errors, page.url());
    } finally {
      await context.close();
    }
  });
});
