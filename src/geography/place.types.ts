/**
 * What a lookup of a place answers (the areas it is in, how sure, and why) and the geography
 * service's shape. Types only.
 */
import type { AreaKind } from '../db/index.ts';
import type { PostcodeCountry } from './postcode.ts';

export interface AreaRef {
  code: string;
  name: string;
  kind: AreaKind;
  parentCode: string | null;
}

export interface PlaceLookup {
  status: 'found' | 'ambiguous' | 'unknown_place';
  place: {
    /** The place as understood: a normalised postcode, sector or outcode, or 'lat, lon'. */
    query: string;
    /** The full postcode, when one was given. */
    postcode: string | null;
    kind: 'postcode' | 'sector' | 'outcode' | 'point';
    lat: number | null;
    lon: number | null;
    /** When the postcode was terminated (YYYYMM), if it was. */
    terminated: string | null;
    /** The postcode or boundary file the answer comes from. */
    source: string | null;
    /**
     * The country the place is in, where it is known: from the postcode directory's country code,
     * or else from a postcode area that lies wholly in one country (EH: Scotland, CF: Wales, BT:
     * Northern Ireland); null where neither says.
     */
    country: PostcodeCountry | null;
  };
  /**
   * The lowest-tier council areas (district / unitary / metropolitan district / London borough)
   * the place could be in: one when found, several when ambiguous, none when unknown.
   */
  localAreas: AreaRef[];
  /** Every area covering the place: the local areas, their counties, and clusters/localities containing them. */
  areas: AreaRef[];
  /** Plain-English why, e.g. 'EX1 1AE is in Exeter (E07000041), in Devon, according to OS Code-Point Open (…).' */
  reason: string;
}

export interface GeographyService {
  /**
   * A full postcode, a sector ('EX1 1') or an outcode ('EX1'). Throws a 400 problem for input
   * that is not a postcode.
   */
  lookupPostcode(input: string): Promise<PlaceLookup>;
  /** A WGS84 point. Throws a 400 problem for coordinates that are not finite or out of range. */
  lookupPoint(lat: number, lon: number): Promise<PlaceLookup>;
  /** Read the areas and boundaries again (after councils, clusters or boundaries are imported). */
  reload(): Promise<void>;
}

export type Place = PlaceLookup['place'];
