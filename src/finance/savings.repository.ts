/**
 * The SQL of savings and business cases: each council's baseline for a pool, and business cases
 * with their costs and savings by year. Every function takes the transaction it runs in.
 */
import { sql, type Kysely } from 'kysely';
import type { DB, Tx } from '../db/index.ts';

export interface BaselineRow {
  poolId: number;
  memberOrgId: number;
  year: string;
  baselinePence: number;
  source: string;
}

export async function baselinesOf(tx: Tx, poolIds: readonly number[]): Promise<BaselineRow[]> {
  if (poolIds.length === 0) return [];
  const rows = await tx
    .selectFrom('pool_baseline')
    .selectAll()
    .where('pool_id', '=', sql<number>`ANY(${[...poolIds]}::bigint[])`)
    .execute();
  return rows.map((r) => ({
    poolId: r.pool_id,
    memberOrgId: r.member_org_id,
    year: r.year,
    baselinePence: r.baseline_pence,
    source: r.source,
  }));
}

export async function upsertBaseline(
  tx: Tx,
  row: { orgId: number; poolId: number; memberOrgId: number; year: string; pence: number; source: string },
): Promise<void> {
  await tx
    .insertInto('pool_baseline')
    .values({
      org_id: row.orgId,
      pool_id: row.poolId,
      member_org_id: row.memberOrgId,
      year: row.year,
      baseline_pence: row.pence,
      source: row.source,
    })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'pool_id', 'member_org_id'])
        .doUpdateSet({ year: row.year, baseline_pence: row.pence, source: row.source }),
    )
    .execute();
}

export interface BusinessCaseRow {
  orgId: number;
  caseId: number;
  partnershipId: number;
  title: string;
  summary: string;
  firstYear: string;
  discountRate: number;
  memberOrgIds: number[];
  shareRule: unknown;
  illustrative: boolean;
  source: string;
  createdAt: Date;
  years: Array<{ year: number; costPence: number; savingPence: number }>;
}

/** Business cases of some partnerships (or one case), with their years; read as the owner to decide who may. */
export async function businessCasesOf(
  tx: Tx | Kysely<DB>,
  filter: { partnershipIds?: readonly number[]; caseId?: number },
): Promise<BusinessCaseRow[]> {
  const cases = await tx
    .selectFrom('business_case')
    .selectAll()
    .$if(filter.partnershipIds !== undefined, (q) =>
      q.where('partnership_id', '=', sql<number>`ANY(${[...filter.partnershipIds!]}::bigint[])`),
    )
    .$if(filter.caseId !== undefined, (q) => q.where('case_id', '=', filter.caseId!))
    .orderBy('created_at')
    .orderBy('case_id')
    .execute();
  if (cases.length === 0) return [];
  const years = await tx
    .selectFrom('business_case_year')
    .selectAll()
    .where('case_id', '=', sql<number>`ANY(${cases.map((c) => c.case_id)}::bigint[])`)
    .orderBy('year_index')
    .execute();
  return cases.map((c) => ({
    orgId: c.org_id,
    caseId: c.case_id,
    partnershipId: c.partnership_id,
    title: c.title,
    summary: c.summary,
    firstYear: c.first_year,
    discountRate: c.discount_rate,
    // A bigint[] reads as text on PostgreSQL and as numbers on the embedded engine.
    memberOrgIds: c.member_org_ids.map(Number),
    shareRule: c.share_rule,
    illustrative: c.illustrative,
    source: c.source,
    createdAt: c.created_at,
    years: years
      .filter((y) => y.case_id === c.case_id)
      .map((y) => ({ year: y.year_index, costPence: y.cost_pence, savingPence: y.saving_pence })),
  }));
}

export async function insertBusinessCase(
  tx: Tx,
  row: Omit<BusinessCaseRow, 'caseId' | 'createdAt'> & { createdBy: number | null },
): Promise<number> {
  const { case_id } = await tx
    .insertInto('business_case')
    .values({
      org_id: row.orgId,
      partnership_id: row.partnershipId,
      title: row.title,
      summary: row.summary,
      first_year: row.firstYear,
      discount_rate: row.discountRate,
      member_org_ids: row.memberOrgIds,
      share_rule: JSON.stringify(row.shareRule),
      illustrative: row.illustrative,
      source: row.source,
      created_by: row.createdBy,
    })
    .returning('case_id')
    .executeTakeFirstOrThrow();
  if (row.years.length > 0) {
    await tx
      .insertInto('business_case_year')
      .values(
        row.years.map((y) => ({
          org_id: row.orgId,
          case_id,
          year_index: y.year,
          cost_pence: y.costPence,
          saving_pence: y.savingPence,
        })),
      )
      .execute();
  }
  return case_id;
}
