/**
 * The finance module's SQL: pools, their members, rules, amounts and figures, ledger lines, and
 * recharge runs with their lines. Every function takes the transaction it runs in; the service
 * decides who may, and with which tenant scope.
 *
 * It stays one file because its functions share the row types and the safe-integer conversion; it
 * reads as sections: pools and members, rules, amounts and figures, runs and their lines.
 */
import { sql, type Kysely } from 'kysely';
import type { DB, RechargeRunKind, RechargeRunState, Tx } from '../db/index.ts';

type Reader = Tx | Kysely<DB>;

export interface PoolRow {
  orgId: number;
  poolId: number;
  partnershipId: number;
  name: string;
  description: string;
  retainedBy: number | null;
  lgslCodes: number[];
  /** The part of its cost that stays when a member leaves, in hundredths of a percent. */
  fixedShare: number;
  illustrative: boolean;
  source: string;
  members: Array<{ orgId: number; joinedOn: string; leftOn: string | null }>;
}

/** The pools of some partnerships (or the pools named), with their members; read as the owner to decide who may. */
export async function poolsOf(
  tx: Reader,
  filter: { partnershipIds?: readonly number[]; poolIds?: readonly number[] },
): Promise<PoolRow[]> {
  if (filter.partnershipIds?.length === 0 || filter.poolIds?.length === 0) return [];
  const pools = await tx
    .selectFrom('cost_pool')
    .selectAll()
    .$if(filter.partnershipIds !== undefined, (q) =>
      q.where('partnership_id', '=', sql<number>`ANY(${[...filter.partnershipIds!]}::bigint[])`),
    )
    .$if(filter.poolIds !== undefined, (q) =>
      q.where('pool_id', '=', sql<number>`ANY(${[...filter.poolIds!]}::bigint[])`),
    )
    .orderBy('partnership_id')
    .orderBy('name')
    .execute();
  if (pools.length === 0) return [];
  const members = await tx
    .selectFrom('pool_member')
    .select(['pool_id', 'member_org_id', 'joined_on', 'left_on'])
    .where('pool_id', '=', sql<number>`ANY(${pools.map((p) => p.pool_id)}::bigint[])`)
    .orderBy('joined_on')
    .orderBy('member_org_id')
    .execute();
  return pools.map((p) => ({
    orgId: p.org_id,
    poolId: p.pool_id,
    partnershipId: p.partnership_id,
    name: p.name,
    description: p.description,
    retainedBy: p.retained_by,
    lgslCodes: p.lgsl_codes,
    fixedShare: p.fixed_share,
    illustrative: p.illustrative,
    source: p.source,
    members: members
      .filter((m) => m.pool_id === p.pool_id)
      .map((m) => ({ orgId: m.member_org_id, joinedOn: m.joined_on, leftOn: m.left_on })),
  }));
}

export interface RuleRow {
  ruleId: number;
  validFrom: string;
  rule: unknown;
  trueUpTolerance: number | null;
  notes: string;
}

/** The rule in force on `date`: the one with the latest start on or before it. */
export async function ruleInForce(
  tx: Tx,
  orgId: number,
  poolId: number,
  date: string,
): Promise<RuleRow | null> {
  const row = await tx
    .selectFrom('allocation_rule')
    .select(['rule_id', 'valid_from', 'rule', 'true_up_tolerance', 'notes'])
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .where('valid_from', '<=', date)
    .orderBy('valid_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        ruleId: row.rule_id,
        validFrom: row.valid_from,
        rule: row.rule,
        trueUpTolerance: row.true_up_tolerance,
        notes: row.notes,
      }
    : null;
}

/** A pool's rules, newest first. */
export async function rulesOf(tx: Tx, orgId: number, poolId: number): Promise<RuleRow[]> {
  const rows = await tx
    .selectFrom('allocation_rule')
    .select(['rule_id', 'valid_from', 'rule', 'true_up_tolerance', 'notes'])
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .orderBy('valid_from', 'desc')
    .execute();
  return rows.map((row) => ({
    ruleId: row.rule_id,
    validFrom: row.valid_from,
    rule: row.rule,
    trueUpTolerance: row.true_up_tolerance,
    notes: row.notes,
  }));
}

