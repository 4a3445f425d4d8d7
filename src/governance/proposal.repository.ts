/** The SQL of proposals and the bodies that decide them; what may be done is the service's to decide. */
import { sql } from 'kysely';
import type { GovernanceBodyKind, Tx } from '../db/index.ts';
import type { Decision } from './proposal-rules.ts';

export interface BodyRow {
  orgId: number;
  bodyId: number;
  name: string;
  kind: GovernanceBodyKind;
  partnershipId: number | null;
}

export interface ProposalRow {
  orgId: number;
  proposalId: string;
  partnershipId: number;
  title: string;
  summary: string;
  effectiveFrom: string;
  partialAdoption: boolean;
  internal: boolean;
  illustrative: boolean;
  source: string;
  createdAt: Date;
  submittedAt: Date | null;
  recommendedBy: string | null;
  recommendedOn: string | null;
  recommendationMinute: string | null;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
  appliedAt: Date | null;
}

interface ChangeBase {
  proposalId: string;
  position: number;
  /** The council whose arrangement changes, which keeps the pool, or which joins or leaves. */
  councilOrgId: number;
  matters: string[];
  notes: string;
}

/** The arrangement a council will have for a service from the effective date. */
export interface ArrangementChangeRow extends ChangeBase {
  kind: 'arrangement';
  lgslCode: number;
  mode: string;
  level: string;
  providerOrgId: number;
  leadCommissionerOrgId: number | null;
  areaCode: string | null;
  reservedDecisions: string[];
  delegatedDecisions: string[];
  replacedArrangementId: number | null;
  madeArrangementId: number | null;
}

/** The rule a cost pool (kept by `councilOrgId`) is shared by from the effective date. */
export interface RuleChangeRow extends ChangeBase {
  kind: 'allocation_rule';
  poolId: number;
  rule: unknown;
  trueUpTolerance: number | null;
  madeRuleId: number | null;
}

/** A council joining the partnership (in a role) or leaving it, from the effective date. */
export interface MemberChangeRow extends ChangeBase {
  kind: 'join' | 'leave';
  role: 'member' | 'associate' | null;
}

export type ChangeRow = ArrangementChangeRow | RuleChangeRow | MemberChangeRow;

/** A change as it is first written: nothing made yet. */
export type NewChange =
  | Omit<ArrangementChangeRow, 'proposalId' | 'replacedArrangementId' | 'madeArrangementId'>
  | Omit<RuleChangeRow, 'proposalId' | 'madeRuleId'>
  | Omit<MemberChangeRow, 'proposalId'>;

export interface ApprovalRow {
  proposalId: string;
  councilOrgId: number;
  bodyId: number;
  reason: 'listed' | 'reserved_matter';
  matters: string[];
}

export interface DecisionRow {
  decisionId: number;
  proposalId: string;
  orgId: number;
  bodyId: number;
  decision: Decision;
  decidedOn: string;
  minute: string;
  paper: string;
  notes: string;
  recordedAt: Date;
  recordedBy: number | null;
}

export async function bodiesOf(tx: Tx, orgIds: readonly number[]): Promise<BodyRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .selectFrom('governance_body')
    .select(['org_id as orgId', 'body_id as bodyId', 'name', 'kind', 'partnership_id as partnershipId'])
    .where('org_id', 'in', [...orgIds])
    .orderBy('org_id')
    .orderBy('body_id')
    .execute();
}

export async function insertBody(
  tx: Tx,
  body: { orgId: number; name: string; kind: GovernanceBodyKind; partnershipId: number | null },
): Promise<BodyRow> {
  return tx
    .insertInto('governance_body')
    .values({ org_id: body.orgId, name: body.name, kind: body.kind, partnership_id: body.partnershipId })
    .returning(['org_id as orgId', 'body_id as bodyId', 'name', 'kind', 'partnership_id as partnershipId'])
    .executeTakeFirstOrThrow();
}

const proposalColumns = [
  'org_id as orgId',
  'proposal_id as proposalId',
  'partnership_id as partnershipId',
  'title',
  'summary',
  'effective_from as effectiveFrom',
  'partial_adoption as partialAdoption',
  'internal',
  'illustrative',
  'source',
  'created_at as createdAt',
  'submitted_at as submittedAt',
  'recommended_by as recommendedBy',
  'recommended_on as recommendedOn',
  'recommendation_minute as recommendationMinute',
  'withdrawn_at as withdrawnAt',
  'withdrawal_reason as withdrawalReason',
  'applied_at as appliedAt',
] as const;

/** A partnership's proposals this transaction may read, newest first. */
export async function proposalsOf(tx: Tx, partnershipId: number): Promise<ProposalRow[]> {
  return tx
    .selectFrom('proposal')
    .select(proposalColumns)
    .where('partnership_id', '=', partnershipId)
    .orderBy('created_at', 'desc')
    .orderBy('proposal_id')
    .execute();
}

