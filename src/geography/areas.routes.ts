/** `GET /api/v1/areas`: the areas covering a postcode or a point. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, notFound } from '../platform/errors.ts';
import { AreasAnswerSchema, AreasQuerySchema } from './geography.schemas.ts';

export const geographyRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { geography } = app.services;

  app.get(
    '/areas',
    {
      schema: {
        tags: ['geography'],
        summary: 'The areas covering a postcode or point',
        description:
          'Give a postcode (full, sector or outcode) or both lat and lon. Answers the council areas the place ' +
          'may be in and every area covering them (counties, clusters). A place that could be in more than one ' +
          'council is answered with status "ambiguous" and all of them. An unknown place is a 404 problem ' +
          'document with status "unknown_place".',
        querystring: AreasQuerySchema,
        response: { 200: AreasAnswerSchema },
      },
    },
    async (request) => {
      const { postcode, lat, lon } = request.query;
      if (postcode !== undefined && (lat !== undefined || lon !== undefined)) {
        throw badRequest('Give a postcode or a point (lat and lon), not both.');
      }
      let place;
      if (postcode !== undefined) place = await geography.lookupPostcode(postcode);
      else if (lat !== undefined && lon !== undefined) place = await geography.lookupPoint(lat, lon);
      else throw badRequest('Give a postcode, or both lat and lon.');
      if (place.status === 'unknown_place') throw notFound(place.reason, { ...place });
      return { ...place, status: place.status };
    },
  );
};
