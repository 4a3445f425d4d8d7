/**
 * The geography API under /api/v1: `GET /areas` for a postcode (full, sector or outcode) or a
 * point, and `GET /postcodes/:postcode` for one full postcode. Both answer the council areas the
 * place may be in, every area covering them, and why. An unknown place is a 404 problem document
 * that still carries the place and the reason.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, notFound } from '../platform/index.ts';
import type { PlaceLookup } from './geography.service.ts';
import { PostcodeFormatError, normalisePostcode } from './postcode.ts';
import {
  AreasAnswerSchema,
  AreasQuerySchema,
  PostcodeParamsSchema,
  ProblemSchema,
  UnknownPlaceProblemSchema,
  type AreasQuery,
} from './geography.schemas.ts';

const TAGS = ['geography'];

/** The answer for a place we could place; an unknown place is thrown as a 404 problem. */
function answered(lookup: PlaceLookup) {
  if (lookup.status === 'unknown_place') {
    const { status, ...rest } = lookup;
    throw notFound(lookup.reason, { ...rest, code: status });
  }
  return { ...lookup, status: lookup.status };
}

/** A postcode, or a point with both coordinates: never both, never half a point. */
function placeOf(query: AreasQuery): { postcode: string } | { lat: number; lon: number } {
  const { postcode, lat, lon } = query;
  if (postcode !== undefined) {
    if (lat !== undefined || lon !== undefined) {
      throw badRequest('Give a postcode or a point (lat and lon), not both.');
    }
    return { postcode };
  }
  if (lat !== undefined && lon !== undefined) return { lat, lon };
  if (lat !== undefined) throw badRequest('lon is missing: give both lat and lon, or a postcode.');
  if (lon !== undefined) throw badRequest('lat is missing: give both lat and lon, or a postcode.');
  throw badRequest('Give a postcode, or both lat and lon.');
}

export const geographyRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { geography } = app.services;

  app.get(
    '/areas',
    {
      schema: {
        tags: TAGS,
        summary: 'The council areas a postcode or point is in',
        description:
          'Give a postcode (full, a sector such as "EX1 1" or an outcode such as "EX1"), or both lat and lon ' +
          '(WGS84). The answer lists the lowest-tier council areas the place may be in (`localAreas`), every ' +
          'area covering them such as counties and clusters (`areas`), and why (`reason`). A place that could be ' +
          'in more than one council, such as an outcode that spans two councils or a point closer to a ' +
          'boundary than the boundaries we hold are accurate to, is answered with status "ambiguous" and every ' +
          'council it could be in: never a guess. A place in no council area we hold is a 404 problem document ' +
          'with the place and the reason.',
        querystring: AreasQuerySchema,
        response: { 200: AreasAnswerSchema, 400: ProblemSchema, 404: UnknownPlaceProblemSchema },
      },
    },
    async (request) => {
      const place = placeOf(request.query);
      return answered(
        'postcode' in place
          ? await geography.lookupPostcode(place.postcode)
          : await geography.lookupPoint(place.lat, place.lon),
      );
    },
  );

  app.get(
    '/postcodes/:postcode',
    {
      schema: {
        tags: TAGS,
        summary: 'The council areas a full postcode is in',
        description:
          'One full postcode, written with or without its space (`EX1 1AE`, `EX11AE`, `ex1%201ae`). The answer ' +
          'has the same shape as `GET /api/v1/areas?postcode=…`, including when the postcode was terminated. ' +
          'A postcode not in the directory is a 404 problem document.',
        params: PostcodeParamsSchema,
        response: { 200: AreasAnswerSchema, 400: ProblemSchema, 404: UnknownPlaceProblemSchema },
      },
    },
    async (request) => {
      let postcode: string;
      try {
        postcode = normalisePostcode(request.params.postcode);
      } catch (error) {
        if (error instanceof PostcodeFormatError) throw badRequest(error.message);
        throw error;
      }
      return answered(await geography.lookupPostcode(postcode));
    },
  );
};
