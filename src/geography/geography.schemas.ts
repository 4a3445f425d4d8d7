/** TypeBox schemas for the geography API: places and the areas covering them. */
import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const PlaceSchema = Type.Object({
  query: Type.String({
    description: 'The place as understood: a normalised postcode, sector or outcode, or "lat, lon"',
    examples: ['EX1 1AE'],
  }),
  postcode: Nullable(Type.String({ description: 'The full postcode, when one was given' })),
  kind: Type.Union([
    Type.Literal('postcode'),
    Type.Literal('sector'),
    Type.Literal('outcode'),
    Type.Literal('point'),
  ]),
  lat: Nullable(Type.Number({ description: 'Latitude (WGS84) of the postcode or point' })),
  lon: Nullable(Type.Number({ description: 'Longitude (WGS84) of the postcode or point' })),
  terminated: Nullable(
    Type.String({ description: 'The month (YYYYMM) the postcode was terminated, if it was' }),
  ),
  source: Nullable(Type.String({ description: 'The postcode or boundary file the answer comes from' })),
  country: Nullable(
    Type.String({
      description:
        "The country the place is in, where known: from the postcode directory's country code, or a postcode area wholly in one country",
      examples: ['Scotland'],
    }),
  ),
});

export const AreaKindSchema = Type.Union([
  Type.Literal('country'),
  Type.Literal('region'),
  Type.Literal('county'),
  Type.Literal('district'),
  Type.Literal('unitary'),
  Type.Literal('metropolitan_district'),
  Type.Literal('london_borough'),
  Type.Literal('parish'),
  Type.Literal('ward'),
  Type.Literal('cluster'),
  Type.Literal('locality'),
  Type.Literal('market_town'),
]);

export const AreaSchema = Type.Object({
  code: Type.String({
    description: 'The GSS code of a council area; the partnership’s own code for a cluster or locality',
    examples: ['E07000041'],
  }),
  name: Type.String({ examples: ['Exeter'] }),
  kind: AreaKindSchema,
  parentCode: Nullable(
    Type.String({ description: 'The county of a two-tier district', examples: ['E10000008'] }),
  ),
});

export const AreasQuerySchema = Type.Object(
  {
    postcode: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16,
        description: 'A full postcode (EX1 1AE), a sector (EX1 1) or an outcode (EX1)',
        examples: ['EX1 1AE'],
      }),
    ),
    lat: Type.Optional(
      Type.Number({
        minimum: -90,
        maximum: 90,
        description: 'Latitude (WGS84), with lon',
        examples: [50.7228],
      }),
    ),
    lon: Type.Optional(
      Type.Number({
        minimum: -180,
        maximum: 180,
        description: 'Longitude (WGS84), with lat',
        examples: [-3.532],
      }),
    ),
  },
  { additionalProperties: false },
);
export type AreasQuery = Static<typeof AreasQuerySchema>;

export const PostcodeParamsSchema = Type.Object({
  postcode: Type.String({
    minLength: 1,
    maxLength: 16,
    description: 'A full postcode',
    examples: ['EX1 1AE'],
  }),
});

const lookupMembers = {
  place: PlaceSchema,
  localAreas: Type.Array(AreaSchema, {
    description:
      'The lowest-tier council areas (district, unitary, metropolitan district, London borough) the place may be ' +
      'in: one when found, several when ambiguous',
  }),
  areas: Type.Array(AreaSchema, {
    description:
      'Every area covering the place: the local areas, then their counties, clusters and localities',
  }),
  reason: Type.String({ description: 'Why, in plain English, to explain the answer to a resident' }),
};

export const AreasAnswerSchema = Type.Object({
  status: Type.Union([Type.Literal('found'), Type.Literal('ambiguous')], {
    description: '"ambiguous" when the place could be in more than one council: every one of them is listed',
  }),
  ...lookupMembers,
});

const problemMembers = {
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer({ description: 'The HTTP status code' }),
  detail: Type.String(),
  instance: Type.Optional(Type.String()),
};

export const ProblemSchema = Type.Object(problemMembers, {
  description: 'An RFC 9457 problem document (application/problem+json)',
  additionalProperties: true,
});

export const UnknownPlaceProblemSchema = Type.Object(
  {
    ...problemMembers,
    code: Type.Literal('unknown_place', {
      description: 'What the problem is: a place in no council area we hold',
    }),
    ...lookupMembers,
  },
  {
    description:
      'An RFC 9457 problem document (application/problem+json) for a place in no council area we hold: ' +
      '`status` is 404, `code` is "unknown_place", `detail` and `reason` say why, `localAreas` and `areas` ' +
      'are empty',
    additionalProperties: true,
  },
);
