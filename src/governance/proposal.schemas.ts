/**
 * TypeBox schemas for the proposals API: they validate requests (every parameter bounded) and
 * document the OpenAPI spec, and `proposalJson` shapes a proposal as the API answers it.
 */
import { Type, type Static } from 'typebox';
import { MAX_ID } from '../platform/index.ts';
import { DECISIONS, PROPOSAL_STATES, type Decision, type ProposalState } from './proposal-rules.ts';
import { PROPOSAL_LIMITS } from './proposal.service.ts';
import { type ChangeSide, type ProposalView } from './proposal.views.ts';
import { CHANGE_KINDS, type ChangeKind } from './change-kinds.ts';

export const PartnershipSlug = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[a-z0-9][a-z0-9-]*$',
  description: "A partnership's slug, like integrated-devon",
});

export const ProposalIdParam = Type.String({ format: 'uuid', description: 'A proposal id (a UUID)' });

const NullableString = Type.Union([Type.String(), Type.Null()]);

const SideSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('arrangement'),
    mode: Type.String({ description: 'How it is delivered: retained, shared_venture, lead_authority, …' }),
    level: Type.String({ description: 'county_wide, cluster, district or locality' }),
    provider: Type.Object({ gss: NullableString, name: Type.String() }),
    area: NullableString,
    arrangement_id: Type.Union([Type.Integer(), Type.Null()]),
  }),
  Type.Object({
    kind: Type.Literal('allocation_rule'),
    rule_id: Type.Union([Type.Integer(), Type.Null()]),
    valid_from: NullableString,
    rule: Type.Unknown({
      description: 'The rule as the finance API keeps it (shares in hundredths of a percent)',
    }),
  }),
  Type.Object({
    kind: Type.Literal('membership'),
    role: NullableString,
    joined_on: NullableString,
    left_on: NullableString,
  }),
]);

const DecisionText = Type.Unsafe<Decision>({ type: 'string', enum: [...DECISIONS] });

const DecisionSchema = Type.Object({
  decision: DecisionText,
  decided_on: Type.String(),
  minute: Type.String(),
  paper: Type.String(),
  recorded_at: Type.String(),
});

export const ProposalSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  summary: Type.String(),
  partnership: Type.String({ description: "The partnership's slug" }),
  partnership_name: Type.String(),
  keeper: Type.Object({ gss: NullableString, name: Type.String() }),
  state: Type.Unsafe<ProposalState>({ type: 'string', enum: [...PROPOSAL_STATES] }),
  effective_from: Type.String(),
  partial_adoption: Type.Boolean({
    description: 'Whether councils that approve go ahead when another rejects',
  }),
  internal: Type.Boolean(),
  illustrative: Type.Boolean({
    description: 'True for the demo’s proposals, which show how the software works',
  }),
  source: Type.String(),
  recommendation: Type.Union([
    Type.Object({ by: Type.String(), on: Type.String(), minute: Type.String() }),
    Type.Null(),
  ]),
  waiting_for: Type.Union([Type.String(), Type.Null()], { description: 'What it waits for, in words' }),
  submitted_at: NullableString,
  withdrawn_at: NullableString,
  withdrawal_reason: NullableString,
  applied_at: NullableString,
  changes: Type.Array(
    Type.Object({
      kind: Type.Unsafe<ChangeKind>({
        type: 'string',
        enum: [...CHANGE_KINDS],
        description: 'An arrangement, an allocation rule, or a council joining or leaving',
      }),
      gss: NullableString,
      council: Type.String({
        description: 'The council whose arrangement changes, which keeps the pool, or which joins or leaves',
      }),
      lgsl: Type.Union([Type.Integer(), Type.Null()], { description: 'The service, for an arrangement' }),
      service: Type.String({ description: 'What changes: the service, the pool or the membership' }),
      pool: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
      from: Type.String({ description: 'What it replaces, in words' }),
      to: Type.String({ description: 'What it makes, in words' }),
      before: Type.Union([SideSchema, Type.Null()]),
      after: SideSchema,
      matters: Type.Array(Type.String(), { description: 'The decisions it touches' }),
      adopted: Type.Union([Type.Boolean(), Type.Null()], {
        description: 'Whether it took effect (or will) for this council; null until every council decided',
      }),
    }),
  ),
  approvals: Type.Array(
    Type.Object({
      gss: NullableString,
      council: Type.String(),
      body: Type.String(),
      body_kind: Type.String(),
      reason: Type.Union([Type.Literal('listed'), Type.Literal('reserved_matter')]),
      matters: Type.Array(Type.String(), {
        description: 'The matters this council reserves that it touches',
      }),
      decision: Type.Union([DecisionText, Type.Null()]),
      decided_on: NullableString,
      minute: NullableString,
      history: Type.Array(DecisionSchema),
    }),
  ),
});
export type ProposalJson = Static<typeof ProposalSchema>;

