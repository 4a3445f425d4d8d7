/**
 * Values officers enter for a period, or that come in a CSV file, read as people type them
 * ('12.5', '1,234', '85%', '£1,234.50'), exactly, each kept with where it came from: who entered it
 * and when, or which file and line it was on. Anything that is not a value of the measure's unit
 * is refused with a message that says why. Pure.
 *
 * - count: a whole number, 0 or more.
 * - percent: a share from 0 to 100, with or without '%', up to 4 decimal places; always read as a
 *   percentage ('0.85' is 0.85%, not 85%), held as a fraction of one.
 * - working days: 0 or more, up to 2 decimal places.
 * - pence: an amount in pounds as finance reads it ('£1,234.50', '-12', '(12.00)'), held in pence.
 * - number: any decimal, up to 6 decimal places.
 * Commas may only separate thousands (1,234,567). At most 15 digits before the point.
 */
import { parsePounds } from '../finance/index.ts';
import type { Measure, MeasureUnit } from './measures.ts';
import { type Ratio, ratio } from './ratio.ts';

export type ValueReading = { ok: true; value: Ratio } | { ok: false; reason: string };

/** Who entered a value and when, or the file and line it was imported from. */
export type Provenance =
  | { readonly kind: 'entered'; readonly accountId: number; readonly at: string }
  | {
      readonly kind: 'imported';
      readonly fileName: string;
      /** The line in the file, counting the header as line 1. */
      readonly line: number;
      /** The file's SHA-256, so the same file is recognised when it comes again. */
      readonly fileSha256: string | null;
      readonly accountId: number | null;
      readonly at: string;
    };

/** One value of a measure, as the next tables will keep it. */
export interface MeasureValue {
  readonly measureId: string;
  readonly orgId: number;
  /** null for all of the council's services. */
  readonly lgslCode: number | null;
  /** `2025-26` or `2025-26-Q3`. */
  readonly period: string;
  readonly value: Ratio;
  readonly provenance: Provenance;
}

const MAX_LENGTH = 40;
const PLACES: Readonly<Record<Exclude<MeasureUnit, 'pence'>, number>> = {
  count: 0,
  percent: 4,
  working_days: 2,
  number: 6,
};
const UNIT_WORDS: Readonly<Record<MeasureUnit, string>> = {
  count: 'a count',
  percent: 'a percentage',
  working_days: 'working days',
  pence: 'an amount of money',
  number: 'a number',
};

const NUMBER = /^(-?)((?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(\d+))?$/;
const fail = (reason: string): ValueReading => ({ ok: false, reason });

/** A value of `unit` from text as typed, or why it is not one. */
export function readMeasureValue(text: unknown, unit: MeasureUnit): ValueReading {
  if (typeof text !== 'string') return fail('A value is text, such as 1,234 or 12.5.');
  const typed = text.trim();
  if (typed === '') return fail('Enter a value.');
  if (typed.length > MAX_LENGTH) return fail(`A value is at most ${MAX_LENGTH} characters.`);
  if (unit === 'pence') {
    const pence = parsePounds(typed);
    return pence === undefined
      ? fail(`“${typed}” is not an amount of money: write it in pounds, like £1,234.50.`)
      : { ok: true, value: ratio(pence) };
  }
  const percent = typed.endsWith('%');
  if (percent && unit !== 'percent') {
    return fail(`“${typed}” is a percentage, but this measure is ${UNIT_WORDS[unit]}.`);
  }
  const body = percent ? typed.slice(0, -1).trimEnd() : typed;
  const match = NUMBER.exec(body);
  if (!match) {
    return /^-?[\d,]+(\.\d+)?$/.test(body)
      ? fail(`“${typed}”: commas separate thousands, as in 1,234.`)
      : fail(`“${typed}” is not a number: write it like 1,234 or 12.5.`);
  }
  const [, sign, whole = '', fraction = ''] = match;
  const digits = whole.replaceAll(',', '');
  if (digits.replace(/^0+(?=\d)/, '').length > 15) return fail(`“${typed}” is too large.`);
  const places = PLACES[unit];
  if (fraction.length > places) {
    return fail(
      places === 0
        ? `A count is a whole number: “${typed}” is not one.`
        : `“${typed}” has more than ${places} decimal places.`,
    );
  }
  const magnitude = ratio(BigInt(digits + fraction), 10n ** BigInt(fraction.length));
  const negative = sign === '-' && magnitude.numerator !== 0n;
  if (negative && unit !== 'number')
    return fail(`${capitalise(UNIT_WORDS[unit])} cannot be below 0: “${typed}”.`);
  if (unit === 'percent') {
    if (magnitude.numerator > 100n * magnitude.denominator) {
      return fail(`A share is at most 100%: “${typed}” is more.`);
    }
    return { ok: true, value: ratio(magnitude.numerator, magnitude.denominator * 100n) };
  }
  return { ok: true, value: negative ? ratio(-magnitude.numerator, magnitude.denominator) : magnitude };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A value for a measure, read as typed; a measure computed from cases or finance is refused,
 * since its value is worked out, never typed in.
 */
export function readValueFor(measure: Measure, text: unknown): ValueReading {
  if (measure.source === 'cases' || measure.source === 'finance') {
    return fail(
      `${measure.name} is worked out from the ${measure.source === 'cases' ? 'cases' : 'accounts'}: it cannot be entered.`,
    );
  }
  return readMeasureValue(text, measure.unit);
}

/** Where a value came from, as a page says it; the page puts the person's name for the account. */
export function provenanceInWords(provenance: Provenance, accountName?: string): string {
  if (provenance.kind === 'entered') {
    return `Entered by ${accountName ?? `account ${provenance.accountId}`} at ${provenance.at}`;
  }
  return `Imported from ${provenance.fileName}, line ${provenance.line}`;
}
