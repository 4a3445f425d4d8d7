/** The SQL of measures officers define, enter and import, and of targets. */
import { sql } from 'kysely';
import type { Tx } from '../db/index.ts';
import type { Measure } from './measures.ts';

/** The measures some partnerships define for their councils to enter or import. */
export async function definitionsFor(tx: Tx, partnershipIds: readonly number[]): Promise<Measure[]> {
  if (partnershipIds.length === 0) return [];
  const { rows } = await sql<{
    measure_id: string;
    name: string;
    definition: string;
    numerator: string;
    denominator: string;
    unit: Measure['unit'];
    polarity: Measure['polarity'];
    frequency: Measure['frequency'];
    source: 'entered' | 'imported';
  }>`
    SELECT d.measure_id, d.name, d.definition, d.numerator, d.denominator, d.unit, d.polarity,
           d.frequency, d.source
    FROM measure_definition d
    WHERE d.partnership_id = ANY(${[...partnershipIds]}::bigint[])
    ORDER BY d.name, d.measure_id`.execute(tx);
  return rows.map((r) => ({
    id: r.measure_id,
    name: r.name,
    definition: r.definition,
    numerator: r.numerator,
    denominator: r.denominator === '' ? null : r.denominator,
    unit: r.unit,
    polarity: r.polarity,
    frequency: r.frequency,
    source: r.source,
  }));
}

/** A measure defined by any partnership, by its id. */
export async function definitionById(tx: Tx, measureId: string): Promise<Measure | undefined> {
  const row = await tx
    .selectFrom('measure_definition')
    .selectAll()
    .where('measure_id', '=', measureId)
    .orderBy('org_id')
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.measure_id,
    name: row.name,
    definition: row.definition,
    numerator: row.numerator,
    denominator: row.denominator === '' ? null : row.denominator,
    unit: row.unit,
    polarity: row.polarity,
    frequency: row.frequency,
    source: row.source,
  };
}

export interface StoredValue {
  measureId: string;
  period: string;
  value: string;
  source: 'entered' | 'imported';
  enteredBy: number | null;
  enteredAt: Date;
  fileName: string | null;
  line: number | null;
}

/** The latest value of each measure and period for a council, of the periods asked about. */
export async function latestValues(
  tx: Tx,
  orgId: number,
  periods: readonly string[],
): Promise<StoredValue[]> {
  if (periods.length === 0) return [];
  const { rows } = await sql<{
    measure_id: string;
    period: string;
    value: string;
    source: 'entered' | 'imported';
    entered_by: number | string | null;
    entered_at: Date | string;
    file_name: string | null;
    line: number | null;
  }>`
    SELECT DISTINCT ON (measure_id, period) measure_id, period, value::text AS value, source,
           entered_by, entered_at, file_name, line
    FROM measure_value
    WHERE org_id = ${orgId}::bigint AND period = ANY(${[...periods]}::text[])
    ORDER BY measure_id, period, value_id DESC`.execute(tx);
  return rows.map((r) => ({
    measureId: r.measure_id,
    period: r.period,
    value: r.value,
    source: r.source,
    enteredBy: r.entered_by === null ? null : Number(r.entered_by),
    enteredAt: new Date(r.entered_at),
    fileName: r.file_name,
    line: r.line,
  }));
}

export interface StoredTarget {
  measureId: string;
  period: string;
  target: string;
  tolerance: string;
  notes: string;
}

export async function targetsOf(tx: Tx, orgId: number, periods: readonly string[]): Promise<StoredTarget[]> {
  if (periods.length === 0) return [];
  const rows = await tx
    .selectFrom('measure_target')
    .select([
      'measure_id',
      'period',
      sql<string>`target::text`.as('target'),
      sql<string>`tolerance::text`.as('tolerance'),
      'notes',
    ])
    .where('org_id', '=', orgId)
    .where('period', '=', sql<string>`ANY(${[...periods]}::text[])`)
    .execute();
  return rows.map((r) => ({
    measureId: r.measure_id,
    period: r.period,
    target: r.target,
    tolerance: r.tolerance,
    notes: r.notes,
  }));
}

/** Sets a target in place; the one it replaced, if any. */
export async function upsertTarget(
  tx: Tx,
  t: StoredTarget & { orgId: number; setBy: number | null },
): Promise<StoredTarget | undefined> {
  const before = (await targetsOf(tx, t.orgId, [t.period])).find((x) => x.measureId === t.measureId);
  await tx
    .insertInto('measure_target')
    .values({
      org_id: t.orgId,
      measure_id: t.measureId,
      period: t.period,
      target: t.target,
      tolerance: t.tolerance,
      notes: t.notes,
      set_by: t.setBy,
    })
    .onConflict((oc) =>
      oc.columns(['org_id', 'measure_id', 'period']).doUpdateSet({
        target: t.target,
        tolerance: t.tolerance,
        notes: t.notes,
        set_by: t.setBy,
        set_at: new Date(),
      }),
    )
    .execute();
  return before;
}

export interface NewValue {
  orgId: number;
  measureId: string;
  period: string;
  value: string;
  source: 'entered' | 'imported';
  enteredBy: number | null;
  fileName?: string;
  fileSha256?: string;
  line?: number;
}

export async function insertValues(tx: Tx, values: readonly NewValue[]): Promise<number[]> {
  if (values.length === 0) return [];
  const ids: number[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const rows = await tx
      .insertInto('measure_value')
      .values(
        values.slice(i, i + 500).map((v) => ({
          org_id: v.orgId,
          measure_id: v.measureId,
          period: v.period,
          value: v.value,
          source: v.source,
          entered_by: v.enteredBy,
          file_name: v.fileName ?? null,
          file_sha256: v.fileSha256 ?? null,
          line: v.line ?? null,
        })),
      )
      .returning('value_id')
      .execute();
    ids.push(...rows.map((r) => Number(r.value_id)));
  }
  return ids;
}
