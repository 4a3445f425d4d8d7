/** How many rows a table holds, read as the owner (row-level security aside): for "nothing was written". */
import { sql } from 'kysely';
import type { DB } from '../../src/db/index.ts';
import type { Database } from '../../src/db/engine.ts';

export async function rowCount(database: Database, table: keyof DB): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(
    database.db,
  );
  return Number(rows[0]!.n);
}
