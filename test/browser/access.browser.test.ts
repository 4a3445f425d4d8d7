/**
 * The access pages in Chromium, over the demo: your account (making and revoking an API token)
 * and who is signed in (a partnership administrator ending a session) have no axe violations and
 * work as people use them; the session ended is signed out on its next page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';

let server: DemoServer;
let browser: Browser;

describe('access pages in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('your account: make a token, shown once, and revoke it', async () => {
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'officer.exeter@example.org', DEMO_PASSWORD);
      const { page, errors } = await pageWithErrors(context);
      await page.goto(`${server.url}/account`);
      await assertGoodPage(page, errors, '/account');
      await page.click('button:has-text("Make a token")');
      await page.waitForSelector('.govuk-error-summary');
      await assertGoodPage(page, errors, '/account with an error');
      await page.fill('#name', 'Spreadsheet');
      await page.click('button:has-text("Make a token")');
      const token = (await page.textContent('#new-token'))?.trim() ?? '';
      assert.match(token, /^jtk_/);
      await assertGoodPage(page, errors, '/account with a new token');
      await page.click('button:has-text("Revoke")');
      await page.waitForURL(/revoked=1/);
      assert.match((await page.textContent('main')) ?? '', /Revoked/);
      await assertGoodPage(page, errors, '/account after revoking');
    } finally {
      await context.close();
    }
  });

  test('who is signed in: an administrator ends a session, which is signed out on its next page', async () => {
    const officer = await browser.newContext();
    const admin = await browser.newContext();
    try {
      await signInWithBrowser(officer, server.url, 'officer.exeter@example.org', DEMO_PASSWORD);
      await signInWithBrowser(admin, server.url, 'admin.devon@example.org', DEMO_PASSWORD);
      const { page, errors } = await pageWithErrors(admin);
      await page.goto(`${server.url}/sessions`);
      await assertGoodPage(page, errors, '/sessions');
      // The newest of the officer's sessions comes first: the one signed in just above.
      const row = page.locator('tr', { hasText: 'officer.exeter@example.org' }).first();
      await row.locator('button:has-text("End session")').click();
      await page.waitForURL(/ended=1/);
      await assertGoodPage(page, errors, '/sessions after ending one');
      const officerPage = await officer.newPage();
      await officerPage.goto(`${server.url}/account`);
      assert.match(new URL(officerPage.url()).pathname, /^\/sign-in/);
    } finally {
      await officer.close();
      await admin.close();
    }
  });
});
