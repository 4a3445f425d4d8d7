/** SQL for the desk's lists of cases and the counts per team, in the caller's transaction. */
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import type { CaseStatus } from '../../db/index.ts';
import type { ScopeEntry } from '../cases/case-actor.ts';
import { ACTIVE_STATUSES } from '../cases/case-status.ts';
import { asDate } from '../cases/cases.repository.ts';

/**
 * Cases held or handled by the organisations of a scope, each for the services it is limited to
 * there (every service when null): the filter of every list, count and search of cases.
 */
export function inScope(scope: readonly ScopeEntry[]) {
  const every = scope.filter((s) => s.lgslCodes === null).map((s) => s.orgId);
  const terms = [];
  if (every.length > 0) {
    terms.push(sql`c.org_id = ANY (${every}::bigint[]) OR c.provider_org_id = ANY (${every}::bigint[])`);
  }
  for (const s of scope) {
    if (s.lgslCodes === null || s.lgslCodes.length === 0) continue;
    terms.push(
      sql`((c.org_id = ${s.orgId}::bigint OR c.provider_org_id = ${s.orgId}::bigint) AND c.lgsl_code = ANY (${[...s.lgslCodes]}::int[]))`,
    );
  }
  return terms.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(terms, sql` OR `)})`;
}

export interface QueueQuery {
  /** Whose cases, for which services. */
  scope: readonly ScopeEntry[];
  lgslCode?: number;
  /** The team: the organisation that provides the service (handles the cases). */
  providerOrgId?: number;
  state: 'open' | 'overdue' | 'closed' | 'all';
  /** A reference, a postcode, or part of a name or address. */
  text?: { reference?: string; postcode?: string; words?: string };
  now: Date;
  limit: number;
}

export interface QueueRow {
  orgId: number;
  reference: string;
  lgslCode: number;
  serviceLabel: string;
  status: CaseStatus;
  postcode: string | null;
  openedAt: Date;
  dueAt: Date | null;
  pausedAt: Date | null;
  orgName: string;
  providerName: string;
}

/** Cases of (or handled by) these organisations, the most urgent first. */
export async function queue(tx: Tx, q: QueueQuery): Promise<{ rows: QueueRow[]; total: number }> {
  if (q.scope.length === 0) return { rows: [], total: 0 };
  let query = tx
    .selectFrom('service_case as c')
    .innerJoin('service as s', 's.lgsl_code', 'c.lgsl_code')
    .innerJoin('organisation as o', 'o.org_id', 'c.org_id')
    .innerJoin('organisation as p', 'p.org_id', 'c.provider_org_id')
    .where(inScope(q.scope));
  if (q.lgslCode !== undefined) query = query.where('c.lgsl_code', '=', q.lgslCode);
  if (q.providerOrgId !== undefined) query = query.where('c.provider_org_id', '=', q.providerOrgId);
  if (q.state === 'open' || q.state === 'overdue') query = query.where('c.status', 'in', ACTIVE_STATUSES);
  if (q.state === 'overdue') {
    query = query.where('c.due_at', '<', q.now).where('c.paused_at', 'is', null);
  }
  if (q.state === 'closed') query = query.where('c.status', 'not in', ACTIVE_STATUSES);
  if (q.text?.reference) query = query.where('c.reference', '=', q.text.reference);
  else if (q.text?.postcode) query = query.where('c.postcode', '=', q.text.postcode);
  else if (q.text?.words) {
    const like = `%${q.text.words.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('c.reporter_name', 'ilike', like),
        eb('c.address', 'ilike', like),
        eb('c.description', 'ilike', like),
      ]),
    );
  }
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'c.org_id',
      'c.reference',
      'c.lgsl_code',
      's.label',
      'c.status',
      'c.postcode',
      'c.opened_at',
      'c.due_at',
      'c.paused_at',
      'o.name as org_name',
      'p.name as provider_name',
    ])
    .orderBy(sql`c.due_at is null`)
    .orderBy('c.due_at')
    .orderBy('c.opened_at', 'desc')
    .limit(q.limit)
    .execute();
  return {
    total: Number(total),
    rows: rows.map((r) => ({
      orgId: r.org_id,
      reference: r.reference,
      lgslCode: r.lgsl_code,
      serviceLabel: r.label,
      status: r.status,
      postcode: r.postcode,
      openedAt: asDate(r.opened_at)!,
      dueAt: asDate(r.due_at),
      pausedAt: asDate(r.paused_at),
      orgName: r.org_name,
      providerName: r.provider_name,
    })),
  };
}

export interface QueueCount {
  lgslCode: number;
  serviceLabel: string;
  /** The team: the organisation whose staff handle the service's cases. */
  providerOrgId: number;
  providerName: string;
  open: number;
  overdue: number;
}

/** For each team (a service at the organisation that provides it): cases in hand, and how many are overdue. */
export async function queueCounts(tx: Tx, scope: readonly ScopeEntry[], now: Date): Promise<QueueCount[]> {
  if (scope.length === 0) return [];
  const rows = await tx
    .selectFrom('service_case as c')
    .innerJoin('service as s', 's.lgsl_code', 'c.lgsl_code')
    .innerJoin('organisation as p', 'p.org_id', 'c.provider_org_id')
    .where(inScope(scope))
    .where('c.status', 'in', ACTIVE_STATUSES)
    .groupBy(['c.provider_org_id', 'p.name', 'c.lgsl_code', 's.label'])
    .select((eb) => [
      'c.provider_org_id',
      'p.name',
      'c.lgsl_code',
      's.label',
      eb.fn.countAll<number>().as('open'),
      sql<number>`count(*) filter (where c.due_at < ${now} and c.paused_at is null)`.as('overdue'),
    ])
    .orderBy('p.name')
    .orderBy('s.label')
    .execute();
  return rows.map((r) => ({
    lgslCode: r.lgsl_code,
    serviceLabel: r.label,
    providerOrgId: r.provider_org_id,
    providerName: r.name,
    open: Number(r.open),
    overdue: Number(r.overdue),
  }));
}
