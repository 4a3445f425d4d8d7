/**
 * Cost sharing as a ratified proposal changes it: a partnership's pools and their rules read, a
 * new rule recorded from a date, and a leaving council's pool memberships ended. Each runs in the
 * caller's transaction, so the proposal that makes the change and the change itself commit
 * together; the caller's tenant scope must write the pool's organisation (row-level security
 * refuses otherwise). Who may is the caller's to decide: only a proposal every sharing council
 * approved comes here.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/index.ts';
import { ValidationProblem, recordAudit } from '../platform/index.ts';
import * as repo from './finance.repository.ts';
import { DRIVERS, ruleProblems, type DriverValues, type Member } from './allocation-rules.ts';
import { RuleFormatError, describeRule, ruleFromJson, ruleToJson } from './rule-json.ts';
import type { RuleRow } from './finance.repository.ts';

export type { RuleRow };

export interface PoolSummary {
  orgId: number;
  poolId: number;
  partnershipId: number;
  name: string;
  /** The councils sharing it, retained pools included (they have one member). */
  members: ReadonlyArray<{ orgId: number; joinedOn: string; leftOn: string | null }>;
  retainedBy: number | null;
}

const summary = (p: repo.PoolRow): PoolSummary => ({
  orgId: p.orgId,
  poolId: p.poolId,
  partnershipId: p.partnershipId,
  name: p.name,
  members: p.members,
  retainedBy: p.retainedBy,
});

/** A partnership's cost pools, or the pools named, with who shares each. */
export async function poolsIn(
  tx: Tx,
  filter: { partnershipIds?: readonly number[]; poolIds?: readonly number[] },
): Promise<PoolSummary[]> {
  return (await repo.poolsOf(tx, filter)).map(summary);
}

/** The councils sharing a pool on `date`. */
export const sharingOn = (pool: PoolSummary, date: string): number[] =>
  pool.members
    .filter((m) => m.joinedOn <= date && (m.leftOn === null || m.leftOn > date))
    .map((m) => m.orgId);

/** A pool's rules, newest first. */
export const rulesIn = (tx: Tx, orgId: number, poolId: number): Promise<RuleRow[]> =>
  repo.rulesOf(tx, orgId, poolId);

/**
 * A rule as it is kept (`ruleToJson`) and in words, or what is wrong with it. Given the members that
 * will share it (keyed by GSS code), its shape is checked against them too: every member has a
 * share, no one else does, shares add up. Driver figures are read at each recharge run, not here,
 * so for this check every member counts one of each driver.
 */
export function readRule(
  value: unknown,
  members?: readonly Member[],
): { ok: true; json: unknown; words: string } | { ok: false; reason: string } {
  try {
    const rule = ruleFromJson(value);
    const names = new Map((members ?? []).map((m) => [m.key, m.name]));
    if (members) {
      const one = new Map(members.map((m) => [m.key, 1n]));
      const drivers = Object.fromEntries(Object.keys(DRIVERS).map((d) => [d, one])) as DriverValues;
      const problems = ruleProblems(rule, members, drivers);
      if (problems.length > 0) return { ok: false, reason: problems.join(' ') };
    }
    return { ok: true, json: ruleToJson(rule), words: describeRule(rule, names) };
  } catch (error) {
    if (error instanceof RuleFormatError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Records a pool's rule from `validFrom`, audited; refuses a malformed rule or a second from one date. */
export async function recordRuleIn(
  tx: Tx,
  input: {
    orgId: number;
    poolId: number;
    validFrom: string;
    rule: unknown;
    trueUpTolerance: number | null;
    notes: string;
    accountId: number | null;
  },
): Promise<number> {
  const read = readRule(input.rule);
  if (!read.ok) throw new ValidationProblem({ rule: read.reason });
  const taken = await tx
    .selectFrom('allocation_rule')
    .select('rule_id')
    .where('org_id', '=', input.orgId)
    .where('pool_id', '=', input.poolId)
    .where('valid_from', '=', input.validFrom)
    .executeTakeFirst();
  if (taken) throw new ValidationProblem({ rule: `The pool already has a rule from ${input.validFrom}` });
  const ruleId = await repo.insertRule(tx, {
    orgId: input.orgId,
    poolId: input.poolId,
    validFrom: input.validFrom,
    rule: read.json,
    trueUpTolerance: input.trueUpTolerance,
    notes: input.notes,
    recordedBy: input.accountId,
  });
  await recordAudit(tx, {
    orgId: input.orgId,
    accountId: input.accountId,
    action: 'create',
    entityType: 'allocation_rule',
    entityKey: String(ruleId),
    after: { pool_id: input.poolId, valid_from: input.validFrom, rule: read.json, notes: input.notes },
  });
  return ruleId;
}

/**
 * A council that leaves a partnership stops sharing its pools from `leftOn` (the first day it is
 * out); returns how many memberships ended. Each ended membership is audited under the pool's keeper.
 */
export async function endPoolMembershipsIn(
  tx: Tx,
  input: { partnershipId: number; memberOrgId: number; leftOn: string; accountId: number | null },
): Promise<number> {
  const ended = await tx
    .updateTable('pool_member')
    .set({ left_on: input.leftOn })
    .where('member_org_id', '=', input.memberOrgId)
    .where('left_on', 'is', null)
    .where('joined_on', '<', input.leftOn)
    .where(
      'pool_id',
      '=',
      sql<number>`ANY(ARRAY(SELECT pool_id FROM cost_pool WHERE partnership_id = ${input.partnershipId}))`,
    )
    .returning(['org_id', 'pool_id'])
    .execute();
  for (const row of ended) {
    await recordAudit(tx, {
      orgId: row.org_id,
      accountId: input.accountId,
      action: 'update',
      entityType: 'pool_member',
      entityKey: `${row.pool_id}:${input.memberOrgId}`,
      before: { left_on: null },
      after: { left_on: input.leftOn },
    });
  }
  return ended.length;
}

/** A kept rule in words, members named by `names` (GSS code to name); what is wrong with it otherwise. */
export function ruleWords(value: unknown, names: ReadonlyMap<string, string> = new Map()): string {
  try {
    return describeRule(ruleFromJson(value), names);
  } catch (error) {
    if (error instanceof RuleFormatError) return error.message;
    throw error;
  }
}
