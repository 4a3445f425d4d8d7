/**
 * The stored day summaries: reading them for a span, and writing the rows of a span again in one
 * transaction as the owner (nobody else writes them), with a record of the run.
 */
import { sql, type Kysely } from 'kysely';
import type { Channel, DB, Tx } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import { CHANNELS } from './measures.ts';
import {
  type CaseCounts,
  type DaySummary,
  histogramFromJson,
  histogramToJson,
  requestsReceived,
} from './day-summary.ts';

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

/** A span of days with a name: a reporting period. */
export interface NamedSpan {
  id: string;
  first: string;
  last: string;
}

/** The counts of one council's service over one period, added up from its days (and areas). */
export interface PeriodCounts {
  periodId: string;
  orgId: number;
  lgslCode: number;
  counts: CaseCounts;
}

/**
 * The day summaries of some councils added up per period, council and service in the database, so
 * that what a report reads grows with the periods and services it shows, not with the days and
 * cases behind them. The same sums as `mergeSummaries` over `readSummaries`' rows (a test holds
 * the two equal); periods may overlap, each is added up on its own.
 */
export async function periodCounts(
  tx: Tx,
  q: Omit<SummaryQuery, 'first' | 'last'> & { periods: readonly NamedSpan[] },
): Promise<PeriodCounts[]> {
  if (q.orgIds.length === 0 || q.periods.length === 0) return [];
  const first = q.periods.reduce((min, p) => (p.first < min ? p.first : min), q.periods[0]!.first);
  const last = q.periods.reduce((max, p) => (p.last > max ? p.last : max), q.periods[0]!.last);
  const spans = sql`
    WITH p AS (
      SELECT * FROM unnest(${q.periods.map((p) => p.id)}::text[], ${q.periods.map((p) => p.first)}::date[],
                           ${q.periods.map((p) => p.last)}::date[]) AS p(period_id, first_day, last_day)
    ), s AS (
      SELECT p.period_id, c.* FROM case_day_summary c
      JOIN p ON c.day BETWEEN p.first_day AND p.last_day
      WHERE c.org_id = ANY(${[...q.orgIds]}::bigint[])
        AND c.day BETWEEN ${first}::date AND ${last}::date
        ${q.lgslCodes && q.lgslCodes.length > 0 ? sql`AND c.lgsl_code = ANY(${[...q.lgslCodes]}::int[])` : sql``}
        ${q.areaCodes && q.areaCodes.length > 0 ? sql`AND c.area_code = ANY(${[...q.areaCodes]}::text[])` : sql``}
    )`;
  const totals = await sql<{
    period_id: string;
    org_id: number | string;
    lgsl_code: number;
    contacts: number | string;
    resolved: number | string;
    closed: number | string;
    with_target: number | string;
    within_target: number | string;
    referred_out: number | string;
    referred_in: number | string;
    repeats: number | string;
  }>`${spans}
    SELECT period_id, org_id, lgsl_code, sum(contacts) AS contacts, sum(resolved_at_first_contact) AS resolved,
           sum(closed) AS closed, sum(closed_with_target) AS with_target,
           sum(closed_within_target) AS within_target, sum(referred_out) AS referred_out,
           sum(referred_in) AS referred_in, sum(repeats) AS repeats
    FROM s GROUP BY period_id, org_id, lgsl_code ORDER BY period_id, org_id, lgsl_code`.execute(tx);
  const keyed = await sql<{
    period_id: string;
    org_id: number | string;
    lgsl_code: number;
    what: 'channel' | 'days';
    key: string;
    n: number | string;
  }>`${spans}
    SELECT period_id, org_id, lgsl_code, 'channel' AS what, e.key, sum(e.value::bigint) AS n
    FROM s, jsonb_each_text(s.received_by_channel) e GROUP BY period_id, org_id, lgsl_code, e.key
    UNION ALL
    SELECT period_id, org_id, lgsl_code, 'days' AS what, e.key, sum(e.value::bigint) AS n
    FROM s, jsonb_each_text(s.days_to_close) e GROUP BY period_id, org_id, lgsl_code, e.key`.execute(tx);
  const at = (period: string, org: number | string, lgsl: number) => `${period}|${Number(org)}|${lgsl}`;
  const channels = new Map<string, Record<string, number>>();
  const days = new Map<string, Record<string, number>>();
  for (const r of keyed.rows) {
    const into = r.what === 'channel' ? channels : days;
    const key = at(r.period_id, r.org_id, r.lgsl_code);
    into.set(key, { ...into.get(key), [r.key]: Number(r.n) });
  }
  return totals.rows.map((r) => {
    const key = at(r.period_id, r.org_id, r.lgsl_code);
    const received = channels.get(key) ?? {};
    return {
      periodId: r.period_id,
      orgId: Number(r.org_id),
      lgslCode: r.lgsl_code,
      counts: {
        receivedByChannel: Object.fromEntries(CHANNELS.map((c) => [c, Number(received[c] ?? 0)])) as Record<
          Channel,
          number
        >,
        contacts: Number(r.contacts),
        resolvedAtFirstContact: Number(r.resolved),
        closed: Number(r.closed),
        closedWithTarget: Number(r.with_target),
        closedWithinTarget: Number(r.within_target),
        referredOut: Number(r.referred_out),
        referredIn: Number(r.referred_in),
        repeats: Number(r.repeats),
        daysToClose: histogramFromJson(days.get(key) ?? {}) ?? new Map(),
      },
    };
  });
}

/** Each council's first day with a summary; a council with none is absent. */
export async function firstSummaryDays(tx: Tx, orgIds: readonly number[]): Promise<Map<number, string>> {
  if (orgIds.length === 0) return new Map();
  const { rows } = await sql<{ org_id: number | string; day: string }>`
    SELECT org_id, min(day)::text AS day FROM case_day_summary
    WHERE org_id = ANY(${[...orgIds]}::bigint[]) GROUP BY org_id`.execute(tx);
  return new Map(rows.map((r) => [Number(r.org_id), r.day]));
}

/** A council's first day with a summary, or null when it has none. */
export const firstSummaryDay = async (tx: Tx, orgId: number): Promise<string | null> =>
  (await firstSummaryDays(tx, [orgId])).get(orgId) ?? null;

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
