/** The SQL of locality plans, their objectives and commitments; who may is the service's to decide. */
import { sql } from 'kysely';
import type { Tx } from '../db/index.ts';

export type CommitmentState = 'not_started' | 'on_track' | 'at_risk' | 'off_track' | 'done' | 'dropped';
export type Tier = 'county' | 'district' | 'unitary' | 'partner';

export interface PlanRow {
  orgId: number;
  planId: number;
  partnershipId: number;
  year: string;
  title: string;
  summary: string;
  agreedByBodyId: number | null;
  agreedOn: string | null;
  agreedMinute: string | null;
  illustrative: boolean;
  source: string;
}

export interface ObjectiveRow {
  position: number;
  title: string;
  description: string;
  source: string;
}

export interface CommitmentRow {
  commitmentId: number;
  objectivePosition: number;
  committedOrgId: number;
  tier: Tier;
  commitment: string;
  owner: string;
  measureIds: string[];
  state: CommitmentState;
  stateNote: string;
  stateUpdatedAt: Date | null;
  stateUpdatedBy: number | null;
  illustrative: boolean;
}

/** A date column as YYYY-MM-DD, whichever engine read it. */
const isoDate = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString().slice(0, 10)
      : String(value).slice(0, 10);

const PLAN_COLUMNS = [
  'org_id',
  'plan_id',
  'partnership_id',
  'year',
  'title',
  'summary',
  'agreed_by_body_id',
  sql<string | null>`agreed_on::text`.as('agreed_on'),
  'agreed_minute',
  'illustrative',
  'source',
] as const;

type PlanSelect = {
  org_id: number;
  plan_id: number;
  partnership_id: number;
  year: string;
  title: string;
  summary: string;
  agreed_by_body_id: number | null;
  agreed_on: string | null;
  agreed_minute: string | null;
  illustrative: boolean;
  source: string;
};

const planRow = (r: PlanSelect): PlanRow => ({
  orgId: Number(r.org_id),
  planId: Number(r.plan_id),
  partnershipId: Number(r.partnership_id),
  year: r.year,
  title: r.title,
  summary: r.summary,
  agreedByBodyId: r.agreed_by_body_id === null ? null : Number(r.agreed_by_body_id),
  agreedOn: isoDate(r.agreed_on),
  agreedMinute: r.agreed_minute,
  illustrative: r.illustrative,
  source: r.source,
});

/** Every plan of a partnership, each district's years in order. */
export async function plansOfPartnership(tx: Tx, partnershipId: number): Promise<PlanRow[]> {
  const rows = await tx
    .selectFrom('locality_plan')
    .select(PLAN_COLUMNS)
    .where('partnership_id', '=', partnershipId)
    .orderBy('org_id')
    .orderBy('year')
    .execute();
  return rows.map((r) => planRow(r as PlanSelect));
}

