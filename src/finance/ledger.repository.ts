/**
 * The SQL of ledger imports and saved mappings. Every function takes the transaction it runs in;
 * `ledger-import.ts` decides who may, and runs them in the pool keeper's tenant scope.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/index.ts';
import type { LedgerLine, LedgerMapping } from './ledger-lines.ts';

const exact = (n: bigint): number => {
  const value = Number(n);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${n} is too large to keep exactly`);
  return value;
};

/** A saved mapping of an organisation, by name (names match without regard to case). */
export async function mappingByName(
  tx: Tx,
  orgId: number,
  name: string,
): Promise<{ mappingId: number; name: string; columns: LedgerMapping } | undefined> {
  const row = await tx
    .selectFrom('ledger_mapping')
    .select(['mapping_id', 'name', 'columns'])
    .where('org_id', '=', orgId)
    .where(sql<string>`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  return row
    ? { mappingId: row.mapping_id, name: row.name, columns: row.columns as LedgerMapping }
    : undefined;
}

/** The names of an organisation's saved mappings, in order. */
export async function mappingNames(tx: Tx, orgId: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('ledger_mapping')
    .select('name')
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}

/** Saves a mapping under a name, replacing the columns of one saved before under it; whether it was new. */
export async function saveMapping(
  tx: Tx,
  orgId: number,
  name: string,
  columns: LedgerMapping,
): Promise<{ created: boolean; before: LedgerMapping | null }> {
  const existing = await mappingByName(tx, orgId, name);
  if (existing) {
    await tx
      .updateTable('ledger_mapping')
      .set({ columns: JSON.stringify(columns) })
      .where('org_id', '=', orgId)
      .where('mapping_id', '=', existing.mappingId)
      .execute();
    return { created: false, before: existing.columns };
  }
  await tx
    .insertInto('ledger_mapping')
    .values({ org_id: orgId, name, columns: JSON.stringify(columns) })
    .execute();
  return { created: true, before: null };
}

/** The import of a file (by its SHA-256) into a pool, if there has been one. */
export async function importOfFile(
  tx: Tx,
  orgId: number,
  poolId: number,
  sha256: string,
): Promise<{ importId: number; fileName: string; importedAt: Date } | undefined> {
  const row = await tx
    .selectFrom('ledger_import')
    .select(['import_id', 'file_name', 'imported_at'])
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .where('file_sha256', '=', sha256)
    .executeTakeFirst();
  return row ? { importId: row.import_id, fileName: row.file_name, importedAt: row.imported_at } : undefined;
}

export interface NewImport {
  orgId: number;
  poolId: number;
  fileName: string;
  sha256: string;
  lineCount: number;
  totalPence: bigint;
  mapping: LedgerMapping;
  importedBy: number | null;
}

export async function insertImport(tx: Tx, entry: NewImport): Promise<number> {
  const { import_id } = await tx
    .insertInto('ledger_import')
    .values({
      org_id: entry.orgId,
      pool_id: entry.poolId,
      file_name: entry.fileName,
      file_sha256: entry.sha256,
      line_count: entry.lineCount,
      total_pence: exact(entry.totalPence),
      mapping: JSON.stringify(entry.mapping),
      imported_by: entry.importedBy,
    })
    .returning('import_id')
    .executeTakeFirstOrThrow();
  return import_id;
}

/** Writes a batch of an import's lines. */
export async function insertLines(
  tx: Tx,
  orgId: number,
  poolId: number,
  importId: number,
  lines: readonly LedgerLine[],
): Promise<void> {
  if (lines.length === 0) return;
  await tx
    .insertInto('ledger_line')
    .values(
      lines.map((l) => ({
        org_id: orgId,
        import_id: importId,
        line_number: l.line,
        pool_id: poolId,
        paid_on: l.paidOn,
        amount_pence: exact(l.amount),
        supplier: l.supplier ?? '',
        expenditure_code: l.expenditureCode ?? '',
        service_area: l.serviceArea ?? '',
        description: l.category ?? '',
        reference: l.reference ?? '',
      })),
    )
    .execute();
}
