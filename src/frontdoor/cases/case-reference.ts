/**
 * A resident's case reference, `PREFIX-YEAR-NNNNNN`, such as `EXE-2026-000123`: the prefix of the
 * organisation that issued it (`register/case-prefix.ts`), the year it was opened (in London), and
 * its number in that prefix's series for the year, from 1, in six digits.
 *
 * This module is the only place that formats, parses or describes a reference: the statement that
 * numbers a new case (`referenceSql`), the demo's cases, the API's schemas and the forms that read
 * one typed by a person all use it. (Migration 0003's check on `service_case.reference` states
 * the same pattern; migrations are history and are not changed.)
 */
import { sql, type RawBuilder } from 'kysely';

/** An organisation's prefix: two to six capital letters, then up to two digits (DEV, FDE, EXE2). */
export const PREFIX_PATTERN = '[A-Z]{2,6}[0-9]{0,2}';
/** A whole reference, as a JSON Schema (ECMAScript) pattern: prefix, year, number. */
export const REFERENCE_PATTERN = `^(${PREFIX_PATTERN})-([0-9]{4})-([0-9]{6})$`;
/** A reference to show people as an example. */
export const REFERENCE_EXAMPLE = 'EXE-2026-000123';

const REFERENCE = new RegExp(REFERENCE_PATTERN);
const PREFIX = new RegExp(`^${PREFIX_PATTERN}$`);
const NUMBER_DIGITS = 6;
const FIRST_YEAR = 1000;
const LAST_YEAR = 9999;
const LAST_NUMBER = 10 ** NUMBER_DIGITS - 1;

export interface ReferenceParts {
  prefix: string;
  /** A year of four digits, 1000 to 9999. */
  year: number;
  /** The number in the prefix's series for the year, 1 to 999,999. */
  number: number;
}

/** Whether parts make a reference: the prefix in its pattern, the year and the number in range. */
export function isReferenceParts(parts: ReferenceParts): boolean {
  return (
    PREFIX.test(parts.prefix) &&
    Number.isInteger(parts.year) &&
    parts.year >= FIRST_YEAR &&
    parts.year <= LAST_YEAR &&
    Number.isInteger(parts.number) &&
    parts.number >= 1 &&
    parts.number <= LAST_NUMBER
  );
}

/** The reference for its parts; a RangeError for parts that make none (see `isReferenceParts`). */
export function formatReference(parts: ReferenceParts): string {
  if (!isReferenceParts(parts)) {
    throw new RangeError(
      `no case reference has prefix ${JSON.stringify(parts.prefix)}, year ${parts.year} and number ${parts.number}`,
    );
  }
  return `${parts.prefix}-${parts.year}-${String(parts.number).padStart(NUMBER_DIGITS, '0')}`;
}

/** The parts of a reference written exactly in its form (no spaces, capitals); else null. */
export function parseReference(reference: string): ReferenceParts | null {
  const match = REFERENCE.exec(reference);
  if (!match) return null;
  const parts = { prefix: match[1]!, year: Number(match[2]), number: Number(match[3]) };
  return isReferenceParts(parts) ? parts : null;
}

/** A reference as typed by a person: any case, spaces around it. Null when it is not one. */
export function normaliseReference(text: string): string | null {
  const reference = text.trim().toUpperCase();
  return parseReference(reference) === null ? null : reference;
}

/** The prefix of the organisation that issued a normalised reference. */
export function referencePrefix(reference: string): string | null {
  return parseReference(reference)?.prefix ?? null;
}

/**
 * The same reference as `formatReference`, made by the database from a prefix, a year and a
 * number in the statement that takes the number (`intake.repository.ts` `openCase`).
 */
export function referenceSql(
  prefix: RawBuilder<unknown> | string,
  year: RawBuilder<unknown> | number,
  number: RawBuilder<unknown>,
): RawBuilder<string> {
  return sql<string>`${prefix}::text || '-' || ${year}::int::text || '-' || lpad(${number}::text, ${sql.lit(NUMBER_DIGITS)}, '0')`;
}
