/**
 * Streaming CSV for the importers: one record at a time with its line number (files of millions of
 * rows keep memory flat), a byte-order mark dropped, formats told apart by their header, and typed
 * field readers that throw an ImportError naming the file, line and column of a bad value.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CsvError, parse, type Info } from 'csv-parse';
import { ImportError } from './import-error.ts';
import type { Progress } from './progress.ts';
import { textOnly } from './text-check.ts';

/** Rows written per statement: big enough to be quick, small enough for any parameter limit. */
export const BATCH_SIZE = 1000;

/** One record as read: its fields and the line of the file it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The longest record read, in characters: real records are a few hundred. */
export const MAX_RECORD_SIZE = 1024 * 1024;

/** Progress is reported every this many bytes, so a long file does not tick per row. */
const PROGRESS_STEP = 256 * 1024;

/** A CSV file opened for reading: its first record is read at once, to tell its format. */
export class CsvFile {
  /** The bytes reported to progress so far. */
  #reported = 0;
  #progress: Progress | undefined;

  private constructor(
    /** The file as named by the caller, for messages. */
    readonly file: string,
    /** Its size in bytes. */
    readonly size: number,
    /** The first record (the header, if the file has one); undefined for an empty file. */
    readonly first: CsvRecord | undefined,
    private readonly reader: RecordReader,
    private readonly streams: ReadonlyArray<{ destroy(): void }>,
  ) {}

  /** The file name without its folder: what rows record as their source. */
  get name(): string {
    return path.basename(this.file);
  }

  static async open(file: string): Promise<CsvFile> {
    const size = await fileSize(file);
    const source = fs.createReadStream(file);
    // Field counts are checked row by row against the header (see rows()), so that a bad row
    // further on cannot stop the header being read.
    const parser = parse({
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // A quote never closed would otherwise gather the rest of the file into one field.
      max_record_size: MAX_RECORD_SIZE,
    });
    const text = textOnly(file);
    source.on('error', (error) => parser.destroy(error));
    text.on('error', (error) => parser.destroy(error));
    source.pipe(text).pipe(parser);
    const reader = new RecordReader(file, parser[Symbol.asyncIterator]());
    const first = await reader.next();
    return new CsvFile(file, size, first, reader, [parser, text, source]);
  }

  /** The first record as a header: names trimmed. */
  header(): CsvHeader {
    return new CsvHeader(this.first?.fields.map((name) => name.trim()) ?? []);
  }

