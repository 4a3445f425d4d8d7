/**
 * Browser tests: Debian's Chromium driven by playwright-core, and an accessibility check with
 * axe-core over the full WCAG 2.0–2.2 A/AA tag list plus best practice.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserServer, type Page } from 'playwright-core';
import type { AxeResults, RunOptions } from 'axe-core';

/**
 * Debian's chromium-headless-shell when it is installed, else its chromium: the same Blink and V8,
 * without the windowed browser around them. On two cores the shell ran the browser tests in half
 * the time and CPU of the full browser in its headless mode (docs/testing.md).
 */
export const CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((file) => existsSync(file)) ??
  '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The axe tags every page is checked against. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium-headless-shell or chromium, or set CHROMIUM_PATH)`,
    );
  }
}

/**
 * The browser for one test file. Under `npm test` every file connects to the one Chromium that
 * scripts/test.mjs starts (JOINTLY_TEST_CHROMIUM, its WebSocket address); closing the connection
 * closes the file's pages and contexts, and nothing else. Run on its own, a file starts its own.
 */
export async function launchBrowser(): Promise<Browser> {
  const shared = process.env.JOINTLY_TEST_CHROMIUM;
  if (shared) return chromium.connect(shared);
  assertChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** One Chromium that test files connect to by its WebSocket address (`wsEndpoint()`). */
export async function launchSharedBrowser(): Promise<BrowserServer> {
  assertChromium();
  return chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
  /** One line naming the rule, what it asks for and where it failed. */
  message: string;
}

let axeSource: Promise<string> | undefined;

function loadAxeSource(): Promise<string> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

type SerialisedViolation = Omit<AccessibilityViolation, 'message'>;

/**
 * Runs axe-core on the page and returns its violations. axe is evaluated through the DevTools
 * protocol rather than added as a `<script>` element, because the pages' Content-Security-Policy
 * (rightly) refuses inline scripts without a nonce, and turning CSP off would hide CSP mistakes.
 */
export async function checkAccessibility(page: Page): Promise<AccessibilityViolation[]> {
  const source = await loadAxeSource();
  const hasAxe = () => typeof (window as unknown as { axe?: unknown }).axe === 'object';
  if (!(await page.evaluate(hasAxe))) {
    await page.evaluate(`(() => { ${source}\n })()`);
    if (!(await page.evaluate(hasAxe))) throw new Error('axe-core did not load in the page');
  }
  const options: RunOptions = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] };
  const violations = await page.evaluate(async (runOptions): Promise<SerialisedViolation[]> => {
    const axe = (window as unknown as { axe: { run(context: Document, o: RunOptions): Promise<AxeResults> } })
      .axe;
    const results = await axe.run(document, runOptions);
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      helpUrl: violation.helpUrl,
      targets: violation.nodes.map((node) =>
        node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part))).join(' | '),
      ),
    }));
  }, options);
  return violations.map((violation) => ({
    ...violation,
    message:
      `${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help} ` +
      `at ${violation.targets.join(', ')} — ${violation.helpUrl}`,
  }));
}

/** All violations as one readable block, for assertion messages. */
export function formatViolations(violations: readonly AccessibilityViolation[]): string {
  if (violations.length === 0) return 'no accessibility violations';
  return [
    `${violations.length} accessibility violation(s):`,
    ...violations.map((v) => `- ${v.message}`),
  ].join('\n');
}

/** A new page that records console errors, CSP refusals and failed assets in `errors`. */
export async function pageWithErrors(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document')
      errors.push(`${r.status()} ${r.url()}`);
  });
  return { page, errors };
}

/** Fails with every axe violation, console error, CSP refusal or failed asset on the page. */
export async function assertGoodPage(page: Page, errors: string[], what: string): Promise<void> {
  const violations = await checkAccessibility(page);
  assert.deepEqual(violations, [], `${what}: ${formatViolations(violations)}`);
  assert.deepEqual(errors, [], `${what}: console errors, CSP refusals or failed assets`);
}

/** Signs in through the sign-in page, in this browser context. */
export async function signInWithBrowser(
  context: BrowserContext,
  baseUrl: string,
  email: string,
  password: string,
): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  await page.close();
}

/** A4 is 210 mm wide: 794 CSS px, less 1 cm margins either side. */
export const A4_CONTENT_WIDTH = 718;
export const A4_MARGIN = { top: '1cm', right: '1cm', bottom: '1cm', left: '1cm' };

/** What would run off an A4 page or be cut off in print: each element wider than its box. */
export async function overflowInPrint(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth)
      found.push(`the page is ${root.scrollWidth}px wide in a ${window.innerWidth}px viewport`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('main *'))) {
      // Text for screen readers only is clipped to a pixel on purpose.
      if (el.closest('.govuk-visually-hidden') || el.clientWidth <= 1) continue;
      const style = getComputedStyle(el);
      const clips = ['auto', 'scroll', 'hidden'].includes(style.overflowX);
      if (clips && el.scrollWidth > el.clientWidth + 1)
        found.push(
          `${el.tagName.toLowerCase()}.${el.className} cuts off ${el.scrollWidth - el.clientWidth}px`,
        );
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > window.innerWidth + 1 && style.position !== 'absolute')
        found.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}px`);
    }
    return found.slice(0, 10);
  });
}
