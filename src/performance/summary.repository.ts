/**
 * The stored day summaries: reading them for a span, and writing the rows of a span again in one
 * transaction as the owner (nobody else writes them), with a record of the run.
 */
import { sql, type Kysely } from 'kysely';
import type { Channel, DB, Tx } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import { CHANNELS } from './measures.ts';
import { type DaySummary, histogramFromJson, histogramToJson, requestsReceived } from './day-summary.ts';

/** A day summary with the district or unitary (GSS) of its cases' places; '' when not known. */
export interface AreaDaySummary extends DaySummary {
  readonly areaCode: string;
}

export interface SummaryQuery {
  orgIds: readonly number[];
  first: string;
  last: string;
  lgslCodes?: readonly number[];
  areaCodes?: readonly string[];
}

type Row = {
  org_id: number | string;
  lgsl_code: number;
  area_code: string;
  day: string | Date;
  received_by_channel: Record<string, number>;
  contacts: number;
  resolved_at_first_contact: number;
  closed: number;
  closed_with_target: number;
  closed_within_target: number;
  referred_out: number;
  referred_in: number;
  repeats: number;
  days_to_close: Record<string, number>;
};

const dayText = (d: string | Date) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

function fromRow(r: Row): AreaDaySummary {
  const channels = Object.fromEntries(CHANNELS.map((c) => [c, Number(r.received_by_channel[c] ?? 0)]));
  return {
    orgId: Number(r.org_id),
    lgslCode: r.lgsl_code,
    areaCode: r.area_code,
    day: dayText(r.day),
    receivedByChannel: channels as Record<Channel, number>,
    contacts: r.contacts,
    resolvedAtFirstContact: r.resolved_at_first_contact,
    closed: r.closed,
    closedWithTarget: r.closed_with_target,
    closedWithinTarget: r.closed_within_target,
    referredOut: r.referred_out,
    referredIn: r.referred_in,
    repeats: r.repeats,
    daysToClose: histogramFromJson(r.days_to_close) ?? new Map(),
  };
}

/** The summaries of some councils (and services and areas, all when not given) over a span of days. */
export async function readSummaries(tx: Tx, q: SummaryQuery): Promise<AreaDaySummary[]> {
  if (q.orgIds.length === 0) return [];
  const { rows } = await sql<Row>`
    SELECT org_id, lgsl_code, area_code, day::text AS day, received_by_channel, contacts,
           resolved_at_first_contact, closed, closed_with_target, closed_within_target, referred_out,
           referred_in, repeats, days_to_close
    FROM case_day_summary
    WHERE org_id = ANY(${[...q.orgIds]}::bigint[])
      AND day BETWEEN ${q.first}::date AND ${q.last}::date
      ${q.lgslCodes && q.lgslCodes.length > 0 ? sql`AND lgsl_code = ANY(${[...q.lgslCodes]}::int[])` : sql``}
      ${q.areaCodes && q.areaCodes.length > 0 ? sql`AND area_code = ANY(${[...q.areaCodes]}::text[])` : sql``}
    ORDER BY org_id, lgsl_code, area_code, day`.execute(tx);
  return rows.map(fromRow);
}

/** The first day any council has a summary, or null when there are none. */
export async function firstSummaryDay(tx: Tx, orgId: number): Promise<string | null> {
  const { rows } = await sql<{ day: string | null }>`
    SELECT min(day)::text AS day FROM case_day_summary WHERE org_id = ${orgId}::bigint`.execute(tx);
  return rows[0]?.day ?? null;
}

const BATCH = 1000;

/**
 * Replaces every summary row of the days from `first` to `last` with `rows` (which must all fall
 * on those days), and records the run, in one transaction as the owner.
 */
export async function replaceSummaries(
  db: Kysely<DB>,
  first: string,
  last: string,
  rows: readonly AreaDaySummary[],
): Promise<number> {
  return withSystem(db, async (tx) => {
    const run = await tx
      .insertInto('case_summary_run')
      .values({ first_day: first, last_day: last })
      .returning('run_id')
      .executeTakeFirstOrThrow();
    await tx.deleteFrom('case_day_summary').where('day', '>=', first).where('day', '<=', last).execute();
    for (let i = 0; i < rows.length; i += BATCH) {
      await tx
        .insertInto('case_day_summary')
        .values(
          rows.slice(i, i + BATCH).map((s) => ({
            org_id: s.orgId,
            lgsl_code: s.lgslCode,
            area_code: s.areaCode,
            day: s.day,
            received_by_channel: JSON.stringify(s.receivedByChannel),
            received: requestsReceived(s),
            contacts: s.contacts,
            resolved_at_first_contact: s.resolvedAtFirstContact,
            closed: s.closed,
            closed_with_target: s.closedWithTarget,
            closed_within_target: s.closedWithinTarget,
            referred_out: s.referredOut,
            referred_in: s.referredIn,
            repeats: s.repeats,
            days_to_close: JSON.stringify(histogramToJson(s.daysToClose)),
          })),
        )
        .execute();
    }
    await tx
      .updateTable('case_summary_run')
      .set({ rows_written: rows.length, finished_at: new Date() })
      .where('run_id', '=', run.run_id)
      .execute();
    return rows.length;
  });
}
