/**
 * The front door's journeys between people and organisations, in Chromium over the demo
 * partnerships, with axe-core (WCAG 2.2 AA and best practice) on every page they pass through:
 *
 * - a contact-centre agent for Warwickshire takes a phone call about a district council's service,
 *   the case opens for that district, the email telling the resident waits in the local outbox,
 *   and the resident follows the case with the reference they were given;
 * - a resident's report goes to a district, which refers it to the county, which refers it back:
 *   each side sees where it came from, and the resident follows it all under one reference.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';
import { parseReference, referencePrefix } from '../../src/frontdoor/cases/case-reference.ts';

let server: DemoServer;
let browser: Browser;

async function orgId(jurisdiction: string): Promise<number> {
  const row = await server.database.db
    .selectFrom('organisation')
    .select('org_id')
    .where('jurisdiction', '=', jurisdiction)
    .executeTakeFirstOrThrow();
  return row.org_id;
}

/** A signed-in member of staff's browser, with one page that reports every problem it meets. */
async function staff(email: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext();
  await signInWithBrowser(context, server.url, email, DEMO_PASSWORD);
  return { context, ...(await pageWithErrors(context)) };
}

/** What the resident sees for a reference, checked for accessibility; the page's main text. */
async function residentTracks(reference: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const { page, errors } = await pageWithErrors(context);
    await page.goto(`${server.url}/track`);
    await page.fill('#reference', reference);
    await page.click('button:has-text("Track report")');
    await page.waitForURL(new RegExp(`/track/${reference}$`));
    await assertGoodPage(page, errors, `/track/${reference}`);
    return (await page.textContent('main')) ?? '';
  } finally {
    await context.close();
  }
}

/** Refers the case open on the page to another organisation, and checks the page it lands on. */
async function refer(page: Page, errors: string[], to: string, reason: string): Promise<void> {
  // Each choice names the organisation and why the case may go there ("… – Partner in …").
  const value = await page.$eval(
    '#toOrgId',
    (select, name) =>
      [...(select as HTMLSelectElement).options].find((o) => o.text.startsWith(`${name} – `))?.value,
    to,
  );
  assert.ok(value, `${to} is offered`);
  await page.selectOption('#toOrgId', value);
  await page.fill('#reason', reason);
  await page.click('button:has-text("Refer case")');
  await page.waitForSelector('.govuk-notification-banner--success');
  assert.match((await page.textContent('.govuk-notification-banner')) ?? '', /Case referred/);
  await assertGoodPage(page, errors, `the case after referring it to ${to}`);
}

