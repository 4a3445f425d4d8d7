/**
 * The service catalogue: the Local Government Service List (LGSL) with GOV.UK's providing tier.
 *
 * - The LGSL list joined to GOV.UK's tiers (derived): every service, and for the ones GOV.UK links
 *   to, its tier, GOV.UK description and slug. A blank tier never wipes one already recorded.
 * - The esd LGSL export: labels, status and descriptions; it adds services without a tier and never
 *   touches tiers.
 * - GOV.UK's providing-tier list (alphagov/publisher): sets the tier and GOV.UK description of the
 *   services already in the catalogue; it never adds services (it has no label for them).
 *
 * GOV.UK's tiers read "county/unitary" (the county provides it in two-tier areas), "district/unitary"
 * and "all"; a unitary council provides every tier.
 */
import type { ProvidingTier } from '../db/index.ts';
import type { Tx } from '../db/index.ts';
import type { CsvHeader } from '../platform/index.ts';
import {
  BATCH_SIZE,
  MAX_INT4,
  inBatches,
  matchFormat,
  unknownHeader,
  type CsvFile,
  type CsvFormat,
  type CsvRow,
} from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { Tally, type NotImported } from '../platform/index.ts';
import { rowKey, updateRows, upsertRows, type Row, type TableSpec } from '../platform/index.ts';

export type ServiceFormatId = 'lgsl-with-tier' | 'esd-lgsl' | 'govuk-tiers';

export const SERVICE_FORMATS: readonly CsvFormat<ServiceFormatId>[] = [
  {
    id: 'lgsl-with-tier',
    description: 'the LGSL list with GOV.UK providing tiers',
    required: ['lgsl_code', 'label', 'status', 'description', 'govuk_providing_tier'],
  },
  {
    id: 'esd-lgsl',
    description: 'the esd LGSL export',
    required: ['Identifier', 'Label', 'Status', 'Description'],
  },
  {
    id: 'govuk-tiers',
    description: "GOV.UK's local services providing tiers",
    required: ['LGSL', 'Description', 'Providing Tier'],
  },
];

/** Service files recognised by their header and deliberately not imported. */
export const SERVICE_FILES_NOT_IMPORTED: readonly NotImported[] = [
  {
    id: 'govuk-fallback-links',
    description: "GOV.UK's council web links per service (2017)",
    required: ['la', 'lgsl', 'lgil', 'link'],
    reason: "councils' web links from 2017: not part of the register",
  },
  {
    id: 'lgil-interactions',
    description: 'the LGIL interactions',
    required: ['lgil_code', 'govuk_slug'],
    reason: 'the register does not record interactions (LGIL)',
  },
];

/** GOV.UK's providing tiers; blank means GOV.UK gives none. */
const GOVUK_TIERS: Readonly<Record<string, ProvidingTier | null>> = {
  'county/unitary': 'county',
  'district/unitary': 'district',
  all: 'all',
  '': null,
};

const { '': _blank, ...GOVUK_TIERS_GIVEN } = GOVUK_TIERS;

const SPECS: Record<ServiceFormatId, TableSpec> = {
  'lgsl-with-tier': {
    table: 'service',
    key: ['lgsl_code'],
    columns: {
      lgsl_code: { type: 'integer', rule: 'insert' },
      label: { type: 'text', rule: 'replace' },
      status: { type: 'text', rule: 'replace' },
      description: { type: 'text', rule: 'replace' },
      govuk_description: { type: 'text', rule: 'unless-blank' },
      providing_tier: { type: 'text', rule: 'unless-blank' },
      govuk_slug: { type: 'text', rule: 'unless-blank' },
      lgil_codes: { type: 'integer[]', rule: 'replace' },
    },
  },
  'esd-lgsl': {
    table: 'service',
    key: ['lgsl_code'],
    columns: {
      lgsl_code: { type: 'integer', rule: 'insert' },
      label: { type: 'text', rule: 'replace' },
      status: { type: 'text', rule: 'replace' },
      description: { type: 'text', rule: 'replace' },
    },
  },
  'govuk-tiers': {
    table: 'service',
    key: ['lgsl_code'],
    columns: {
      lgsl_code: { type: 'integer', rule: 'insert' },
      govuk_description: { type: 'text', rule: 'replace' },
      providing_tier: { type: 'text', rule: 'replace' },
    },
  },
};

