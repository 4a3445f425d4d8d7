#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node:test through tsx, on the
// embedded engine, or on the PostgreSQL server named by TEST_DATABASE_URL when it is set.
// Extra arguments are passed to node --test (e.g. --test-name-pattern).
//
// --unit runs only the unit test files: those that need no database, browser or other process.
// A file is one when it imports none of test/support/database.ts, browser.ts or demo-server.ts,
// src/db/engine.ts, @electric-sql/pglite, playwright-core or node:child_process (see
// docs/testing.md). npm run test:unit is this.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const NEEDS_MORE_THAN_CODE =
  /from '[^']*(support\/(database|browser|demo-server)\.ts|db\/engine\.ts|@electric-sql\/pglite|playwright-core|node:child_process)'/;
const isUnit = (file) => !NEEDS_MORE_THAN_CODE.test(readFileSync(file, 'utf8'));

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const only = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-') && a !== '--unit');
const all = [...testFiles('src'), ...testFiles('test')].sort();
const files = (only.length > 0 ? only : all).filter((file) => !unit || isUnit(file));
const engine = process.env.TEST_DATABASE_URL
  ? `PostgreSQL (${new URL(process.env.TEST_DATABASE_URL).host})`
  : 'PGlite';
// Build the pages' styles and scripts once, before test files start servers side by side: each
// would otherwise find them missing or stale and compile them at the same time.
const assets = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--input-type=module',
    '--eval',
    "await (await import('./src/platform/views/build-css.ts')).ensureAssets()",
  ],
  { stdio: 'inherit' },
);
if (assets.status !== 0) process.exit(assets.status ?? 1);

// The prepared databases (test/support/prepared-databases.ts): migrated, with the reference data,
// and with the demo, as far as the files to run ask for them. Built here, each in a process of its
// own and side by side, before any test file starts, so that files never race to build them; each
// file then opens a copy. (A file that asks for one not built here builds it itself.)
const tsx = (code, env = process.env) => [
  process.execPath,
  ['--import', 'tsx', '--input-type=module', '--eval', code],
  { env: { ...env, NODE_ENV: 'test' } },
];
let env = process.env;
const sources = files.map((file) => readFileSync(file, 'utf8'));
const kinds = [
  sources.some((s) => s.includes('openTestDatabase(')) && 'migrated',
  sources.some((s) => s.includes("data: 'reference'")) && 'reference',
  sources.some((s) => s.includes("data: 'demo'") || s.includes('startDemoServer(')) && 'demo',
].filter(Boolean);
if (kinds.length > 0) {
  const key = spawnSync(
    ...tsx("process.stdout.write((await import('./test/support/prepared-databases.ts')).preparedKey())"),
  );
  if (key.status !== 0) {
    process.stderr.write(key.stderr);
    process.exit(key.status ?? 1);
  }
  env = { ...process.env, JOINTLY_TEST_PREPARED_KEY: key.stdout.toString().trim() };
  const started = Date.now();
  const prepared = await Promise.all(
    kinds.map(
      (kind) =>
        new Promise((resolve) => {
          const [command, args, options] = tsx(
            `await (await import('./test/support/database.ts')).prepareTestDatabase('${kind}')`,
            env,
          );
          const child = spawn(command, args, { ...options, stdio: 'inherit' });
          child.on('exit', (code) => resolve(code ?? 1));
        }),
    ),
  );
  if (prepared.some((code) => code !== 0)) process.exit(1);
  console.log(
    `Prepared the test databases (${kinds.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
console.log(`Running ${files.length} ${unit ? 'unit ' : ''}test files on ${engine}`);
// Browser files share one Chromium, started here (test/support/browser.ts): each file opens its
// own contexts in it, so no file sees another's cookies or pages.
let chromium;
if (sources.some((s) => s.includes('support/browser.ts'))) {
  const { register } = await import('tsx/esm/api');
  register();
  chromium = await (await import('../test/support/browser.ts')).launchSharedBrowser();
  env = { ...env, JOINTLY_TEST_CHROMIUM: chromium.wsEndpoint() };
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...flags, ...files],
  { stdio: 'inherit', env: { ...env, NODE_ENV: 'test' } },
);
const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
await chromium?.close();
process.exit(status);
