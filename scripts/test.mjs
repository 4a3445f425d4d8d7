#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node:test, most of them in
// batches that share a process, two processes at a time and the longest first, on the embedded
// engine, or on the PostgreSQL server named by TEST_DATABASE_URL when it is set. Extra arguments
// are passed to each process's node (e.g. --test-name-pattern); --test-concurrency=N runs N
// processes at a time.
//
// --unit runs only the unit test files: those that need no database, browser or other process.
// A file is one when it imports none of test/support/database.ts, browser.ts or demo-server.ts,
// src/db/engine.ts, @electric-sql/pglite, playwright-core or node:child_process (see
// docs/testing.md). npm run test:unit is this.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Buffer } from 'node:buffer';
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
const asksFor = (source, kind) =>
  source.includes(`data: '${kind}'`) || source.includes(`copyPreparedDatabase('${kind}')`);
const kinds = [
  sources.some((s) => s.includes('openTestDatabase(') || asksFor(s, 'migrated')) && 'migrated',
  sources.some((s) => asksFor(s, 'reference')) && 'reference',
  sources.some((s) => asksFor(s, 'demo') || s.includes('startDemoServer(')) && 'demo',
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
  // The demo is built on a copy of the reference data's (BUILT_ON in prepared-databases.ts): one
  // process makes the two in turn, beside the one that makes the migrated kind.
  const groups = kinds.includes('demo')
    ? [...kinds.filter((k) => k !== 'demo' && k !== 'reference').map((k) => [k]), ['reference', 'demo']]
    : kinds.map((k) => [k]);
  const prepared = await Promise.all(
    groups.map(
      (group) =>
        new Promise((resolve) => {
          const [command, args, options] = tsx(
            `const { prepareTestDatabase } = await import('./test/support/database.ts');\n` +
              group.map((kind) => `await prepareTestDatabase('${kind}');`).join('\n'),
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
// node --test runs the files it is given in name order, so the longest (the browser journeys)
// started last and the run ended with a core idle. Here the files run the longest first: by the
// time each took in this engine's last run (kept in node_modules/.cache/jointly-test/file-times.json),
// else by what the file opens. A report is printed whole when it ends, so reports never
// interleave; the totals and the failed files come last.
const TIMES_FILE = path.join('node_modules', '.cache', 'jointly-test', 'file-times.json');
const timesKey = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
let times = {};
try {
  times = JSON.parse(readFileSync(TIMES_FILE, 'utf8'));
} catch {
  // no run recorded yet
}
const lastTimes = times[timesKey] ?? {};
/** The seconds a file is expected to take: its last run's, else a guess from what it opens. */
function expectedSeconds(file, source) {
  if (typeof lastTimes[file] === 'number') return lastTimes[file];
  if (source.includes('support/browser.ts')) return 25;
  if (source.includes('startDemoServer(') || source.includes("data: 'demo'")) return 20;
  if (source.includes("data: 'reference'")) return 15;
  return NEEDS_MORE_THAN_CODE.test(source) ? 8 : 1;
}

// Test files run on Node.js's own TypeScript support rather than through tsx: tsx's module hooks
// more than doubled the time to load the application's packages (kysely, typebox, vega), about
// 1.2 s of CPU in every file's process (docs/testing.md). The sources use nothing that needs more
// than type stripping and parameter properties, and typecheck keeps it so (verbatimModuleSyntax,
// imports with their .ts extension). JOINTLY_TEST_LOADER=tsx runs them through tsx as before, and
// so does a Node.js without that support (before 22.7).
const nativeTypeScript =
  process.env.JOINTLY_TEST_LOADER !== 'tsx' &&
  process.allowedNodeEnvironmentFlags.has('--experimental-transform-types');
const TYPESCRIPT = nativeTypeScript
  ? ['--experimental-transform-types', '--disable-warning=ExperimentalWarning']
  : ['--import', 'tsx'];

// Most files share a process with others: starting Node.js and loading the application took
// 1.5–2.5 s of CPU in each file's own process, more than many files' tests (docs/testing.md).
// node --test with isolation "none" loads the files of a batch into one process and runs them one
// after another; each file still opens a database of its own. A file runs alone when it starts
// processes of its own (it imports node:child_process), or has hooks outside any describe() (in
// one process those would run around every file's tests). JOINTLY_TEST_ISOLATION=process runs every
// file alone, as does a Node.js without the option (before 22.8).
const [major, minor] = process.versions.node.split('.').map(Number);
const sharedProcesses =
  process.env.JOINTLY_TEST_ISOLATION !== 'process' && (major > 22 || (major === 22 && minor >= 8));
const RUNS_ALONE = /from '[^']*node:child_process'/;
const TOP_LEVEL_HOOK = /^(before|after|beforeEach|afterEach)\(/m;
const runsAlone = (source) => !sharedProcesses || RUNS_ALONE.test(source) || TOP_LEVEL_HOOK.test(source);
/** About this many seconds of expected work per shared process, so that the two cores end together. */
const BATCH_SECONDS = 60;
const FILE_TIMES_REPORTER = new URL('./file-times-reporter.mjs', import.meta.url).href;

/** What runs in one process: one file, or a batch of files sharing it; the longest first. */
function plan() {
  const entries = files.map((file, i) => ({
    file,
    source: sources[i],
    expected: expectedSeconds(file, sources[i]),
  }));
  const alone = entries
    .filter((e) => runsAlone(e.source))
    .map((e) => ({ files: [e.file], expected: e.expected }));
  const shared = entries.filter((e) => !runsAlone(e.source)).sort((a, b) => b.expected - a.expected);
  const total = shared.reduce((sum, e) => sum + e.expected, 0);
  const batches = Array.from(
    { length: Math.min(shared.length, Math.max(1, Math.ceil(total / BATCH_SECONDS))) },
    () => ({
      files: [],
      expected: 0,
    }),
  );
  // Each file to the batch with the least work so far: batches of about equal length.
  for (const entry of shared) {
    const batch = batches.reduce((least, b) => (b.expected < least.expected ? b : least));
    batch.files.push(entry.file);
    batch.expected += entry.expected;
  }
  for (const batch of batches) batch.files.sort();
  return [...alone, ...batches].sort(
    (a, b) => b.expected - a.expected || a.files[0].localeCompare(b.files[0]),
  );
}
const queue = plan();

// Two processes at a time on two cores: a third side by side made the run no shorter (docs/testing.md).
const concurrencyFlag = flags.find((f) => f.startsWith('--test-concurrency='));
const concurrency = Math.max(
  1,
  Number(concurrencyFlag?.split('=')[1] ?? process.env.JOINTLY_TEST_CONCURRENCY ?? 2) || 2,
);
const fileFlags = flags.filter((f) => f !== concurrencyFlag);

const totals = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const failed = [];
const running = new Set();
const runStarted = Date.now();

/** Runs one file, or a batch of files in one process, and prints its report when it ends. */
function run({ files: batch }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const alone = batch.length === 1;
    // In a shared process, a reporter of our own notes each file's time for the next run's order.
    const timesOut = alone
      ? undefined
      : path.join(os.tmpdir(), `jointly-test-times-${process.pid}-${batch[0].replaceAll(/\W/g, '-')}.json`);
    const reporters = alone
      ? ['--test-reporter=spec']
      : [
          '--test',
          '--experimental-test-isolation=none',
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          `--test-reporter=${FILE_TIMES_REPORTER}`,
          `--test-reporter-destination=${timesOut}`,
        ];
    const child = spawn(process.execPath, [...TYPESCRIPT, ...reporters, ...fileFlags, ...batch], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, NODE_ENV: 'test' },
    });
    running.add(child);
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => {
      running.delete(child);
      const seconds = (Date.now() - started) / 1000;
      const text = Buffer.concat(output).toString();
      const counts = {};
      for (const [, name, value] of text.matchAll(/^ℹ (\w+) (\d+)$/gm)) counts[name] = Number(value);
      for (const name of Object.keys(totals)) totals[name] += counts[name] ?? 0;
      const ok = code === 0 && counts.tests !== undefined;
      if (!ok) failed.push(...batch);
      if (alone) lastTimes[batch[0]] = Math.round(seconds * 10) / 10;
      else {
        try {
          const perFile = JSON.parse(readFileSync(timesOut, 'utf8'));
          for (const file of batch) lastTimes[file] = perFile[path.resolve(file)] ?? 0;
          rmSync(timesOut, { force: true });
        } catch {
          // no times written (the process failed): keep the last run's
        }
      }
      const outcome = ok ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`;
      const what = alone ? batch[0] : `${batch.length} files in one process (${batch.join(', ')})`;
      process.stdout.write(`\n━━ ${what}: ${outcome} in ${seconds.toFixed(1)} s\n${text}`);
      resolve();
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) child.kill(signal);
    chromium?.close().finally(() => process.exit(130));
  });
}

console.log(
  `${concurrency} processes at a time, the longest first: ${queue.length} processes for ${files.length} files`,
);
const pending = [...queue];
await Promise.all(
  Array.from({ length: Math.min(concurrency, pending.length) }, async () => {
    while (pending.length > 0) await run(pending.shift());
  }),
);
await chromium?.close();

// Kept for the next run's order; a file run with a name pattern or alone does not count.
if (fileFlags.length === 0) {
  mkdirSync(path.dirname(TIMES_FILE), { recursive: true });
  // Read again: the other engine's suite may have run side by side (.ci/run) and written its own.
  try {
    times = JSON.parse(readFileSync(TIMES_FILE, 'utf8'));
  } catch {
    times = {};
  }
  const partial = `${TIMES_FILE}.${process.pid}`;
  writeFileSync(partial, `${JSON.stringify({ ...times, [timesKey]: lastTimes }, null, 1)}\n`);
  renameSync(partial, TIMES_FILE);
}

const wall = ((Date.now() - runStarted) / 1000).toFixed(1);
console.log(
  `\n${files.length} files on ${engine} in ${wall} s: ${totals.tests} tests, ${totals.pass} passed, ` +
    `${totals.fail} failed, ${totals.cancelled} cancelled, ${totals.skipped} skipped, ${totals.todo} todo`,
);
if (failed.length > 0) {
  console.log(`Failed (${failed.length} files):\n${failed.map((file) => `  ${file}`).join('\n')}`);
  process.exit(1);
}
