#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node:test through tsx, on the
// embedded engine, or on the PostgreSQL server named by TEST_DATABASE_URL when it is set.
// Extra arguments are passed to node --test (e.g. --test-name-pattern).
import { spawnSync } from 'node:child_process';
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
console.log(`Running ${files.length} test files on ${engine}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...flags, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
