/**
 * UK bank holidays in GOV.UK's format (https://www.gov.uk/bank-holidays.json): for each division
 * (england-and-wales, scotland, northern-ireland) a list of events with a title and a date.
 * Importing the same file again changes nothing; a division the file leaves out is left alone.
 * The file is streamed, and one larger than GOV.UK's many times over is refused without reading it.
 * Jointly ships England and Wales' holidays for 2024–2027 from GOV.UK (Open Government Licence
 * v3.0) in `reference/bank-holidays.json`; import GOV.UK's current file to extend it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chain from 'stream-chain';
import { parser, type Token } from 'stream-json/parser.js';
import streamObject from 'stream-json/streamers/stream-object.js';
import type { Tx } from '../../db/index.ts';
import type { BankHolidayDivision } from '../../db/index.ts';
import { isIsoDate } from '../../platform/index.ts';
import { jsonSyntaxError } from '../../platform/index.ts';
import { ImportError } from '../../platform/index.ts';
import type { Progress } from '../../platform/index.ts';
import { Tally } from '../../platform/index.ts';
import { textOnly } from '../../platform/index.ts';
import { upsertRows, type TableSpec } from '../../platform/index.ts';

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

/** GOV.UK's file is about 20 KB; a file many times that size is not one, and is not read. */
export const MAX_BANK_HOLIDAYS_BYTES = 1024 * 1024;

type HolidayRow = { division: string; holiday_date: string; title: string; source: string };

/**
 * Imports a GOV.UK bank-holidays file in the caller's transaction. The file is streamed, one
 * division at a time, and refused unread if it is larger than `maxBytes`.
 */
export async function importBankHolidayFile(
  tx: Tx,
  file: string,
  progress: Progress,
  maxBytes: number = MAX_BANK_HOLIDAYS_BYTES,
): Promise<Tally> {
  const fail = (problem: string, where?: string) =>
    new ImportError(problem, { file, ...(where ? { column: where } : {}) });
  const tooLarge = (size: string) =>
    `is ${size}: GOV.UK’s bank-holidays file is about 20 KB, and a file over ${maxBytes / 1024} KB is not read`;
  let size: number;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw fail('is not a file');
    size = stat.size;
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as { code?: string }).code;
    throw fail(code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`);
  }
  if (size > maxBytes) throw fail(tooLarge(`${Math.ceil(size / 1024)} KB`));

  const source = fs.createReadStream(file);
  let first = true;
  const divisions = chain([
    source,
    // The file may grow while it is read: the limit holds on what is read, too.
    textOnly(file, { maxBytes, tooLong: tooLarge(`over ${maxBytes / 1024} KB`), dropBom: true }),
    parser(),
    (token: Token) => {
      if (first && token.name !== 'startObject') {
        throw fail('is not in GOV.UK’s bank-holidays format: expected an object of divisions');
      }
      first = false;
      return token;
    },
    streamObject(),
  ]);
  source.on('error', (error) => divisions.destroy(error));

  const tally = new Tally('GOV.UK bank holidays');
  const seen = new Set<string>();
  progress.start(`Bank holidays: ${path.basename(file)}`, size);
  try {
    for await (const { key: division, value: body } of divisions as AsyncIterable<{
      key: string;
      value: unknown;
    }>) {
      const rows = divisionRows(file, division, body, seen, fail);
      tally.read += rows.length;
      const result = await upsertRows(tx, SPEC, rows);
      tally.inserted += result.inserted.length;
      tally.updated += result.updated.length;
    }
    if (first) throw fail('is empty: GOV.UK’s bank-holidays JSON is needed');
    progress.tick(size);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw await jsonSyntaxError(file, error);
  } finally {
    source.destroy();
    divisions.destroy();
    progress.stop();
  }
  return tally;
}

/** The rows of one division's events, checked. */
function divisionRows(
  file: string,
  division: string,
  body: unknown,
  seen: Set<string>,
  fail: (problem: string, where?: string) => ImportError,
): HolidayRow[] {
  if (!DIVISIONS.includes(division as BankHolidayDivision)) {
    throw fail(`"${division}" is not a division: use ${DIVISIONS.join(', ')}`, division);
  }
  const events = (body as { events?: unknown })?.events;
  if (!Array.isArray(events)) throw fail('has no list of events', `${division}.events`);
  return events.map((event: unknown, i) => {
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
    return { division, holiday_date: e.date, title: e.title.trim(), source: path.basename(file) };
  });
}
