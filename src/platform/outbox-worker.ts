/**
 * The outbox worker: sends the messages the outbox holds, with retries and back-off (DESIGN.md,
 * data rule 5). A batch is claimed in one short transaction (rows locked with SKIP LOCKED and
 * leased, so two workers never send the same message at once), sent outside it, and each result
 * written back. A message is sent at least once: if the process dies after sending and before
 * writing back, the lease runs out and it is sent again.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem } from '../db/index.ts';

export interface PendingMessage {
  orgId: number;
  messageId: number;
  channel: 'email' | 'sms' | 'staff';
  template: string;
  recipient: string;
  personalisation: Record<string, unknown>;
  caseReference: string | null;
  attempts: number;
}

export interface MessageSender {
  /** 'local' or 'notify', shown in the logs and kept with each message sent. */
  readonly name: string;
  send(message: PendingMessage): Promise<{ providerReference: string | null }>;
}

/** A refusal that trying again will not change (an address the provider rejects, a missing template). */
export class PermanentSendError extends Error {}

/**
 * The default sender: messages stay in the outbox, marked sent, for the outbox page to show.
 * The demo and the tests need no network.
 */
export const localSender: MessageSender = {
  name: 'local',
  async send(message) {
    return { providerReference: `local-${message.orgId}-${message.messageId}` };
  },
};

export interface OutboxWorkerOptions {
  db: Kysely<DB>;
  sender: MessageSender;
  /** Staff messages are shown in Jointly itself and never leave it. */
  staffSender?: MessageSender;
  batchSize?: number;
  maxAttempts?: number;
  /** How long a claimed message is left alone before another worker may try it. */
  leaseMs?: number;
  /** Milliseconds to wait before the next attempt, after `attempts` attempts. */
  backoffMs?: (attempts: number) => number;
  now?: () => Date;
  log?: (entry: Record<string, unknown>, message: string) => void;
}

export interface OutboxRun {
  sent: number;
  retrying: number;
  failed: number;
}

/** 30 s, 1 min, 2 min… doubling, at most 6 hours. */
export const exponentialBackoff = (attempts: number): number =>
  Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);

export interface OutboxWorker {
  /** Claims and sends one batch; what happened to it. */
  runOnce(): Promise<OutboxRun>;
  /** Runs a batch every `intervalMs` until stopped. */
  start(intervalMs?: number): void;
  /** Stops, waiting for a batch in progress to finish. */
  stop(): Promise<void>;
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, sender } = options;
  const staffSender = options.staffSender ?? localSender;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 8;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const backoff = options.backoffMs ?? exponentialBackoff;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);

  async function claim(): Promise<PendingMessage[]> {
    return withSystem(db, async (tx) => {
      const at = now();
      const rows = await tx
        .selectFrom('outbox_message')
        .select([
          'org_id',
          'message_id',
          'channel',
          'template',
          'recipient',
          'personalisation',
          'case_reference',
          'attempts',
        ])
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        await tx
          .updateTable('outbox_message')
          .set({ attempts: row.attempts + 1, next_attempt_at: new Date(at.getTime() + leaseMs) })
          .where('org_id', '=', row.org_id)
          .where('message_id', '=', row.message_id)
          .execute();
      }
      return rows.map((r) => ({
        orgId: r.org_id,
        messageId: r.message_id,
        channel: r.channel,
        template: r.template,
        recipient: r.recipient,
        personalisation: (r.personalisation ?? {}) as Record<string, unknown>,
        caseReference: r.case_reference,
        attempts: r.attempts + 1,
      }));
    });
  }

  async function settle(message: PendingMessage, outcome: { providerReference: string | null } | Error) {
    const at = now();
    await withSystem(db, async (tx) => {
      const row = tx
        .updateTable('outbox_message')
        .where('org_id', '=', message.orgId)
        .where('message_id', '=', message.messageId);
      if (!(outcome instanceof Error)) {
        await row
          .set({
            state: 'sent',
            sent_at: at,
            provider_reference: outcome.providerReference,
            last_error: null,
          })
          .execute();
        return;
      }
      const permanent = outcome instanceof PermanentSendError || message.attempts >= maxAttempts;
      await row
        .set({
          state: permanent ? 'failed' : 'pending',
          next_attempt_at: new Date(at.getTime() + backoff(message.attempts)),
          last_error: outcome.message.slice(0, 1000),
        })
        .execute();
    });
  }

  async function runOnce(): Promise<OutboxRun> {
    const run: OutboxRun = { sent: 0, retrying: 0, failed: 0 };
    for (const message of await claim()) {
      const via = message.channel === 'staff' ? staffSender : sender;
      let outcome: { providerReference: string | null } | Error;
      try {
        outcome = await via.send(message);
      } catch (error) {
        outcome = error instanceof Error ? error : new Error(String(error));
      }
      await settle(message, outcome);
      if (!(outcome instanceof Error)) run.sent++;
      else if (outcome instanceof PermanentSendError || message.attempts >= maxAttempts) {
        run.failed++;
        log({ messageId: message.messageId, error: outcome.message }, 'outbox message failed for good');
      } else {
        run.retrying++;
        log({ messageId: message.messageId, error: outcome.message }, 'outbox message will be retried');
      }
    }
    return run;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  return {
    runOnce,
    start(intervalMs = 2_000) {
      stopped = false;
      const tick = () => {
        running = runOnce()
          .catch((error: unknown) => log({ error: String(error) }, 'outbox batch failed'))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
