/** TypeBox schemas for the geography API: places and the areas covering them. */
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const PlaceSchema = Type.Object({
  query: Type.String({
    description: 'The place as understood: a normalised postcode, sector, outcode or point',
  }),
  postcode: Nullable(Type.String()),
  kind: Type.Union([
    Type.Literal('postcode'),
    Type.Literal('sector'),
    Type.Literal('outcode'),
    Type.Literal('point'),
  ]),
  lat: Nullable(Type.Number()),
  lon: Nullable(Type.Number()),
  terminated: Nullable(Type.String({ description: 'YYYYMM the postcode was terminated, if it was' })),
  source: Nullable(Type.String({ description: 'The postcode file the answer comes from' })),
});

export const AreaSchema = Type.Object({
  code: Type.String({ description: 'GSS code for council areas; a partnership code for clusters' }),
  name: Type.String(),
  kind: Type.String(),
  parentCode: Nullable(Type.String()),
});

export const AreasQuerySchema = Type.Object(
  {
    postcode: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16,
        description: 'A full postcode, sector (EX1 1) or outcode (EX1)',
      }),
    ),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'Latitude (WGS84)' })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'Longitude (WGS84)' })),
  },
  { additionalProperties: false },
);

export const AreasAnswerSchema = Type.Object({
  status: Type.Union([Type.Literal('found'), Type.Literal('ambiguous')]),
  place: PlaceSchema,
  localAreas: Type.Array(AreaSchema, { description: 'The lowest-tier council areas the place may be in' }),
  areas: Type.Array(AreaSchema, { description: 'Every area covering the place' }),
  reason: Type.String(),
});
