import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase, testEngine } from '../../test/support/database.ts';
import type { Database } from './engine.ts';
import { prepared } from './prepared.ts';

describe('statements kept prepared', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(() => database.close());

  it('runs a marked statement with its parameters, again and again', async () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7]) {
      const { rows } = await sql<{
        twice: number;
      }>`${prepared('probe_twice')} select ${n}::int * 2 as twice`.execute(database.db);
      assert.deepEqual(rows, [{ twice: n * 2 }]);
    }
  });

  it('prepares a marked statement once on the connection, and leaves unmarked ones unnamed', async () => {
    if (testEngine() !== 'postgres') {
      // The embedded engine has no named statements: the mark is only a comment there.
      const { rows } = await sql<{ n: number }>`${prepared('probe_plain')} select ${5}::int as n`.execute(
        database.db,
      );
      assert.deepEqual(rows, [{ n: 5 }]);
      return;
    }
    const seen = await database.db.connection().execute(async (connection) => {
      const names = async () =>
        (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(connection)).rows.map(
          (r) => r.name,
        );
      await sql`${prepared('probe_named')} select ${1}::int as n`.execute(connection);
      await sql`${prepared('probe_named')} select ${2}::int as n`.execute(connection);
      const marked = await names();
      await sql`select ${3}::int as unmarked`.execute(connection);
      return { marked, after: await names() };
    });
    assert.ok(seen.marked.includes('jointly_probe_named'), seen.marked.join(', '));
    assert.deepEqual(seen.after, seen.marked, 'an unmarked statement is not kept');
  });

  it('refuses a name that could not be a statement name', () => {
    assert.throws(() => prepared('Open Case; drop'), TypeError);
    assert.throws(() => prepared(''), TypeError);
  });
});
