/**
 * UK bank holidays in GOV.UK's format (https://www.gov.uk/bank-holidays.json): for each division
 * (england-and-wales, scotland, northern-ireland) a list of events with a title and a date.
 * Importing the same file again changes nothing; a division the file leaves out is left alone.
 * Jointly ships England and Wales' holidays for 2024–2027 from GOV.UK (Open Government Licence
 * v3.0) in `reference/bank-holidays.json`; import GOV.UK's current file to extend it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tx } from '../db/context.ts';
import type { BankHolidayDivision } from '../db/schema.ts';
import { isIsoDate } from '../platform/dates.ts';
import { ImportError } from '../platform/import/import-error.ts';
import type { Progress } from '../platform/import/progress.ts';
import { Tally } from '../platform/import/tally.ts';
import { upsertRows, type TableSpec } from '../platform/import/upsert.ts';

/** The bank holidays Jointly ships, loaded with the demo. */
export const SHIPPED_BANK_HOLIDAYS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'reference',
  'bank-holidays.json',
);

const DIVISIONS: readonly BankHolidayDivision[] = ['england-and-wales', 'scotland', 'northern-ireland'];

const SPEC: TableSpec = {
  table: 'bank_holiday',
  key: ['division', 'holiday_date'],
  columns: {
    division: { type: 'text', rule: 'insert' },
    holiday_date: { type: 'date', rule: 'insert' },
    title: { type: 'text', rule: 'replace' },
    source: { type: 'text', rule: 'replace' },
  },
};

export async function importBankHolidayFile(tx: Tx, file: string, progress: Progress): Promise<Tally> {
  const fail = (problem: string, where?: string) =>
    new ImportError(problem, { file, ...(where ? { column: where } : {}) });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fail(`cannot be read (${(error as { code?: string }).code ?? String(error)})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw fail(`is not JSON: ${(error as Error).message}`);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw fail('is not in GOV.UK’s bank-holidays format: expected an object of divisions');
  }
  const rows: Array<{ division: string; holiday_date: string; title: string; source: string }> = [];
  const seen = new Set<string>();
  for (const [division, body] of Object.entries(document as Record<string, unknown>)) {
    if (!DIVISIONS.includes(division as BankHolidayDivision)) {
      throw fail(`"${division}" is not a division: use ${DIVISIONS.join(', ')}`, division);
    }
    const events = (body as { events?: unknown })?.events;
    if (!Array.isArray(events)) throw fail('has no list of events', `${division}.events`);
    events.forEach((event: unknown, i) => {
      const where = `${division}.events[${i}]`;
      const e = (event ?? {}) as { title?: unknown; date?: unknown };
      if (typeof e.title !== 'string' || e.title.trim() === '' || e.title.length > 200) {
        throw fail('needs a title of 1 to 200 characters', `${where}.title`);
      }
      if (!isIsoDate(e.date))
        throw fail(`"${String(e.date)}" is not a real date as YYYY-MM-DD`, `${where}.date`);
      const key = `${division}|${e.date}`;
      if (seen.has(key)) throw fail(`${e.date} is listed twice`, `${where}.date`);
      seen.add(key);
      rows.push({ division, holiday_date: e.date, title: e.title.trim(), source: path.basename(file) });
    });
  }
  const tally = new Tally('GOV.UK bank holidays');
  progress.start(`Bank holidays: ${path.basename(file)}`, rows.length);
  try {
    tally.read = rows.length;
    const result = await upsertRows(tx, SPEC, rows);
    tally.inserted = result.inserted.length;
    tally.updated = result.updated.length;
    progress.tick(rows.length);
  } finally {
    progress.stop();
  }
  return tally;
}