/** The proposals this transaction may read that ask `orgId`'s decision, newest first. */
export async function proposalsAsking(tx: Tx, orgId: number): Promise<ProposalRow[]> {
  return tx
    .selectFrom('proposal')
    .select(proposalColumns)
    .where(sql<boolean>`${orgId}::bigint = any (council_org_ids)`)
    .orderBy('created_at', 'desc')
    .orderBy('proposal_id')
    .execute();
}

export async function proposalById(tx: Tx, proposalId: string): Promise<ProposalRow | undefined> {
  return tx
    .selectFrom('proposal')
    .select(proposalColumns)
    .where('proposal_id', '=', proposalId)
    .executeTakeFirst();
}

export async function changesOf(tx: Tx, proposalIds: readonly string[]): Promise<ChangeRow[]> {
  if (proposalIds.length === 0) return [];
  const rows = await tx
    .selectFrom('proposal_change')
    .selectAll()
    .where('proposal_id', 'in', [...proposalIds])
    .orderBy('proposal_id')
    .orderBy('position')
    .execute();
  return rows.map((r): ChangeRow => {
    const base = {
      proposalId: r.proposal_id,
      position: r.position,
      councilOrgId: r.council_org_id,
      matters: r.matters,
      notes: r.notes,
    };
    if (r.kind === 'allocation_rule')
      return {
        ...base,
        kind: r.kind,
        poolId: r.pool_id!,
        rule: r.rule,
        trueUpTolerance: r.true_up_tolerance,
        madeRuleId: r.made_rule_id,
      };
    if (r.kind === 'join' || r.kind === 'leave') return { ...base, kind: r.kind, role: r.member_role };
    return {
      ...base,
      kind: 'arrangement',
      lgslCode: r.lgsl_code!,
      mode: r.delivery_mode!,
      level: r.delivery_level!,
      providerOrgId: r.provider_org_id!,
      leadCommissionerOrgId: r.lead_commissioner_org_id,
      areaCode: r.area_code,
      reservedDecisions: r.reserved_decisions,
      delegatedDecisions: r.delegated_decisions,
      replacedArrangementId: r.replaced_arrangement_id,
      madeArrangementId: r.made_arrangement_id,
    };
  });
}

export async function approvalsOf(tx: Tx, proposalIds: readonly string[]): Promise<ApprovalRow[]> {
  if (proposalIds.length === 0) return [];
  return tx
    .selectFrom('proposal_approval')
    .select([
      'proposal_id as proposalId',
      'council_org_id as councilOrgId',
      'body_id as bodyId',
      'reason',
      'matters',
    ])
    .where('proposal_id', 'in', [...proposalIds])
    .orderBy('proposal_id')
    .orderBy('council_org_id')
    .orderBy('body_id')
    .execute();
}

const DECISION_COLUMNS = [
  'decision_id as decisionId',
  'proposal_id as proposalId',
  'org_id as orgId',
  'body_id as bodyId',
  'decision',
  'decided_on as decidedOn',
  'minute',
  'paper',
  'notes',
  'recorded_at as recordedAt',
  'recorded_by as recordedBy',
] as const;

/** Every decision recorded on the proposals, oldest first (the latest of a body's counts). */
export async function decisionsOf(tx: Tx, proposalIds: readonly string[]): Promise<DecisionRow[]> {
  if (proposalIds.length === 0) return [];
  return tx
    .selectFrom('proposal_decision')
    .select(DECISION_COLUMNS)
    .where('proposal_id', 'in', [...proposalIds])
    .orderBy('decision_id')
    .execute();
}

export interface NewProposal {
  orgId: number;
  partnershipId: number;
  title: string;
  summary: string;
  effectiveFrom: string;
  partialAdoption: boolean;
  internal: boolean;
  illustrative: boolean;
  source: string;
  councilOrgIds: number[];
  createdBy: number | null;
}

export async function insertProposal(tx: Tx, p: NewProposal): Promise<string> {
  const row = await tx
    .insertInto('proposal')
    .values({
      org_id: p.orgId,
      partnership_id: p.partnershipId,
      title: p.title,
      summary: p.summary,
      effective_from: p.effectiveFrom,
      partial_adoption: p.partialAdoption,
      internal: p.internal,
      illustrative: p.illustrative,
      source: p.source,
      council_org_ids: p.councilOrgIds,
      created_by: p.createdBy,
    })
    .returning('proposal_id')
    .executeTakeFirstOrThrow();
  return row.proposal_id;
}

export async function insertChanges(
  tx: Tx,
  orgId: number,
  proposalId: string,
  changes: readonly NewChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await tx
    .insertInto('proposal_change')
    .values(
      changes.map((c) => ({
        org_id: orgId,
        proposal_id: proposalId,
        position: c.position,
        council_org_id: c.councilOrgId,
        kind: c.kind,
        matters: c.matters,
        notes: c.notes,
        ...(c.kind === 'arrangement'
          ? {
              lgsl_code: c.lgslCode,
              delivery_mode: c.mode as never,
              delivery_level: c.level as never,
              provider_org_id: c.providerOrgId,
              lead_commissioner_org_id: c.leadCommissionerOrgId,
              area_code: c.areaCode,
              reserved_decisions: c.reservedDecisions,
              delegated_decisions: c.delegatedDecisions,
            }
          : c.kind === 'allocation_rule'
            ? { pool_id: c.poolId, rule: JSON.stringify(c.rule), true_up_tolerance: c.trueUpTolerance }
            : { member_role: c.role }),
      })),
    )
    .execute();
}

