/**
 * Keeping the day summaries up to date: the rows of a span of London days are made again from the
 * front door's cases (`caseActivityBetween`) and written in place of the old ones, so a page of
 * measures adds up summaries and never reads the cases. The server refreshes the last 35 days
 * every hour (a case closed today changes today's row; one reopened or referred changes the day
 * it happens); `jointly measures-refresh` does any span; the demo loader its year.
 *
 * How a case becomes facts (`caseFactsFrom`, pure): received on the London date it was opened,
 * unless a referral opened it; its contact counted under the council whose front door took it;
 * closed on the London date of `closed_at`, the working days to close from the England and Wales
 * calendar, within the service level when closed by its due time; each referral out a fact of its
 * own on its London date; a repeat by `repeat-requests.ts` over the 30 days before.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import { caseActivityBetween, englandAndWalesCalendar, type CaseActivityRow } from '../frontdoor/index.ts';
import type { WorkingCalendar } from '../frontdoor/index.ts';
import { endOfLondonDay, todayInLondon, type Progress } from '../platform/index.ts';
import { type CaseFacts, summariseCases } from './day-summary.ts';
import { REPEAT_WINDOW_DAYS } from './measures.ts';
import { repeatRequests } from './repeat-requests.ts';
import { type AreaDaySummary, replaceSummaries } from './summary.repository.ts';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
export const addDays = (iso: string, days: number): string => isoDay(dayNumber(iso) + days * DAY_MS);

/** The days a refresh makes again by default: enough to catch every late change of a month. */
export const RECENT_DAYS = 35;
/** The most days one transaction makes again; a longer span goes a chunk at a time. */
const CHUNK_DAYS = 31;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
export const isIsoDay = (text: string): boolean =>
  ISO_DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && isoDay(dayNumber(text)) === text;

/** The facts of each case (and one per referral out) for `summariseCases`, with its area. Pure. */
export function caseFactsFrom(
  rows: readonly CaseActivityRow[],
  calendar: Pick<WorkingCalendar, 'workingDaysBetween'>,
): Array<{ areaCode: string; facts: CaseFacts }> {
  const repeats = repeatRequests(
    rows.map((r) => ({
      id: r.caseId,
      orgId: r.orgId,
      lgslCode: r.lgslCode,
      openedAt: r.openedAt.getTime(),
      postcode: r.postcode,
      lat: r.lat,
      lon: r.lon,
      byReferral: r.referredFromOrgId !== null,
    })),
  );
  const out: Array<{ areaCode: string; facts: CaseFacts }> = [];
  for (const r of rows) {
    const areaCode = r.districtCode ?? '';
    const openedOn = todayInLondon(r.openedAt);
    const byReferral = r.referredFromOrgId !== null;
    const closedOn = r.closedAt ? todayInLondon(r.closedAt) : null;
    out.push({
      areaCode,
      facts: {
        orgId: r.orgId,
        lgslCode: r.lgslCode,
        channel: r.channel,
        openedOn,
        byReferral,
        repeat: repeats.has(r.caseId),
        contact:
          !byReferral && r.contactOrgId !== null
            ? { orgId: r.contactOrgId, resolvedAtFirstContact: r.resolvedAtFirstContact }
            : null,
        closed:
          r.closedAt && closedOn
            ? {
                on: closedOn,
                workingDays: calendar.workingDaysBetween(openedOn, closedOn),
                withinTarget: r.dueAt === null ? null : r.closedAt.getTime() <= r.dueAt.getTime(),
              }
            : null,
        referredOut: null,
      },
    });
    for (const referral of r.referrals) {
      const on = todayInLondon(referral.at);
      out.push({
        areaCode,
        facts: {
          orgId: r.orgId,
          lgslCode: r.lgslCode,
          channel: r.channel,
          openedOn: on,
          byReferral: true,
          repeat: false,
          contact: null,
          closed: null,
          referredOut: { on, toOrgId: referral.toOrgId },
        },
      });
    }
  }
  return out;
}

