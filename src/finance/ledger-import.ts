/**
 * Importing a ledger extract (a CSV of a council's spending) into a cost pool.
 *
 * - The columns are mapped to ledger fields: a mapping given, one saved before under a name, or
 *   else the first guess from the header (`suggestMapping`). A mapping can be saved under a name
 *   (one per name per organisation) for the next file of the same shape.
 * - Every row is checked before anything is written. A file with any bad row is refused with every
 *   problem named by line and column (up to MAX_PROBLEMS of them, and how many more), and nothing
 *   of it is written.
 * - A good file is written in one transaction: the import (the file's name and SHA-256, how many
 *   lines, their total in pence, the mapping), every line with the line of the file it came from,
 *   the mapping if saved, and the audit rows. The same file is imported into a pool only once.
 * - The file is read twice (once to check, once to write), so memory stays flat for any size; a
 *   file that changes between the two readings is refused.
 * - Only whoever keeps the pool (the partnership's finance lead, or the operator) imports into it;
 *   the rows belong to the pool's keeper and are written in its tenant scope.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB, Tx } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import {
  BATCH_SIZE,
  CsvFile,
  ImportError,
  conflict,
  forbidden,
  notFound,
  recordAudit,
  type CsvHeader,
  type Progress,
} from '../platform/index.ts';
import { mayKeepPool, type FinanceActor } from './finance-actor.ts';
import { poolsOf } from './finance.repository.ts';
import { LEDGER_FIELDS, ledgerLine, mappingProblems, suggestMapping } from './ledger-lines.ts';
import type { LedgerField, LedgerLine, LedgerMapping } from './ledger-lines.ts';
import type { Pence } from './money.ts';
import * as repo from './ledger.repository.ts';

/** The most problems a refused file lists; the rest are counted. */
export const MAX_PROBLEMS = 50;

/** The longest name of a saved mapping. */
const MAX_MAPPING_NAME = 100;

/** A ledger file that cannot be imported, with every problem found in it (up to MAX_PROBLEMS). */
export class LedgerImportError extends ImportError {
  constructor(
    file: string,
    /** The problems, each with its line and column where it has one. */
    readonly problems: readonly ImportError[],
    /** Problems found beyond those listed. */
    readonly more: number = 0,
  ) {
    const [first] = problems;
    const single = problems.length === 1 && more === 0 && first !== undefined;
    super(
      single
        ? first.problem
        : `${problems.length + more} problems, so nothing was imported:\n` +
            problems.map((p) => `  ${p.message}`).join('\n') +
            (more > 0 ? `\n  … and ${more} more` : ''),
      single
        ? {
            file: first.file,
            ...(first.line === undefined ? {} : { line: first.line }),
            ...(first.column === undefined ? {} : { column: first.column }),
          }
        : { file },
    );
    this.name = 'LedgerImportError';
  }
}

export interface LedgerImportRequest {
  /** Who is importing: they must keep the pool. */
  actor: FinanceActor;
  poolId: number;
  /** The file on disk. */
  file: string;
  /** The name the file is known by (an upload's own name); its base name by default. */
  fileName?: string;
  /** Which column holds each field; or `mappingName` for a saved one; else a guess from the header. */
  mapping?: LedgerMapping;
  mappingName?: string;
  /** Save the mapping used under this name (replacing the columns saved under it before). */
  saveMappingAs?: string;
  progress: Progress;
}

export interface LedgerImportResult {
  importId: number;
  poolId: number;
  fileName: string;
  sha256: string;
  lineCount: number;
  totalPence: Pence;
  mapping: LedgerMapping;
  /** Whether the mapping was guessed from the header rather than given or saved. */
  guessed: boolean;
  savedMapping: string | null;
}

/** The SHA-256 of a file, in hex. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A mapping's columns, only fields it knows, as the file's header spells them. */
function cleanMapping(mapping: LedgerMapping): LedgerMapping {
  const clean: LedgerMapping = {};
  for (const field of Object.keys(LEDGER_FIELDS) as LedgerField[]) {
    const column = mapping[field]?.trim();
    if (column) clean[field] = column;
  }
  return clean;
}

