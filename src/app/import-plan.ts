/**
 * What `jointly import all [folder]` will do with each file of a folder laid out like the shared
 * reference data: its kind (from its folder and its header), its order within the kind, or why it
 * is skipped. Reads headers only; imports nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CsvFile, ImportError, matchFormat, unknownHeader } from '../platform/index.ts';
import {
  COUNCIL_FILES_NOT_IMPORTED,
  COUNCIL_FORMATS,
  SERVICE_FILES_NOT_IMPORTED,
  SERVICE_FORMATS,
  councilFormatOf,
  serviceFormatOf,
  type CouncilFormatId,
} from '../register/index.ts';
import { POSTCODE_FORMATS, detectPostcodeFormat, inspectBoundaryFile } from '../geography/index.ts';
import { OUTTURN_FORMAT } from '../finance/index.ts';
import type { ImportKind } from './import.command.ts';

export interface PlannedFile {
  path: string;
  /** The path relative to the folder, for summaries. */
  label: string;
  kind?: ImportKind;
  /** Order within the kind: files that create rows before files that add to them. */
  rank: number;
  note?: string;
}

/** The order kinds are imported in: councils before what refers to them. */
export const KIND_ORDER: readonly ImportKind[] = [
  'councils',
  'population',
  'services',
  'boundaries',
  'postcodes',
  'bank-holidays',
  'outturn',
];

/** Folders of reference data and the kind of file each holds. */
const FOLDER_KINDS: Readonly<Record<string, ImportKind>> = {
  authorities: 'councils',
  councils: 'councils',
  population: 'population',
  services: 'services',
  boundaries: 'boundaries',
  postcodes: 'postcodes',
  'bank-holidays': 'bank-holidays',
  finance: 'outturn',
};

const FOLDER_NOTES: Readonly<Record<string, string>> = {
  categories: 'report categories: not register reference data',
};

const COUNCIL_RANK: Record<CouncilFormatId, number> = {
  mysociety: 0,
  hierarchy: 1,
  'govuk-authorities': 2,
  'census-population': 3,
};

/** Works out what each file in the folder is, by its folder and its header. */
export async function planFolder(folder: string): Promise<PlannedFile[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ImportError(code === 'ENOENT' ? 'no such folder' : `cannot be read (${code ?? error})`, {
      file: folder,
    });
  }
  const planned: PlannedFile[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    if (entry.isFile()) {
      planned.push({ path: full, label: entry.name, rank: 0, note: 'not in a reference data folder' });
      continue;
    }
    if (!entry.isDirectory()) continue;
    const files = (await fs.promises.readdir(full, { withFileTypes: true }))
      .filter((f) => f.isFile() && !f.name.startsWith('.'))
      .map((f) => f.name)
      .sort();
    for (const name of files) {
      planned.push(await planFile(path.join(full, name), `${entry.name}/${name}`, entry.name));
    }
  }
  return planned;
}

async function planFile(file: string, label: string, folder: string): Promise<PlannedFile> {
  const kind = FOLDER_KINDS[folder];
  const extension = path.extname(file).toLowerCase();
  if (!kind)
    return {
      path: file,
      label,
      rank: 0,
      note: FOLDER_NOTES[folder] ?? `folder ${folder}/ is not reference data`,
    };

  if (kind === 'bank-holidays') {
    return extension === '.json'
      ? { path: file, label, kind, rank: 0 }
      : { path: file, label, rank: 0, note: 'not a GOV.UK bank-holidays JSON file' };
  }

  if (kind === 'boundaries') {
    if (extension !== '.geojson' && extension !== '.json') {
      return { path: file, label, rank: 0, note: 'not a GeoJSON file' };
    }
    const inspected = await inspectBoundaryFile(file);
    if (!inspected.codeProperty) {
      return {
        path: file,
        label,
        rank: 0,
        note: `its features carry no GSS code (properties: ${inspected.properties.join(', ') || 'none'})`,
      };
    }
    return { path: file, label, kind, rank: 0 };
  }

  if (extension !== '.csv') {
    return {
      path: file,
      label,
      rank: 0,
      note:
        extension === '.json' ? 'a list of code names: names come from the councils files' : 'not a CSV file',
    };
  }
  const csv = await CsvFile.open(file);
  try {
    const header = csv.header();
    if (kind === 'outturn') {
      // A finance folder also holds ledger extracts, which are imported into a pool, not here.
      return matchFormat(header, [OUTTURN_FORMAT])
        ? { path: file, label, kind, rank: 0 }
        : {
            path: file,
            label,
            rank: 0,
            note: 'not a revenue outturn file (a ledger extract is imported into a pool: jointly import-ledger)',
          };
    }
    if (kind === 'postcodes') {
      if (!detectPostcodeFormat(csv.first)) throw unknownHeader(file, header, POSTCODE_FORMATS);
      return { path: file, label, kind, rank: 0 };
    }
    if (kind === 'services') {
      const format = serviceFormatOf(header);
      if (format) return { path: file, label, kind, rank: SERVICE_FORMATS.indexOf(format) };
    } else {
      const format = councilFormatOf(header);
      if (format?.id === 'census-population') return { path: file, label, kind: 'population', rank: 0 };
      if (format) return { path: file, label, kind: 'councils', rank: COUNCIL_RANK[format.id] };
    }
    const formats = kind === 'services' ? SERVICE_FORMATS : COUNCIL_FORMATS;
    const notImported = kind === 'services' ? SERVICE_FILES_NOT_IMPORTED : COUNCIL_FILES_NOT_IMPORTED;
    const skipped = matchFormat(header, notImported);
    if (skipped) return { path: file, label, rank: 0, note: `${skipped.description}: ${skipped.reason}` };
    throw unknownHeader(file, header, [...formats, ...notImported]);
  } finally {
    csv.close();
  }
}
