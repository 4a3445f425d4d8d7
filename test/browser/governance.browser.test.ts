/**
 * Proposals that change the register, in Chromium over the demo: 2020 Vision's administrator
 * drafts a proposal on its page (a mistake first) and submits it, to share a service with the joint committee's recommendation (a mistake first,
 * shown in the error summary), each of the four councils' democratic services officers records
 * the council's approval on the proposal's page, and after the fourth the proposal is in effect
 * and the register shows the new arrangement; and a proposal one council rejects, which leaves the
 * register as it was. No axe violations (WCAG 2.2 AA and best practice) and no console errors on
 * any page visited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertGoodPage, launchBrowser, pageWithErrors, signInWithBrowser } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import { startDemoServer, type DemoServer } from '../support/demo-server.ts';
import { NOBODY, type GovernanceActor, type ProposalInput } from '../../src/governance/index.ts';

const PASSWORD = 'a long enough password for tests';
const COUNCILS = ['E07000078', 'E07000079', 'E07000080', 'E07000181'];
const WEST_OXFORDSHIRE = 'E07000181';
const ECONOMIC_DEVELOPMENT = 347;
const TOURISM = 622;

interface Council {
  gss: string;
  orgId: number;
  jurisdiction: string;
  name: string;
  cabinet: number;
  clerk: string;
}

let server: DemoServer;
let browser: Browser;
const councils: Council[] = [];
let keeper: GovernanceActor;
let jointCommittee: number;

/** Opens `path` in a page that records what goes wrong on it; it must answer below 400. */
async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const opened = await pageWithErrors(context);
  const response = await opened.page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
  return opened;
}

/** Another page in the same tab, which must answer below 400. */
async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  assert.ok(response && response.status() < 400, `${path} answered ${response?.status()}`);
}

const stateOf = async (page: Page) => ((await page.textContent('main h1 + p .govuk-tag')) ?? '').trim();

/** Each council's cell for a service in the partnership's register, in words. */
async function registerCells(page: Page, code: number): Promise<Map<string, string>> {
  await visit(page, `/partnerships/2020-vision/services?service=${code}`);
  const cells = new Map<string, string>();
  for (const c of councils) {
    const cell = page.locator(
      `td.app-matrix__cell a[href="/organisations/${c.jurisdiction}/services/${code}"]`,
    );
    cells.set(c.gss, (await cell.count()) > 0 ? ((await cell.getAttribute('title')) ?? '') : 'none');
  }
  return cells;
}

/** Signs in as the council's democratic services officer and records its decision on the page. */
async function decide(id: string, council: Council, decision: 'approved' | 'rejected'): Promise<string> {
  const context = await browser.newContext();
  try {
    await signInWithBrowser(context, server.url, council.clerk, PASSWORD);
    const { page, errors } = await open(context, `/proposals/${id}`);
    assert.equal(
      await page.inputValue('select#approval'),
      `${council.orgId}:${council.cabinet}`,
      `${council.name}'s cabinet is the body offered`,
    );
    assert.equal(await page.locator('select#approval option').count(), 1, 'only their own council');
    await assertGoodPage(page, errors, `${page.url()} as ${council.clerk}`);
    await page.check(`input[name="decision"][value="${decision}"]`);
    await page.fill('#decidedOn-day', '1');
    await page.fill('#decidedOn-month', '7');
    await page.fill('#decidedOn-year', '2026');
    await page.fill('#minute', `Cabinet minute ${council.gss}`);
    await page.click('button:has-text("Record the decision")');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match((await page.textContent('.govuk-notification-banner')) ?? '', /The decision is recorded/);
    await assertGoodPage(page, errors, `${page.url()} after ${council.name}'s decision`);
    return await stateOf(page);
  } finally {
    await context.close();
  }
}

/** A proposal of 2020 Vision for its four councils to share a service through the joint committee. */
const share = (title: string, code: number): ProposalInput => ({
  title,
  summary: 'The four councils share the service through the 2020 Vision Joint Committee.',
  effectiveFrom: '2026-04-01',
  changes: councils.map((c) => ({
    orgId: c.orgId,
    lgslCode: code,
    mode: 'shared_venture',
    level: 'district',
    providerOrgId: jointCommittee,
  })),
  approvals: councils.map((c) => ({ orgId: c.orgId, bodyId: c.cabinet })),
});

