/**
 * A minimal web application for testing the page framework on its own: helmet with the same
 * Content-Security-Policy as the real server, the error handling and views plugins, and a few
 * routes that render a form in a council's brand, fail in the ways real routes fail, and call
 * the API the way clients do.
 */
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { errorHandling } from '../../src/platform/error-handling.ts';
import { forbidden, notFound } from '../../src/platform/errors.ts';
import type { Brand } from '../../src/platform/views/brand.ts';
import { views } from '../../src/platform/views/views.plugin.ts';

export const SAMPLE_BRAND: Brand = { name: 'Teignbridge District Council', colour: '#ffdd00', logoUrl: null };

const fixtureViews = fileURLToPath(new URL('../fixtures/views/', import.meta.url));

export async function buildPageTestApp(): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    ajv: { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: false } },
  });
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(errorHandling);
  await app.register(views, { templatePaths: [fixtureViews] });

  app.addHook('onRequest', async (request) => {
    if (request.headers['x-test-user']) {
      (request as unknown as { principal: unknown }).principal = {
        displayName: request.headers['x-test-user'],
      };
    }
  });
  app.decorateReply('generateCsrf', function generateCsrf() {
    return 'csrf-token-for-tests';
  });

  app.get<{ Querystring: { heading?: string } }>('/partnerships/sample', async (request, reply) =>
    reply.page('sample-form.njk', {
      title: 'Sample partnership',
      heading: request.query.heading ?? 'Add a partnership',
      brand: SAMPLE_BRAND,
      errors: {},
      values: {},
    }),
  );
  app.post<{ Body: Record<string, unknown> }>('/partnerships/sample', async (request, reply) => {
    const values = request.body ?? {};
    const errors: Record<string, string> = {};
    if (typeof values.name !== 'string' || values.name.trim() === '')
      errors.name = 'Enter the partnership name';
    if (values.tier !== 'county' && values.tier !== 'district') errors.tier = 'Select which tier provides it';
    reply.code(Object.keys(errors).length > 0 ? 400 : 200);
    return reply.page('sample-form.njk', {
      title: 'Sample partnership',
      heading: 'Add a partnership',
      brand: SAMPLE_BRAND,
      errors,
      values,
    });
  });
  app.get('/unbranded', async (_request, reply) =>
    reply.page('sample-form.njk', { heading: 'No brand here' }),
  );
  app.get('/forbidden', async () => {
    throw forbidden();
  });
  app.get('/broken', async () => {
    throw new Error('database password is hunter2');
  });
  app.get('/limited', { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async (_request, reply) =>
    reply.page('sample-form.njk', { heading: 'Limited' }),
  );
  app.get('/api/v1/limited', { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async () => ({
    ok: true,
  }));
  app.get('/api/v1/broken', async () => {
    throw new Error('database password is hunter2');
  });
  app.get('/api/v1/things/:id', async (request) => {
    throw notFound(`Thing ${(request.params as { id: string }).id} not found`);
  });
  app.post(
    '/api/v1/things',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'tier'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 }, tier: { enum: ['county', 'district'] } },
        },
      },
    },
    async (request) => request.body,
  );
  app.get(
    '/open311/v2/requests.json',
    { schema: { querystring: { type: 'object', required: ['jurisdiction_id'] } } },
    async () => [],
  );
  return app;
}