/** Every field a mapping names that the header does not know, and other problems, as ImportErrors. */
function checkMapping(file: string, header: CsvHeader, mapping: LedgerMapping): void {
  const unknown = Object.keys(mapping).filter((k) => !(k in LEDGER_FIELDS));
  const problems = [
    ...unknown.map((k) => `"${k}" is not a ledger field: use ${Object.keys(LEDGER_FIELDS).join(', ')}`),
    ...mappingProblems(header, mapping),
  ];
  if (problems.length > 0) {
    throw new LedgerImportError(
      file,
      problems.map((p) => new ImportError(p, { file, line: 1 })),
    );
  }
}

/** Reads every row, checking it; the count and total, or every problem (up to the cap). */
async function checkRows(
  file: string,
  label: string,
  mapping: LedgerMapping,
  progress: Progress,
): Promise<{ lines: number; total: Pence }> {
  const csv = await CsvFile.open(file);
  const problems: ImportError[] = [];
  let more = 0;
  let lines = 0;
  let total = 0n;
  progress.start(`Checking ${label}`, csv.size);
  try {
    const header = csv.header();
    if (header.names.length === 0) throw new ImportError('is empty: a header of columns is needed', { file });
    checkMapping(file, header, mapping);
    try {
      for await (const row of csv.rows(header, progress)) {
        try {
          const line = ledgerLine(row, mapping);
          lines++;
          total += line.amount;
        } catch (error) {
          if (!(error instanceof ImportError)) throw error;
          if (problems.length < MAX_PROBLEMS) problems.push(error);
          else more++;
        }
      }
    } catch (error) {
      // A record that cannot be read as CSV at all stops the reading: report it with the others.
      if (!(error instanceof ImportError) || error instanceof LedgerImportError) throw error;
      if (problems.length < MAX_PROBLEMS) problems.push(error);
      else more++;
    }
  } finally {
    csv.close();
    progress.stop();
  }
  if (problems.length > 0) throw new LedgerImportError(file, problems, more);
  if (lines === 0) throw new ImportError('has a header but no ledger lines', { file });
  return { lines, total };
}

