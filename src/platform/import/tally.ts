/**
 * What one file's import did to its rows: read, added, changed, left as they were, or skipped
 * (with the reason, so the summary can say why).
 */
import type { CsvFormat } from './csv-source.ts';

export class Tally {
  read = 0;
  inserted = 0;
  updated = 0;
  readonly #skipped = new Map<string, number>();
  readonly #notes: string[] = [];

  constructor(
    /** The format the file was read as, for the summary. */
    readonly format: string,
  ) {}

  /** Rows not written, and why ("former authorities"). */
  skip(reason: string, rows = 1): void {
    if (rows > 0) this.#skipped.set(reason, (this.#skipped.get(reason) ?? 0) + rows);
  }

  /** Something the summary should say. */
  note(text: string): void {
    this.#notes.push(text);
  }

  get skipped(): number {
    let total = 0;
    for (const rows of this.#skipped.values()) total += rows;
    return total;
  }

  get unchanged(): number {
    return this.read - this.inserted - this.updated - this.skipped;
  }

  /** One line for the summary: the format, the skipped rows by reason, then any notes. */
  describe(): string {
    const skipped = [...this.#skipped].map(([reason, rows]) => `${rows} ${reason}`);
    return [
      `read as ${this.format}`,
      ...(skipped.length > 0 ? [`skipped ${skipped.join('; ')}`] : []),
      ...this.#notes,
    ].join('. ');
  }
}

/** A format recognised by its header that the register deliberately does not import, and why. */
export interface NotImported extends CsvFormat {
  reason: string;
}
