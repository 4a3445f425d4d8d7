/**
 * The pages to define a partnership's area from postcode sectors, beside the partnership's page:
 * the form (`/partnerships/:slug/areas/new`), its post, and the area once defined
 * (`/partnerships/:slug/areas/:code`). The routes translate; who may, and every check on what
 * was typed, are the service's (`partnership-areas.ts`).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ValidationProblem, forbidden, requireCsrfToken } from '../platform/index.ts';
import { DEFINABLE_KINDS, MAX_SECTORS, kindText } from '../geography/index.ts';
import { actorFor } from './actor.ts';
import { AREA_NAME_LIMIT, mayDefineAreas } from './partnership-areas.ts';
import type { Partnership } from './register.types.ts';

interface AreaFormValues {
  name: string;
  kind: string;
  sectors: string;
}

/** One field of the form as sent: the first value when sent twice, whole however long. */
const field = (body: Record<string, unknown> | undefined, name: string): string => {
  const raw = body?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' ? value : '';
};

export const partnershipAreaPages: FastifyPluginAsync = async (app) => {
  const { register } = app.services;

  function showForm(
    reply: FastifyReply,
    partnership: Partnership,
    values: AreaFormValues,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    reply.header('cache-control', 'no-store');
    return reply.code(status).page('area-form.njk', {
      partnership,
      values,
      errors,
      limits: { name: AREA_NAME_LIMIT, sectors: MAX_SECTORS },
      kinds: DEFINABLE_KINDS.map((kind) => ({
        value: kind,
        text: kindText(kind)[0]!.toUpperCase() + kindText(kind).slice(1),
      })),
    });
  }

  app.get<{ Params: { slug: string } }>(
    '/partnerships/:slug/areas/new',
    async function newAreaForm(request, reply) {
      const partnership = await register.partnership(request.params.slug);
      const actor = await actorFor(request, { requireSignIn: true });
      // The form is only shown to those the service would let define an area; the post checks again.
      if (!mayDefineAreas(actor, partnership.partnershipId)) {
        throw forbidden(`Only the people who keep ${partnership.name}’s register can define its areas.`);
      }
      return showForm(reply, partnership, { name: '', kind: '', sectors: '' });
    },
  );

  app.post<{ Params: { slug: string }; Body: Record<string, unknown> }>(
    '/partnerships/:slug/areas',
    { preHandler: requireCsrfToken },
    async function defineArea(request, reply) {
      const partnership = await register.partnership(request.params.slug);
      const actor = await actorFor(request, { requireSignIn: true });
      const values: AreaFormValues = {
        name: field(request.body, 'name'),
        kind: field(request.body, 'kind'),
        sectors: field(request.body, 'sectors'),
      };
      try {
        const area = await register.defineAreaFromSectors(actor, partnership.slug, values);
        return reply.redirect(
          `/partnerships/${encodeURIComponent(partnership.slug)}/areas/${encodeURIComponent(area.code)}?defined=1`,
          303,
        );
      } catch (error) {
        if (error instanceof ValidationProblem)
          return showForm(reply, partnership, values, error.fields, 400);
        throw error;
      }
    },
  );

  app.get<{ Params: { slug: string; code: string }; Querystring: { defined?: string } }>(
    '/partnerships/:slug/areas/:code',
    async function partnershipAreaPage(request, reply) {
      const area = await register.partnershipArea(request.params.slug, request.params.code);
      return reply.page('area.njk', { area, defined: request.query.defined === '1' });
    },
  );
};