/** The summaries of the days from `first` to `last` from the facts of every case that touches them. Pure. */
export function summariesOfDays(
  facts: ReadonlyArray<{ areaCode: string; facts: CaseFacts }>,
  first: string,
  last: string,
): AreaDaySummary[] {
  const byArea = new Map<string, CaseFacts[]>();
  for (const f of facts) byArea.set(f.areaCode, [...(byArea.get(f.areaCode) ?? []), f.facts]);
  const rows: AreaDaySummary[] = [];
  for (const [areaCode, group] of [...byArea].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const s of summariseCases(group)) {
      if (s.day >= first && s.day <= last) rows.push({ ...s, areaCode });
    }
  }
  return rows;
}

/** Makes the summaries of the days from `first` to `last` (London dates, both inclusive) again. */
async function refreshChunk(db: Kysely<DB>, first: string, last: string): Promise<number> {
  const from = new Date(endOfLondonDay(addDays(first, -1)).getTime() + 1);
  const until = endOfLondonDay(last);
  // Repeats look back 30 × 24 hours from each request: a day more covers the clocks changing.
  const openedFrom = new Date(from.getTime() - (REPEAT_WINDOW_DAYS + 1) * DAY_MS);
  const rows = await caseActivityBetween(db, { from, until, openedFrom });
  const earliest = rows.reduce((min, r) => Math.min(min, r.openedAt.getTime()), from.getTime());
  const calendar = await withSystem(db, (tx) =>
    englandAndWalesCalendar(tx, todayInLondon(new Date(earliest)), last),
  );
  return replaceSummaries(db, first, last, summariesOfDays(caseFactsFrom(rows, calendar), first, last));
}

export interface RefreshResult {
  first: string;
  last: string;
  days: number;
  rowsWritten: number;
}

/**
 * Makes the summaries of a span of days again, a month at a time (each in its own transaction),
 * telling `progress` of each day done. Throws a RangeError for days that are not dates or a span
 * that ends before it starts.
 */
export async function refreshSummaries(
  db: Kysely<DB>,
  span: { first: string; last: string },
  progress?: Progress,
): Promise<RefreshResult> {
  const { first, last } = span;
  if (!isIsoDay(first) || !isIsoDay(last)) throw new RangeError('Days are dates written YYYY-MM-DD.');
  if (last < first) throw new RangeError(`The span ends (${last}) before it starts (${first}).`);
  const days = Math.round((dayNumber(last) - dayNumber(first)) / DAY_MS) + 1;
  progress?.start(`Measures: day summaries ${first} to ${last}`, days);
  let rowsWritten = 0;
  try {
    for (let start = first; start <= last; start = addDays(start, CHUNK_DAYS)) {
      const end = addDays(start, CHUNK_DAYS - 1) < last ? addDays(start, CHUNK_DAYS - 1) : last;
      rowsWritten += await refreshChunk(db, start, end);
      progress?.tick(Math.round((dayNumber(end) - dayNumber(start)) / DAY_MS) + 1);
    }
  } finally {
    progress?.stop();
  }
  return { first, last, days, rowsWritten };
}

/** The last `RECENT_DAYS` days up to today in London: what the hourly refresh makes again. */
export function recentSpan(now = new Date()): { first: string; last: string } {
  const last = todayInLondon(now);
  return { first: addDays(last, -(RECENT_DAYS - 1)), last };
}

export interface SummaryTimer {
  start(): void;
  stop(): void;
}

/** Refreshes the recent days once at start and then every hour while the server runs. */
export function summaryRefreshTimer(options: {
  db: Kysely<DB>;
  log: (entry: Record<string, unknown>, message: string) => void;
  everyMs?: number;
}): SummaryTimer {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await refreshSummaries(options.db, recentSpan());
    } catch (error) {
      options.log({ err: error }, 'the measures’ day summaries could not be refreshed; trying again later');
    } finally {
      running = false;
    }
  };
  return {
    start() {
      void tick();
      timer = setInterval(() => void tick(), options.everyMs ?? 60 * 60 * 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
