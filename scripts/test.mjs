#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node:test through tsx, on the
// embedded engine, or on the PostgreSQL server named by TEST_DATABASE_URL when it is set.
// Extra arguments are passed to node --test (e.g. --test-name-pattern).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = only.length > 0 ? only : [...testFiles('src'), ...testFiles('test')].sort();
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
// and with the demo. Built here, each in a process of its own and side by side, before any test
// file starts, so that files never race to build them; each file then opens a copy.
const tsx = (code, env = process.env) => [
  process.execPath,
  ['--import', 'tsx', '--input-type=module', '--eval', code],
  { env: { ...env, NODE_ENV: 'test' } },
];
const key = spawnSync(
  ...tsx("process.stdout.write((await import('./test/support/prepared-databases.ts')).preparedKey())"),
);
if (key.status !== 0) {
  process.stderr.write(key.stderr);
  process.exit(key.status ?? 1);
}
const env = { ...process.env, JOINTLY_TEST_PREPARED_KEY: key.stdout.toString().trim() };
const started = Date.now();
const prepared = await Promise.all(
  ['migrated', 'reference', 'demo'].map(
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
console.log(`Prepared the test databases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`Running ${files.length} test files on ${engine}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...flags, ...files],
  { stdio: 'inherit', env: { ...env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
