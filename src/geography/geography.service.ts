/**
 * Place → areas (DESIGN.md, "Who is responsible?", step 1). A postcode gives the council its
 * directory record names; part of a postcode (a sector or outcode) gives every council its
 * postcodes fall in; a point gives the council areas whose boundaries contain it, or pass close
 * enough to it that the generalised boundaries we hold cannot tell them apart. When more than one
 * council could be right, the answer says so and lists them all: it never guesses.
 *
 * The service is built from parts a reader takes in one at a time: what it keeps in memory
 * (`place-indexes.ts`), the areas covering a place (`place-areas.ts`), postcodes
 * (`postcode-lookup.ts`), points (`point-lookup.ts`), and the words of the answers
 * (`place-text.ts`); the types are in `place.types.ts`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { createPlaceAreas } from './place-areas.ts';
import { createPlaceIndexes } from './place-indexes.ts';
import { createPointLookup } from './point-lookup.ts';
import { createPostcodeLookup } from './postcode-lookup.ts';
import type { GeographyService } from './place.types.ts';

export type { AreaRef, GeographyService, PlaceLookup } from './place.types.ts';
export { LOCAL_COUNCIL_KINDS } from './place-indexes.ts';
export { describePostcodeSource, monthText, toleranceFor } from './place-text.ts';

export async function createGeographyService(db: Kysely<DB>): Promise<GeographyService> {
  const indexes = createPlaceIndexes(db);
  const places = createPlaceAreas(db, indexes);
  return {
    lookupPostcode: createPostcodeLookup(db, places),
    lookupPoint: createPointLookup(indexes, places),
    async reload() {
      indexes.reset();
      await Promise.all([indexes.councilIndex(), indexes.drawnIndex()]);
    },
  };
}
