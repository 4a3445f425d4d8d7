/**
 * The bounds of the numbers a request may name, shared by every route: identities (`bigint` in
 * the database, read exactly by JavaScript up to 2^53 − 1) and codes and counts (`integer`, up to
 * 2,147,483,647, such as LGSL service codes and versions). A number outside them names nothing
 * the application has, so the edge refuses it (a 404 for an id in a path, a message for a field)
 * before the database would. Pure.
 */

/** The largest PostgreSQL `integer`: LGSL codes, versions. */
export const MAX_INT = 2_147_483_647;

/** The largest identity JavaScript reads exactly (bigint identities stay far below it). */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A whole number from 1 to `max`. */
export const isWholeNumber = (value: unknown, max = MAX_ID): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max;

/** An identity (organisation, case, message, account…) the database could hold. */
export const isId = (value: unknown): value is number => isWholeNumber(value, MAX_ID);

/** A code or count held as `integer` (an LGSL service code, a version). */
export const isIntCode = (value: unknown): value is number => isWholeNumber(value, MAX_INT);

/**
 * A whole number from 1 to `max`, written in decimal digits (spaces around it allowed), as a path
 * segment, query or form field gives it; undefined for anything else (empty, signs, decimals,
 * exponents, words, or beyond `max`).
 */
export function parseWholeNumber(text: unknown, max = MAX_ID): number | undefined {
  const value: unknown = Array.isArray(text) ? text[0] : text;
  if (typeof value === 'number') return isWholeNumber(value, max) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const digits = value.trim();
  if (!/^[0-9]{1,16}$/.test(digits)) return undefined;
  const number = Number(digits);
  return isWholeNumber(number, max) ? number : undefined;
}

/** An identity from a path, query or form field, or undefined. */
export const parseId = (text: unknown): number | undefined => parseWholeNumber(text, MAX_ID);

/** An `integer` code (an LGSL code, a version) from a path, query or form field, or undefined. */
export const parseIntCode = (text: unknown): number | undefined => parseWholeNumber(text, MAX_INT);
