/**
 * UK postcodes as people type them: 'ex11aa', ' EX1  1AA ' and 'Ex1 1aA' are all 'EX1 1AA'.
 * A full postcode is an outward code (area letters, district) and an inward code (sector digit,
 * two unit letters). People also give part of one: the outward code alone ('EX1', an outcode) or
 * with the sector digit ('EX1 1', a sector). Without the space, 'EX11' is the outcode EX11.
 */

export type PostcodeQuery =
  | { kind: 'full'; text: string; outcode: string; sector: string }
  | { kind: 'sector'; text: string; outcode: string; sector: string }
  | { kind: 'outcode'; text: string; outcode: string };

/** A postcode that cannot be read; the message says what is wrong and what is expected. */
export class PostcodeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostcodeFormatError';
  }
}

const OUTCODE = /^[A-Z]{1,2}[0-9][0-9A-Z]?$/;
const INWARD = /^[0-9][A-Z]{2}$/;
const FULL_COMPACT = /^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$/;
/** The longest thing worth reading as a postcode, spaces included. */
const MAX_INPUT = 16;

const EXAMPLE = 'like EX1 1AA (or part of one, like EX1 or EX1 1)';

function clean(input: string): string {
  return input.normalize('NFKC').trim().toUpperCase().replace(/\s+/g, ' ');
}

/** A full postcode in its normal form, or null when `input` is not one. */
export function tryNormalisePostcode(input: string): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT * 4) return null;
  const compact = clean(input).replace(/ /g, '');
  const match = FULL_COMPACT.exec(compact);
  return match ? `${match[1]} ${match[2]}` : null;
}

/** A full postcode written inside other words, with or without its space. */
const FULL_IN_TEXT = /\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\b/i;

/**
 * The first full postcode in free text such as an address ('1 High Street, Exeter ex1 1ae' gives
 * 'EX1 1AE'), in its normal form; null when the text holds none. Part of a postcode (an outcode
 * alone) is not one, and neither are letters and digits inside a longer word.
 */
export function postcodeInText(text: string): string | null {
  if (typeof text !== 'string') return null;
  const found = FULL_IN_TEXT.exec(text.normalize('NFKC'));
  return found ? tryNormalisePostcode(found[1]!) : null;
}

/** True for a string already in normal form: 'EX1 1AA'. */
export function isNormalPostcode(text: string): boolean {
  const [outcode, inward, ...rest] = text.split(' ');
  return rest.length === 0 && OUTCODE.test(outcode ?? '') && INWARD.test(inward ?? '');
}

/** A full postcode in its normal form ('EX1 1AA'); throws PostcodeFormatError otherwise. */
export function normalisePostcode(input: string): string {
  const query = parsePostcodeQuery(input);
  if (query.kind !== 'full') {
    throw new PostcodeFormatError(
      `"${query.text}" is only part of a postcode: give the full postcode, like EX1 1AA.`,
    );
  }
  return query.text;
}

/** Reads a full or partial postcode; throws PostcodeFormatError with a plain message otherwise. */
export function parsePostcodeQuery(input: string): PostcodeQuery {
  if (typeof input !== 'string') throw new PostcodeFormatError(`Enter a postcode ${EXAMPLE}.`);
  const text = clean(input);
  if (text === '') throw new PostcodeFormatError(`Enter a postcode ${EXAMPLE}.`);
  if (text.length > MAX_INPUT) {
    throw new PostcodeFormatError(
      `"${text.slice(0, MAX_INPUT)}…" is too long for a postcode: enter one ${EXAMPLE}.`,
    );
  }
  if (!/^[A-Z0-9 ]+$/.test(text)) {
    throw new PostcodeFormatError(`"${text}" is not a postcode: use only letters and numbers, ${EXAMPLE}.`);
  }

  const full = tryNormalisePostcode(text);
  if (full) {
    const [outcode, inward] = full.split(' ') as [string, string];
    return { kind: 'full', text: full, outcode, sector: `${outcode} ${inward[0]}` };
  }

  const parts = text.split(' ');
  if (parts.length === 2 && OUTCODE.test(parts[0]!) && /^[0-9]$/.test(parts[1]!)) {
    const sector = `${parts[0]} ${parts[1]}`;
    return { kind: 'sector', text: sector, outcode: parts[0]!, sector };
  }
  const compact = parts.join('');
  if ((parts.length === 1 || !/^[0-9]/.test(parts.at(-1)!)) && OUTCODE.test(compact)) {
    return { kind: 'outcode', text: compact, outcode: compact };
  }
  if (parts.length === 2 && OUTCODE.test(parts[0]!)) {
    throw new PostcodeFormatError(
      `"${text}" is not a postcode: after ${parts[0]} give the rest of the postcode ` +
        `(a number and two letters, like ${parts[0]} 1AA), or just the number for the sector (${parts[0]} 1).`,
    );
  }
  throw new PostcodeFormatError(`"${text}" is not a UK postcode: enter one ${EXAMPLE}.`);
}

/** The countries a postcode can be in, as a person reads them. */
export type PostcodeCountry =
  'England' | 'Wales' | 'Scotland' | 'Northern Ireland' | 'Channel Islands' | 'Isle of Man';

/**
 * Postcode areas (the letters an outcode starts with) that lie wholly in one country outside
 * England. Areas that cross a border (TD, CH, SY, LD, HR, NP) are left out:
 * their postcodes say nothing about the country on their own.
 */
const AREA_COUNTRY: Readonly<Record<string, PostcodeCountry>> = {
  AB: 'Scotland',
  DD: 'Scotland',
  DG: 'Scotland',
  EH: 'Scotland',
  FK: 'Scotland',
  G: 'Scotland',
  HS: 'Scotland',
  IV: 'Scotland',
  KA: 'Scotland',
  KW: 'Scotland',
  KY: 'Scotland',
  ML: 'Scotland',
  PA: 'Scotland',
  PH: 'Scotland',
  ZE: 'Scotland',
  CF: 'Wales',
  LL: 'Wales',
  SA: 'Wales',
  BT: 'Northern Ireland',
  GY: 'Channel Islands',
  JE: 'Channel Islands',
  IM: 'Isle of Man',
};

/** The country a postcode's area lies wholly in, when it is outside England; null when it could be anywhere. */
export function countryOfPostcodeArea(outcode: string): PostcodeCountry | null {
  const area = /^[A-Z]{1,2}/.exec(outcode.trim().toUpperCase())?.[0] ?? '';
  return AREA_COUNTRY[area] ?? null;
}

/**
 * The country a GSS country code names (the postcode directory's `ctry`: E92000001, W92000004,
 * S92000003, N92000002; L93000001 the Channel Islands, M83000003 the Isle of Man), by its first
 * letter, as the ONS codes every area of a country; null for anything else.
 */
export function countryOfCode(code: string | null | undefined): PostcodeCountry | null {
  switch (code?.trim().toUpperCase()[0]) {
    case 'E':
      return 'England';
    case 'W':
      return 'Wales';
    case 'S':
      return 'Scotland';
    case 'N':
      return 'Northern Ireland';
    case 'L':
      return 'Channel Islands';
    case 'M':
      return 'Isle of Man';
    default:
      return null;
  }
}
