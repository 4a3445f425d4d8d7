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

/** The statement that gives a transaction its tenant context (ids are checked numbers). */
const scopeSettings = (scope: TenantScope): string =>
  `select set_config('role', 'jointly_app', true), ` +
  `set_config('jointly.read_orgs', '${orgList(scope.readOrgs)}', true), ` +
  `set_config('jointly.write_orgs', '${orgList(scope.writeOrgs)}', true), ` +
  `set_config('jointly.account_id', '${scope.accountId === null ? '' : orgList([scope.accountId])}', true)`;

/**
 * Runs `work` in one transaction as `jointly_app`, seeing only what `scope` allows. The transaction
 * starts and takes its context in one round trip: request work is mostly short transactions, where
 * each round trip to the database counts.
 */
export async function withTenant<T>(
  db: Kysely<DB>,
  scope: TenantScope,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const begin = sql.raw(`begin; ${scopeSettings(scope)}`);
  return db.connection().execute(async (connection) => {
    await begin.execute(connection);
    let result: T;
    try {
      // The connection is inside the transaction begun above until commit or rollback below.
      result = await work(connection as unknown as Tx);
    } catch (error) {
      // A connection that cannot even roll back is broken: the error that matters is the first.
      await sql
        .raw('rollback')
        .execute(connection)
        .catch(() => undefined);
      throw error;
    }
    await sql.raw('commit').execute(connection);
    return result;
  });
}

/** Runs `work` in one transaction as the schema owner: imports, the demo loader and sign-in only. */
export async function withSystem<T>(db: Kysely<DB>, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
