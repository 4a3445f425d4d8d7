/**
 * A request that was acknowledged is never lost, even if the process is killed right after: the
 * real server runs as a child process, takes a stream of reports through `POST /api/v1/cases`, and
 * is killed with SIGKILL in the middle of it. After a restart every acknowledged case is there, and
 * sending every report again with its Idempotency-Key opens nothing twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/db/engine.ts';
import { copyPreparedDatabase, type PreparedCopy } from '../support/database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const REPORTS = 24;
const KILL_AFTER = 8;

interface Server {
  child: ChildProcess;
  url: string;
}

describe('an acknowledged report survives the process being killed', () => {
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let databaseAppUrl: string | undefined;
  let copy: PreparedCopy | undefined;
  const env = () => ({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    JOINTLY_DEMO: 'false',
    LOG_LEVEL: 'error',
    NODE_ENV: 'test',
    ...(databaseUrl
      ? { DATABASE_URL: databaseUrl, DATABASE_APP_URL: databaseAppUrl! }
      : { JOINTLY_DATA_DIR: dataDir! }),
  });

  before(async () => {
    // The migrated database with the reference data, prepared once per run: on PGlite a data
    // folder of its own, on PostgreSQL a database of its own, either way one the server opens.
    copy = await copyPreparedDatabase('reference');
    ({ dataDir, url: databaseUrl, appUrl: databaseAppUrl } = copy);
  });
  after(async () => {
    await copy?.remove();
  });

  /** Starts the server; after a kill the embedded engine's folder is free at once. */
  const start = (): Promise<Server> => startOnce();

  function startOnce(): Promise<Server> {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/jointly.js'), 'serve'], {
      cwd: ROOT,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Jointly is running at (http:\/\/[^/\s]+)\//.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve({ child, url: match[1]! });
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server stopped (${code}):\n${output}`));
      });
    });
  }

  const stopped = (server: Server, signal: 'SIGKILL' | 'SIGTERM') =>
    new Promise<number | null>((resolve) => {
      server.child.removeAllListeners('exit');
      server.child.once('exit', (code) => resolve(code));
      server.child.kill(signal);
    });
  const killed = (server: Server) => stopped(server, 'SIGKILL');

  const report = (i: number) => ({
    service: i % 2 === 0 ? 524 : 160,
    postcode: 'EX1 1AE',
    description: `Report ${i}: bins not collected / pothole outside number ${i}.`,
    email: `resident${i}@example.org`,
  });
  const post = (server: Server, i: number, key: string) =>
    fetch(`${server.url}/api/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(report(i)),
    });

  it('keeps every acknowledged case, and a resend with the same key opens nothing new', async () => {
    const keys = Array.from(
      { length: REPORTS },
      (_, i) => `kill-test-${i}-${randomBytes(4).toString('hex')}`,
    );
    const acknowledged = new Map<number, string>();
    let server = await start();
    // Four at a time; the process is killed as soon as the KILL_AFTER-th answer arrives, with
    // other requests still in flight.
    let next = 0;
    let dead: Promise<unknown> | undefined;
    const worker = async () => {
      while (next < REPORTS && !dead) {
        const i = next++;
        try {
          const response = await post(server, i, keys[i]!);
          if (response.status === 201) {
            const body = (await response.json()) as { case: { reference: string } };
            acknowledged.set(i, body.case.reference);
            if (acknowledged.size === KILL_AFTER) dead = killed(server);
          }
        } catch {
          // The connection died with the process: this one was never acknowledged.
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await dead;
    assert.ok(acknowledged.size >= KILL_AFTER, `${acknowledged.size} acknowledged before the kill`);
    assert.ok(acknowledged.size < REPORTS, 'the process died before every report was answered');

    server = await start();
    try {
      for (const [, reference] of acknowledged) {
        const response = await fetch(`${server.url}/api/v1/cases/${reference}`);
        assert.equal(response.status, 200, `${reference} was acknowledged, then lost`);
      }
      // The client sends everything again, as a client that lost its connection would.
      const references = new Set<string>();
      for (let i = 0; i < REPORTS; i++) {
        const response = await post(server, i, keys[i]!);
        assert.equal(response.status, 201);
        const body = (await response.json()) as { case: { reference: string } };
        if (acknowledged.has(i))
          assert.equal(body.case.reference, acknowledged.get(i), `report ${i} opened twice`);
        references.add(body.case.reference);
      }
      assert.equal(references.size, REPORTS, 'one case per report');
    } finally {
      // This time it stops cleanly, and lets go of the embedded engine's folder at once.
      assert.equal(await stopped(server, 'SIGTERM'), 0);
    }
    // Exactly one case per report in the database, whatever was in flight when the process died.
    const database = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: dataDir! });
    try {
      const rows = await database.db.selectFrom('service_case').select('reference').execute();
      assert.equal(rows.length, REPORTS);
    } finally {
      await database.close();
    }
  });
});