  /**
   * The records after the first (or from the first, with `includeFirst`, for a file without a
   * header), read as rows of `header`. Progress counts bytes of the file.
   */
  async *rows(header: CsvHeader, progress: Progress, options: { includeFirst?: boolean } = {}) {
    this.#progress = progress;
    const row = (record: CsvRecord) => {
      if (record.fields.length !== header.names.length) {
        throw new ImportError(
          `has ${record.fields.length} fields where ${options.includeFirst ? 'the format has' : 'the header has'} ` +
            `${header.names.length}`,
          { file: this.file, line: record.line },
        );
      }
      return new CsvRow(this.file, record.line, record.fields, header);
    };
    if (options.includeFirst && this.first) yield row(this.first);
    for (;;) {
      const record = await this.reader.next((bytes) => this.#report(bytes));
      if (!record) break;
      yield row(record);
    }
    this.#report(this.size);
  }

  /** Stops reading (for a file only looked at, or left part-read after an error). */
  close(): void {
    for (const stream of this.streams) stream.destroy();
  }

  #report(bytes: number): void {
    if (!this.#progress || (bytes - this.#reported < PROGRESS_STEP && bytes < this.size)) return;
    const units = Math.min(bytes, this.size) - this.#reported;
    if (units > 0) this.#progress.tick(units);
    this.#reported += Math.max(units, 0);
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new ImportError('is not a file', { file });
    return stat.size;
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as { code?: string }).code;
    throw new ImportError(code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? error})`, { file });
  }
}

/** Reads records one at a time, each with the line it starts on. */
class RecordReader {
  #lastLine = 0;
  #emptyLines = 0;

  constructor(
    private readonly file: string,
    private readonly iterator: AsyncIterator<{ record: string[]; info: Info }>,
  ) {}

  async next(onBytes?: (bytes: number) => void): Promise<CsvRecord | undefined> {
    let result: IteratorResult<{ record: string[]; info: Info }>;
    try {
      result = await this.iterator.next();
    } catch (error) {
      throw csvProblem(this.file, error);
    }
    if (result.done) return undefined;
    const { info, record } = result.value;
    onBytes?.(info.bytes);
    // The parser counts lines to the end of a record; a quoted field may span several lines, and
    // empty lines before the record are skipped.
    const line = this.#lastLine + 1 + (info.empty_lines - this.#emptyLines);
    this.#lastLine = info.lines;
    this.#emptyLines = info.empty_lines;
    return { line, fields: record };
  }
}

/** A parser error as an ImportError with the line it stopped at. */
function csvProblem(file: string, error: unknown): Error {
  if (error instanceof ImportError) return error;
  if (!(error instanceof CsvError)) {
    const code = (error as { code?: string }).code;
    return code ? new ImportError(`cannot be read (${code})`, { file }, { cause: error }) : (error as Error);
  }
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  const place = line === undefined ? { file } : { file, line };
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return new ImportError(
        `a record is longer than ${MAX_RECORD_SIZE} characters (is a quote never closed?)`,
        place,
        { cause: error },
      );
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ImportError('a quoted field is never closed (is the file cut short?)', place, {
        cause: error,
      });
    default:
      return new ImportError(`is not valid CSV: ${error.message}`, place, { cause: error });
  }
}

/** The column names of a file (or, for a file without a header, the names its format gives). */
export class CsvHeader {
  readonly #index = new Map<string, number>();

  constructor(readonly names: readonly string[]) {
    names.forEach((name, i) => {
      const key = name.toLowerCase();
      if (!this.#index.has(key)) this.#index.set(key, i);
    });
  }

  /** The position of a column, matched without regard to case. */
  indexOf(name: string): number | undefined {
    return this.#index.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.#index.has(name.toLowerCase());
  }

  hasAll(names: readonly string[]): boolean {
    return names.every((name) => this.has(name));
  }

  /** The first column (as the file spells it) whose name is one of `candidates` or matches one. */
  find(...candidates: Array<string | RegExp>): string | undefined {
    for (const candidate of candidates) {
      const name =
        typeof candidate === 'string'
          ? this.has(candidate)
            ? this.names[this.indexOf(candidate)!]
            : undefined
          : this.names.find((n) => candidate.test(n));
      if (name !== undefined) return name;
    }
    return undefined;
  }
}

/** A file format known by the columns its header must have. */
export interface CsvFormat<Id extends string = string> {
  id: Id;
  /** What the file is, for messages: "mySociety's UK local authorities". */
  description: string;
  /** Columns the header must have for the file to be read as this format. */
  required: readonly string[];
}

/** The first format whose required columns are all in `header`. */
export function matchFormat<F extends CsvFormat>(header: CsvHeader, formats: readonly F[]): F | undefined {
  return formats.find((format) => header.hasAll(format.required));
}

/** The error for a header that matches no format: it names the columns each format expects. */
export function unknownHeader(file: string, header: CsvHeader, formats: readonly CsvFormat[]): ImportError {
  const seen = header.names.slice(0, 12).join(', ') + (header.names.length > 12 ? ', …' : '');
  const expected = formats.map((f) => `${f.description} (${f.required.join(', ')})`).join('; or ');
  if (header.names.length === 0) {
    return new ImportError(`is empty: expected a header with the columns of ${expected}`, { file });
  }
  const problem = `the header (${seen}) matches no known format: expected columns of ${expected}`;
  return new ImportError(problem, { file, line: 1 });
}

const GSS_CODE = /^[EWSNLMKJ][0-9]{8}$/;
/** ONS pseudo-codes ('E99999999', 'S99999999', …) stand for "none" in the postcode directories. */
const PSEUDO_CODE = /^[A-Z]99999999$/;
const WHOLE_NUMBER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const YEAR_MONTH = /^([0-9]{4})([0-9]{2})$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

interface Range {
  min?: number;
  max?: number;
}

/** Short enough to quote in a message. */
const quote = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

/** One row of a CSV file, with readers that say exactly where a bad value is. */
export class CsvRow {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly fields: readonly string[],
    readonly header: CsvHeader,
  ) {}

  /** An ImportError at this row and column. */
  fail(column: string | undefined, problem: string): never {
    throw new ImportError(
      problem,
      column === undefined
        ? { file: this.file, line: this.line }
        : { file: this.file, line: this.line, column },
    );
  }

  /** The value of a column, trimmed; '' for a blank field or a column the file does not have. */
  raw(column: string): string {
    const index = this.header.indexOf(column);
    return index === undefined ? '' : (this.fields[index] ?? '').trim();
  }

  /** A required text value. */
  text(column: string, options: { max?: number } = {}): string {
    const value = this.optional(column, options);
    if (value === null) this.fail(column, 'is empty: a value is needed');
    return value;
  }

  /** A text value, or null when blank. */
  optional(column: string, options: { max?: number } = {}): string | null {
    const value = this.raw(column);
    if (value === '') return null;
    if (options.max !== undefined && value.length > options.max) {
      this.fail(column, `${quote(value)} is longer than ${options.max} characters`);
    }
    return value;
  }

  integer(column: string, range: Range = {}): number {
    const value = this.optionalInteger(column, range);
    if (value === null) this.fail(column, 'is empty: a whole number is needed');
    return value;
  }

  /** A whole number ('12', and '12.0' as some exports write it), or null when blank. */
  optionalInteger(column: string, range: Range = {}): number | null {
    const text = this.raw(column);
    if (text === '') return null;
    const whole = /^([+-]?[0-9]+)\.0*$/.exec(text)?.[1] ?? text;
    if (!WHOLE_NUMBER.test(whole)) this.fail(column, `${quote(text)} is not a whole number`);
    const value = Number(whole);
    if (!Number.isSafeInteger(value)) this.fail(column, `${quote(text)} is too large`);
    return this.inRange(column, text, value, range);
  }

  number(column: string, range: Range = {}): number {
    const value = this.optionalNumber(column, range);
    if (value === null) this.fail(column, 'is empty: a number is needed');
    return value;
  }

  /** A decimal number, or null when blank. */
  optionalNumber(column: string, range: Range = {}): number | null {
    const text = this.raw(column);
    if (text === '') return null;
    const value = Number(text);
    if (!DECIMAL.test(text) || !Number.isFinite(value)) this.fail(column, `${quote(text)} is not a number`);
    return this.inRange(column, text, value, range);
  }

  /** A GSS code such as E07000041 (a letter and eight digits). */
  gssCode(column: string): string {
    const value = this.optionalGssCode(column);
    if (value === null) {
      this.fail(
        column,
        this.raw(column) === ''
          ? 'is empty: a GSS code is needed'
          : `${quote(this.raw(column))} means "none"`,
      );
    }
    return value;
  }

  /** A GSS code, or null when blank or an ONS pseudo-code for "none" (E99999999). */
  optionalGssCode(column: string): string | null {
    const value = this.raw(column).toUpperCase();
    if (value === '' || PSEUDO_CODE.test(value)) return null;
    if (!GSS_CODE.test(value)) {
      this.fail(
        column,
        `${quote(this.raw(column))} is not a GSS code (a letter and eight digits, like E07000041)`,
      );
    }
    return value;
  }

  /** A date as 'YYYY-MM-DD', or null when blank. */
  optionalDate(column: string): string | null {
    const text = this.raw(column);
    if (text === '') return null;
    const match = ISO_DATE.exec(text);
    const date = match ? new Date(`${text}T00:00:00Z`) : undefined;
    if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
      this.fail(column, `${quote(text)} is not a date written YYYY-MM-DD`);
    }
    return text;
  }

  /** A month as 'YYYYMM' (how the ONS postcode directories date postcodes), or null when blank. */
  optionalYearMonth(column: string): string | null {
    const text = this.raw(column);
    if (text === '') return null;
    const match = YEAR_MONTH.exec(text);
    const month = match ? Number(match[2]) : 0;
    if (!match || month < 1 || month > 12) this.fail(column, `${quote(text)} is not a month written YYYYMM`);
    return text;
  }

  boolean(column: string): boolean {
    const text = this.raw(column);
    const word = text.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    this.fail(
      column,
      text === '' ? 'is empty: True or False is needed' : `${quote(text)} is not True or False`,
    );
  }

  /** One of a fixed set of values (matched without regard to case), mapped to what it stands for. */
  choice<T>(column: string, choices: Readonly<Record<string, T>>): T {
    const text = this.raw(column);
    const key = Object.keys(choices).find((k) => k.toLowerCase() === text.toLowerCase());
    if (key === undefined) {
      const allowed = Object.keys(choices)
        .map((k) => (k === '' ? '(blank)' : k))
        .join(', ');
      this.fail(
        column,
        `${text === '' ? 'is empty' : `${quote(text)} is not known`}: expected one of ${allowed}`,
      );
    }
    return choices[key]!;
  }

  /** A web address (http or https), or null when blank. */
  optionalUrl(column: string): string | null {
    const text = this.raw(column);
    if (text === '') return null;
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      this.fail(column, `${quote(text)} is not a web address (http:// or https://)`);
    }
    return text;
  }

  private inRange(column: string, text: string, value: number, { min, max }: Range): number {
    if (min !== undefined && value < min) this.fail(column, `${quote(text)} is less than ${min}`);
    if (max !== undefined && value > max) this.fail(column, `${quote(text)} is more than ${max}`);
    return value;
  }
}

/** Groups a stream of items into arrays of `size` (the last may be shorter). */
export async function* inBatches<T>(items: AsyncIterable<T>, size: number = BATCH_SIZE): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The largest value an `integer` column holds. */
export const MAX_INT4 = 2_147_483_647;