/** The lines of a checked file, a batch at a time. */
async function* linesOf(
  file: string,
  mapping: LedgerMapping,
  progress: Progress,
): AsyncGenerator<LedgerLine[]> {
  const csv = await CsvFile.open(file);
  try {
    let batch: LedgerLine[] = [];
    for await (const row of csv.rows(csv.header(), progress)) {
      batch.push(ledgerLine(row, mapping));
      if (batch.length >= BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    csv.close();
  }
}

/** Imports a ledger file into a pool: all of it, checked first, or nothing. */
export async function importLedger(
  db: Kysely<DB>,
  request: LedgerImportRequest,
): Promise<LedgerImportResult> {
  const { actor, poolId, file, progress } = request;
  const fileName = (request.fileName ?? path.basename(file)).trim() || path.basename(file);
  const [pool] = await withSystem(db, (tx) => poolsOf(tx, { poolIds: [poolId] }));
  if (!pool) throw notFound(`There is no pool ${poolId}.`);
  const reach = {
    partnershipId: pool.partnershipId,
    keeperOrgId: pool.orgId,
    memberOrgIds: pool.members.map((m) => m.orgId),
    retainedBy: pool.retainedBy,
  };
  if (!mayKeepPool(actor, reach)) {
    throw forbidden("Only the partnership's finance lead imports ledger lines into its pools.");
  }
  const saveAs = request.saveMappingAs?.trim();
  if (saveAs !== undefined && (saveAs === '' || saveAs.length > MAX_MAPPING_NAME)) {
    throw new ImportError(`a mapping's name is 1 to ${MAX_MAPPING_NAME} characters`, { file });
  }
  const scope = { readOrgs: [pool.orgId], writeOrgs: [pool.orgId], accountId: actor.accountId };
  // Opened first, so that a file that is missing, unreadable or not text says so before anything else.
  const opened = await CsvFile.open(file);
  const header = opened.header();
  opened.close();

  // Which mapping: given, saved, or guessed from the header.
  let mapping: LedgerMapping;
  let guessed = false;
  if (request.mapping !== undefined && request.mappingName !== undefined) {
    throw new ImportError('give a mapping or the name of a saved one, not both', { file });
  }
  if (request.mapping !== undefined) {
    mapping = request.mapping;
  } else if (request.mappingName !== undefined) {
    const name = request.mappingName.trim();
    const saved = await withTenant(db, scope, (tx) => repo.mappingByName(tx, pool.orgId, name));
    if (!saved) {
      const names = await withTenant(db, scope, (tx) => repo.mappingNames(tx, pool.orgId));
      throw new ImportError(
        `there is no saved mapping "${name}"` +
          (names.length > 0 ? `: the saved ones are ${names.map((n) => `"${n}"`).join(', ')}` : ''),
        { file },
      );
    }
    mapping = saved.columns;
  } else {
    mapping = suggestMapping(header);
    guessed = true;
  }
  const unknownFields = Object.keys(mapping).filter((k) => !(k in LEDGER_FIELDS));
  if (unknownFields.length === 0) mapping = cleanMapping(mapping);

  const sha256 = await fileSha256(file);
  const refuseTwice = async (tx: Tx) => {
    const before = await repo.importOfFile(tx, pool.orgId, pool.poolId, sha256);
    if (before) {
      throw conflict(
        `${fileName} has already been imported into ${pool.name} ` +
          `(import ${before.importId}, as ${before.fileName}, on ${before.importedAt.toISOString().slice(0, 10)}): ` +
          'nothing was imported again.',
      );
    }
  };
  await withTenant(db, scope, refuseTwice);

  const checked = await checkRows(file, fileName, mapping, progress);

  return withTenant(db, scope, async (tx) => {
    await refuseTwice(tx);
    const importId = await repo.insertImport(tx, {
      orgId: pool.orgId,
      poolId: pool.poolId,
      fileName,
      sha256,
      lineCount: checked.lines,
      totalPence: checked.total,
      mapping,
      importedBy: actor.accountId,
    });
    progress.start(`Importing ${fileName}`, checked.lines);
    let written = 0;
    let total = 0n;
    try {
      for await (const batch of linesOf(file, mapping, { start() {}, tick() {}, stop() {} })) {
        await repo.insertLines(tx, pool.orgId, pool.poolId, importId, batch);
        written += batch.length;
        for (const line of batch) total += line.amount;
        progress.tick(batch.length);
      }
    } finally {
      progress.stop();
    }
    if (written !== checked.lines || total !== checked.total || (await fileSha256(file)) !== sha256) {
      throw new ImportError('changed while it was being imported: nothing was imported', { file });
    }
    let savedMapping: string | null = null;
    if (saveAs !== undefined) {
      const saved = await repo.saveMapping(tx, pool.orgId, saveAs, mapping);
      savedMapping = saveAs;
      await recordAudit(tx, {
        orgId: pool.orgId,
        accountId: actor.accountId,
        action: saved.created ? 'create' : 'update',
        entityType: 'ledger_mapping',
        entityKey: saveAs,
        ...(saved.before ? { before: { columns: saved.before } } : {}),
        after: { columns: mapping },
      });
    }
    await recordAudit(tx, {
      orgId: pool.orgId,
      accountId: actor.accountId,
      action: 'import',
      entityType: 'ledger_import',
      entityKey: String(importId),
      after: {
        pool: pool.name,
        pool_id: pool.poolId,
        file_name: fileName,
        file_sha256: sha256,
        line_count: checked.lines,
        total_pence: checked.total.toString(),
        mapping,
        mapping_name: request.mappingName?.trim() ?? savedMapping,
      },
    });
    return {
      importId,
      poolId: pool.poolId,
      fileName,
      sha256,
      lineCount: checked.lines,
      totalPence: checked.total,
      mapping,
      guessed,
      savedMapping,
    };
  });
}
