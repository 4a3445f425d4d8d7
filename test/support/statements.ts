/**
 * The statements the application sends to the database, on either engine: the drivers' query
 * methods are watched (node-postgres's client, PGlite's `query` and `exec`), for tests that count
 * round trips. Start watching before the database is opened: a PostgreSQL pool's connections keep
 * the query method they had when they connected (`keepPrepared`). Tests in a file run in turn.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The statement lists being recorded now, by every watcher in this process. */
const recordings = new Set<string[]>();
let installed = false;

/**
 * Wraps the drivers' query methods once per process. Test files that share a process
 * (scripts/test.mjs) each have watchers of their own; a watcher records only during its own
 * `during()`, and the wrapper stays for the process, so no file takes it from another.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const watch = (prototype: object, name: string) => {
    let owner: object | null = prototype;
    while (owner && !Object.hasOwn(owner, name)) owner = Object.getPrototypeOf(owner) as object | null;
    if (!owner) return;
    const holder = owner as Record<string, Method>;
    const original = holder[name]!;
    holder[name] = function watched(this: unknown, ...args: unknown[]) {
      if (recordings.size > 0) {
        const text = args[0];
        const statement = typeof text === 'string' ? text : String((text as { text?: string })?.text ?? text);
        for (const recording of recordings) recording.push(statement);
      }
      return original.apply(this, args);
    };
  };
  watch(pg.Client.prototype, 'query');
  watch(PGlite.prototype, 'query');
  watch(PGlite.prototype, 'exec');
}

export function watchStatements(): {
  during<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
} {
  install();
  return {
    async during(work) {
      const statements: string[] = [];
      recordings.add(statements);
      try {
        return { result: await work(), statements };
      } finally {
        recordings.delete(statements);
      }
    },
  };
}

/** The statements between a tenant transaction's begin (which takes its scope) and its commit. */
export function insideTenantTransactions(statements: readonly string[]): string[][] {
  const transactions: string[][] = [];
  let current: string[] | undefined;
  for (const text of statements) {
    if (/jointly_begin_scope/.test(text)) current = [];
    else if (current && /^\s*(commit|rollback)\s*$/i.test(text)) {
      transactions.push(current);
      current = undefined;
    } else current?.push(text);
  }
  return transactions;
}
