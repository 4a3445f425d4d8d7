/**
 * Statements kept prepared on each PostgreSQL connection. A statement whose text begins with
 * `prepared('name')` is parsed and planned once per connection and then only bound and run, which
 * saves the server most of its work on the few large statements that every request runs (opening
 * a case, routing). The text of a named statement must never change while the process runs; the
 * embedded engine ignores the mark (it is an SQL comment).
 */
import type pg from 'pg';
import { sql, type RawBuilder } from 'kysely';

const MARK = '/* prepared:';

/** The mark that names a statement to keep prepared: put it first in the statement's text. */
export const prepared = (name: string): RawBuilder<unknown> => {
  if (!/^[a-z_]{1,40}$/.test(name)) throw new TypeError(`invalid prepared statement name ${name}`);
  return sql.raw(`${MARK}${name} */`);
};

type Query = (text: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes a node-postgres client prepare the statements marked with `prepared` (for a pool's
 * `connect` event); other statements go through as they are.
 */
export function keepPrepared(client: pg.PoolClient): void {
  const query = client.query.bind(client) as unknown as Query;
  const marked: Query = (text, values, callback) => {
    if (typeof text === 'string' && text.startsWith(MARK)) {
      const name = text.slice(MARK.length, text.indexOf(' */'));
      return query({ name: `jointly_${name}`, text, values }, callback);
    }
    return query(text, values, callback);
  };
  (client as unknown as { query: Query }).query = marked;
}
