/**
 * `jointly import <kind> <file…>` and `jointly import all [folder]`: reference data into the
 * register. Each file is imported in one transaction (a bad row leaves the database as it was) and
 * recorded in `import_run`. A folder laid out like the shared reference data (authorities/,
 * population/, services/, boundaries/, postcodes/, and finance/ for the revenue outturn) is imported
 * in dependency order: councils before the boundaries and postcodes that refer to them, all in one transaction (a bad file anywhere
 * leaves the database as it was), or file by file when asked, in which case an error says which
 * files were kept. Files of other kinds are reported as skipped.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem, type Tx } from '../db/index.ts';
import { CsvFile, matchFormat, type CsvFormat } from '../platform/index.ts';
import { ImportError } from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import type { NotImported, Tally } from '../platform/index.ts';
import { COUNCIL_FILES_NOT_IMPORTED, COUNCIL_FORMATS, importCouncilFile } from '../register/index.ts';
import { SERVICE_FILES_NOT_IMPORTED, SERVICE_FORMATS, importServiceFile } from '../register/index.ts';
import { importAreaBoundaryFile, importAreaFile, type AreaImportOptions } from '../geography/index.ts';
import { importBoundaryFile } from '../geography/index.ts';
import { importPostcodeFile } from '../geography/index.ts';
import { importBankHolidayFile } from '../frontdoor/index.ts';
import { importOutturnFile } from '../finance/index.ts';
import { KIND_ORDER, planFolder, type PlannedFile } from './import-plan.ts';

export { ImportError } from '../platform/index.ts';

export const IMPORT_KINDS = [
  'councils',
  'population',
  'services',
  'boundaries',
  'postcodes',
  'bank-holidays',
  'areas',
  'outturn',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** What some kinds need besides the file: `areas` needs the partnership and the kind of area. */
export interface ImportOptions {
  areas?: AreaImportOptions;
}

export interface ImportSummary {
  kind: string;
  file: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped?: number;
  note?: string;
}

const POPULATION_FORMATS = COUNCIL_FORMATS.filter((f) => f.id === 'census-population');

/** Reads one file of a kind into the register, in the caller's transaction. */
const IMPORTERS: Record<
  ImportKind,
  (tx: Tx, file: string, progress: Progress, options: ImportOptions) => Promise<Tally>
> = {
  councils: async (tx, file, progress) =>
    importCouncilFile(tx, await openCsv(file, COUNCIL_FORMATS, COUNCIL_FILES_NOT_IMPORTED), progress),
  population: async (tx, file, progress) =>
    importCouncilFile(tx, await CsvFile.open(file), progress, POPULATION_FORMATS),
  services: async (tx, file, progress) =>
    importServiceFile(tx, await openCsv(file, SERVICE_FORMATS, SERVICE_FILES_NOT_IMPORTED), progress),
  boundaries: (tx, file, progress) => importBoundaryFile(tx, file, progress),
  postcodes: async (tx, file, progress) => importPostcodeFile(tx, await CsvFile.open(file), progress),
  'bank-holidays': (tx, file, progress) => importBankHolidayFile(tx, file, progress),
  outturn: async (tx, file, progress) => importOutturnFile(tx, await CsvFile.open(file), progress),
  areas: async (tx, file, progress, options) => {
    if (!options.areas) {
      throw new ImportError(
        'areas need --partnership SLUG and --kind (locality, market-town, parish or ward)',
        {
          file,
        },
      );
    }
    // A GeoJSON file draws the areas as boundaries; anything else is a CSV of their postcodes.
    if (isGeoJsonName(file)) return importAreaBoundaryFile(tx, file, progress, options.areas);
    if (options.areas.nameProperty !== undefined) {
      throw new ImportError('--name-property is for a GeoJSON file (.geojson or .json) of areas', { file });
    }
    return importAreaFile(tx, await CsvFile.open(file), progress, options.areas);
  },
};

/** A GeoJSON file, by its name. */
const isGeoJsonName = (file: string) => ['.geojson', '.json'].includes(path.extname(file).toLowerCase());

/**
 * Opens a CSV file, refusing at once one that is none of `formats` but is recognised as a kind the
 * register does not import (saying why).
 */
async function openCsv(
  file: string,
  formats: readonly CsvFormat[],
  notImported: readonly NotImported[],
): Promise<CsvFile> {
  const csv = await CsvFile.open(file);
  const header = csv.header();
  const known = matchFormat(header, formats) ? undefined : matchFormat(header, notImported);
  if (known) {
    csv.close();
    throw new ImportError(`is ${known.description}, which is not imported: ${known.reason}`, {
      file,
      line: 1,
    });
  }
  return csv;
}

/**
 * Imports one file as `kind` in one transaction, and records the run. On any error nothing of the
 * file is kept.
 */
