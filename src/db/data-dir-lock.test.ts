import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  DatabaseInUseError,
  holderState,
  hostProbe,
  lockDataDir,
  thisProcess,
  type LockHolder,
  type ProcessProbe,
} from './data-dir-lock.ts';
import { openDatabase } from './engine.ts';

const HOLDER = path.resolve(import.meta.dirname, '../../test/support/data-dir-holder.ts');
/** Holders load TypeScript as this file was loaded: Node.js's own support under npm test, else tsx. */
const TYPESCRIPT = process.execArgv.includes('--experimental-transform-types')
  ? ['--experimental-transform-types', '--disable-warning=ExperimentalWarning']
  : ['--import', 'tsx'];

const folders: string[] = [];
function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jointly-lock-'));
  folders.push(folder);
  return folder;
}
after(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

describe('holderState', () => {
  const holder: LockHolder = {
    pid: 4242,
    host: 'here',
    startTicks: '1000',
    bootId: 'boot-1',
    startedAt: '2026-12-01T10:00:00Z',
  };
  const probe = (over: Partial<ProcessProbe> = {}): ProcessProbe => ({
    host: 'here',
    bootId: 'boot-1',
    exists: () => 'exists',
    stat: () => ({ startTicks: '1000', zombie: false }),
    ...over,
  });

  it('is live while the process exists with the same start, stopped or not', () => {
    assert.equal(holderState(holder, probe()), 'live');
  });
  it('is live when the system cannot say when the process started', () => {
    assert.equal(holderState(holder, probe({ stat: () => null })), 'live');
  });
  it('is dead when no process has the id', () => {
    assert.equal(holderState(holder, probe({ exists: () => 'none' })), 'dead');
  });
  it('is dead when the id now belongs to a process that started at another time', () => {
    assert.equal(holderState(holder, probe({ stat: () => ({ startTicks: '2000', zombie: false }) })), 'dead');
  });
  it('is dead when the process is a zombie', () => {
    assert.equal(holderState(holder, probe({ stat: () => ({ startTicks: '1000', zombie: true }) })), 'dead');
  });
  it('is dead after the machine restarted', () => {
    assert.equal(holderState(holder, probe({ bootId: 'boot-2' })), 'dead');
  });
  it('cannot be told on another host', () => {
    assert.equal(holderState(holder, probe({ host: 'there' })), 'elsewhere');
  });
});

/** A child process holding a data folder, with its output read line by line. */
interface Holder {
  child: ChildProcess;
  /** Waits for a line of output matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

function startHolder(...args: string[]): Holder {
  const child = spawn(process.execPath, [...TYPESCRIPT, HOLDER, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting: Array<() => void> = [];
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiting.splice(0)) wake();
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  exited.then(() => {
    for (const wake of waiting.splice(0)) wake();
  });
  let consumed = 0;
  const line = async (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = output.slice(consumed).split('\n');
      let offset = consumed;
      for (const candidate of lines.slice(0, -1)) {
        offset += candidate.length + 1;
        if (pattern.test(candidate)) {
          consumed = offset;
          return candidate;
        }
      }
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`no line matching ${pattern}; output:\n${output}`);
      }
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child, line, exited };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the embedded data folder lock, with real processes', () => {
  it('is taken at once from a process killed with SIGKILL', async () => {
    const dataDir = tempFolder();
    const holder = startHolder('embedded', dataDir);
    await holder.line(/^ready/);
    holder.child.stdin!.write('write\n');
    assert.equal(await holder.line(/^wrote/), 'wrote 1');
    holder.child.kill('SIGKILL');
    await holder.exited;
    assert.ok(fs.existsSync(path.join(dataDir, 'jointly.lock')), 'the dead process left its lock');

    const started = Date.now();
    const database = await openDatabase({ dataDir });
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from lock_probe`.execute(
        database.db,
      );
      assert.equal(rows[0]!.n, 1);
    } finally {
      await database.close();
    }
    assert.ok(Date.now() - started < 10_000, `opened after ${Date.now() - started} ms`);
  });

  it(
    'is never taken from a stopped process, names it, and that process still works when it goes on',
    { timeout: 120_000 },
    async () => {
      const dataDir = tempFolder();
      const holder = startHolder('embedded', dataDir);
      const pid = Number((await holder.line(/^ready/)).split(' ')[1]);
      assert.equal(pid, holder.child.pid);
      holder.child.stdin!.write('write\n');
      assert.equal(await holder.line(/^wrote/), 'wrote 1');
      try {
        holder.child.kill('SIGSTOP');
        // A lock not refreshed for an hour (it used to be taken over after 15 s), and longer than
        // the grace given to a lock file being written.
        const anHourAgo = new Date(Date.now() - 3_600_000);
        fs.utimesSync(path.join(dataDir, 'jointly.lock'), anHourAgo, anHourAgo);
        await wait(2_500);
        await assert.rejects(openDatabase({ dataDir }), (error: Error) => {
          assert.ok(error instanceof DatabaseInUseError);
          assert.match(error.message, new RegExp(`process ${pid} on ${os.hostname()}, started \\d{4}-`));
          return true;
        });
        // A second process is refused too, and says so in a line.
        const second = startHolder('embedded', dataDir);
        assert.match(
          await second.line(/^refused/),
          new RegExp(`in use by another Jointly process \\(process ${pid} `),
        );
        assert.equal(await second.exited, 3);
      } finally {
        holder.child.kill('SIGCONT');
      }
      holder.child.stdin!.write('write\n');
      assert.equal(await holder.line(/^wrote/), 'wrote 2');
      holder.child.stdin!.write('close\n');
      assert.equal(await holder.exited, 0);
      assert.ok(!fs.existsSync(path.join(dataDir, 'jointly.lock')), 'a clean close lets go of the folder');
      const database = await openDatabase({ dataDir });
      await database.close();
    },
  );

  it('lets exactly one of several processes take over a dead holder’s lock', async () => {
    const dataDir = tempFolder();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(dead.stdout.toString());
    fs.writeFileSync(
      path.join(dataDir, 'jointly.lock'),
      JSON.stringify({ ...thisProcess(), pid: deadPid, startTicks: '1' }),
    );
    const racers = Array.from({ length: 3 }, () => startHolder('lock', dataDir, '3000'));
    const outcomes = await Promise.all(racers.map((r) => r.line(/^(locked|refused)/)));
    assert.equal(outcomes.filter((o) => o === 'locked').length, 1, outcomes.join('\n'));
    const winner = racers[outcomes.indexOf('locked')]!;
    for (const loser of outcomes.filter((o) => o !== 'locked')) {
      assert.match(loser, new RegExp(`process ${winner.child.pid} on `));
    }
    assert.deepEqual((await Promise.all(racers.map((r) => r.exited))).sort(), [0, 3, 3]);
  });
});

describe('the lock file', () => {
  it('names its holder and is taken over from an id that now belongs to another process', () => {
    const dataDir = tempFolder();
    const file = path.join(dataDir, 'jointly.lock');
    // Our own id, but a start that is not ours: the process that wrote it is gone.
    fs.writeFileSync(file, JSON.stringify({ ...thisProcess(), startTicks: '1' }));
    const lock = lockDataDir(dataDir);
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.host, os.hostname());
    assert.equal(holder.startTicks, hostProbe.stat(process.pid)?.startTicks ?? null);
    assert.throws(() => lockDataDir(dataDir), /in use by this process/);
    lock.release();
    assert.ok(!fs.existsSync(file));
  });

  it('is never taken from another host, and says which file to delete', () => {
    const dataDir = tempFolder();
    const file = path.join(dataDir, 'jointly.lock');
    fs.writeFileSync(file, JSON.stringify({ ...thisProcess(), host: 'elsewhere.example', pid: 1 }));
    assert.throws(
      () => lockDataDir(dataDir),
      (error: Error) =>
        error instanceof DatabaseInUseError &&
        error.message.includes('process 1 on elsewhere.example') &&
        error.message.includes(`delete ${file}`),
    );
    assert.ok(fs.existsSync(file));
  });

  it('replaces a lock file that is not one (empty or cut short) once it is not being written', () => {
    const dataDir = tempFolder();
    const file = path.join(dataDir, 'jointly.lock');
    fs.writeFileSync(file, '{"pid": 12');
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(file, old, old);
    const started = Date.now();
    lockDataDir(dataDir).release();
    assert.ok(Date.now() - started < 1_000);
  });
});
