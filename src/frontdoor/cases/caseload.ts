/**
 * Caseload: how many cases each council held for some services over a span of London dates, for
 * the modules that share costs and report performance by it. Only counts leave this file, never a
 * case, so it reads as the owner across the councils asked about; a case is counted once, under
 * the council that holds it, by the day it was opened.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import { withSystem } from '../../db/index.ts';
import { endOfLondonDay } from '../../platform/index.ts';

export interface CaseloadQuery {
  orgIds: readonly number[];
  /** LGSL services counted; empty counts every service. */
  lgslCodes: readonly number[];
  /** The first and last London dates counted, YYYY-MM-DD. */
  first: string;
  last: string;
}

/** The day before an ISO date. */
const dayBefore = (iso: string) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** Cases opened from `first` to `last` (London dates) for each council asked about; 0 where none. */
export async function caseloadByCouncil(db: Kysely<DB>, query: CaseloadQuery): Promise<Map<number, number>> {
  const counts = new Map<number, number>(query.orgIds.map((id) => [id, 0]));
  if (query.orgIds.length === 0) return counts;
  const from = new Date(endOfLondonDay(dayBefore(query.first)).getTime() + 1);
  const until = endOfLondonDay(query.last);
  const rows = await withSystem(db, (tx) =>
    tx
      .selectFrom('service_case')
      .select(['org_id', sql<string>`count(*)`.as('cases')])
      .where('org_id', '=', sql<number>`ANY(${[...query.orgIds]}::bigint[])`)
      .$if(query.lgslCodes.length > 0, (q) =>
        q.where('lgsl_code', '=', sql<number>`ANY(${[...query.lgslCodes]}::int[])`),
      )
      .where('opened_at', '>=', from)
      .where('opened_at', '<=', until)
      .groupBy('org_id')
      .execute(),
  );
  for (const row of rows) counts.set(row.org_id, Number(row.cases));
  return counts;
}
