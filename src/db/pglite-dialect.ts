/**
 * A Kysely dialect for the embedded engine. PGlite has one connection, so every query and
 * transaction takes that connection in turn: a second caller waits until the first releases it.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

class TurnQueue {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves when it is the caller's turn, with the function that ends the turn. */
  take(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => turn);
    return ready;
  }
}

/** Begins a tenant transaction (context.ts): the connection is confined until commit or rollback. */
export const TENANT_BEGIN = '/* jointly:tenant */ ';

/**
 * Statements that could leave a tenant transaction's role or change its settings: RESET, SET
 * ROLE / SESSION AUTHORIZATION / a setting, set_config, jointly_begin_scope (whose own check that it
 * begins the transaction sees this engine's clock only to the millisecond), and a statement after a
 * semicolon that ends or nests the transaction. Application queries never need them inside a tenant transaction.
 */
const LEAVES_CONTEXT =
  /\bset_config\b|\bjointly_begin_scope\b|\breset\b|\bset\s+(?:local\s+|session\s+)?(?:(?:role|session)(?![\w"])|"?jointly\.)|\bsession_authorization\b|(?:^|;)\s*(?:commit|rollback|abort|end|begin|start|savepoint|release|prepare|discard|set)\b/i;

/** True when `text` holds a statement that a tenant transaction on this engine refuses. */
export function leavesTenantContext(text: string): boolean {
  return LEAVES_CONTEXT.test(text);
}

export class TenantContextError extends Error {}

class PGliteConnection implements DatabaseConnection {
  /** Inside a tenant transaction: statements that would leave its role are refused. */
  #confined = false;

  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (compiled.sql.startsWith(TENANT_BEGIN)) {
      const result = await this.#run<R>(compiled);
      this.#confined = true;
      return result;
    }
    if (this.#confined) {
      if (compiled.sql === 'commit' || compiled.sql === 'rollback') {
        this.#confined = false;
      } else if (leavesTenantContext(compiled.sql)) {
        throw new TenantContextError(
          'A request may not change its role or tenant settings inside its transaction.',
        );
      }
    }
    return this.#run<R>(compiled);
  }

  async #run<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Without parameters, use the simple protocol (as node-postgres does) so scripts of several
    // statements run too; the last statement's result is returned.
    const result =
      compiled.parameters.length === 0
        ? ((await this.pg.exec(compiled.sql)).at(-1) ?? { rows: [] as R[], affectedRows: 0 })
        : await this.pg.query<R>(compiled.sql, compiled.parameters as unknown[]);
    return {
      rows: result.rows as R[],
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported on the embedded engine');
  }
}

class PGliteDriver implements Driver {
  readonly #queue = new TurnQueue();
  readonly #connection: PGliteConnection;
  readonly #releases = new WeakMap<DatabaseConnection, Array<() => void>>();

  constructor(private readonly pg: PGlite) {
    this.#connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#queue.take();
    const pending = this.#releases.get(this.#connection) ?? [];
    pending.push(release);
    this.#releases.set(this.#connection, pending);
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#releases.get(connection)?.shift()?.();
  }

  async destroy(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

export class PGliteDialect implements Dialect {
  constructor(private readonly pg: PGlite) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pg);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}
