/** A resident's case reference: `PREFIX-YEAR-NNNNNN`, such as `EXE-2026-000123`. */

const REFERENCE = /^([A-Z]{2,6}[0-9]{0,2})-([0-9]{4})-([0-9]{6})$/;

/** A reference as typed by a person: any case, spaces around it. */
export function normaliseReference(text: string): string | null {
  const reference = text.trim().toUpperCase();
  return REFERENCE.test(reference) ? reference : null;
}

/** The prefix of the organisation that issued a normalised reference. */
export function referencePrefix(reference: string): string | null {
  return REFERENCE.exec(reference)?.[1] ?? null;
}