export async function insertApprovals(
  tx: Tx,
  orgId: number,
  proposalId: string,
  approvals: ReadonlyArray<Omit<ApprovalRow, 'proposalId'>>,
): Promise<void> {
  if (approvals.length === 0) return;
  await tx
    .insertInto('proposal_approval')
    .values(
      approvals.map((a) => ({
        org_id: orgId,
        proposal_id: proposalId,
        council_org_id: a.councilOrgId,
        body_id: a.bodyId,
        reason: a.reason,
        matters: a.matters,
      })),
    )
    .execute();
}

export async function deleteApprovals(tx: Tx, orgId: number, proposalId: string): Promise<void> {
  await tx
    .deleteFrom('proposal_approval')
    .where('org_id', '=', orgId)
    .where('proposal_id', '=', proposalId)
    .execute();
}

export async function setCouncils(tx: Tx, orgId: number, proposalId: string, councilOrgIds: number[]) {
  await tx
    .updateTable('proposal')
    .set({ council_org_ids: councilOrgIds })
    .where('org_id', '=', orgId)
    .where('proposal_id', '=', proposalId)
    .execute();
}

export async function markSubmitted(
  tx: Tx,
  orgId: number,
  proposalId: string,
  by: number | null,
  recommendation: { by: string; on: string; minute: string },
): Promise<void> {
  await tx
    .updateTable('proposal')
    .set({
      submitted_at: sql<Date>`now()`,
      submitted_by: by,
      recommended_by: recommendation.by,
      recommended_on: recommendation.on,
      recommendation_minute: recommendation.minute,
    })
    .where('org_id', '=', orgId)
    .where('proposal_id', '=', proposalId)
    .execute();
}

export async function markWithdrawn(
  tx: Tx,
  orgId: number,
  proposalId: string,
  by: number | null,
  reason: string,
): Promise<void> {
  await tx
    .updateTable('proposal')
    .set({ withdrawn_at: sql<Date>`now()`, withdrawn_by: by, withdrawal_reason: reason })
    .where('org_id', '=', orgId)
    .where('proposal_id', '=', proposalId)
    .execute();
}

export async function markApplied(tx: Tx, orgId: number, proposalId: string): Promise<void> {
  await tx
    .updateTable('proposal')
    .set({ applied_at: sql<Date>`now()` })
    .where('org_id', '=', orgId)
    .where('proposal_id', '=', proposalId)
    .execute();
}

export async function setChangeArrangements(
  tx: Tx,
  orgId: number,
  proposalId: string,
  position: number,
  replaced: number | null,
  made: number,
): Promise<void> {
  await tx
    .updateTable('proposal_change')
    .set({ replaced_arrangement_id: replaced, made_arrangement_id: made })
    .where('org_id', '=', orgId)
    .where('proposal_id', '=', proposalId)
    .where('position', '=', position)
    .execute();
}

export async function setChangeRule(
  tx: Tx,
  orgId: number,
  proposalId: string,
  position: number,
  made: number,
): Promise<void> {
  await tx
    .updateTable('proposal_change')
    .set({ made_rule_id: made })
    .where('org_id', '=', orgId)
    .where('proposal_id', '=', proposalId)
    .where('position', '=', position)
    .execute();
}

export async function insertDecision(
  tx: Tx,
  d: Omit<DecisionRow, 'decisionId' | 'recordedAt'> & { keeperOrgId: number },
): Promise<DecisionRow> {
  return tx
    .insertInto('proposal_decision')
    .values({
      org_id: d.orgId,
      keeper_org_id: d.keeperOrgId,
      proposal_id: d.proposalId,
      body_id: d.bodyId,
      decision: d.decision,
      decided_on: d.decidedOn,
      minute: d.minute,
      paper: d.paper,
      notes: d.notes,
      recorded_by: d.recordedBy,
    })
    .returning(DECISION_COLUMNS)
    .executeTakeFirstOrThrow();
}

/**
 * Holds one proposal against a concurrent decision, withdrawal or taking effect until the
 * transaction ends. An advisory lock, because the councils that record decisions may not update
 * the proposal's row (class 14 keeps it apart from the register's locks on an organisation).
 */
export async function lockProposal(tx: Tx, proposalId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(14, hashtext(${proposalId}))`.execute(tx);
}

/** Submitted proposals not withdrawn nor in effect whose date has come (system reads only). */
export async function pendingDueIds(tx: Tx, today: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('proposal')
    .select('proposal_id')
    .where('submitted_at', 'is not', null)
    .where('withdrawn_at', 'is', null)
    .where('applied_at', 'is', null)
    .where('effective_from', '<=', today)
    .orderBy('effective_from')
    .execute();
  return rows.map((r) => r.proposal_id);
}