describe('proposals in Chromium', () => {
  before(async () => {
    server = await startDemoServer();
    browser = await launchBrowser();
    const { register, governance, auth } = server.services;
    const vision = await register.partnership('2020-vision');
    jointCommittee = vision.members.find((m) => m.name === '2020 Vision Joint Committee')!.orgId;
    const bodies = await governance.bodies(vision.members.map((m) => m.orgId));
    for (const gss of COUNCILS) {
      const m = vision.members.find((x) => x.gss === gss)!;
      const council: Council = {
        gss,
        orgId: m.orgId,
        jurisdiction: m.jurisdiction!,
        name: m.name,
        cabinet: bodies.find((b) => b.orgId === m.orgId && b.kind === 'cabinet')!.bodyId,
        clerk: `clerk.${m.jurisdiction}.browser@example.org`,
      };
      await auth.createAccount({
        email: council.clerk,
        displayName: `Democratic services, ${m.name}`,
        password: PASSWORD,
        grants: [{ orgId: m.orgId, role: 'clerk', partnershipId: null, lgslCodes: null }],
      });
      councils.push(council);
    }
    // As the demo's 2020 Vision administrator (at Cotswold) drafts it.
    const cotswold = councils.find((c) => c.gss === 'E07000079')!.orgId;
    keeper = { ...NOBODY, keeps: [{ partnershipId: vision.partnershipId, orgId: cotswold }] };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the administrator drafts and submits a proposal, four councils approve it, and the register changes', async () => {
    let draftId = '';
    const context = await browser.newContext();
    try {
      await signInWithBrowser(context, server.url, 'admin.2020vision@example.org', DEMO_PASSWORD);
      const { page, errors } = await open(context, '/partnerships/2020-vision');
      await page.click('a:has-text("Proposals that change the register")');
      await page.waitForURL(/\/partnerships\/2020-vision\/proposals$/);
      await assertGoodPage(page, errors, page.url());

      // Drafting on the page: what it changes, then the form, with a mistake first.
      await page.click('a:has-text("Draft a proposal")');
      await page.waitForURL(/\/proposals\/new$/);
      await assertGoodPage(page, errors, page.url());
      await page.check('input[name="change"][value="arrangement"]');
      await page.click('button:has-text("Continue")');
      await page.waitForURL(/\/proposals\/new\?change=arrangement$/);
      await assertGoodPage(page, errors, page.url());
      await page.fill('#title', 'Share economic development through the partnership venture');
      await page.fill(
        '#summary',
        'The four councils share the service through the 2020 Vision Joint Committee.',
      );
      await page.fill('#effectiveFrom-day', '1');
      await page.fill('#effectiveFrom-month', '4');
      await page.fill('#effectiveFrom-year', '2026');
      await page.selectOption('#service', String(ECONOMIC_DEVELOPMENT));
      await page.selectOption('#mode', 'shared_venture');
      await page.selectOption('#level', 'district');
      await page.selectOption('#provider', String(jointCommittee));
      for (const c of councils)
        assert.equal(
          await page.inputValue(`select#approval-${c.orgId}`),
          String(c.cabinet),
          `${c.name}'s cabinet is offered first`,
        );
      await page.click('button:has-text("Save the draft")');
      await page.waitForSelector('.govuk-error-summary');
      assert.match(
        (await page.textContent('.govuk-error-summary')) ?? '',
        /Select each council whose arrangement changes/,
      );
      assert.equal(
        await page.inputValue('#title'),
        'Share economic development through the partnership venture',
      );
      await assertGoodPage(page, errors, `${page.url()} with a mistake`);
      for (const c of councils) await page.check(`input[name="councils"][value="${c.orgId}"]`);
      await page.click('button:has-text("Save the draft")');
      await page.waitForURL(/\/proposals\/[0-9a-f-]{36}\?done=drafted$/);
      draftId = /\/proposals\/([0-9a-f-]{36})/.exec(page.url())![1]!;
      assert.match((await page.textContent('.govuk-notification-banner')) ?? '', /The draft is saved/);
      assert.equal(await stateOf(page), 'Draft');
      const before = (await page.textContent('main table')) ?? '';
      assert.match(
        before,
        /Shared through the partnership venture: 2020 Vision Joint Committee, per district/,
      );
      await assertGoodPage(page, errors, page.url());

      // A mistake first: the error summary names it, and what was typed is kept.
      await page.fill('#recommendedBy', '2020 Vision Joint Committee');
      await page.fill('#recommendedOn-day', '1');
      await page.fill('#recommendedOn-month', '6');
      await page.fill('#recommendedOn-year', '2026');
      await page.click('button:has-text("Submit the proposal")');
      await page.waitForSelector('.govuk-error-summary');
      await page.click('.govuk-error-summary a[href="#recommendationMinute"]');
      assert.equal(
        await page.evaluate('document.activeElement && document.activeElement.id'),
        'recommendationMinute',
      );
      assert.equal(await page.inputValue('#recommendedBy'), '2020 Vision Joint Committee');
      await assertGoodPage(page, errors, `${page.url()} with a mistake`);

      await page.fill('#recommendationMinute', 'JC 12/26');
      await page.click('button:has-text("Submit the proposal")');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.equal(await stateOf(page), 'Awaiting decisions');
      assert.match(
        (await page.textContent('main')) ?? '',
        /2020 Vision Joint Committee, 1 June 2026, minute JC 12\/26/,
      );
      assert.equal(
        await page.locator('form[action$="/decisions"]').count(),
        0,
        'the administrator records no decision',
      );
      await assertGoodPage(page, errors, `${page.url()} once submitted`);
    } finally {
      await context.close();
    }

    for (const [i, council] of councils.entries()) {
      const state = await decide(draftId, council, 'approved');
      assert.equal(state, i < councils.length - 1 ? 'Awaiting decisions' : 'In effect', council.name);
    }

    const reader = await browser.newContext();
    try {
      const { page, errors } = await open(reader, `/proposals/${draftId}`);
      assert.equal(await stateOf(page), 'In effect');
      const main = (await page.textContent('main')) ?? '';
      assert.match(main, /In effect since/);
      assert.equal(
        await page.locator('[aria-label="Approvals the proposal needs"] td:text-is("Approved")').count(),
        4,
      );
      await assertGoodPage(page, errors, `${page.url()} in effect`);
      await page.click('a:has-text("See these services in the register")');
      await page.waitForURL(/\/services\?service=347/);
      await assertGoodPage(page, errors, page.url());
      const cells = await registerCells(page, ECONOMIC_DEVELOPMENT);
      for (const c of councils)
        assert.match(
          cells.get(c.gss) ?? '',
          /^Shared through the partnership venture by 2020 Vision Joint Committee; per district; since /,
          c.name,
        );
      await visit(page, `/organisations/${WEST_OXFORDSHIRE}/services/${ECONOMIC_DEVELOPMENT}`);
      assert.match(
        (await page.textContent('main table tbody tr:first-child')) ?? '',
        /In force[\s\S]*Shared through the partnership venture[\s\S]*2020 Vision Joint Committee/,
      );
      await assertGoodPage(page, errors, page.url());
    } finally {
      await reader.close();
    }
  });

  test('one council rejects: the proposal is rejected and the register stays as it was', async () => {
    const { governance } = server.services;
    const proposal = await governance.create(
      keeper,
      '2020-vision',
      share('Tourism support together', TOURISM),
    );
    await governance.submit(keeper, proposal.id, {
      by: '2020 Vision Joint Committee',
      on: '2026-06-01',
      minute: 'JC 14/26',
    });
    const reader = await browser.newContext();
    try {
      const { page, errors } = await open(reader, '/partnerships/2020-vision/proposals');
      const before = await registerCells(page, TOURISM);
      await assertGoodPage(page, errors, page.url());

      const cheltenham = councils.find((c) => c.gss === 'E07000078')!;
      const westOxfordshire = councils.find((c) => c.gss === WEST_OXFORDSHIRE)!;
      assert.equal(await decide(proposal.id, cheltenham, 'approved'), 'Awaiting decisions');
      assert.equal(await decide(proposal.id, westOxfordshire, 'rejected'), 'Rejected');

      await visit(page, `/proposals/${proposal.id}`);
      assert.equal(await stateOf(page), 'Rejected');
      assert.equal(
        await page.locator('[aria-label="Approvals the proposal needs"] td:text-is("Rejected")').count(),
        1,
      );
      assert.equal(await page.locator('td:text-is("No")').count(), 4, 'no council adopts it');
      await assertGoodPage(page, errors, page.url());
      await visit(page, '/partnerships/2020-vision/proposals');
      assert.match((await page.textContent('main table')) ?? '', /Tourism support together\s*Rejected/);
      await assertGoodPage(page, errors, page.url());

      const after = await registerCells(page, TOURISM);
      assert.deepEqual(after, before, 'the register is unchanged');
      assert.doesNotMatch(after.get(WEST_OXFORDSHIRE) ?? '', /Shared through the partnership venture/);
      await assertGoodPage(page, errors, page.url());
    } finally {
      await reader.close();
    }
  });

  test('the sovereignty register, programme, risk log and option appraisal read well, with their tables', async () => {
    const reader = await browser.newContext();
    try {
      const { page, errors } = await open(reader, '/partnerships/2020-vision/sovereignty');
      assert.match((await page.textContent('main')) ?? '', /Decisions delegated to the provider/);
      await assertGoodPage(page, errors, page.url());
      await visit(page, '/partnerships/2020-vision/programme');
      assert.equal(await page.locator('main li.app-timeline__phase').count(), 5);
      assert.match((await page.textContent('main')) ?? '', /Each authority’s decision/);
      await assertGoodPage(page, errors, page.url());
      await visit(page, '/partnerships/2020-vision/risks');
      assert.equal(await page.locator('main figure svg[role="img"]').count(), 1, 'the heat map');
      assert.equal(await page.locator('main table td').count(), 25, 'its counts as a table');
      await assertGoodPage(page, errors, page.url());
      await visit(page, '/organisations/E07000044/decisions');
      assert.match((await page.textContent('main')) ?? '', /Decisions taken/);
      await assertGoodPage(page, errors, page.url());
      await visit(page, '/partnerships/2020-vision/appraisals');
      assert.match((await page.textContent('main table')) ?? '', /Jointly owned trading company/);
      await assertGoodPage(page, errors, page.url());
    } finally {
      await reader.close();
    }
  });
});
