/** TypeBox schemas for the register API: they validate requests and document the OpenAPI spec. */
import { MAX_ID } from '../platform/index.ts';
import { Type, type Static } from 'typebox';
import { DELIVERY_LEVELS, DELIVERY_MODES } from './register.types.ts';
import { PlaceSchema } from '../geography/index.ts';

const IsoDate = Type.String({
  format: 'date',
  description: 'A calendar date, YYYY-MM-DD',
  examples: ['2026-04-01'],
});
const Lgsl = Type.Integer({ minimum: 1, maximum: 99999, description: 'LGSL service code', examples: [524] });

export const OrganisationSummarySchema = Type.Object({
  orgId: Type.Integer(),
  name: Type.String(),
  shortName: Type.String(),
  kind: Type.String(),
  gss: Type.Union([Type.String(), Type.Null()]),
  jurisdiction: Type.Union([Type.String(), Type.Null()]),
  brandColour: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
});

export const ArrangementSchema = Type.Object({
  arrangementId: Type.Integer(),
  orgId: Type.Integer(),
  lgslCode: Type.Integer(),
  validFrom: Type.String(),
  validTo: Type.Union([Type.String(), Type.Null()]),
  mode: Type.String(),
  level: Type.String(),
  provider: OrganisationSummarySchema,
  leadCommissioner: Type.Union([OrganisationSummarySchema, Type.Null()]),
  partnershipId: Type.Union([Type.Integer(), Type.Null()]),
  areaCode: Type.Union([Type.String(), Type.Null()]),
  reservedDecisions: Type.Array(Type.String()),
  delegatedDecisions: Type.Array(Type.String()),
  notes: Type.Union([Type.String(), Type.Null()], {
    description: 'null when the notes are internal and you are not one of the organisation’s people',
  }),
  notesInternal: Type.Boolean({
    description: 'Internal notes are for the organisation’s people; the rest of the arrangement is public',
  }),
  source: Type.String(),
  recordedAt: Type.String(),
  recordedBy: Type.Union([Type.Integer(), Type.Null()]),
});

export const ServiceSchema = Type.Object({
  lgslCode: Type.Integer(),
  label: Type.String(),
  status: Type.String(),
  description: Type.String(),
  providingTier: Type.Union([
    Type.Literal('county'),
    Type.Literal('district'),
    Type.Literal('all'),
    Type.Null(),
  ]),
  kind: Type.String(),
});

export const PartnershipSummarySchema = Type.Object({
  partnershipId: Type.Integer(),
  slug: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  memberCount: Type.Integer(),
});

export const ArrangementInputSchema = Type.Object(
  {
    lgslCode: Lgsl,
    validFrom: IsoDate,
    validTo: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    mode: Type.Union(Object.keys(DELIVERY_MODES).map((m) => Type.Literal(m))),
    level: Type.Union(Object.keys(DELIVERY_LEVELS).map((l) => Type.Literal(l))),
    providerOrgId: Type.Integer({ minimum: 1, maximum: MAX_ID }),
    leadCommissionerOrgId: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: MAX_ID }), Type.Null()]),
    ),
    partnershipId: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: MAX_ID }), Type.Null()])),
    areaCode: Type.Optional(Type.Union([Type.String({ maxLength: 60 }), Type.Null()])),
    reservedDecisions: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 30 }),
    ),
    delegatedDecisions: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 30 }),
    ),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    notesInternal: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          'Keep the notes for the organisation’s people (the default); false publishes them with the register',
      }),
    ),
    expectedCurrentId: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: MAX_ID }), Type.Null()], {
        description:
          'The latest arrangement id you saw for this service; the change is refused if another was recorded since.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ArrangementInputBody = Static<typeof ArrangementInputSchema>;

export const ResponsibleQuerySchema = Type.Object(
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
    date: Type.Optional(IsoDate),
    choose: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_ID,
        description:
          'Where the place could be more than one council: the organisation id (from `candidates`) the person says it is',
      }),
    ),
  },
  { additionalProperties: false },
);

const CouncilRefSchema = Type.Object({
  gss: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  orgId: Type.Integer(),
  jurisdiction: Type.Union([Type.String(), Type.Null()]),
});

/** An unknown place or service: a 404 problem document that still carries the answer's members. */
export const ResponsibleProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ description: 'The HTTP status code: 404' }),
    code: Type.Union([Type.Literal('unknown_place'), Type.Literal('unknown_service')], {
      description: 'What could not be found: the place or the service',
    }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    reason: Type.String(),
  },
  {
    description:
      'An RFC 9457 problem document (application/problem+json) for a place or service we do not know, with ' +
      "the answer's other members (`service`, `place`, `responsible`, `provider`, `candidates`, `reasons`)",
    additionalProperties: true,
  },
);

export const ResponsibleAnswerSchema = Type.Object({
  status: Type.Union([
    Type.Literal('resolved'),
    Type.Literal('ambiguous'),
    Type.Literal('unknown_place'),
    Type.Literal('unknown_service'),
  ]),
  date: Type.String(),
  service: Type.Union([
    Type.Object({
      lgslCode: Type.Integer(),
      label: Type.String(),
      providingTier: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  place: Type.Union([PlaceSchema, Type.Null()]),
  responsible: Type.Union([CouncilRefSchema, Type.Null()]),
  provider: Type.Union([
    Type.Object({
      name: Type.String(),
      gss: Type.Union([Type.String(), Type.Null()]),
      orgId: Type.Integer(),
      arrangement: Type.String(),
      arrangementLabel: Type.String(),
      level: Type.Union([Type.String(), Type.Null()]),
      since: Type.Union([Type.String(), Type.Null()]),
      arrangementId: Type.Union([Type.Integer(), Type.Null()]),
      onBehalfOf: Type.String(),
      area: Type.Union(
        [Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String() }), Type.Null()],
        {
          description:
            'The area below the council whose own arrangement applied; null for the whole council area',
        },
      ),
    }),
    Type.Null(),
  ]),
  reason: Type.String(),
  reasons: Type.Array(Type.Object({ rule: Type.String(), text: Type.String() })),
  candidates: Type.Array(CouncilRefSchema),
  coverage: Type.Union([
    Type.Object(
      {
        covered: Type.Boolean({
          description:
            'Whether this service takes reports for the responsible council: true for members of the partnerships in the register',
        }),
        homepageUrl: Type.Union([Type.String(), Type.Null()], {
          description: "The responsible council's web site, where the register has one",
        }),
        text: Type.Union([Type.String(), Type.Null()], {
          description: 'When not covered: who is responsible and that this service does not cover it',
        }),
      },
      {
        description:
          'Whether this service covers the responsible council; null until one council is responsible',
      },
    ),
    Type.Null(),
  ]),
});
