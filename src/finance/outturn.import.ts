/**
 * Revenue outturn (MHCLG's Revenue Outturn summary, RS): what each council spent net on each line
 * of account in a financial year, the baselines of cost per council per service area. Public
 * reference data, kept in `revenue_outturn` without an org_id.
 *
 * - The file gives £ thousands to three decimals, so every figure is an exact number of pence
 *   (£1 thousand = 100,000p); '...' (or '…', or blank) is "not reported", kept as null.
 * - Columns are "690: Central services": the line number and its name. Where a line number appears
 *   twice (reserves at 1 April and at 31 March), the first is kept and the second skipped, since a
 *   line is the key. Line 960 is a yes/no answer about the form, not an amount, and is skipped.
 * - The year comes from the file's name (`…RS_2017_18…` is 2017-18).
 * - Rows without an ONS code (bodies such as a regional park authority) are skipped.
 */
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB, Tx } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import {
  BATCH_SIZE,
  ImportError,
  Tally,
  inBatches,
  matchFormat,
  unknownHeader,
  upsertRows,
  type CsvFile,
  type CsvFormat,
  type CsvRow,
  type Progress,
  type Row,
  type TableSpec,
} from '../platform/index.ts';
import type { Pence } from './money.ts';

export const OUTTURN_FORMAT: CsvFormat<'mhclg-revenue-outturn'> = {
  id: 'mhclg-revenue-outturn',
  description: "MHCLG's revenue outturn summary (RS) by local authority",
  required: ['E-code', 'ONS Code', 'Local authority', 'Class'],
};

/** Lines that are not amounts of money. */
const NOT_AMOUNTS = new Set([960]);

const LINE_COLUMN = /^([0-9]{1,4}):\s*(.+)$/;
const THOUSANDS = /^(-?)([0-9]+)(?:\.([0-9]{1,3}))?$/;
const NOT_REPORTED = new Set(['', '...', '…']);

/**
 * Pence from £ thousands as the outturn writes them ('4532', '-22588.718'); null for "not
 * reported"; undefined for anything else.
 */
export function penceFromThousands(text: string): Pence | null | undefined {
  const value = text.trim();
  if (NOT_REPORTED.has(value)) return null;
  const match = THOUSANDS.exec(value);
  if (!match) return undefined;
  const pence = BigInt(match[2]!) * 100_000n + BigInt((match[3] ?? '').padEnd(3, '0')) * 100n;
  return match[1] === '-' ? -pence : pence;
}

/** The financial year a file is of, from its name: `…RS_2017_18…` is '2017-18'. */
export function outturnYear(file: string): string | undefined {
  const match = /(20[0-9]{2})[_-]([0-9]{2})(?![0-9])/.exec(path.basename(file));
  if (!match) return undefined;
  const [, first, second] = match;
  return (Number(first) + 1) % 100 === Number(second) ? `${first}-${second}` : undefined;
}

const SPEC: TableSpec = {
  table: 'revenue_outturn',
  key: ['ons_code', 'year', 'line'],
  columns: {
    ons_code: { type: 'text', rule: 'insert' },
    year: { type: 'text', rule: 'insert' },
    line: { type: 'integer', rule: 'insert' },
    line_name: { type: 'text', rule: 'replace' },
    amount_pence: { type: 'bigint', rule: 'replace' },
  },
};

