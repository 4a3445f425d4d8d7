/** TypeBox schemas for the front door's JSON API. */
import { MAX_ID } from '../../platform/index.ts';
import { Type } from 'typebox';
import { REFERENCE_EXAMPLE, REFERENCE_PATTERN } from './case-reference.ts';

const Text = (max: number, description: string) => Type.String({ maxLength: max, description });

export const IntakeBodySchema = Type.Object(
  {
    service: Type.Integer({
      minimum: 1,
      maximum: 2147483647,
      description: 'LGSL service code',
      examples: [524],
    }),
    postcode: Type.Optional(
      Type.String({ minLength: 2, maxLength: 10, description: 'A full or partial postcode' }),
    ),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    address: Type.Optional(Text(500, 'The address or a description of the place')),
    choose: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_ID,
        description:
          'Where the place could be more than one council’s: the organisation id (from `candidates`) chosen',
      }),
    ),
    description: Text(4000, 'What the person wants to report or request'),
    name: Type.Optional(Text(200, 'The name of the person')),
    email: Type.Optional(Text(254, 'Where to send updates')),
    phone: Type.Optional(Text(40, 'Where to send text message updates, if no email is given')),
    channel: Type.Optional(
      Type.Union([Type.Literal('web'), Type.Literal('app'), Type.Literal('kiosk')], {
        description: 'How the request was made (default web)',
      }),
    ),
  },
  { additionalProperties: false },
);

const Brand = Type.Object({
  orgId: Type.Integer(),
  name: Type.String(),
  jurisdiction: Type.Union([Type.String(), Type.Null()]),
  brandColour: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
});

export const CaseSummarySchema = Type.Object({
  reference: Type.String({
    pattern: REFERENCE_PATTERN,
    description: 'The case reference: the issuing organisation’s prefix, the year, the number',
    examples: [REFERENCE_EXAMPLE],
  }),
  status: Type.String(),
  statusLabel: Type.String(),
  service: Type.Object({ lgslCode: Type.Integer(), label: Type.String() }),
  responsible: Brand,
  provider: Brand,
  openedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const IntakeAnswerSchema = Type.Union([
  Type.Object({ outcome: Type.Literal('opened'), case: CaseSummarySchema }),
  Type.Object({
    outcome: Type.Literal('ambiguous'),
    reason: Type.String(),
    candidates: Type.Array(
      Type.Object({
        gss: Type.Union([Type.String(), Type.Null()]),
        name: Type.String(),
        orgId: Type.Integer(),
        jurisdiction: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  }),
]);

export const CaseTrackingSchema = Type.Object({
  ...CaseSummarySchema.properties,
  holders: Type.Array(Brand),
  events: Type.Array(
    Type.Object({
      occurredAt: Type.String({ format: 'date-time' }),
      kind: Type.String(),
      status: Type.Union([Type.String(), Type.Null()]),
      body: Type.String(),
    }),
  ),
});
