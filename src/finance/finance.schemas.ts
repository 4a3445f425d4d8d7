/**
 * TypeBox schemas for the cost-sharing API: they validate requests (every parameter bounded) and
 * document the OpenAPI spec. Money is integer pence, sent as JSON integers (every amount a pool can
 * hold is far below 2^53).
 */
import { MAX_ID } from '../platform/index.ts';
import { Type, type Static } from 'typebox';
import type { RunView } from './recharge.service.ts';

/** A partnership's slug as the register keeps it. */
export const SlugParam = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' });

/** A period: a financial year (2025-26), a quarter (2025-26 Q1) or a month (2025-04). */
export const PeriodText = Type.String({
  minLength: 1,
  maxLength: 20,
  description: 'A financial year like 2025-26, a quarter like 2025-26 Q1 or a month like 2025-04',
  examples: ['2025-26'],
});

export const RunIdParam = Type.String({ format: 'uuid', description: 'A recharge run id (a UUID)' });

const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);

export const RechargeLineSchema = Type.Object({
  gss: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  amount_pence: Type.Integer({ description: 'The council’s share of the pool, in pence' }),
  driver: Type.Union([Type.String(), Type.Null()]),
  driver_value: NullableInteger,
  driver_total: NullableInteger,
  explanation: Type.String(),
  estimated_pence: NullableInteger,
  actual_pence: NullableInteger,
});

export const RechargeRunSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  state: Type.Union([Type.Literal('draft'), Type.Literal('issued'), Type.Literal('superseded')]),
  kind: Type.String({ description: '"recharge", or "true_up" for a year-end true-up' }),
  period: Type.String(),
  pool: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    total_pence: Type.Integer(),
    illustrative: Type.Boolean(),
  }),
  corrects: Type.Union([Type.String(), Type.Null()], { description: 'The run this one corrects' }),
  superseded_by: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  issued_at: Type.Union([Type.String(), Type.Null()]),
  all_lines: Type.Boolean({ description: 'False when only your council’s lines are shown' }),
  lines: Type.Array(RechargeLineSchema),
});

export const RechargeRunsSchema = Type.Object({ runs: Type.Array(RechargeRunSchema) });

export const NewRunSchema = Type.Object(
  {
    pool_id: Type.Integer({ minimum: 1, maximum: MAX_ID }),
    period: PeriodText,
    kind: Type.Optional(Type.Union([Type.Literal('recharge'), Type.Literal('true_up')])),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type NewRun = Static<typeof NewRunSchema>;

export type RechargeRunJson = Static<typeof RechargeRunSchema>;

const pence = (value: bigint | null): number | null => (value === null ? null : Number(value));

/** A run as the API sends it. */
export function runJson(run: RunView): RechargeRunJson {
  return {
    id: run.id,
    state: run.state,
    kind: run.kind,
    period: run.period,
    pool: {
      id: run.pool.id,
      name: run.pool.name,
      total_pence: Number(run.totalPence),
      illustrative: run.pool.illustrative,
    },
    corrects: run.corrects,
    superseded_by: run.supersededBy,
    reason: run.reason,
    issued_at: run.issuedAt === null ? null : run.issuedAt.toISOString(),
    all_lines: run.allLines,
    lines: run.lines.map((l) => ({
      gss: l.gss,
      name: l.name,
      amount_pence: Number(l.amountPence),
      driver: l.driver,
      driver_value: pence(l.driverValue),
      driver_total: pence(l.driverTotal),
      explanation: l.explanation,
      estimated_pence: pence(l.estimatedPence),
      actual_pence: pence(l.actualPence),
    })),
  };
}
