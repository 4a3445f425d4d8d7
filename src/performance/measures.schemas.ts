/** The measures API's shapes, in TypeBox, and the JSON of a report's lines. */
import { Type, type Static } from 'typebox';
import type { MeasureLine, MeasureSeries } from './measures.service.ts';
import { apiNumber } from './measures.service.ts';

const Num = Type.Union([Type.Number(), Type.Null()]);
const Rag = Type.Union([Type.Literal('red'), Type.Literal('amber'), Type.Literal('green'), Type.Null()]);
const Direction = Type.Union([
  Type.Literal('improving'),
  Type.Literal('worsening'),
  Type.Literal('same'),
  Type.Null(),
]);

export const OrgQuery = Type.String({ minLength: 1, maxLength: 60, description: 'A council’s GSS code' });
export const PeriodQuery = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'A financial year (2025-26) or a quarter (2025-26-Q3)',
});
export const MeasureIdParam = Type.String({ minLength: 1, maxLength: 80 });

const Org = Type.Object({ gss: Type.String(), name: Type.String() });

export const MeasureJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  definition: Type.String(),
  unit: Type.String({ description: 'count, percent (a percentage 0 to 100), working_days, pence or number' }),
  polarity: Type.Union([Type.Literal('higher_is_better'), Type.Literal('lower_is_better'), Type.Null()]),
  source: Type.Union([
    Type.Literal('cases'),
    Type.Literal('entered'),
    Type.Literal('imported'),
    Type.Literal('finance'),
  ]),
  frequency: Type.String(),
  value: Num,
  note: Type.Union([Type.String(), Type.Null()]),
  target: Num,
  tolerance: Num,
  status: Rag,
  previous: Num,
  previous_period: Type.Union([Type.String(), Type.Null()]),
  same_period_last_year: Num,
  since_previous_period: Direction,
  since_same_period_last_year: Direction,
});

export const MeasuresReportSchema = Type.Object({
  org: Org,
  period: Type.String(),
  service: Type.Union([Type.Integer(), Type.Null()]),
  area: Type.Union([Type.String(), Type.Null()]),
  measures: Type.Array(MeasureJson),
});

export const MeasureSeriesSchema = Type.Object({
  org: Org,
  measure: Type.Object({ id: Type.String(), name: Type.String(), unit: Type.String() }),
  values: Type.Array(
    Type.Object({
      period: Type.String(),
      value: Num,
      note: Type.Union([Type.String(), Type.Null()]),
      target: Num,
      status: Rag,
    }),
  ),
});

export const NewTargetSchema = Type.Object(
  {
    org: OrgQuery,
    period: PeriodQuery,
    target: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'In the measure’s unit, as shown: 85 for 85%',
    }),
    tolerance: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const NewValueSchema = Type.Object(
  { org: OrgQuery, period: PeriodQuery, value: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);

export const ImportSchema = Type.Object(
  {
    file_name: Type.String({ minLength: 1, maxLength: 255 }),
    csv: Type.String({
      minLength: 1,
      maxLength: 1024 * 1024,
      description: 'Columns measure, org, period, value',
    }),
  },
  { additionalProperties: false },
);

export function lineJson(line: MeasureLine): Static<typeof MeasureJson> {
  const { measure: m } = line;
  return {
    id: m.id,
    name: m.name,
    definition: m.definition,
    unit: m.unit,
    polarity: m.polarity,
    source: m.source,
    frequency: m.frequency,
    value: apiNumber(m.unit, line.value),
    note: line.note,
    target: line.target ? apiNumber(m.unit, line.target.target) : null,
    tolerance: line.target ? apiNumber(m.unit, line.target.tolerance) : null,
    status: line.assessment.status,
    previous: apiNumber(m.unit, line.previous),
    previous_period: line.previousPeriod,
    same_period_last_year: apiNumber(m.unit, line.samePeriodLastYear),
    since_previous_period: line.assessment.sincePreviousPeriod,
    since_same_period_last_year: line.assessment.sinceSamePeriodLastYear,
  };
}

export function seriesJson(s: MeasureSeries): Static<typeof MeasureSeriesSchema> {
  return {
    org: { gss: s.council.gss, name: s.council.name },
    measure: { id: s.measure.id, name: s.measure.name, unit: s.measure.unit },
    values: s.points.map((p) => ({
      period: p.period.id,
      value: apiNumber(s.measure.unit, p.value),
      note: p.note,
      target: p.target ? apiNumber(s.measure.unit, p.target.target) : null,
      status: p.assessment.status,
    })),
  };
}