/** A district's plans for a year, one per partnership it belongs to. */
export async function plansOfDistrict(tx: Tx, orgId: number): Promise<PlanRow[]> {
  const rows = await tx
    .selectFrom('locality_plan')
    .select(PLAN_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('year')
    .orderBy('partnership_id')
    .execute();
  return rows.map((r) => planRow(r as PlanSelect));
}

export async function planById(tx: Tx, orgId: number, planId: number): Promise<PlanRow | undefined> {
  const row = await tx
    .selectFrom('locality_plan')
    .select(PLAN_COLUMNS)
    .where('org_id', '=', orgId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  return row ? planRow(row as PlanSelect) : undefined;
}

/** Commitments counted by state, for each plan of `planIds` (of any district). */
export async function stateCounts(
  tx: Tx,
  partnershipId: number,
): Promise<Array<{ orgId: number; planId: number; state: CommitmentState; n: number }>> {
  const rows = await tx
    .selectFrom('plan_commitment as c')
    .innerJoin('locality_plan as p', (j) =>
      j.onRef('p.org_id', '=', 'c.org_id').onRef('p.plan_id', '=', 'c.plan_id'),
    )
    .select(['c.org_id', 'c.plan_id', 'c.state', sql<string>`count(*)`.as('n')])
    .where('p.partnership_id', '=', partnershipId)
    .groupBy(['c.org_id', 'c.plan_id', 'c.state'])
    .execute();
  return rows.map((r) => ({
    orgId: Number(r.org_id),
    planId: Number(r.plan_id),
    state: r.state,
    n: Number(r.n),
  }));
}

export async function objectivesOf(tx: Tx, orgId: number, planId: number): Promise<ObjectiveRow[]> {
  return tx
    .selectFrom('plan_objective')
    .select(['position', 'title', 'description', 'source'])
    .where('org_id', '=', orgId)
    .where('plan_id', '=', planId)
    .orderBy('position')
    .execute();
}

const COMMITMENT_COLUMNS = [
  'commitment_id',
  'objective_position',
  'committed_org_id',
  'tier',
  'commitment',
  'owner',
  'measure_ids',
  'state',
  'state_note',
  'state_updated_at',
  'state_updated_by',
  'illustrative',
] as const;

type CommitmentSelect = {
  commitment_id: number;
  objective_position: number;
  committed_org_id: number;
  tier: Tier;
  commitment: string;
  owner: string;
  measure_ids: string[];
  state: CommitmentState;
  state_note: string;
  state_updated_at: Date | null;
  state_updated_by: number | null;
  illustrative: boolean;
};

const commitmentRow = (r: CommitmentSelect): CommitmentRow => ({
  commitmentId: Number(r.commitment_id),
  objectivePosition: Number(r.objective_position),
  committedOrgId: Number(r.committed_org_id),
  tier: r.tier,
  commitment: r.commitment,
  owner: r.owner,
  measureIds: [...r.measure_ids],
  state: r.state,
  stateNote: r.state_note,
  stateUpdatedAt: r.state_updated_at === null ? null : new Date(r.state_updated_at),
  stateUpdatedBy: r.state_updated_by === null ? null : Number(r.state_updated_by),
  illustrative: r.illustrative,
});

export async function commitmentsOf(tx: Tx, orgId: number, planId: number): Promise<CommitmentRow[]> {
  const rows = await tx
    .selectFrom('plan_commitment')
    .select(COMMITMENT_COLUMNS)
    .where('org_id', '=', orgId)
    .where('plan_id', '=', planId)
    .orderBy('objective_position')
    .orderBy('commitment_id')
    .execute();
  return rows.map((r) => commitmentRow(r as CommitmentSelect));
}

/** One commitment of a district's plans with the plan it is in, locked when `lock` (for a change). */
export async function commitmentById(
  tx: Tx,
  orgId: number,
  commitmentId: number,
  lock = false,
): Promise<(CommitmentRow & { planId: number }) | undefined> {
  let query = tx
    .selectFrom('plan_commitment')
    .select([...COMMITMENT_COLUMNS, 'plan_id'])
    .where('org_id', '=', orgId)
    .where('commitment_id', '=', commitmentId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? { ...commitmentRow(row as CommitmentSelect), planId: Number(row.plan_id) } : undefined;
}

export async function insertPlan(
  tx: Tx,
  plan: Omit<PlanRow, 'planId' | 'agreedByBodyId' | 'agreedOn' | 'agreedMinute'> & {
    createdBy: number | null;
  },
): Promise<number> {
  const row = await tx
    .insertInto('locality_plan')
    .values({
      org_id: plan.orgId,
      partnership_id: plan.partnershipId,
      year: plan.year,
      title: plan.title,
      summary: plan.summary,
      illustrative: plan.illustrative,
      source: plan.source,
      created_by: plan.createdBy,
    })
    .returning('plan_id')
    .executeTakeFirstOrThrow();
  return Number(row.plan_id);
}

/** Adds an objective after the plan's last; returns its position. */
export async function insertObjective(
  tx: Tx,
  orgId: number,
  planId: number,
  objective: Omit<ObjectiveRow, 'position'>,
): Promise<number> {
  const last = await tx
    .selectFrom('plan_objective')
    .select(sql<number | null>`max(position)`.as('last'))
    .where('org_id', '=', orgId)
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  const position = last?.last === null || last?.last === undefined ? 0 : Number(last.last) + 1;
  await tx
    .insertInto('plan_objective')
    .values({ org_id: orgId, plan_id: planId, position, ...objective })
    .execute();
  return position;
}

export async function insertCommitment(
  tx: Tx,
  orgId: number,
  planId: number,
  c: Pick<
    CommitmentRow,
    'objectivePosition' | 'committedOrgId' | 'tier' | 'commitment' | 'owner' | 'measureIds' | 'illustrative'
  >,
): Promise<number> {
  const row = await tx
    .insertInto('plan_commitment')
    .values({
      org_id: orgId,
      plan_id: planId,
      objective_position: c.objectivePosition,
      committed_org_id: c.committedOrgId,
      tier: c.tier,
      commitment: c.commitment,
      owner: c.owner,
      measure_ids: c.measureIds,
      illustrative: c.illustrative,
    })
    .returning('commitment_id')
    .executeTakeFirstOrThrow();
  return Number(row.commitment_id);
}

export async function updateState(
  tx: Tx,
  orgId: number,
  commitmentId: number,
  change: { state: CommitmentState; note: string; accountId: number | null },
): Promise<Date> {
  const row = await tx
    .updateTable('plan_commitment')
    .set({
      state: change.state,
      state_note: change.note,
      state_updated_at: sql<Date>`now()`,
      state_updated_by: change.accountId,
    })
    .where('org_id', '=', orgId)
    .where('commitment_id', '=', commitmentId)
    .returning('state_updated_at')
    .executeTakeFirstOrThrow();
  return new Date(row.state_updated_at!);
}

export async function updateAgreement(
  tx: Tx,
  orgId: number,
  planId: number,
  agreement: { bodyId: number; agreedOn: string; minute: string },
): Promise<void> {
  await tx
    .updateTable('locality_plan')
    .set({
      agreed_by_body_id: agreement.bodyId,
      agreed_on: agreement.agreedOn,
      agreed_minute: agreement.minute,
    })
    .where('org_id', '=', orgId)
    .where('plan_id', '=', planId)
    .execute();
}

/** The names of the accounts that last changed commitments, for "updated by". */
export async function accountNames(tx: Tx, accountIds: readonly number[]): Promise<Map<number, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('account')
    .select(['account_id', 'display_name'])
    .where('account_id', 'in', [...accountIds])
    .execute();
  return new Map(rows.map((r) => [Number(r.account_id), r.display_name]));
}
