/**
 * A postcode → the areas it is in. A full postcode gives the council its directory record names
 * and the areas below it that hold it; part of a postcode (a sector or an outcode) gives every
 * council its postcodes fall in, and is ambiguous when there is more than one.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { badRequest } from '../platform/index.ts';
import {
  PostcodeFormatError,
  countryOfCode,
  countryOfPostcodeArea,
  parsePostcodeQuery,
  type PostcodeQuery,
} from './postcode.ts';
import { countPostcodesByCouncil, findPostcode } from './geography.repository.ts';
import type { PlaceAreas } from './place-areas.ts';
import {
  describePostcodeSource,
  inCounty,
  list,
  named,
  plural,
  terminatedText,
  unknown,
  withinText,
} from './place-text.ts';
import type { Place, PlaceLookup } from './place.types.ts';

/** The lowest and highest postcodes starting with a sector or outcode, for a range scan. */
function prefixRange(query: PostcodeQuery): { prefix: string; lowest: string; highest: string } {
  const prefix = query.kind === 'outcode' ? `${query.outcode} ` : query.sector;
  return { prefix, lowest: prefix, highest: `${prefix}\uffff` };
}

export function createPostcodeLookup(
  db: Kysely<DB>,
  places: PlaceAreas,
): (input: string) => Promise<PlaceLookup> {
  const { areasFor, areasWithin, areasWithinFrom } = places;

  async function lookupFullPostcode(query: PostcodeQuery & { kind: 'full' }): Promise<PlaceLookup> {
    const record = await findPostcode(db, query.text, [query.text, query.sector, query.outcode]);
    const place: Place = {
      query: query.text,
      postcode: query.text,
      kind: 'postcode',
      lat: record?.lat ?? null,
      lon: record?.lon ?? null,
      terminated: record?.terminated ?? null,
      source: record?.source ?? null,
      country: countryOfCode(record?.countryCode) ?? countryOfPostcodeArea(query.outcode),
    };
    if (!record) return unknown(place, await notInDirectory(query));
    if (!record.districtCode) {
      return unknown(
        place,
        `${query.text} is in ${describePostcodeSource(record.source)}, but no council is recorded for it.`,
      );
    }
    const { localAreas, areas } = await areasFor([record.districtCode]);
    const local = localAreas[0];
    if (!local) {
      return unknown(
        place,
        `${query.text} is recorded in council area ${record.districtCode}, which is not in the register.`,
      );
    }
    const within = await areasWithinFrom(
      record.holding,
      record.lat !== null && record.lon !== null ? { lat: record.lat, lon: record.lon } : null,
    );
    return {
      status: 'found',
      place,
      localAreas,
      areas: [...areas, ...within],
      reason:
        `${query.text} is in ${named(local)}${inCounty(local, areas)}, according to ` +
        `${describePostcodeSource(record.source)}.${withinText(within)}${terminatedText(record)}`,
    };
  }

  /** Why a full postcode is unknown, and what its sector holds: a hint for the person, never an answer. */
  async function notInDirectory(query: PostcodeQuery & { kind: 'full' }): Promise<string> {
    const base = `${query.text} is not in the postcode directory`;
    const counts = await countPostcodesByCouncil(db, {
      prefix: query.sector,
      lowest: query.sector,
      highest: `${query.sector}\uffff`,
    });
    const codes = [...new Set(counts.flatMap((c) => (c.districtCode ? [c.districtCode] : [])))];
    const { localAreas } = await areasFor(codes);
    const hint =
      localAreas.length === 0
        ? ''
        : ` The directory's other postcodes in sector ${query.sector} are in ${list(localAreas.map((a) => a.name))}, ` +
          'but a postcode missing from it is not assumed to be there.';
    return `${base}.${hint} Check the postcode, or give the address or a point on a map.`;
  }

  async function lookupPartialPostcode(
    query: PostcodeQuery & { kind: 'sector' | 'outcode' },
  ): Promise<PlaceLookup> {
    const counts = await countPostcodesByCouncil(db, prefixRange(query));
    const byDistrict = new Map<string, number>();
    let total = 0;
    for (const c of counts) {
      total += c.postcodes;
      if (c.districtCode) byDistrict.set(c.districtCode, (byDistrict.get(c.districtCode) ?? 0) + c.postcodes);
    }
    const sources = [...new Set(counts.map((c) => c.source))].sort();
    const place: Place = {
      query: query.text,
      postcode: null,
      kind: query.kind,
      lat: null,
      lon: null,
      terminated: null,
      source: sources.length > 0 ? sources.join(', ') : null,
      country: countryOfPostcodeArea(query.outcode),
    };
    const what =
      query.kind === 'sector' ? `postcode sector ${query.text}` : `postcode district ${query.text}`;
    if (total === 0) return unknown(place, `There are no postcodes in ${what} in the postcode directory.`);
    if (byDistrict.size === 0) {
      return unknown(place, `No council is recorded for any of the ${plural(total, 'postcode')} in ${what}.`);
    }
    // Most postcodes first; ties by code, so the answer is the same on every engine.
    const codes = [...byDistrict.keys()].sort(
      (a, b) => byDistrict.get(b)! - byDistrict.get(a)! || a.localeCompare(b),
    );
    const { localAreas, areas } = await areasFor(codes);
    const counted = (code: string, name: string) => `${byDistrict.get(code)!} in ${name}`;
    const missing = codes.filter((code) => !localAreas.some((a) => a.code === code));
    if (missing.length > 0) {
      // A council the register does not hold: answering with only the others would be a guess.
      const all = codes.map((code) => {
        const area = localAreas.find((a) => a.code === code);
        return counted(code, area ? named(area) : `council area ${code}`);
      });
      return unknown(
        place,
        `${what[0]!.toUpperCase()}${what.slice(1)} has ${plural(total, 'postcode')} in the directory: ${list(all)}. ` +
          `${list(missing)} ${missing.length === 1 ? 'is' : 'are'} not in the register, so the place cannot be ` +
          'answered from part of a postcode: give the full postcode.',
      );
    }
    if (localAreas.length === 1) {
      const local = localAreas[0]!;
      // Only an area that lists the whole sector or district holds all of it.
      const within = await areasWithin(
        query.kind === 'sector' ? [query.sector, query.outcode] : [query.outcode],
        [],
        null,
      );
      return {
        status: 'found',
        place,
        localAreas,
        areas: [...areas, ...within],
        reason:
          `All ${plural(total, 'postcode')} in ${what} in the postcode directory are in ` +
          `${named(local)}${inCounty(local, areas)}.${withinText(within)}`,
      };
    }
    return {
      status: 'ambiguous',
      place,
      localAreas,
      areas,
      reason:
        `The ${plural(total, 'postcode')} in ${what} are in more than one council: ` +
        `${list(localAreas.map((a) => counted(a.code, named(a))))}. Give the full postcode.`,
    };
  }

  async function lookupPostcode(input: string): Promise<PlaceLookup> {
    let query: PostcodeQuery;
    try {
      query = parsePostcodeQuery(input);
    } catch (error) {
      if (error instanceof PostcodeFormatError) throw badRequest(error.message);
      throw error;
    }
    return query.kind === 'full' ? lookupFullPostcode(query) : lookupPartialPostcode(query);
  }

  return lookupPostcode;
}
