/**
 * A list of postcode sectors as a person types it ("EX16 4, ex16 5" or one a line), read into
 * the sectors it names, or what is wrong with it. Pure.
 */
import { PostcodeFormatError, parsePostcodeQuery } from './postcode.ts';

/** The most sectors one area may be made of (a county has about 600). */
export const MAX_SECTORS = 1000;

export interface SectorList {
  /** The sectors, normalised ('EX16 4'), each once, in the order given. */
  sectors: string[];
  /** What is wrong, in words for the person; empty when nothing is. */
  problem: string | null;
}

/** Reads sectors separated by new lines, commas or semicolons. */
export function parseSectorList(text: string): SectorList {
  const items = text
    .split(/[\n\r,;]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return { sectors: [], problem: 'Enter the postcode sectors, for example EX16 4' };
  const sectors = new Set<string>();
  const wrong: string[] = [];
  for (const item of items) {
    let sector: string | undefined;
    try {
      const query = parsePostcodeQuery(item);
      if (query.kind === 'sector') sector = query.sector;
    } catch (error) {
      if (!(error instanceof PostcodeFormatError)) throw error;
    }
    if (sector === undefined) wrong.push(item);
    else sectors.add(sector);
  }
  if (wrong.length > 0) {
    const shown = wrong.slice(0, 5).map((w) => `“${w.length > 20 ? `${w.slice(0, 20)}…` : w}”`);
    const more = wrong.length > 5 ? ` and ${wrong.length - 5} more` : '';
    return {
      sectors: [...sectors],
      problem:
        `${shown.join(', ')}${more} ${wrong.length === 1 ? 'is not a postcode sector' : 'are not postcode sectors'}: ` +
        'a sector is the postcode district, a space and one digit, for example EX16 4',
    };
  }
  if (sectors.size > MAX_SECTORS) {
    return {
      sectors: [...sectors],
      problem: `Enter ${MAX_SECTORS} sectors or fewer (you entered ${sectors.size.toLocaleString('en-GB')})`,
    };
  }
  return { sectors: [...sectors], problem: null };
}
