/**
 * Transactions with a tenant context. Request work runs as the non-owner role `jointly_app`, with
 * the organisations it may read and write sealed into this transaction only
 * (`jointly_begin_scope`), so row-level security holds even for a query that forgets its filter,
 * and a statement inside the transaction cannot widen it.
 *
 * On PostgreSQL, request work connects as `jointly_app` itself (a login role that is neither the
 * owner nor a member of any role, DATABASE_APP_URL): `RESET ROLE`, `SET ROLE` or
 * `set_config('role', ...)` inside a request cannot reach the owner. The embedded engine has one
 * connection, as its superuser, so there the transaction takes the role with `set_config` and the
 * engine refuses statements that would leave it (see `pglite-dialect.ts`); docs/architecture.md
 * says what that cannot promise.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';
import { TENANT_BEGIN } from './pglite-dialect.ts';

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

/**
 * The call that gives a transaction its tenant context (ids are checked numbers). The database
 * seals the scope, and takes it only from the statement that begins the transaction (migration
 * 0011): a later `set_config` of the same settings leaves the transaction with no scope at all.
 */
const beginScope = (scope: TenantScope): string =>
  `jointly_begin_scope('{${orgList(scope.readOrgs)}}'::bigint[], '{${orgList(scope.writeOrgs)}}'::bigint[], ` +
  `${scope.accountId === null ? 'null' : orgList([scope.accountId])}::bigint)`;

/** Owner connection → the request role's pool on the same PostgreSQL database. */
const requestDbs = new WeakMap<Kysely<DB>, RequestPool>();
/** Embedded engines: one connection, whose transactions take the role with set_config. */
const embedded = new WeakSet<Kysely<DB>>();

interface RequestPool {
  db: Kysely<DB>;
  /** Resolves once the pool's role is known to be confined (checked on first use). */
  confined?: Promise<void>;
}

/** Request work on `owner`'s database connects through `request` (engine.ts, on PostgreSQL). */
export function registerRequestDb(owner: Kysely<DB>, request: Kysely<DB>): void {
  const pool: RequestPool = { db: request };
  requestDbs.set(owner, pool);
  requestDbs.set(request, pool);
}

/** `db` is the embedded engine's (engine.ts). */
export function registerEmbedded(db: Kysely<DB>): void {
  embedded.add(db);
}

export class RequestRoleError extends Error {}

/**
 * Refuses a request pool whose role could widen what it sees: the owner, a superuser, a role that
 * bypasses row-level security or one that is a member of any other role (so SET ROLE has nowhere
 * to go).
 */
async function assertConfined(request: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{
    who: string;
    su: boolean;
    bypass: boolean;
    member_of: string | null;
    owns: boolean;
  }>`
    select r.rolname as who, r.rolsuper as su, r.rolbypassrls as bypass,
           (select string_agg(g.rolname, ', ') from pg_auth_members m join pg_roles g on g.oid = m.roleid
             where m.member = r.oid) as member_of,
           exists (select 1 from pg_class c where c.relowner = r.oid and c.relnamespace = current_schema()::regnamespace) as owns
      from pg_roles r where r.rolname = current_user`.execute(request);
  const row = rows[0];
  const why = !row
    ? 'it has no role'
    : row.who !== 'jointly_app'
      ? `it connects as "${row.who}", not "jointly_app"`
      : row.su || row.bypass
        ? 'jointly_app is a superuser or bypasses row-level security'
        : row.member_of
          ? `jointly_app is a member of ${row.member_of}`
          : row.owns
            ? "jointly_app owns Jointly's tables"
            : undefined;
  if (why !== undefined) {
    throw new RequestRoleError(
      `DATABASE_APP_URL cannot be used for request work: ${why} (see docs/operations.md, "The request role").`,
    );
  }
}

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
  const pool = requestDbs.get(db);
  let connectionDb: Kysely<DB>;
  let begin: string;
  if (pool) {
    pool.confined ??= assertConfined(pool.db).catch((error: unknown) => {
      pool.confined = undefined;
      throw error;
    });
    await pool.confined;
    connectionDb = pool.db;
    begin = `begin; select ${beginScope(scope)}`;
  } else if (embedded.has(db)) {
    connectionDb = db;
    begin = `${TENANT_BEGIN}begin; select set_config('role', 'jointly_app', true), ${beginScope(scope)}`;
  } else {
    throw new RequestRoleError(
      'Request work on PostgreSQL needs DATABASE_APP_URL: a connection as the role jointly_app ' +
        '(see docs/operations.md, "The request role").',
    );
  }
  return connectionDb.connection().execute(async (connection) => {
    await sql.raw(begin).execute(connection);
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