describe('front door journeys in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('an agent takes a phone request for a partner council, and the resident follows it', async () => {
    const { context, page, errors } = await staff('agent.warwickshire@example.org');
    try {
      await page.goto(`${server.url}/desk`);
      await assertGoodPage(page, errors, '/desk for an agent');
      await page.click('a:has-text("Take a request")');
      await page.waitForURL(/\/desk\/new$/);
      await assertGoodPage(page, errors, '/desk/new');

      // The caller's bin was missed in Rugby: a district service, answered at the county's front door.
      await page.fill('#find', 'household waste');
      await page.click('button:has-text("Find services")');
      await page.waitForURL(/find=household/);
      // The list of services is enhanced into an autocomplete: type a word, pick the service.
      await page.fill('#service', 'household waste');
      await page.click('.autocomplete__option:has-text("Household waste collection (LGSL 524)")');
      await page.fill('#postcode', 'CV21 1BH');
      await page.click('button:has-text("Check the council’s information")');
      await page.waitForSelector('#council-information');
      const information = (await page.textContent('#council-information')) ?? '';
      assert.match(information, /Rugby Borough Council/);
      await assertGoodPage(page, errors, '/desk/new with the council’s information');

      // Sent without saying what it is about: the error summary, and nothing lost.
      await page.check('input[name="channel"][value="phone"]');
      await page.selectOption('#frontDoor', { label: 'Warwickshire County Council' });
      await page.fill('#reporterName', 'Sam Caller');
      await page.fill('#reporterEmail', 'sam.caller@example.org');
      await page.check('input[name="resolved"][value="no"]');
      await page.click('button:has-text("Create case")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /Enter what the person is asking/);
      assert.equal(await page.inputValue('#postcode'), 'CV21 1BH');
      assert.equal(await page.inputValue('#reporterEmail'), 'sam.caller@example.org');
      await assertGoodPage(page, errors, '/desk/new with an error');

      await page.fill('#description', 'The green bin at 4 Church Street was not emptied on Monday.');
      await page.click('button:has-text("Create case")');
      await page.waitForURL(/\/desk\/cases\/\d+\/[A-Z]{3}-/);
      const banner = (await page.textContent('.govuk-notification-banner')) ?? '';
      const reference = new URL(page.url()).pathname.split('/').at(-1)!;
      assert.notEqual(parseReference(reference), null, `a reference in the address: ${page.url()}`);
      assert.ok(banner.includes(reference), `the reference in the banner: ${banner}`);
      assert.match(banner, /opened for Rugby Borough Council/);
      const history = (await page.textContent('main')) ?? '';
      assert.match(history, /received by telephone/i);
      await assertGoodPage(page, errors, 'the case the agent opened');

      // The resident is told by email: the message waits in the local outbox, readable by staff.
      await page.goto(`${server.url}/outbox?reference=${reference}`);
      await assertGoodPage(page, errors, '/outbox for one case');
      await page.click('a:has-text("Case received")');
      await page.waitForURL(/\/outbox\/\d+\/\d+$/);
      const message = (await page.textContent('main')) ?? '';
      assert.match(message, /sam\.caller@example\.org/);
      assert.match(message, new RegExp(`Your reference is ${reference}`));
      await assertGoodPage(page, errors, 'one message in the outbox');

      const seen = await residentTracks(reference);
      assert.match(seen, new RegExp(reference));
      assert.match(seen, /Rugby Borough Council/);
      assert.ok(!seen.includes('sam.caller@example.org'), 'no personal data on the tracking page');
    } finally {
      await context.close();
    }
  });

  test('a district refers a case to the county and the county refers it back, under one reference', async () => {
    // The resident reports at Exeter, a district of Devon.
    const residentContext = await browser.newContext();
    let reference: string;
    try {
      const { page, errors } = await pageWithErrors(residentContext);
      await page.goto(`${server.url}/report`);
      await page.check('input[name="service"][value="524"]');
      await page.fill('#postcode', 'EX1 1AE');
      await page.fill('#description', 'The pavement outside the flats is blocked by an abandoned trailer.');
      await page.click('button:has-text("Send report")');
      await page.waitForURL(/\/report\/done\//);
      reference = (await page.textContent('.govuk-panel strong'))!.trim();
      assert.equal(referencePrefix(reference), 'EXE', reference);
      await assertGoodPage(page, errors, '/report/done');
    } finally {
      await residentContext.close();
    }
    const [exeter, devon] = [await orgId('exeter'), await orgId('devon')];

    // Exeter's officer finds it and passes it to the county, with its history.
    const district = await staff('officer.exeter@example.org');
    try {
      const { page, errors } = district;
      await page.goto(`${server.url}/desk?q=${reference}&state=all`);
      await assertGoodPage(page, errors, '/desk search by reference');
      await page.click(`a[href="/desk/cases/${exeter}/${reference}"]`);
      await page.waitForURL(new RegExp(`/desk/cases/${exeter}/${reference}$`));
      await assertGoodPage(page, errors, 'the case at Exeter');
      await refer(
        page,
        errors,
        'Devon County Council',
        'The pavement and what blocks it are the highway authority’s.',
      );
      assert.match((await page.textContent('main')) ?? '', /Passed to\s*Devon County Council/);
    } finally {
      await district.context.close();
    }
    assert.match(await residentTracks(reference), /Devon County Council/);

    // The county sees where it came from, and sends it back: the trailer is on Exeter's own land.
    const county = await staff('admin.devon@example.org');
    try {
      const { page, errors } = county;
      await page.goto(`${server.url}/desk/cases/${devon}/${reference}`);
      const atCounty = (await page.textContent('main')) ?? '';
      assert.match(atCounty, /Came from\s*Exeter City Council/);
      assert.match(atCounty, /highway authority/);
      await assertGoodPage(page, errors, 'the case at Devon');
      await refer(
        page,
        errors,
        'Exeter City Council',
        'The trailer is on the city council’s car park, not the highway.',
      );
    } finally {
      await county.context.close();
    }

    // Back at Exeter: the same case, reopened, with the county's part of its history.
    const back = await staff('officer.exeter@example.org');
    try {
      const { page, errors } = back;
      await page.goto(`${server.url}/desk/cases/${exeter}/${reference}`);
      const atDistrict = (await page.textContent('main')) ?? '';
      assert.match(atDistrict, /Reopened/);
      assert.match(atDistrict, /Came from\s*Devon County Council/);
      assert.match(atDistrict, /car park/);
      await assertGoodPage(page, errors, 'the case back at Exeter');
    } finally {
      await back.context.close();
    }
    const finallySeen = await residentTracks(reference);
    assert.match(finallySeen, /Exeter City Council/);
    assert.match(finallySeen, /Devon County Council/, 'the resident sees that the county had it');
  });

  test('an officer records what the council says about a service, and agents answer with it', async () => {
    const officer = await staff('officer.exeter@example.org');
    try {
      const { page, errors } = officer;
      await page.goto(`${server.url}/desk/information/${await orgId('exeter')}/524`);
      await assertGoodPage(page, errors, 'the council’s information form');
      await page.fill(
        '#summary',
        'Bins are emptied weekly. Report a missed bin by the end of the next working day.',
      );
      await page.fill(
        '#links',
        'Bin collection days | https://www.exeter.gov.uk/bins\nPay | javascript:pay()',
      );
      await page.click('button:has-text("Save")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await page.textContent('.govuk-error-summary')) ?? '', /Line 2 is not a web address/);
      await assertGoodPage(page, errors, 'the council’s information form with an error');
      await page.fill('#links', 'Bin collection days | https://www.exeter.gov.uk/bins');
      await page.click('button:has-text("Save")');
      await page.waitForSelector('.govuk-notification-banner--success');
      await assertGoodPage(page, errors, 'the council’s information, saved');
    } finally {
      await officer.context.close();
    }
    const agent = await staff('agent.warwickshire@example.org');
    try {
      const { page } = agent;
      await page.goto(`${server.url}/desk/new?service=524`);
      await page.fill('#postcode', 'EX1 1AE');
      await page.click('button:has-text("Check the council’s information")');
      await page.waitForSelector('#council-information');
      const information = (await page.textContent('#council-information')) ?? '';
      assert.match(information, /Exeter City Council/);
      assert.match(information, /Bins are emptied weekly/);
      assert.match(information, /Bin collection days/);
    } finally {
      await agent.context.close();
    }
  });
});
