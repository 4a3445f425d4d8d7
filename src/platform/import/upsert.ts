/**
 * Writing a batch of imported rows in one statement, and knowing what each row did: a multi-row
 * `insert … on conflict … do update … where (…) is distinct from (…)` only touches rows whose values
 * changed, so importing the same file twice changes nothing and says so.
 *
 * Each column has a rule that says how a file's value meets the one already stored, so that several
 * files can describe the same rows without undoing each other on every run.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../db/index.ts';

export type ColumnRule =
  /** Written when the row is added, never changed afterwards. */
  | 'insert'
  /** The file's value wins, a blank one too. */
  | 'replace'
  /** The file's value wins unless it is blank: a blank never wipes a value. */
  | 'unless-blank'
  /** The file's value only fills a blank. */
  | 'fill'
  /** Replaces rows that this same source wrote; only fills blanks in rows another source wrote. */
  | 'own';

export interface ColumnSpec {
  /** The PostgreSQL type the value is cast to ('text', 'integer', 'double precision', 'jsonb', …). */
  type: string;
  rule: ColumnRule;
}

export interface TableSpec {
  table: string;
  /** The columns of the unique key the rows are matched on. */
  key: readonly string[];
  /** Every column written, the key included (key columns take the rule 'insert'). */
  columns: Readonly<Record<string, ColumnSpec>>;
  /** The column naming the source of a row, which the 'own' rule compares. */
  sourceColumn?: string;
  /** Columns set to now() whenever a row changes. */
  touch?: readonly string[];
}

export type Row = Record<string, unknown>;

export interface UpsertResult {
  /** Keys (see `rowKey`) of the rows added. */
  inserted: string[];
  /** Keys of the rows that existed and changed. */
  updated: string[];
}

export interface UpdateResult {
  /** Keys of the rows that changed. */
  updated: string[];
  /** Keys of the rows that matched no stored row (and so were not written). */
  missing: string[];
}

/** One text standing for a row's key, to count and compare rows by. */
export function rowKey(spec: TableSpec, row: Row): string {
  return spec.key.map((column) => String(row[column])).join('\u001f');
}

const id = (name: string) => sql.id(name);
const stored = (column: string) => sql`t.${id(column)}`;
const given = (column: string) => sql`excluded.${id(column)}`;

/** The value a column takes when a stored row meets a file's row, by the column's rule. */
function newValue(spec: TableSpec, column: string, rule: ColumnRule): RawBuilder<unknown> {
  switch (rule) {
    case 'replace':
      return given(column);
    case 'unless-blank':
      return sql`coalesce(${given(column)}, ${stored(column)})`;
    case 'fill':
      return sql`coalesce(${stored(column)}, ${given(column)})`;
    case 'own': {
      if (!spec.sourceColumn) throw new Error(`${spec.table}: the 'own' rule needs a sourceColumn`);
      const source = spec.sourceColumn;
      return sql`case when ${stored(source)} = ${given(source)} then ${given(column)}
        else coalesce(${stored(column)}, ${given(column)}) end`;
    }
    case 'insert':
      return stored(column);
  }
}

function updatedColumns(spec: TableSpec): string[] {
  return Object.entries(spec.columns)
    .filter(([column, c]) => c.rule !== 'insert' && !spec.key.includes(column))
    .map(([column]) => column);
}

/**
 * The rows as a relation: one array parameter per column, unnested. A statement then has as many
 * parameters as columns however many rows it writes, which keeps large batches quick to send.
 * Arrays and JSON travel as text and are cast back, because arrays of arrays cannot be unnested.
 */
function rowsRelation(spec: TableSpec, columns: string[], rows: readonly Row[]) {
  const carried = (type: string) => (type.endsWith('[]') || type === 'jsonb' ? 'text' : type);
  const arrays = columns.map((c) => {
    const values = rows.map((row) => row[c] ?? null);
    return sql`${values}::${sql.raw(carried(spec.columns[c]!.type))}[]`;
  });
  const select = columns.map((c) => sql`cast(${sql.id('u', c)} as ${sql.raw(spec.columns[c]!.type)})`);
  return sql`select ${sql.join(select)} from unnest(${sql.join(arrays)}) as u (${sql.join(columns.map(id))})`;
}

