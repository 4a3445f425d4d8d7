/**
 * The sovereignty register's page (`/partnerships/:slug/sovereignty`, optionally `?date=`): each
 * shared service with each council's decisions kept and delegated, beside how it is delivered.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PartnershipSlug } from './proposal.schemas.ts';
import { sovereigntyRegister } from './sovereignty.ts';

export const sovereigntyPages: FastifyPluginAsyncTypebox = async (app) => {
  const { register } = app.services;
  app.get(
    '/partnerships/:slug/sovereignty',
    {
      schema: {
        hide: true,
        params: Type.Object({ slug: PartnershipSlug }),
        querystring: Type.Object(
          { date: Type.Optional(Type.String({ format: 'date', maxLength: 10 })) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const sovereignty = await sovereigntyRegister(register, request.params.slug, request.query.date);
      return reply.page('sovereignty.njk', { sovereignty });
    },
  );
};
