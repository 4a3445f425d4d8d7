/**
 * The programme, risk log and option appraisal in Chromium over the demo: each prints on A4 (in
 * print media at A4's content width nothing runs off the page or is cut off inside a scrolling
 * region, and the PDF has pages); and each new form walked as a person would, a mistake first (the
 * error summary names it) and then success: a council's go/no-go decision, a milestone reached, a
 * risk reviewed and added, an option's ratings revised (a stale form refused first). No axe
 * violations (WCAG 2.2 AA and best practice) and no console errors on any page state.
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
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';

const PASSWORD = 'a long enough password for the browser forms';
const CLERK = 'clerk.cheltenham.forms@example.org';
const ADMIN = 'admin.2020vision@example.org';

let server: DemoServer;
let browser: Browser;

async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await pageWithErrors(context);
  const response = await opened.page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
  return opened;
}

async function signedIn(email: string, password: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  await signInWithBrowser(context, server.url, email, password);
  return context;
}

describe('the governance forms and printouts in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
    const { register, auth } = server.services;
    const cheltenham = await register.organisation('E07000078');
    await auth.createAccount({
      email: CLERK,
      displayName: 'Democratic services, Cheltenham',
      password: PASSWORD,
      grants: [{ orgId: cheltenham.orgId, role: 'clerk', partnershipId: null, lgslCodes: null }],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the programme, risk log and option appraisal print on A4, for the public and their keeper', async () => {
    const viewport = { width: A4_CONTENT_WIDTH, height: 1000 };
    const keeper = await browser.newContext({ viewport });
    await signInWithBrowser(keeper, server.url, ADMIN, DEMO_PASSWORD);
    for (const context of [await browser.newContext({ viewport }), keeper])
      try {
        for (const path of [
          '/partnerships/2020-vision/programme',
          '/partnerships/2020-vision/risks',
          '/partnerships/2020-vision/appraisals',
        ]) {
          const { page } = await open(context, path);
          await page.emulateMedia({ media: 'print' });
          assert.deepEqual(await overflowInPrint(page), [], `${path} in print at A4's width`);
          const printedForms = await page.evaluate(
            () =>
              Array.from(document.querySelectorAll('main form, main .govuk-button')).filter(
                (el) => el.getClientRects().length > 0,
              ).length,
          );
          assert.equal(printedForms, 0, `${path}: forms and buttons are left off the printout`);
          const pdf = await page.pdf({ format: 'A4', margin: A4_MARGIN, printBackground: true });
          const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
          assert.ok(pages.length >= 1, `${path} makes a PDF with pages`);
          await page.close();
        }
      } finally {
        await context.close();
      }
  });

  test("a council's democratic services officer records its go/no-go decision on the programme", async () => {
    const context = await signedIn(CLERK, PASSWORD);
    try {
      const { page, errors } = await open(context, '/partnerships/2020-vision/programme');
      await assertGoodPage(page, errors, 'the programme as a clerk');
      const details = page.locator('details:has-text("Record Cheltenham Borough Council’s decision")').nth(1);
      await details.locator('summary').click();
      await details.locator('input[name="decision"][value="deferred"]').check();
      await details.locator('input[name="decidedOn-day"]').fill('20');
      await details.locator('input[name="decidedOn-month"]').fill('9');
      await details.locator('input[name="decidedOn-year"]').fill('2015');
      await details.locator('button:has-text("Record the decision")').click();
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /Enter the minute reference/);
      await page.click('.govuk-error-summary a');
      const focused = await page.evaluate(() => document.activeElement?.id ?? '');
      assert.match(focused, /^point-\d+-\d+-minute$/, 'the summary links to the field');
      assert.equal(await page.inputValue(`[id="${focused.replace(/-minute$/, '-decidedOn-day')}"]`), '20');
      await assertGoodPage(page, errors, 'the programme with a mistake');
      await page.fill(`[id="${focused}"]`, 'CAB/15/52');
      await page.click(`form:has([id="${focused}"]) button`);
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await page.textContent('main')) ?? '', /Deferred/);
      await assertGoodPage(page, errors, 'the programme once the decision is recorded');
    } finally {
      await context.close();
    }
  });

  test("the programme's keeper marks a milestone reached", async () => {
    const context = await signedIn(ADMIN, DEMO_PASSWORD);
    try {
      const { page, errors } = await open(context, '/partnerships/2020-vision/programme');
      await assertGoodPage(page, errors, 'the programme as its keeper');
      const details = page.locator('details:has(button:has-text("Mark as reached"))').first();
      await details.locator('summary').click();
      await details.locator('input[name="completedOn-day"]').fill('1');
      await details.locator('button:has-text("Mark as reached")').click();
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /must include a month and year/);
      await assertGoodPage(page, errors, 'the programme with a mistake in a date');
      const open_ = page.locator('details[open]:has(button:has-text("Mark as reached"))');
      await open_.locator('input[name="completedOn-month"]').fill('4');
      await open_.locator('input[name="completedOn-year"]').fill('2015');
      await open_.locator('button:has-text("Mark as reached")').click();
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await page.textContent('main')) ?? '', /Reached on 1 April 2015/);
      await assertGoodPage(page, errors, 'the programme once a milestone is reached');
    } finally {
      await context.close();
    }
  });

  test("the risk log's keeper reviews a risk and adds one", async () => {
    const context = await signedIn(ADMIN, DEMO_PASSWORD);
    try {
      const { page, errors } = await open(context, '/partnerships/2020-vision/risks');
      assert.match((await page.textContent('main')) ?? '', /Overdue: was due/);
      await assertGoodPage(page, errors, 'the risk log as its keeper');
      await page.locator('.govuk-summary-card__action a:has-text("Review")').first().click();
      await page.waitForURL(/\/risks\/\d+\/review$/);
      await assertGoodPage(page, errors, 'a review form');
      await page.fill('#residualImpact', '7');
      await page.fill('#owner', '');
      await page.fill('#nextReviewOn-day', '1');
      await page.fill('#nextReviewOn-month', '6');
      await page.fill('#nextReviewOn-year', '2099');
      await page.click('button:has-text("Save the review")');
      await page.waitForSelector('.govuk-error-summary');
      const summary = (await page.textContent('.govuk-error-summary')) ?? '';
      assert.match(summary, /impact after treatment must be a whole number from 1 to 5/);
      assert.match(summary, /Enter who owns the risk/);
      assert.equal(await page.inputValue('#residualImpact'), '7', 'what was typed is kept');
      await assertGoodPage(page, errors, 'a review with mistakes');
      await page.fill('#residualImpact', '3');
      await page.fill('#owner', 'Programme Board');
      await page.click('button:has-text("Save the review")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await page.textContent('.govuk-notification-banner')) ?? '', /The review is saved/);
      await assertGoodPage(page, errors, 'the risk log after a review');

      await page.click('a:has-text("Add a risk")');
      await page.waitForURL(/\/risks\/new$/);
      await assertGoodPage(page, errors, 'the new risk form');
      await page.fill('#title', 'Shared ICT contract ends early');
      await page.click('button:has-text("Add the risk")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /Enter who owns the risk/);
      assert.equal(await page.inputValue('#title'), 'Shared ICT contract ends early');
      await assertGoodPage(page, errors, 'the new risk form with mistakes');
      await page.fill('#owner', 'ICT Board');
      for (const [field, value] of [
        ['inherentLikelihood', '2'],
        ['inherentImpact', '5'],
        ['residualLikelihood', '1'],
        ['residualImpact', '4'],
        ['nextReviewOn-day', '1'],
        ['nextReviewOn-month', '6'],
        ['nextReviewOn-year', '2099'],
      ])
        await page.fill(`#${field}`, value!);
      await page.check('input[name="treatment"][value="treat"]');
      await page.click('button:has-text("Add the risk")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await page.textContent('main')) ?? '', /Shared ICT contract ends early/);
      await assertGoodPage(page, errors, 'the risk log with the new risk');
    } finally {
      await context.close();
    }
  });

  test("the appraisal's keeper revises an option's ratings, a stale form refused first", async () => {
    const context = await signedIn(ADMIN, DEMO_PASSWORD);
    try {
      const { page, errors } = await open(context, '/partnerships/2020-vision/appraisals');
      await assertGoodPage(page, errors, 'the appraisal as its keeper');
      await page.locator('a:has-text("As is")').first().click();
      await page.waitForURL(/\/options\/\d+$/);
      await assertGoodPage(page, errors, 'an option form');
      // Someone else saves the same option from another tab first.
      const other = await context.newPage();
      await other.goto(page.url());
      await other.check('input[name="rating-0"][value="medium"]');
      await other.click('button:has-text("Save the ratings")');
      await other.waitForSelector('.govuk-notification-banner--success');
      await other.close();

      await page.check('input[name="rating-3"][value="high"]');
      await page.click('button:has-text("Save the ratings")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /revised by someone else/);
      assert.equal(await page.isChecked('input[name="rating-3"][value="high"]'), true, 'choices kept');
      await assertGoodPage(page, errors, 'an option form refused as stale');
      await page.click('button:has-text("Save the ratings")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await page.textContent('main table')) ?? '', /High \(3\)/);
      await assertGoodPage(page, errors, 'the appraisal after a revision');
    } finally {
      await context.close();
    }
  });
});