/** The ledger lines paid from `first` to `last`: their sum in pence and how many there are. */
export async function ledgerTotal(
  tx: Tx,
  orgId: number,
  poolId: number,
  first: string,
  last: string,
): Promise<{ pence: bigint; lines: number }> {
  const row = await tx
    .selectFrom('ledger_line')
    .select([sql<string>`coalesce(sum(amount_pence), 0)`.as('pence'), sql<string>`count(*)`.as('lines')])
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .where('paid_on', '>=', first)
    .where('paid_on', '<=', last)
    .executeTakeFirstOrThrow();
  return { pence: BigInt(row.pence), lines: Number(row.lines) };
}

/** Budgets or actuals recorded for periods inside `first`…`last`, summed, with how many there are. */
export async function amountTotal(
  tx: Tx,
  orgId: number,
  poolId: number,
  kind: 'budget' | 'actual',
  first: string,
  last: string,
): Promise<{ pence: bigint; entries: number }> {
  const row = await tx
    .selectFrom('pool_amount')
    .select([sql<string>`coalesce(sum(amount_pence), 0)`.as('pence'), sql<string>`count(*)`.as('entries')])
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .where('kind', '=', kind)
    .where('period_first', '>=', first)
    .where('period_last', '<=', last)
    .executeTakeFirstOrThrow();
  return { pence: BigInt(row.pence), entries: Number(row.entries) };
}

export interface FigureRow {
  memberOrgId: number;
  driver: string;
  basis: 'estimate' | 'actual';
  value: number;
  source: string;
}

/** The driver figures recorded for a pool and period. */
export async function figuresOf(tx: Tx, orgId: number, poolId: number, period: string): Promise<FigureRow[]> {
  const rows = await tx
    .selectFrom('driver_figure')
    .select(['member_org_id', 'driver', 'basis', 'value', 'source'])
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .where('period', '=', period)
    .execute();
  return rows.map((r) => ({
    memberOrgId: r.member_org_id,
    driver: r.driver,
    basis: r.basis,
    value: r.value,
    source: r.source,
  }));
}

export interface RunRow {
  orgId: number;
  runId: string;
  poolId: number;
  period: string;
  periodFirst: string;
  periodLast: string;
  kind: RechargeRunKind;
  state: RechargeRunState;
  corrects: string | null;
  supersededBy: string | null;
  reason: string;
  totalPence: number;
  inputs: unknown;
  createdAt: Date;
  issuedAt: Date | null;
}

export interface LineRow {
  runId: string;
  position: number;
  memberOrgId: number;
  amountPence: number;
  driver: string | null;
  driverValue: number | null;
  driverTotal: number | null;
  explanation: string;
  estimatedPence: number | null;
  actualPence: number | null;
}

const runColumns = [
  'org_id',
  'run_id',
  'pool_id',
  'period',
  'period_first',
  'period_last',
  'kind',
  'state',
  'corrects',
  'superseded_by',
  'reason',
  'total_pence',
  'inputs',
  'created_at',
  'issued_at',
] as const;

type RunSelect = {
  org_id: number;
  run_id: string;
  pool_id: number;
  period: string;
  period_first: string;
  period_last: string;
  kind: RechargeRunKind;
  state: RechargeRunState;
  corrects: string | null;
  superseded_by: string | null;
  reason: string;
  total_pence: number;
  inputs: unknown;
  created_at: Date;
  issued_at: Date | null;
};

const toRun = (r: RunSelect): RunRow => ({
  orgId: r.org_id,
  runId: r.run_id,
  poolId: r.pool_id,
  period: r.period,
  periodFirst: r.period_first,
  periodLast: r.period_last,
  kind: r.kind,
  state: r.state,
  corrects: r.corrects,
  supersededBy: r.superseded_by,
  reason: r.reason,
  totalPence: r.total_pence,
  inputs: r.inputs,
  createdAt: r.created_at,
  issuedAt: r.issued_at,
});

