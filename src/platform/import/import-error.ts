/**
 * A file that cannot be imported. The message names the file, and the line and column when the
 * problem is in one place, so that whoever prepared the file can find it and put it right:
 *   authorities/councils.csv, line 12, column "gss_code": "E0600001" is not a GSS code …
 */
export interface ImportErrorPlace {
  /** The file as it was named to the importer. */
  file: string;
  /** 1-based line of the file (for CSV, the line the record starts on). */
  line?: number;
  /** The column: a CSV header name, or a character position within the line (for JSON). */
  column?: string;
}

export class ImportError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly column?: string;
  /** What is wrong, without the place. */
  readonly problem: string;

  constructor(problem: string, place: ImportErrorPlace, options?: { cause?: unknown }) {
    super(`${describePlace(place)}: ${problem}`, options);
    this.name = 'ImportError';
    this.file = place.file;
    if (place.line !== undefined) this.line = place.line;
    if (place.column !== undefined) this.column = place.column;
    this.problem = problem;
  }
}

function describePlace({ file, line, column }: ImportErrorPlace): string {
  const parts = [file];
  if (line !== undefined) parts.push(`line ${line}`);
  if (column !== undefined) parts.push(/^\d+$/.test(column) ? `column ${column}` : `column "${column}"`);
  return parts.join(', ');
}