/** The format of a services file, by its header; undefined when it is none of them. */
export function serviceFormatOf(header: CsvHeader): CsvFormat<ServiceFormatId> | undefined {
  return matchFormat(header, SERVICE_FORMATS);
}

/** LGIL codes as the derived list writes them ('0;8'), as a PostgreSQL array literal. */
function lgilCodes(row: CsvRow, column: string): string {
  const text = row.raw(column);
  if (text === '') return '{}';
  const codes = text.split(/[;,\s]+/).filter((part) => part !== '');
  if (!codes.every((code) => /^[0-9]{1,6}$/.test(code))) {
    row.fail(column, `"${text}" is not a list of LGIL codes (whole numbers separated by ";")`);
  }
  return `{${codes.map(Number).join(',')}}`;
}

const lgsl = (row: CsvRow, column: string) => row.integer(column, { min: 1, max: MAX_INT4 });

const READERS: Record<ServiceFormatId, (row: CsvRow, tally: Tally) => Row | undefined> = {
  'lgsl-with-tier': (row) => ({
    lgsl_code: lgsl(row, 'lgsl_code'),
    label: row.text('label'),
    status: row.text('status'),
    description: row.optional('description') ?? '',
    govuk_description: row.optional('govuk_description'),
    providing_tier: row.choice('govuk_providing_tier', GOVUK_TIERS),
    govuk_slug: row.optional('govuk_lgsl_slug_2017'),
    lgil_codes: lgilCodes(row, 'lgil_codes_seen_2017'),
  }),
  'esd-lgsl': (row, tally) => {
    const type = row.optional('Type');
    if (type !== null && type.toLowerCase() !== 'service') {
      tally.skip('entries that are not services');
      return undefined;
    }
    return {
      lgsl_code: lgsl(row, 'Identifier'),
      label: row.text('Label'),
      status: row.text('Status'),
      description: row.optional('Description') ?? '',
    };
  },
  'govuk-tiers': (row) => ({
    lgsl_code: lgsl(row, 'LGSL'),
    govuk_description: row.optional('Description'),
    providing_tier: row.choice('Providing Tier', GOVUK_TIERS_GIVEN),
  }),
};

/** Imports one services file (any of SERVICE_FORMATS, told apart by its header) in the caller's transaction. */
export async function importServiceFile(tx: Tx, csv: CsvFile, progress: Progress): Promise<Tally> {
  const header = csv.header();
  const format = matchFormat(header, SERVICE_FORMATS);
  if (!format) {
    csv.close();
    throw unknownHeader(csv.file, header, SERVICE_FORMATS);
  }
  const spec = SPECS[format.id];
  const read = READERS[format.id];
  const tally = new Tally(format.description);
  const seen = new Map<string, number>();
  progress.start(`Services: ${csv.name}`, csv.size);
  try {
    for await (const batch of inBatches(csv.rows(header, progress), BATCH_SIZE)) {
      const values: Row[] = [];
      for (const row of batch) {
        tally.read++;
        const value = read(row, tally);
        if (!value) continue;
        const key = rowKey(spec, value);
        const earlier = seen.get(key);
        if (earlier !== undefined) row.fail(undefined, `LGSL ${key} is already on line ${earlier}`);
        seen.set(key, row.line);
        values.push(value);
      }
      if (format.id === 'govuk-tiers') {
        const result = await updateRows(tx, spec, values);
        tally.updated += result.updated.length;
        tally.skip('services not in the LGSL list (import the list first)', result.missing.length);
      } else {
        const result = await upsertRows(tx, spec, values);
        tally.inserted += result.inserted.length;
        tally.updated += result.updated.length;
      }
    }
  } finally {
    progress.stop();
    csv.close();
  }
  return tally;
}
