/** The register's JSON API under /api/v1: partnerships, organisations, services, arrangements, routing. */
import { MAX_ID, MAX_INT } from '../platform/index.ts';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { badRequest } from '../platform/index.ts';
import { actorFor } from './actor.ts';
import { matrixCsv } from './matrix.csv.ts';
import {
  ArrangementInputSchema,
  ArrangementSchema,
  OrganisationSummarySchema,
  PartnershipSummarySchema,
  ResponsibleAnswerSchema,
  ResponsibleProblemSchema,
  ResponsibleQuerySchema,
  ServiceSchema,
} from './register.schemas.ts';

const DateQuery = Type.Object({ date: Type.Optional(Type.String({ format: 'date' })) });

export const registerApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { register, responsible } = app.services;

  app.get(
    '/responsible',
    {
      schema: {
        tags: ['routing'],
        summary: 'Who is responsible for a service at a place',
        description:
          'Works out which council is responsible for an LGSL service at a postcode or point on a date, who ' +
          'delivers it under the arrangement in force, and which rule decided. A place that could belong to more ' +
          'than one council is answered with status "ambiguous" and every candidate, never a guess. An unknown ' +
          'place or service is a 404 problem document whose `code` is "unknown_place" or "unknown_service" ' +
          '(its `status` is the HTTP status, 404).',
        querystring: ResponsibleQuerySchema,
        response: { 200: ResponsibleAnswerSchema, 404: ResponsibleProblemSchema },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.postcode === undefined && (q.lat === undefined || q.lon === undefined)) {
        throw badRequest('Give a postcode, or both lat and lon.');
      }
      return responsible.find({
        service: q.service,
        ...(q.postcode !== undefined ? { postcode: q.postcode } : { lat: q.lat!, lon: q.lon! }),
        ...(q.date ? { date: q.date } : {}),
        ...(q.choose !== undefined ? { choose: q.choose } : {}),
      });
    },
  );

  app.get(
    '/partnerships',
    {
      schema: {
        tags: ['register'],
        summary: 'The partnerships',
        response: { 200: Type.Array(PartnershipSummarySchema) },
      },
    },
    async () => register.listPartnerships(),
  );

  app.get(
    '/partnerships/:slug',
    {
      schema: {
        tags: ['register'],
        summary: 'A partnership, its members and areas',
        params: Type.Object({ slug: Type.String() }),
      },
    },
    async (request) => register.partnership(request.params.slug),
  );

  const MatrixQuery = Type.Object({
    date: Type.Optional(Type.String({ format: 'date' })),
    service: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: MAX_INT }))),
    member: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: MAX_ID }))),
    mode: Type.Optional(Type.String()),
    q: Type.Optional(Type.String({ maxLength: 100 })),
  });

  app.get(
    '/partnerships/:slug/matrix',
    {
      schema: {
        tags: ['register'],
        summary: 'Services × members: how each member delivers each service on a date',
        description:
          'The register is public: every cell is the arrangement in force, or null when nothing is recorded ' +
          '(the member delivers the service itself). Internal notes are null unless you are one of the ' +
          'organisation’s people.',
        params: Type.Object({ slug: Type.String() }),
        querystring: MatrixQuery,
      },
    },
    async (request) => {
      const q = request.query;
      const matrix = await register.matrix(await actorFor(request), request.params.slug, {
        ...(q.date ? { date: q.date } : {}),
        ...(q.service ? { lgslCodes: q.service } : {}),
        ...(q.member ? { memberOrgIds: q.member } : {}),
        ...(q.mode ? { mode: q.mode } : {}),
        ...(q.q ? { query: q.q } : {}),
      });
      return {
        partnership: { slug: matrix.partnership.slug, name: matrix.partnership.name },
        date: matrix.date,
        members: matrix.members,
        services: matrix.services,
        cells: matrix.cells.map((row) => row.map((c) => c.arrangement)),
      };
    },
  );

  app.get(
    '/partnerships/:slug/matrix.csv',
    {
      schema: {
        tags: ['register'],
        summary: 'The services × members matrix as CSV',
        params: Type.Object({ slug: Type.String() }),
        querystring: MatrixQuery,
      },
    },
    async (request, reply) => {
      const q = request.query;
      const matrix = await register.matrix(await actorFor(request), request.params.slug, {
        ...(q.date ? { date: q.date } : {}),
        ...(q.service ? { lgslCodes: q.service } : {}),
        ...(q.member ? { memberOrgIds: q.member } : {}),
        ...(q.mode ? { mode: q.mode } : {}),
        ...(q.q ? { query: q.q } : {}),
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${matrix.partnership.slug}-${matrix.date}.csv"`)
        .send(matrixCsv(matrix));
    },
  );

  app.get(
    '/organisations/:key',
    {
      schema: {
        tags: ['register'],
        summary: 'An organisation by GSS code, GOV.UK slug or id',
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
      },
    },
    async (request) => register.organisation(request.params.key),
  );

  app.get(
    '/organisations/:key/arrangements',
    {
      schema: {
        tags: ['register'],
        summary: 'Arrangements in force for an organisation on a date',
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        querystring: DateQuery,
        response: { 200: Type.Array(ArrangementSchema) },
      },
    },
    async (request) => {
      const org = await register.organisation(request.params.key);
      return register.organisationArrangements(await actorFor(request), org.orgId, request.query.date);
    },
  );

  app.post(
    '/organisations/:key/arrangements',
    {
      schema: {
        tags: ['register'],
        summary: 'Record how a service is delivered from a date (a new row; history is kept)',
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        body: ArrangementInputSchema,
        response: { 201: ArrangementSchema },
      },
    },
    async (request, reply) => {
      const org = await register.organisation(request.params.key);
      const actor = await actorFor(request, { requireSignIn: true });
      const saved = await register.recordArrangement(actor, { ...request.body, orgId: org.orgId });
      return reply
        .code(201)
        .header('location', `/api/v1/organisations/${org.orgId}/services/${saved.lgslCode}/history`)
        .send(saved);
    },
  );

  app.get(
    '/organisations/:key/services/:lgsl/history',
    {
      schema: {
        tags: ['register'],
        summary: "Every arrangement recorded for an organisation's service, oldest first",
        params: Type.Object({
          key: Type.String({ maxLength: 100 }),
          lgsl: Type.Integer({ minimum: 1, maximum: MAX_INT }),
        }),
        response: { 200: Type.Array(ArrangementSchema) },
      },
    },
    async (request) => {
      const org = await register.organisation(request.params.key);
      return register.arrangementHistory(await actorFor(request), org.orgId, request.params.lgsl);
    },
  );

  app.get(
    '/services',
    {
      schema: {
        tags: ['register'],
        summary: 'The LGSL service catalogue',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: Type.Array(ServiceSchema) },
      },
    },
    async (request) => register.services(request.query.q ? { query: request.query.q } : {}),
  );

  app.get(
    '/services/:lgsl',
    {
      schema: {
        tags: ['register'],
        summary: 'One service and who delivers it, with every organisation’s history',
        params: Type.Object({ lgsl: Type.Integer({ minimum: 1, maximum: MAX_INT }) }),
      },
    },
    async (request) => {
      const service = await register.service(request.params.lgsl);
      const history = await register.serviceHistory(await actorFor(request), service.lgslCode);
      return { service, history };
    },
  );

  app.get(
    '/organisations',
    {
      schema: {
        tags: ['register'],
        summary: 'Organisations by id',
        querystring: Type.Object({
          id: Type.Array(Type.Integer({ minimum: 1, maximum: MAX_ID }), { maxItems: 200 }),
        }),
        response: { 200: Type.Array(OrganisationSummarySchema) },
      },
    },
    async (request) => [...(await register.organisationSummaries(request.query.id)).values()],
  );
};