/** The runs of some pools, optionally for one period label, oldest first. */
export async function runsOf(
  tx: Tx,
  poolIds: readonly number[],
  filter: { period?: string; state?: RechargeRunState } = {},
): Promise<RunRow[]> {
  if (poolIds.length === 0) return [];
  const rows = await tx
    .selectFrom('recharge_run')
    .select(runColumns)
    .where('pool_id', '=', sql<number>`ANY(${[...poolIds]}::bigint[])`)
    .$if(filter.period !== undefined, (q) => q.where('period', '=', filter.period!))
    .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
    .orderBy('period_first')
    .orderBy('created_at')
    .orderBy('run_id')
    .execute();
  return rows.map(toRun);
}

/** One run by its id, as the owner (to decide who may read it), or undefined. */
export async function runById(tx: Reader, runId: string): Promise<RunRow | undefined> {
  const row = await tx
    .selectFrom('recharge_run')
    .select(runColumns)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return row ? toRun(row) : undefined;
}

/** The lines of some runs, in each run's order. */
export async function linesOf(tx: Tx, runIds: readonly string[]): Promise<LineRow[]> {
  if (runIds.length === 0) return [];
  const rows = await tx
    .selectFrom('recharge_line')
    .selectAll()
    .where('run_id', '=', sql<string>`ANY(${[...runIds]}::uuid[])`)
    .orderBy('run_id')
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    runId: r.run_id,
    position: r.position,
    memberOrgId: r.member_org_id,
    amountPence: r.amount_pence,
    driver: r.driver,
    driverValue: r.driver_value,
    driverTotal: r.driver_total,
    explanation: r.explanation,
    estimatedPence: r.estimated_pence,
    actualPence: r.actual_pence,
  }));
}

export interface NewRun {
  orgId: number;
  poolId: number;
  period: string;
  periodFirst: string;
  periodLast: string;
  kind: RechargeRunKind;
  corrects: string | null;
  reason: string;
  totalPence: bigint;
  inputs: unknown;
  createdBy: number | null;
  lines: Array<{
    memberOrgId: number;
    amountPence: bigint;
    driver: string | null;
    driverValue: bigint | null;
    driverTotal: bigint | null;
    explanation: string;
    estimatedPence: bigint | null;
    actualPence: bigint | null;
  }>;
}

