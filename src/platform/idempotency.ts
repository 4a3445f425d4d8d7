/**
 * `Idempotency-Key` for POSTs that create (DESIGN.md, data rule 5). The first answer to a key is
 * stored in the same transaction as the thing it created (a case's, by the statement that opens
 * it: `openCase` in the front door's repository), so an acknowledged request and its
 * answer are committed together; a repeat with the same body gets that answer again, and the same
 * key with a different body is refused.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Tx } from '../db/index.ts';
import { ProblemError, badRequest } from './errors.ts';

export interface IdempotentRequest {
  /** Who is calling: an API key, a signed-in account or a browser session. */
  caller: string;
  /** The Idempotency-Key header, when given. */
  key: string | undefined;
  /** What was asked, in a stable form: the same request must give the same text. */
  body: unknown;
}

export interface StoredAnswer<T> {
  statusCode: number;
  response: T;
  /** True when this is the answer stored for an earlier request with the same key. */
  replayed: boolean;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** Checks the header's form: printable ASCII without spaces, at most 255 characters. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw badRequest('Idempotency-Key must be 1 to 255 printable characters without spaces.');
  }
  return key;
}

/** A hash of the request body that does not depend on the order of its keys. */
export function requestHash(body: unknown): string {
  const stable = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(stable);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => [k, stable(v)]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(stable(body)))
    .digest('hex');
}

const mismatch = () =>
  new ProblemError(
    422,
    'Idempotency-Key reused',
    'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
  );

/**
 * The stored answer for this caller and key, if there is one; refuses a different body. Answers
 * are kept under the organisation whose front door took the request: given `orgId`, only that
 * organisation's are looked at (in a tenant transaction, row-level security also limits them to
 * the organisations it may read).
 */
export async function storedAnswer<T>(
  db: Kysely<DB> | Tx,
  request: IdempotentRequest,
  orgId?: number,
): Promise<StoredAnswer<T> | undefined> {
  if (request.key === undefined) return undefined;
  let query = db
    .selectFrom('idempotency_key')
    .select(['request_hash', 'status_code', 'response'])
    .where('caller', '=', request.caller)
    .where('idempotency_key', '=', request.key);
  if (orgId !== undefined) query = query.where('org_id', '=', orgId);
  const row = await query.orderBy('created_at').limit(1).executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== requestHash(request.body)) throw mismatch();
  return { statusCode: row.status_code, response: row.response as T, replayed: true };
}

/** True for the error a second insert of the same key raises when two requests race. */
export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === 'idempotency_key_pkey';
}
