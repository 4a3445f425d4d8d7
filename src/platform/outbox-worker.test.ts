import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { openTestDatabase } from '../../test/support/database.ts';
import { loadFixture, type Fixture } from '../../test/support/fixtures.ts';
import type { Database } from '../db/engine.ts';
import { withTenant } from '../db/context.ts';
import { enqueue } from './outbox.ts';
import {
  PermanentSendError,
  createOutboxWorker,
  exponentialBackoff,
  localSender,
  type MessageSender,
  type PendingMessage,
} from './outbox-worker.ts';
import { notifySender } from './notify-sender.ts';

describe('outbox worker', () => {
  let database: Database;
  let f: Fixture;
  let clock: Date;
  const now = () => clock;

  before(async () => {
    database = await openTestDatabase();
    f = await loadFixture(database.db);
  });
  after(() => database.close());
  beforeEach(async () => {
    // Messages are due from when they are written (the database's now); the worker's clock is just after.
    clock = new Date(Date.now() + 1_000);
    await database.db.deleteFrom('outbox_message').execute();
  });

  const put = (count: number, channel: 'email' | 'staff' = 'email') =>
    withTenant(database.db, { readOrgs: [f.org.exeter], writeOrgs: [f.org.exeter], accountId: null }, (tx) =>
      enqueue(
        tx,
        Array.from({ length: count }, (_, i) => ({
          orgId: f.org.exeter,
          channel,
          template: 'case_received',
          recipient: channel === 'staff' ? `organisation:${f.org.exeter}` : `resident${i}@example.org`,
          personalisation: { reference: `EXE-2026-00000${i}` },
          caseReference: `EXE-2026-00000${i}`,
        })),
      ),
    );
  const states = async () =>
    (
      await database.db
        .selectFrom('outbox_message')
        .select(['state', 'attempts', 'next_attempt_at', 'last_error', 'provider_reference'])
        .orderBy('message_id')
        .execute()
    ).map((r) => ({ ...r, next_attempt_at: new Date(r.next_attempt_at) }));

  it('sends what is due, once, and keeps the provider’s reference', async () => {
    await put(3);
    const sent: PendingMessage[] = [];
    const sender: MessageSender = {
      name: 'test',
      send: async (m) => (sent.push(m), { providerReference: `p-${m.messageId}` }),
    };
    const worker = createOutboxWorker({ db: database.db, sender, now });
    assert.deepEqual(await worker.runOnce(), { sent: 3, retrying: 0, failed: 0 });
    assert.deepEqual(await worker.runOnce(), { sent: 0, retrying: 0, failed: 0 });
    assert.deepEqual(
      sent.map((m) => m.recipient),
      ['resident0@example.org', 'resident1@example.org', 'resident2@example.org'],
    );
    assert.ok(
      (await states()).every(
        (s) => s.state === 'sent' && s.attempts === 1 && s.provider_reference?.startsWith('p-'),
      ),
    );
  });

  it('tries again after a temporary failure, later each time, and gives up after the last attempt', async () => {
    await put(1);
    const failing: MessageSender = {
      name: 'down',
      send: async () => Promise.reject(new Error('Notify answered 503')),
    };
    const worker = createOutboxWorker({ db: database.db, sender: failing, now, maxAttempts: 3 });
    assert.deepEqual(await worker.runOnce(), { sent: 0, retrying: 1, failed: 0 });
    let [row] = await states();
    assert.equal(row!.state, 'pending');
    assert.equal(row!.next_attempt_at.getTime(), clock.getTime() + exponentialBackoff(1));
    assert.match(row!.last_error!, /503/);
    // Not due yet: nothing is sent.
    assert.deepEqual(await worker.runOnce(), { sent: 0, retrying: 0, failed: 0 });
    clock = new Date(row!.next_attempt_at.getTime());
    assert.deepEqual(await worker.runOnce(), { sent: 0, retrying: 1, failed: 0 });
    [row] = await states();
    assert.equal(row!.next_attempt_at.getTime(), clock.getTime() + exponentialBackoff(2));
    assert.ok(exponentialBackoff(2) > exponentialBackoff(1));
    clock = new Date(row!.next_attempt_at.getTime());
    assert.deepEqual(await worker.runOnce(), { sent: 0, retrying: 0, failed: 1 });
    [row] = await states();
    assert.equal(row!.state, 'failed');
    assert.equal(row!.attempts, 3);
  });

  it('does not retry a refusal that will not change', async () => {
    await put(1);
    const refusing: MessageSender = {
      name: 'refuses',
      send: async () =>
        Promise.reject(
          new PermanentSendError('Notify answered 400: email_address Not a valid email address'),
        ),
    };
    const worker = createOutboxWorker({ db: database.db, sender: refusing, now });
    assert.deepEqual(await worker.runOnce(), { sent: 0, retrying: 0, failed: 1 });
    assert.equal((await states())[0]!.state, 'failed');
  });

  it('keeps staff messages inside Jointly, whatever sends the residents’ ones', async () => {
    await put(2, 'staff');
    const external: MessageSender = {
      name: 'external',
      send: async () => assert.fail('staff messages never leave'),
    };
    const worker = createOutboxWorker({ db: database.db, sender: external, now });
    assert.deepEqual(await worker.runOnce(), { sent: 2, retrying: 0, failed: 0 });
  });

  it('never gives one message to two workers at once', async () => {
    await put(10);
    const seen: number[] = [];
    const slow: MessageSender = {
      name: 'slow',
      send: async (m) => {
        seen.push(m.messageId);
        await new Promise((r) => setTimeout(r, 5));
        return { providerReference: null };
      },
    };
    const a = createOutboxWorker({ db: database.db, sender: slow, now, batchSize: 4 });
    const b = createOutboxWorker({ db: database.db, sender: slow, now, batchSize: 4 });
    for (let i = 0; i < 3; i++) await Promise.all([a.runOnce(), b.runOnce()]);
    assert.equal(seen.length, 10);
    assert.equal(new Set(seen).size, 10);
  });

  it('runs on a timer until stopped', async () => {
    await put(2);
    const worker = createOutboxWorker({ db: database.db, sender: localSender });
    worker.start(10);
    for (let i = 0; i < 100 && (await states()).some((s) => s.state !== 'sent'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.stop();
    assert.ok((await states()).every((s) => s.state === 'sent'));
  });
});

describe('GOV.UK Notify sender', () => {
  const message: PendingMessage = {
    orgId: 7,
    messageId: 42,
    channel: 'email',
    template: 'case_received',
    recipient: 'pat@example.org',
    personalisation: { reference: 'EXE-2026-000001', note: null },
    caseReference: 'EXE-2026-000001',
    attempts: 1,
  };
  const TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';

  it('sends email and SMS with the mapped template, text personalisation and our reference', async () => {
    const calls: unknown[][] = [];
    const client = {
      sendEmail: async (...args: unknown[]) => (calls.push(['email', ...args]), { data: { id: 'n-1' } }),
      sendSms: async (...args: unknown[]) => (calls.push(['sms', ...args]), { data: { id: 'n-2' } }),
    };
    const sender = notifySender('key', { case_received: TEMPLATE }, client);
    assert.deepEqual(await sender.send(message), { providerReference: 'n-1' });
    assert.deepEqual(await sender.send({ ...message, channel: 'sms', recipient: '07700900123' }), {
      providerReference: 'n-2',
    });
    assert.deepEqual(calls[0], [
      'email',
      TEMPLATE,
      'pat@example.org',
      { personalisation: { reference: 'EXE-2026-000001', note: '' }, reference: '7-42' },
    ]);
    assert.equal(calls[1]![0], 'sms');
  });

  it('tells a refusal for good (400, 403, no template) from one worth retrying (429, 500)', async () => {
    const failWith = (status: number) => ({
      sendEmail: async () =>
        Promise.reject(
          Object.assign(new Error('x'), { response: { status, data: { errors: [{ message: 'why' }] } } }),
        ),
      sendSms: async () => ({ data: { id: '' } }),
    });
    for (const status of [400, 403]) {
      await assert.rejects(
        notifySender('k', { case_received: TEMPLATE }, failWith(status)).send(message),
        PermanentSendError,
      );
    }
    for (const status of [429, 500]) {
      await assert.rejects(
        notifySender('k', { case_received: TEMPLATE }, failWith(status)).send(message),
        (e: unknown) => e instanceof Error && !(e instanceof PermanentSendError) && /why/.test(e.message),
      );
    }
    await assert.rejects(notifySender('k', {}, failWith(500)).send(message), PermanentSendError);
  });
});