const safe = (n: bigint): number => {
  const value = Number(n);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${n} is too large to keep exactly`);
  return value;
};
const safeOrNull = (n: bigint | null): number | null => (n === null ? null : safe(n));

/** Writes a draft run and its lines; returns its id. */
export async function insertRun(tx: Tx, run: NewRun): Promise<string> {
  const { run_id } = await tx
    .insertInto('recharge_run')
    .values({
      org_id: run.orgId,
      pool_id: run.poolId,
      period: run.period,
      period_first: run.periodFirst,
      period_last: run.periodLast,
      kind: run.kind,
      corrects: run.corrects,
      reason: run.reason,
      total_pence: safe(run.totalPence),
      inputs: JSON.stringify(run.inputs),
      created_by: run.createdBy,
    })
    .returning('run_id')
    .executeTakeFirstOrThrow();
  if (run.lines.length > 0) {
    await tx
      .insertInto('recharge_line')
      .values(
        run.lines.map((line, position) => ({
          org_id: run.orgId,
          run_id,
          position,
          member_org_id: line.memberOrgId,
          amount_pence: safe(line.amountPence),
          driver: line.driver,
          driver_value: safeOrNull(line.driverValue),
          driver_total: safeOrNull(line.driverTotal),
          explanation: line.explanation,
          estimated_pence: safeOrNull(line.estimatedPence),
          actual_pence: safeOrNull(line.actualPence),
        })),
      )
      .execute();
  }
  return run_id;
}

/** Discards the drafts of a pool, period and kind (a new draft replaces them); returns their ids. */
export async function discardDrafts(
  tx: Tx,
  orgId: number,
  poolId: number,
  period: string,
  kind: RechargeRunKind,
): Promise<string[]> {
  const drafts = await tx
    .selectFrom('recharge_run')
    .select('run_id')
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .where('period', '=', period)
    .where('kind', '=', kind)
    .where('state', '=', 'draft')
    .execute();
  const ids = drafts.map((d) => d.run_id);
  if (ids.length === 0) return ids;
  await tx.deleteFrom('recharge_line').where('org_id', '=', orgId).where('run_id', 'in', ids).execute();
  await tx.deleteFrom('recharge_run').where('org_id', '=', orgId).where('run_id', 'in', ids).execute();
  return ids;
}

/** Issues a draft; false when it was no longer a draft (issued by someone else meanwhile). */
export async function markIssued(
  tx: Tx,
  orgId: number,
  runId: string,
  accountId: number | null,
): Promise<boolean> {
  const result = await tx
    .updateTable('recharge_run')
    .set({ state: 'issued', issued_at: sql<Date>`now()`, issued_by: accountId })
    .where('org_id', '=', orgId)
    .where('run_id', '=', runId)
    .where('state', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks an issued run superseded by its correction; false when it was not issued. */
export async function markSuperseded(tx: Tx, orgId: number, runId: string, by: string): Promise<boolean> {
  const result = await tx
    .updateTable('recharge_run')
    .set({ state: 'superseded', superseded_by: by })
    .where('org_id', '=', orgId)
    .where('run_id', '=', runId)
    .where('state', '=', 'issued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface LedgerLineRow {
  importId: number;
  fileName: string;
  lineNumber: number;
  paidOn: string;
  amountPence: number;
  supplier: string;
  expenditureCode: string;
  serviceArea: string;
  description: string;
  reference: string;
}

/** The ledger lines behind a pool's period, in the order paid, a page at a time. */
export async function ledgerLinesOf(
  tx: Tx,
  orgId: number,
  poolId: number,
  first: string,
  last: string,
  page: { limit: number; offset: number },
): Promise<LedgerLineRow[]> {
  const rows = await tx
    .selectFrom('ledger_line as l')
    .innerJoin('ledger_import as i', (j) =>
      j.onRef('i.org_id', '=', 'l.org_id').onRef('i.import_id', '=', 'l.import_id'),
    )
    .select([
      'l.import_id',
      'i.file_name',
      'l.line_number',
      'l.paid_on',
      'l.amount_pence',
      'l.supplier',
      'l.expenditure_code',
      'l.service_area',
      'l.description',
      'l.reference',
    ])
    .where('l.org_id', '=', orgId)
    .where('l.pool_id', '=', poolId)
    .where('l.paid_on', '>=', first)
    .where('l.paid_on', '<=', last)
    .orderBy('l.paid_on')
    .orderBy('l.import_id')
    .orderBy('l.line_number')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    importId: r.import_id,
    fileName: r.file_name,
    lineNumber: r.line_number,
    paidOn: r.paid_on,
    amountPence: r.amount_pence,
    supplier: r.supplier,
    expenditureCode: r.expenditure_code,
    serviceArea: r.service_area,
    description: r.description,
    reference: r.reference,
  }));
}

/** A new pool; returns its id. */
export async function insertPool(
  tx: Tx,
  pool: {
    orgId: number;
    partnershipId: number;
    name: string;
    description?: string;
    retainedBy?: number | null;
    lgslCodes?: number[];
    fixedShare?: number;
    illustrative?: boolean;
    source?: string;
  },
): Promise<number> {
  const { pool_id } = await tx
    .insertInto('cost_pool')
    .values({
      org_id: pool.orgId,
      partnership_id: pool.partnershipId,
      name: pool.name,
      description: pool.description ?? '',
      retained_by: pool.retainedBy ?? null,
      lgsl_codes: pool.lgslCodes ?? [],
      fixed_share: pool.fixedShare ?? 10_000,
      illustrative: pool.illustrative ?? false,
      source: pool.source ?? '',
    })
    .returning('pool_id')
    .executeTakeFirstOrThrow();
  return pool_id;
}

export async function insertMembers(
  tx: Tx,
  orgId: number,
  poolId: number,
  members: ReadonlyArray<{ orgId: number; joinedOn: string; leftOn?: string | null }>,
): Promise<void> {
  if (members.length === 0) return;
  await tx
    .insertInto('pool_member')
    .values(
      members.map((m) => ({
        org_id: orgId,
        pool_id: poolId,
        member_org_id: m.orgId,
        joined_on: m.joinedOn,
        left_on: m.leftOn ?? null,
      })),
    )
    .execute();
}

export async function insertRule(
  tx: Tx,
  rule: {
    orgId: number;
    poolId: number;
    validFrom: string;
    rule: unknown;
    trueUpTolerance: number | null;
    notes: string;
    recordedBy: number | null;
  },
): Promise<number> {
  const { rule_id } = await tx
    .insertInto('allocation_rule')
    .values({
      org_id: rule.orgId,
      pool_id: rule.poolId,
      valid_from: rule.validFrom,
      rule: JSON.stringify(rule.rule),
      true_up_tolerance: rule.trueUpTolerance,
      notes: rule.notes,
      recorded_by: rule.recordedBy,
    })
    .returning('rule_id')
    .executeTakeFirstOrThrow();
  return rule_id;
}

export async function insertAmount(
  tx: Tx,
  amount: {
    orgId: number;
    poolId: number;
    kind: 'budget' | 'actual';
    period: string;
    periodFirst: string;
    periodLast: string;
    pence: bigint;
    source: string;
    recordedBy: number | null;
  },
): Promise<void> {
  await tx
    .insertInto('pool_amount')
    .values({
      org_id: amount.orgId,
      pool_id: amount.poolId,
      kind: amount.kind,
      period: amount.period,
      period_first: amount.periodFirst,
      period_last: amount.periodLast,
      amount_pence: safe(amount.pence),
      source: amount.source,
      recorded_by: amount.recordedBy,
    })
    .execute();
}

/** Records a driver figure, replacing the one for the same member, driver, period and basis. */
export async function upsertFigure(
  tx: Tx,
  figure: {
    orgId: number;
    poolId: number;
    memberOrgId: number;
    driver: string;
    period: string;
    basis: 'estimate' | 'actual';
    value: bigint;
    source: string;
  },
): Promise<void> {
  await tx
    .insertInto('driver_figure')
    .values({
      org_id: figure.orgId,
      pool_id: figure.poolId,
      member_org_id: figure.memberOrgId,
      driver: figure.driver,
      period: figure.period,
      basis: figure.basis,
      value: safe(figure.value),
      source: figure.source,
    })
    .onConflict((oc) =>
      oc.columns(['org_id', 'pool_id', 'member_org_id', 'driver', 'period', 'basis']).doUpdateSet({
        value: safe(figure.value),
        source: figure.source,
        recorded_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export interface AmountRow {
  amountId: number;
  kind: 'budget' | 'actual';
  period: string;
  periodFirst: string;
  amountPence: number;
  source: string;
  recordedAt: Date;
}

/** A pool's budgets and actuals, by period. */
export async function amountsOf(tx: Tx, orgId: number, poolId: number): Promise<AmountRow[]> {
  const rows = await tx
    .selectFrom('pool_amount')
    .select(['amount_id', 'kind', 'period', 'period_first', 'amount_pence', 'source', 'recorded_at'])
    .where('org_id', '=', orgId)
    .where('pool_id', '=', poolId)
    .orderBy('period_first', 'desc')
    .orderBy('amount_id')
    .execute();
  return rows.map((r) => ({
    amountId: r.amount_id,
    kind: r.kind,
    period: r.period,
    periodFirst: r.period_first,
    amountPence: r.amount_pence,
    source: r.source,
    recordedAt: r.recorded_at,
  }));
}
