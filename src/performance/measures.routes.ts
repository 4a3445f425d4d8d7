/**
 * The measures API under /api/v1: a council's measures for a period and one measure's series, for
 * everyone (councils publish their performance), and for a council's officer or its partnership's
 * administrator, setting a target, entering a value and importing a CSV file of values. Who may is
 * the measures service's to decide; here requests are validated and answers shaped.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemError } from '../platform/index.ts';
import { measuresActorFor } from './measures-actor.ts';
import {
  ImportSchema,
  MeasureIdParam,
  MeasureJson,
  MeasureSeriesSchema,
  MeasuresReportSchema,
  NewTargetSchema,
  NewValueSchema,
  OrgQuery,
  PeriodQuery,
  lineJson,
  seriesJson,
} from './measures.schemas.ts';

const signedIn = (principal: unknown) => {
  if (!principal)
    throw new ProblemError(401, 'Unauthorized', 'Sign in, or send an API token, to change measures.');
};

export const measuresApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { measures } = app.services;

  app.get(
    '/measures',
    {
      schema: {
        tags: ['performance'],
        summary: "A council's measures for a period",
        description:
          'Every measure with its definition, value, target, red/amber/green status and the previous period’s ' +
          'value. Shares are percentages with one decimal place. An unknown council is a 404; a malformed period a 400. ' +
          '`service` (an LGSL code) and `area` (a district GSS code) narrow the measures from cases; a narrowed ' +
          'report has no targets.',
        querystring: Type.Object(
          {
            org: OrgQuery,
            period: PeriodQuery,
            service: Type.Optional(Type.Integer({ minimum: 1, maximum: 99_999 })),
            area: Type.Optional(Type.String({ minLength: 1, maxLength: 9 })),
          },
          { additionalProperties: true },
        ),
        response: { 200: MeasuresReportSchema },
      },
    },
    async (request) => {
      const { org, period, service, area } = request.query;
      const report = await measures.report(org, period, {
        ...(service === undefined ? {} : { lgslCode: service }),
        ...(area === undefined ? {} : { areaCode: area }),
      });
      return {
        org: { gss: report.council.gss, name: report.council.name },
        period: report.period.id,
        service: report.lgslCode,
        area: report.areaCode,
        measures: report.measures.map(lineJson),
      };
    },
  );

  app.get(
    '/measures/:id/values',
    {
      schema: {
        tags: ['performance'],
        summary: "One measure's series for a council",
        description:
          'The quarters (or, with kind=year, the years) from the year of `from` to the year of `to`: by default ' +
          'from the council’s first summarised year to this one; at most 40 periods.',
        params: Type.Object({ id: MeasureIdParam }),
        querystring: Type.Object(
          {
            org: OrgQuery,
            from: Type.Optional(PeriodQuery),
            to: Type.Optional(PeriodQuery),
            kind: Type.Optional(Type.Union([Type.Literal('quarter'), Type.Literal('year')])),
          },
          { additionalProperties: true },
        ),
        response: { 200: MeasureSeriesSchema },
      },
    },
    async (request) => {
      const { org, from, to, kind } = request.query;
      return seriesJson(
        await measures.series(request.params.id, org, {
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(kind === undefined ? {} : { kind }),
        }),
      );
    },
  );

  app.post(
    '/measures/:id/targets',
    {
      schema: {
        tags: ['performance'],
        summary: "Set a council's target for a measure and period",
        description:
          'For the council’s own officer (every service) or its partnership’s administrator (403 for anyone else, ' +
          'nothing written). In the measure’s unit as shown (85 for 85%); the tolerance is how far worse is still amber.',
        params: Type.Object({ id: MeasureIdParam }),
        body: NewTargetSchema,
        response: { 200: MeasureJson },
      },
    },
    async (request) => {
      signedIn(request.principal);
      return lineJson(
        await measures.setTarget(measuresActorFor(request.principal), {
          measureId: request.params.id,
          ...request.body,
        }),
      );
    },
  );

  app.post(
    '/measures/:id/values',
    {
      schema: {
        tags: ['performance'],
        summary: 'Enter a value of a measure officers enter',
        description:
          'A new value each time; the latest counts. Measures from cases or finance cannot be entered.',
        params: Type.Object({ id: MeasureIdParam }),
        body: NewValueSchema,
        response: { 201: MeasureJson },
      },
    },
    async (request, reply) => {
      signedIn(request.principal);
      const line = await measures.enterValue(measuresActorFor(request.principal), {
        measureId: request.params.id,
        ...request.body,
      });
      return reply.code(201).send(lineJson(line));
    },
  );

  app.post(
    '/measures/imports',
    {
      schema: {
        tags: ['performance'],
        summary: 'Import values from a CSV file',
        description:
          'Columns measure, org (GSS), period, value. Every line is checked; any problem (named by its line) ' +
          'and nothing is imported. Each value keeps the file name, its SHA-256 and its line.',
        body: ImportSchema,
        response: { 201: Type.Object({ values: Type.Integer(), file_sha256: Type.String() }) },
      },
    },
    async (request, reply) => {
      signedIn(request.principal);
      const result = await measures.importValues(measuresActorFor(request.principal), {
        fileName: request.body.file_name,
        content: request.body.csv,
      });
      return reply.code(201).send({ values: result.values, file_sha256: result.fileSha256 });
    },
  );
};