/** Imports a revenue outturn file in the caller's transaction. */
export async function importOutturnFile(tx: Tx, csv: CsvFile, progress: Progress): Promise<Tally> {
  const header = csv.header();
  if (!matchFormat(header, [OUTTURN_FORMAT])) {
    csv.close();
    throw unknownHeader(csv.file, header, [OUTTURN_FORMAT]);
  }
  const year = outturnYear(csv.file);
  // Said once the first row is read, so that a file that is not text at all says so first.
  const yearOrFail = (): string => {
    if (year) return year;
    throw new ImportError(
      'the financial year is not in its name: name it as MHCLG does, with the year (…RS_2017_18…)',
      { file: csv.file },
    );
  };
  const tally = new Tally(OUTTURN_FORMAT.description);
  const lines: Array<{ column: string; line: number; name: string }> = [];
  const seen = new Set<number>();
  let repeated = 0;
  for (const column of header.names) {
    const match = LINE_COLUMN.exec(column);
    if (!match) continue;
    const line = Number(match[1]);
    if (NOT_AMOUNTS.has(line)) continue;
    if (seen.has(line)) {
      repeated++;
      continue;
    }
    seen.add(line);
    lines.push({ column, line, name: match[2]!.trim() });
  }
  if (lines.length === 0) {
    csv.close();
    throw new ImportError('has no columns of lines ("690: Central services")', { file: csv.file, line: 1 });
  }
  if (repeated > 0)
    tally.note(`${repeated} columns skipped whose line number came again (the first is kept)`);
  tally.note(`${year ?? 'no year'}, £ thousands kept as pence`);

  const rowsOf = async function* (): AsyncGenerator<Row[]> {
    for await (const row of csv.rows(header, progress) as AsyncIterable<CsvRow>) {
      const year = yearOrFail();
      const ons = row.raw('ONS Code');
      if (ons === '') {
        tally.read += lines.length;
        tally.skip('figures of bodies without an ONS code', lines.length);
        continue;
      }
      if (!/^[EWSN][0-9]{8}$/.test(ons.toUpperCase())) {
        row.fail('ONS Code', `${JSON.stringify(ons)} is not an ONS code (a letter and eight digits)`);
      }
      yield lines.map(({ column, line, name }) => {
        const pence = penceFromThousands(row.raw(column));
        if (pence === undefined) {
          return row.fail(
            column,
            `${JSON.stringify(row.raw(column))} is not an amount in £ thousands (such as 4532.125)`,
          );
        }
        tally.read++;
        return {
          ons_code: ons.toUpperCase(),
          year,
          line,
          line_name: name,
          amount_pence: pence === null ? null : pence.toString(),
        };
      });
    }
  };
  progress.start(`Outturn ${csv.name}`, csv.size);
  try {
    const flat = async function* () {
      for await (const rows of rowsOf()) yield* rows;
      yearOrFail();
    };
    for await (const batch of inBatches(flat(), BATCH_SIZE)) {
      const result = await upsertRows(tx, SPEC, batch);
      tally.inserted += result.inserted.length;
      tally.updated += result.updated.length;
    }
  } finally {
    progress.stop();
    csv.close();
  }
  return tally;
}

/** A council's figure for a line: pence, or null where the council did not report it. */
export type OutturnFigures = Map<string, Map<number, { name: string; pence: Pence | null }>>;

/**
 * Revenue outturn of some councils (by ONS code) for some lines, in pence (from £ thousands: say
 * so wherever it is shown), for one year (the latest held, unless named). A council or line not in
 * the data is absent from the answer.
 */
export async function outturnOf(
  db: Kysely<DB>,
  onsCodes: readonly string[],
  lines: readonly number[],
  year?: string,
): Promise<{ year: string | null; figures: OutturnFigures }> {
  const figures: OutturnFigures = new Map();
  if (onsCodes.length === 0 || lines.length === 0) return { year: year ?? null, figures };
  return withSystem(db, async (tx) => {
    const chosen =
      year ??
      (
        await tx
          .selectFrom('revenue_outturn')
          .select(sql<string | null>`max(year)`.as('year'))
          .executeTakeFirst()
      )?.year ??
      null;
    if (chosen === null) return { year: null, figures };
    const rows = await tx
      .selectFrom('revenue_outturn')
      .select(['ons_code', 'line', 'line_name', sql<string | null>`amount_pence::text`.as('pence')])
      .where('year', '=', chosen)
      .where('ons_code', '=', sql<string>`ANY(${[...onsCodes]}::text[])`)
      .where('line', '=', sql<number>`ANY(${[...lines]}::integer[])`)
      .orderBy('ons_code')
      .orderBy('line')
      .execute();
    for (const row of rows) {
      const council = figures.get(row.ons_code) ?? new Map();
      council.set(row.line, { name: row.line_name, pence: row.pence === null ? null : BigInt(row.pence) });
      figures.set(row.ons_code, council);
    }
    return { year: chosen, figures };
  });
}
