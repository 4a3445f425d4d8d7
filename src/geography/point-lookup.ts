/**
 * A WGS84 point → the areas it is in: the council areas whose boundaries contain it, or pass close
 * enough to it that the generalised boundaries we hold cannot tell them apart (then the answer is
 * ambiguous and lists them all), and the areas drawn as boundaries that contain it.
 */
import { badRequest } from '../platform/index.ts';
import type { AreaHit } from './spatial-index.ts';
import type { IndexedCouncil, PlaceIndexes } from './place-indexes.ts';
import type { PlaceAreas } from './place-areas.ts';
import { inCounty, list, named, unknown, withinText } from './place-text.ts';
import type { Place, PlaceLookup } from './place.types.ts';

export function createPointLookup(
  indexes: PlaceIndexes,
  places: PlaceAreas,
): (lat: number, lon: number) => Promise<PlaceLookup> {
  const { areasFor, areasWithin } = places;
  const spatialIndex = indexes.councilIndex;

  async function lookupPoint(lat: number, lon: number): Promise<PlaceLookup> {
    if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
      throw badRequest('lat must be a number from -90 to 90.');
    }
    if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
      throw badRequest('lon must be a number from -180 to 180.');
    }
    const spatial = await spatialIndex();
    const { containing, near } = spatial.query(lon, lat);
    const hits = [...containing, ...near];
    const place: Place = {
      query: `${Number(lat.toFixed(6))}, ${Number(lon.toFixed(6))}`,
      postcode: null,
      kind: 'point',
      lat,
      lon,
      terminated: null,
      source: [...new Set(hits.map((h) => h.data.source))].join(', ') || null,
      country: null,
    };
    if (hits.length === 0) {
      return unknown(
        place,
        spatial.size === 0
          ? 'No council boundaries have been imported, so a point cannot be placed: give a postcode.'
          : `The point ${place.query} is not in or near any council area we hold a boundary for.`,
      );
    }
    const { localAreas, areas } = await areasFor(hits.map((h) => h.key));
    const within = await areasWithin([], [], { lat, lon });
    const away = (h: AreaHit<IndexedCouncil>) =>
      `${Math.round(h.distanceMetres)} m from the boundary of ${h.data.area.name}, which is drawn to within ` +
      `${h.toleranceMetres} m`;

    if (hits.length === 1) {
      const [hit] = hits as [AreaHit<IndexedCouncil>];
      const local = localAreas[0] ?? hit.data.area;
      const where = `${named(local)}${inCounty(local, areas)}`;
      const how =
        containing.length === 1
          ? `It is inside the boundary of ${local.name} (${hit.data.source})`
          : `It is ${away(hit)} (${hit.data.source}), so it is taken to be in ${local.name}`;
      return {
        status: 'found',
        place,
        localAreas,
        areas: [...areas, ...within],
        reason:
          `The point ${place.query} is in ${where}. ${how}, and no other council's boundary is close enough ` +
          `to doubt it.${withinText(within)}`,
      };
    }
    const inside =
      containing.length === 0
        ? 'It is inside no council boundary we hold'
        : `It is inside the boundary of ${list(containing.map((h) => h.data.area.name))}`;
    const close = near.length === 0 ? '' : `, and ${list(near.map(away))}`;
    return {
      status: 'ambiguous',
      place,
      localAreas,
      areas: [...areas, ...within],
      reason:
        `The point ${place.query} could be in ${list(localAreas.map(named), 'or')}. ${inside}${close}. ` +
        'Ask for the address or postcode.',
    };
  }

  return lookupPoint;
}
