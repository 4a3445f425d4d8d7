/**
 * Transactions with a tenant context. Request work runs as the non-owner role `jointly_app`, with
 * the organisations it may read and write set for this transaction only (set_config(..., true)),
 * so row-level security holds even for a query that forgets its filter.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

export interface TenantScope {
  /** Organisations whose private rows may be read. */
  readOrgs: readonly number[];
  /** Organisations whose rows may be written. */
  writeOrgs: readonly number[];
  /** The signed-in account, for audit; null for residents and the public API. */
  accountId: number | null;
}

export type Tx = Transaction<DB>;

const orgList = (ids: readonly number[]): string => {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new TypeError(`invalid organisation id ${id}`);
  return ids.join(',');
};

/** Runs `work` in one transaction as `jointly_app`, seeing only what `scope` allows. */
export async function withTenant<T>(
  db: Kysely<DB>,
  scope: TenantScope,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('role', 'jointly_app', true),
                     set_config('jointly.read_orgs', ${orgList(scope.readOrgs)}, true),
                     set_config('jointly.write_orgs', ${orgList(scope.writeOrgs)}, true),
                     set_config('jointly.account_id', ${String(scope.accountId ?? '')}, true)`.execute(tx);
    return work(tx);
  });
}

/**
 * Narrows or changes, for the rest of this transaction, whose private rows it may read: for work
 * that learns which organisation it needs only part-way through (who is responsible here).
 */
export async function readOrgsFrom(tx: Tx, orgIds: readonly number[]): Promise<void> {
  await sql`select set_config('jointly.read_orgs', ${orgList(orgIds)}, true)`.execute(tx);
}

/** Runs `work` in one transaction as the schema owner: imports, the demo loader and sign-in only. */
export async function withSystem<T>(db: Kysely<DB>, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