/** The `set` list and the `where` test that keeps unchanged rows untouched. */
function changes(spec: TableSpec) {
  const columns = updatedColumns(spec);
  const values = columns.map((c) => newValue(spec, c, spec.columns[c]!.rule));
  const set = sql.join([
    ...columns.map((c, i) => sql`${id(c)} = ${values[i]}`),
    ...(spec.touch ?? []).map((c) => sql`${id(c)} = now()`),
  ]);
  const changed = sql`(${sql.join(columns.map(stored))}) is distinct from (${sql.join(values)})`;
  return { columns, set, changed };
}

/** Adds new rows and changes the ones whose values differ; rows that match exactly are left alone. */
export async function upsertRows(tx: Tx, spec: TableSpec, rows: readonly Row[]): Promise<UpsertResult> {
  if (rows.length === 0) return { inserted: [], updated: [] };
  const columns = Object.keys(spec.columns);
  const { columns: updating, set, changed } = changes(spec);
  const conflict = updating.length === 0 ? sql`do nothing` : sql`do update set ${set} where ${changed}`;
  const result = await sql<Row & { inserted: boolean }>`
    insert into ${id(spec.table)} as t (${sql.join(columns.map(id))})
    ${rowsRelation(spec, columns, rows)}
    on conflict (${sql.join(spec.key.map(id))}) ${conflict}
    returning ${sql.join(spec.key.map(stored))}, (xmax = 0) as inserted`.execute(tx);
  const outcome: UpsertResult = { inserted: [], updated: [] };
  for (const row of result.rows) (row.inserted ? outcome.inserted : outcome.updated).push(rowKey(spec, row));
  return outcome;
}

/** Changes stored rows whose values differ; never adds rows. Says which rows matched none. */
export async function updateRows(tx: Tx, spec: TableSpec, rows: readonly Row[]): Promise<UpdateResult> {
  if (rows.length === 0) return { updated: [], missing: [] };
  const columns = Object.keys(spec.columns);
  const { set, changed } = changes(spec);
  const matches = (left: string, right: string) =>
    sql.join(
      spec.key.map((k) => sql`${sql.id(left, k)} = ${sql.id(right, k)}`),
      sql` and `,
    );
  const result = await sql<Row & { known: boolean; changed: boolean }>`
    with excluded as (${rowsRelation(spec, columns, rows)}),
    changed as (
      update ${id(spec.table)} as t set ${set}
      from excluded
      where ${matches('t', 'excluded')} and ${changed}
      returning ${sql.join(spec.key.map(stored))}
    )
    select ${sql.join(spec.key.map((k) => sql.id('excluded', k)))},
      exists (select 1 from ${id(spec.table)} as t where ${matches('t', 'excluded')}) as known,
      exists (select 1 from changed where ${matches('changed', 'excluded')}) as changed
    from excluded`.execute(tx);
  const outcome: UpdateResult = { updated: [], missing: [] };
  for (const row of result.rows) {
    if (!row.known) outcome.missing.push(rowKey(spec, row));
    else if (row.changed) outcome.updated.push(rowKey(spec, row));
  }
  return outcome;
}

/** Keeps the last of rows that share a key (a statement may not change one row twice). */
export function lastOfEachKey<R extends Row>(
  spec: TableSpec,
  rows: readonly R[],
): { rows: R[]; dropped: number } {
  const byKey = new Map<string, R>();
  for (const row of rows) {
    const key = rowKey(spec, row);
    byKey.delete(key);
    byKey.set(key, row);
  }
  return { rows: [...byKey.values()], dropped: rows.length - byKey.size };
}
