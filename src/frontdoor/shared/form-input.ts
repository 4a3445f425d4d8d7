/**
 * What the front door's forms share: reading a field as text, keeping what was typed (even when
 * too long, so it comes back whole with its error), each form's own Idempotency-Key, messages in
 * the order of the form, and the postcode check.
 */
import { randomBytes } from 'node:crypto';
import { PostcodeFormatError, parsePostcodeQuery } from '../../geography/index.ts';

/** A form or query string as Fastify gives it. */
export type Form = Record<string, string | string[] | undefined>;

/** The longest description of a request (the database's limit too). */
export const DESCRIPTION_LIMIT = 4000;

/** Longest text kept from a field: far beyond every limit, so a too-long answer comes back whole. */
const KEEP = 20_000;

/** A form's Idempotency-Key as the pages make it: 16 to 64 URL-safe characters. */
export const FORM_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** A new Idempotency-Key for a form: one per form shown, so sending it twice opens one case. */
export const newFormToken = (): string => randomBytes(18).toString('base64url');

/** The token a form came back with, if the pages made it; otherwise a new one. */
export const formToken = (sent: string | undefined): string =>
  sent !== undefined && FORM_TOKEN.test(sent) ? sent : newFormToken();

/** A field's text (the first, when it was sent more than once), as typed up to the kept length. */
export function formText(form: Record<string, unknown>, key: string): string {
  const raw = form[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' ? value.slice(0, KEEP) : '';
}

/** The fields of a form that were sent, as typed. */
export function formValues<F extends string>(
  form: Record<string, unknown>,
  fields: readonly F[],
): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  for (const field of fields) {
    const raw = form[field];
    if (typeof (Array.isArray(raw) ? raw[0] : raw) === 'string') values[field] = formText(form, field);
  }
  return values;
}

/** Messages in the order of the form's fields (any others last), as the error summary lists them. */
export function inFieldOrder(
  errors: Record<string, string>,
  fields: readonly string[],
): Record<string, string> {
  const known = fields.filter((f) => errors[f] !== undefined).map((f) => [f, errors[f]!] as const);
  const others = Object.entries(errors).filter(([f]) => !fields.includes(f));
  return Object.fromEntries([...known, ...others]);
}

/**
 * What is wrong with the street or place given with a postcode, or nothing: with only part of a
 * postcode (an outcode like EX16, or a sector like EX16 1) the street or a landmark is required,
 * so the team has a place it can act on; with a full postcode it is optional.
 */
export function streetProblem(postcode: string, street: string | undefined): string | undefined {
  if ((street?.trim() ?? '') !== '') return undefined;
  let query;
  try {
    query = parsePostcodeQuery(postcode);
  } catch (error) {
    if (error instanceof PostcodeFormatError) return undefined; // the postcode's own message says it
    throw error;
  }
  if (query.kind === 'full') return undefined;
  return `Enter the street or a landmark near the place: ${query.text} is only part of a postcode, and covers many streets`;
}

/** What is wrong with a postcode as typed (a full one when `full`), or nothing. */
export function postcodeProblem(text: string, full: boolean): string | undefined {
  try {
    const query = parsePostcodeQuery(text);
    if (full && query.kind !== 'full') return `Enter the full postcode, like ${query.outcode} 1AA`;
    return undefined;
  } catch (error) {
    if (error instanceof PostcodeFormatError) return error.message;
    throw error;
  }
}
