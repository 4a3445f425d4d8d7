/**
 * Locality plans in Chromium over the demo: a Lancashire district's officer opens Burnley's plan and
 * updates a commitment's state (a mistake first: the error summary names it and links to the field;
 * then saved); the district's clerk records its agreement; no axe violations (WCAG 2.2 AA and best
 * practice) and no console errors on any page state; and the plan and the list of districts print
 * on A4 (in print media at A4's content width nothing runs off the page or is cut off, forms and
 * buttons are left off, and the PDF has pages), for the public and for the district's officer.
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

const PASSWORD = 'a long enough password for the locality plan';
const OFFICER = 'officer.burnley.browser@example.org';
const CLERK = 'clerk.burnley.browser@example.org';
const PLAN = '/organisations/E07000117/locality-plan?year=2025-26';
const LOCALITIES = '/partnerships/transforming-lancashire/localities';

let server: DemoServer;
let browser: Browser;

async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await pageWithErrors(context);
  const response = await opened.page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
  return opened;
}

describe('locality plans in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
    const burnley = await server.services.register.organisation('E07000117');
    for (const [email, role] of [
      [OFFICER, 'officer'],
      [CLERK, 'clerk'],
    ] as const)
      await server.services.auth.createAccount({
        email,
        displayName: role === 'officer' ? 'Policy officer, Burnley' : 'Democratic services, Burnley',
        password: PASSWORD,
        grants: [{ orgId: burnley.orgId, role, partnershipId: null, lgslCodes: null }],
      });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the public reads the districts and a plan', async () => {
    const context = await browser.newContext();
    try {
      const { page, errors } = await open(context, LOCALITIES);
      await assertGoodPage(page, errors, 'the districts’ locality plans');
      await page.click('a:has-text("Burnley")');
      await page.waitForURL(/locality-plan\?year=2025-26/);
      assert.match((await page.textContent('h1')) ?? '', /Locality plan 2025-26/);
      await assertGoodPage(page, errors, 'Burnley’s plan to the public');
    } finally {
      await context.close();
    }
  });

  test('a Burnley officer updates a commitment’s state: a mistake first, then saved', async () => {
    const context = await browser.newContext();
    await signInWithBrowser(context, server.url, OFFICER, PASSWORD);
    try {
      const { page, errors } = await open(context, PLAN);
      await assertGoodPage(page, errors, 'the plan as the district’s officer');
      const details = page.locator('details:has(button:has-text("Save the state"))').first();
      await details.locator('summary').click();
      await details.locator('input[name="state"][value="off_track"]').check();
      await details.locator('button:has-text("Save the state")').click();
      await page.waitForSelector('.govuk-error-summary');
      assert.match(
        (await page.textContent('.govuk-error-summary')) ?? '',
        /Say why the commitment is off track/,
      );
      await page.click('.govuk-error-summary a');
      const focused = await page.evaluate(() => document.activeElement?.id ?? '');
      assert.match(focused, /^c\d+-note$/, 'the summary links to the note');
      const id = focused.replace(/-note$/, '');
      assert.equal(
        await page.isChecked(`input[id^="${id}-state"][value="off_track"]`),
        true,
        'the choice is kept',
      );
      await assertGoodPage(page, errors, 'the plan with a mistake in a state');
      await page.fill(`#${id}-note`, 'The single local manager post is not yet funded.');
      await page.click(`form:has(#${id}-note) button`);
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match(
        (await page.textContent(`#commitment-${id.slice(1)}`)) ?? '',
        /Off track: The single local manager post is not yet funded\./,
      );
      await assertGoodPage(page, errors, 'the plan once the state is saved');
    } finally {
      await context.close();
    }
  });

  test('Burnley’s democratic services officer records where the plan was agreed', async () => {
    const context = await browser.newContext();
    await signInWithBrowser(context, server.url, CLERK, PASSWORD);
    try {
      const { page, errors } = await open(context, PLAN);
      await assertGoodPage(page, errors, 'the plan as the district’s clerk');
      const details = page.locator('details:has-text("Record where the plan was agreed")');
      await details.locator('summary').click();
      await page.selectOption('#agreement-body', { label: 'Enhanced Local Governing Body' });
      await page.fill('#agreement-agreedOn-day', '12');
      await page.fill('#agreement-agreedOn-month', '6');
      await page.fill('#agreement-agreedOn-year', '2025');
      await page.click('button:has-text("Record the agreement")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /Enter the minute reference/);
      await assertGoodPage(page, errors, 'the agreement with a mistake');
      await page.fill('#agreement-minute', 'ELGB/25/4');
      await page.click('button:has-text("Record the agreement")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match(
        (await page.textContent('main')) ?? '',
        /Agreed by Enhanced Local Governing Body on 12 June 2025/,
      );
      await assertGoodPage(page, errors, 'the plan once agreed');
    } finally {
      await context.close();
    }
  });

  test('the plan and the districts print on A4, for the public and the district’s officer', async () => {
    const viewport = { width: A4_CONTENT_WIDTH, height: 1000 };
    const officer = await browser.newContext({ viewport });
    await signInWithBrowser(officer, server.url, OFFICER, PASSWORD);
    for (const context of [await browser.newContext({ viewport }), officer])
      try {
        for (const path of [PLAN, LOCALITIES]) {
          const { page } = await open(context, path);
          await page.emulateMedia({ media: 'print' });
          assert.deepEqual(await overflowInPrint(page), [], `${path} in print at A4's width`);
          const printedForms = await page.evaluate(
            () =>
              Array.from(document.querySelectorAll('main form, main .govuk-button, main details')).filter(
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
});