export async function runImport(
  db: Kysely<DB>,
  kind: ImportKind,
  file: string,
  progress: Progress,
  label: string = file,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  if (!IMPORTERS[kind])
    throw new ImportError(`unknown kind "${kind}": use one of ${IMPORT_KINDS.join(', ')}`, { file });
  return withSystem(db, (tx) => importInto(tx, kind, file, progress, label, options));
}

/** Imports one file as `kind` in the caller's transaction, and records the run there. */
async function importInto(
  tx: Tx,
  kind: ImportKind,
  file: string,
  progress: Progress,
  label: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const startedAt = new Date();
  const tally = await IMPORTERS[kind](tx, file, progress, options);
  const summary: ImportSummary = {
    kind,
    file: label,
    read: tally.read,
    inserted: tally.inserted,
    updated: tally.updated,
    unchanged: tally.unchanged,
    ...(tally.skipped > 0 ? { skipped: tally.skipped } : {}),
    note: tally.describe(),
  };
  await tx
    .insertInto('import_run')
    .values({
      kind,
      file: label,
      started_at: startedAt,
      finished_at: new Date(),
      rows_read: summary.read,
      rows_inserted: summary.inserted,
      rows_updated: summary.updated,
      rows_unchanged: summary.unchanged,
    })
    .execute();
  return summary;
}

/** A file found in a reference data folder: what it will be imported as, or why it is skipped. */
export interface ImportAllOptions {
  /**
   * Commit each file as soon as it is imported, instead of the whole folder in one transaction.
   * For folders too large for one transaction; an error then says which files were kept.
   */
  eachFile?: boolean;
}

/**
 * A file of a folder that could not be imported, with what became of the folder: nothing kept
 * (one transaction), or the files committed before it (file by file).
 */
export class FolderImportError extends ImportError {
  /** The files committed before the error, with what each changed (none when importing as one). */
  readonly kept: readonly ImportSummary[];
  /** The files not imported: all of them in one transaction, else the one with the error and after. */
  readonly notImported: readonly string[];

  constructor(cause: ImportError, folder: string, kept: ImportSummary[], notImported: string[]) {
    super(
      cause.problem,
      {
        file: cause.file,
        ...(cause.line === undefined ? {} : { line: cause.line }),
        ...(cause.column === undefined ? {} : { column: cause.column }),
      },
      { cause },
    );
    this.name = 'FolderImportError';
    this.kept = kept;
    this.notImported = notImported;
    this.message = `${cause.message}\n${folderOutcome(folder, kept, notImported)}`;
  }
}

/** What an import of a folder that stopped at an error left in the database, in words. */
export function folderOutcome(
  folder: string,
  kept: readonly ImportSummary[],
  notImported: readonly string[],
): string {
  if (kept.length === 0) return `Nothing from ${folder} was imported: the database is as it was.`;
  return [
    `Kept (committed before the error): ${kept.map((s) => s.file).join(', ')}.`,
    `Not imported: ${notImported.join(', ')}.`,
  ].join('\n');
}

/**
 * Imports every reference file in `folder` (laid out as authorities/, population/, services/,
 * boundaries/, postcodes/), councils first, in one transaction: if any file cannot be imported,
 * nothing from the folder is kept. With `eachFile`, each file is committed on its own and an error
 * names the files kept. Returns one summary per file, skipped ones included.
 */
export async function importAllReferenceData(
  db: Kysely<DB>,
  folder: string,
  progress: Progress,
  options: ImportAllOptions = {},
): Promise<ImportSummary[]> {
  let planned: PlannedFile[];
  try {
    planned = await planFolder(folder);
  } catch (error) {
    // A file that cannot even be told apart stops the import before anything is written.
    if (!(error instanceof ImportError) || error.file === folder) throw error;
    throw new FolderImportError(error, folder, [], []);
  }
  const order = (p: PlannedFile) => (p.kind ? KIND_ORDER.indexOf(p.kind) : KIND_ORDER.length);
  const imports = planned
    .filter((p) => p.kind)
    .sort((a, b) => order(a) - order(b) || a.rank - b.rank || a.label.localeCompare(b.label));
  const summaries: ImportSummary[] = [];
  const importEach = async (tx: Tx | undefined): Promise<void> => {
    for (const [i, p] of imports.entries()) {
      try {
        summaries.push(
          tx
            ? await importInto(tx, p.kind!, p.path, progress, p.label)
            : await runImport(db, p.kind!, p.path, progress, p.label),
        );
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        const notImported = imports.slice(tx ? 0 : i).map((q) => q.label);
        throw new FolderImportError(error, folder, tx ? [] : [...summaries], notImported);
      }
    }
  };
  if (options.eachFile) await importEach(undefined);
  else await withSystem(db, importEach);
  for (const p of planned.filter((p) => !p.kind)) {
    summaries.push({
      kind: 'skipped',
      file: p.label,
      read: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      note: p.note,
    });
  }
  return summaries;
}
