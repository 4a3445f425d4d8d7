/**
 * The front door's JSON API: open a case (`POST /api/v1/cases`, honouring `Idempotency-Key`) and
 * follow one by its reference (`GET /api/v1/cases/{reference}`, no personal data).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemError } from '../../platform/index.ts';
import { checkIdempotencyKey } from '../../platform/index.ts';
import { RESIDENT, caseActorFor } from './case-actor.ts';
import { REFERENCE_EXAMPLE } from './case-reference.ts';
import { CaseTrackingSchema, IntakeAnswerSchema, IntakeBodySchema } from './cases.schemas.ts';

export const casesApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { cases, register } = app.services;

  app.post(
    '/cases',
    {
      schema: {
        tags: ['front door'],
        summary: 'Report or request a service: a case for whoever is responsible',
        description:
          'Works out who is responsible for the service at the place today and opens a case for them, handled ' +
          'by the provider under the arrangement in force. A place that could be more than one council’s opens ' +
          'nothing: the answer has `outcome: "ambiguous"` and the candidates; send the request again with ' +
          '`choose`, a full postcode or a point. Send an `Idempotency-Key` header: a repeat gets the first answer.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
        body: IntakeBodySchema,
        response: { 200: IntakeAnswerSchema, 201: IntakeAnswerSchema },
      },
    },
    async function openCaseFromApi(request, reply) {
      if (!/^application\/(.+\+)?json\b/.test(String(request.headers['content-type'] ?? ''))) {
        throw new ProblemError(415, 'Unsupported media type', 'Send the request as application/json.');
      }
      const key = checkIdempotencyKey(request.headers['idempotency-key']);
      const principal = request.principal;
      const actor = principal
        ? await caseActorFor(principal, (id) => register.partnershipMemberIds(id))
        : RESIDENT;
      const b = request.body;
      const result = await cases.intake(
        actor,
        {
          lgslCode: b.service,
          ...(b.postcode !== undefined ? { postcode: b.postcode } : {}),
          ...(b.lat !== undefined ? { lat: b.lat } : {}),
          ...(b.lon !== undefined ? { lon: b.lon } : {}),
          ...(b.address !== undefined ? { address: b.address } : {}),
          ...(b.choose !== undefined ? { chooseOrgId: b.choose } : {}),
          description: b.description,
          ...(b.name !== undefined ? { reporterName: b.name } : {}),
          ...(b.email !== undefined ? { reporterEmail: b.email } : {}),
          ...(b.phone !== undefined ? { reporterPhone: b.phone } : {}),
          channel: b.channel ?? 'web',
        },
        key === undefined
          ? undefined
          : { caller: principal ? `account:${principal.accountId}` : 'public', key },
      );
      if (result.outcome === 'ambiguous') {
        return reply
          .code(200)
          .send({ outcome: 'ambiguous', reason: result.reason, candidates: result.candidates });
      }
      return reply.code(201).header('location', `/api/v1/cases/${result.case.reference}`).send(result);
    },
  );

  app.get(
    '/cases/:reference',
    {
      schema: {
        tags: ['front door'],
        summary: 'Follow a case by its reference',
        description: 'Its status, who has it now, who has held it and its public history. No personal data.',
        params: Type.Object({
          reference: Type.String({
            maxLength: 30,
            description: `The reference, such as ${REFERENCE_EXAMPLE}, in capitals or not`,
          }),
        }),
        response: { 200: CaseTrackingSchema },
      },
    },
    async function trackCaseFromApi(request) {
      return cases.track(request.params.reference);
    },
  );
};