export const ProposalsSchema = Type.Object({ proposals: Type.Array(ProposalSchema) });

export const NewDecisionSchema = Type.Object(
  {
    gss: Type.String({ minLength: 1, maxLength: 20, description: 'The council whose decision it is' }),
    body_id: Type.Integer({
      minimum: 1,
      maximum: MAX_ID,
      description: 'The body of that council that decided',
    }),
    decision: Type.String({ maxLength: 20, description: 'approved, rejected or deferred' }),
    decided_on: Type.String({ maxLength: 20, description: 'The date of the meeting, YYYY-MM-DD' }),
    minute: Type.String({ maxLength: PROPOSAL_LIMITS.minute }),
    paper: Type.Optional(Type.String({ maxLength: PROPOSAL_LIMITS.paper })),
    notes: Type.Optional(Type.String({ maxLength: PROPOSAL_LIMITS.notes })),
  },
  // Clients may send more than this; what is not listed is ignored.
  { additionalProperties: true },
);

const noArrangement = 'No arrangement recorded: the council delivers it itself';

function sideJson(side: ChangeSide) {
  if (side.kind === 'allocation_rule')
    return { kind: side.kind, rule_id: side.ruleId, valid_from: side.validFrom, rule: side.rule };
  if (side.kind === 'membership')
    return { kind: side.kind, role: side.role, joined_on: side.joinedOn, left_on: side.leftOn };
  return {
    kind: side.kind,
    mode: side.mode,
    level: side.level,
    provider: { gss: side.provider.gss, name: side.provider.name },
    area: side.areaCode,
    arrangement_id: side.arrangementId,
  };
}

export function proposalJson(p: ProposalView): ProposalJson {
  return {
    id: p.id,
    title: p.title,
    summary: p.summary,
    partnership: p.partnership.slug,
    partnership_name: p.partnership.name,
    keeper: { gss: p.keeper.gss, name: p.keeper.name },
    state: p.state,
    effective_from: p.effectiveFrom,
    partial_adoption: p.partialAdoption,
    internal: p.internal,
    illustrative: p.illustrative,
    source: p.source,
    recommendation: p.recommendation,
    waiting_for: p.waitingFor,
    submitted_at: p.submittedAt,
    withdrawn_at: p.withdrawnAt,
    withdrawal_reason: p.withdrawalReason,
    applied_at: p.appliedAt,
    changes: p.changes.map((c) => ({
      kind: c.kind,
      gss: c.council.gss,
      council: c.council.name,
      lgsl: c.lgslCode,
      service: c.service,
      pool: c.pool,
      from: c.before?.text ?? noArrangement,
      to: c.after.text,
      before: c.before ? sideJson(c.before) : null,
      after: sideJson(c.after),
      matters: c.matters,
      adopted: c.adopted,
    })),
    approvals: p.approvals.map((a) => ({
      gss: a.council.gss,
      council: a.council.name,
      body: a.body.name,
      body_kind: a.body.kind,
      reason: a.reason,
      matters: a.matters,
      decision: a.latest?.decision ?? null,
      decided_on: a.latest?.decidedOn ?? null,
      minute: a.latest?.minute ?? null,
      history: a.history.map((d) => ({
        decision: d.decision,
        decided_on: d.decidedOn,
        minute: d.minute,
        paper: d.paper,
        recorded_at: d.recordedAt,
      })),
    })),
  };
}
