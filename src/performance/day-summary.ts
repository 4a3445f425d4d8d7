/**
 * Day summaries: one row per council, service and London date holding everything the measures
 * from cases need, so that a year's measures add up 365 small rows instead of reading every case.
 * Every field is a count, and the working days to close are a histogram of whole days, so merging
 * summaries is adding and every measure (the median and 90th percentile too) is exactly what the
 * cases themselves would give. Pure.
 *
 * Which day and which council each count lands on:
 * - received (by channel) and repeats: the holder's, on the day the request was opened;
 * - contacts and resolved at first contact: the council whose front door took the contact, on the
 *   day it was received;
 * - closed, closed with a service level, closed within it, and the histogram: the holder's, on the
 *   day the case was closed;
 * - referred out: the referring council's, on the day of the referral; referred in: the receiving
 *   council's, the same day.
 */
import type { Channel } from '../db/index.ts';
import { CHANNELS } from './measures.ts';
import { type Ratio, ratio, share } from './ratio.ts';

/** Whole working days 0 to 365 are kept exactly; more than 365 all go in one bucket, 366. */
export const DAYS_CAP = 365;
export const OVERFLOW_BUCKET = DAYS_CAP + 1;

/** Closed cases by whole working days to close: days (0 to 366, 366 for "more than 365") → cases. */
export type DaysHistogram = ReadonlyMap<number, number>;

export interface CaseCounts {
  readonly receivedByChannel: Readonly<Record<Channel, number>>;
  readonly contacts: number;
  readonly resolvedAtFirstContact: number;
  readonly closed: number;
  /** Closed cases that had a service level (a due time). */
  readonly closedWithTarget: number;
  readonly closedWithinTarget: number;
  readonly referredOut: number;
  readonly referredIn: number;
  readonly repeats: number;
  readonly daysToClose: DaysHistogram;
}

export interface DaySummary extends CaseCounts {
  readonly orgId: number;
  readonly lgslCode: number;
  /** The London date, YYYY-MM-DD. */
  readonly day: string;
}

const noChannels = () => Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;

export const NO_CASES: CaseCounts = Object.freeze({
  receivedByChannel: Object.freeze(noChannels()),
  contacts: 0,
  resolvedAtFirstContact: 0,
  closed: 0,
  closedWithTarget: 0,
  closedWithinTarget: 0,
  referredOut: 0,
  referredIn: 0,
  repeats: 0,
  daysToClose: new Map<number, number>(),
});

/** The bucket a case's working days to close go in: the days themselves up to 365, then 366. */
export function bucketOf(workingDays: number): number {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new RangeError(`working days to close are a whole number, 0 or more: ${workingDays}`);
  }
  return Math.min(workingDays, OVERFLOW_BUCKET);
}

/** Histograms added together; a bucket with no cases is left out. */
export function mergeHistograms(histograms: Iterable<DaysHistogram>): DaysHistogram {
  const merged = new Map<number, number>();
  for (const h of histograms)
    for (const [days, n] of h) if (n > 0) merged.set(days, (merged.get(days) ?? 0) + n);
  return new Map([...merged].sort(([a], [b]) => a - b));
}

/** The counts of several summaries (any councils, services and days) added together. */
export function mergeSummaries(summaries: Iterable<CaseCounts>): CaseCounts {
  const received = noChannels();
  const total = {
    contacts: 0,
    resolvedAtFirstContact: 0,
    closed: 0,
    closedWithTarget: 0,
    closedWithinTarget: 0,
    referredOut: 0,
    referredIn: 0,
    repeats: 0,
  };
  const histograms: DaysHistogram[] = [];
  for (const s of summaries) {
    for (const c of CHANNELS) received[c] += s.receivedByChannel[c] ?? 0;
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += s[key];
    histograms.push(s.daysToClose);
  }
  return { receivedByChannel: received, ...total, daysToClose: mergeHistograms(histograms) };
}

/** The summaries of one council (or several), some services (all when empty) and a span of days. */
export function summariesIn(
  summaries: Iterable<DaySummary>,
  where: { orgIds?: readonly number[]; lgslCodes?: readonly number[]; first: string; last: string },
): DaySummary[] {
  const orgs = where.orgIds && new Set(where.orgIds);
  const services = where.lgslCodes && where.lgslCodes.length > 0 ? new Set(where.lgslCodes) : undefined;
  return [...summaries].filter(
    (s) =>
      s.day >= where.first &&
      s.day <= where.last &&
      (!orgs || orgs.has(s.orgId)) &&
      (!services || services.has(s.lgslCode)),
  );
}

/** What one case contributes, with the days and councils each part counts on (see the top). */
export interface CaseFacts {
  readonly orgId: number;
  readonly lgslCode: number;
  readonly channel: Channel;
  /** London date it was opened. */
  readonly openedOn: string;
  /** Opened by a referral from another council: the same request again, not counted as received. */
  readonly byReferral: boolean;
  readonly repeat: boolean;
  /** The council whose front door took the contact, and whether it was resolved there and then; null when no contact opened it (a referral). */
  readonly contact: { readonly orgId: number; readonly resolvedAtFirstContact: boolean } | null;
  readonly closed: {
    readonly on: string;
    readonly workingDays: number;
    /** null when the case had no service level. */
    readonly withinTarget: boolean | null;
  } | null;
  readonly referredOut: { readonly on: string; readonly toOrgId: number } | null;
}

type Mutable = {
  -readonly [K in keyof CaseCounts]: K extends 'receivedByChannel'
    ? Record<Channel, number>
    : K extends 'daysToClose'
      ? Map<number, number>
      : number;
};

/**
 * The day summaries of some cases, one per council, service and day that has anything to count,
 * sorted by council, service and day. What the stored summaries are rebuilt from for the days a
 * change touches.
 */
export function summariseCases(cases: Iterable<CaseFacts>): DaySummary[] {
  const rows = new Map<string, { orgId: number; lgslCode: number; day: string; counts: Mutable }>();
  const row = (orgId: number, lgslCode: number, day: string) => {
    const key = `${orgId}\u0000${lgslCode}\u0000${day}`;
    let found = rows.get(key);
    if (!found) {
      const counts: Mutable = { ...NO_CASES, receivedByChannel: noChannels(), daysToClose: new Map() };
      found = { orgId, lgslCode, day, counts };
      rows.set(key, found);
    }
    return found.counts;
  };
  for (const c of cases) {
    if (!c.byReferral) {
      const opened = row(c.orgId, c.lgslCode, c.openedOn);
      opened.receivedByChannel[c.channel] += 1;
      if (c.repeat) opened.repeats += 1;
    }
    if (c.contact) {
      const contact = row(c.contact.orgId, c.lgslCode, c.openedOn);
      contact.contacts += 1;
      if (c.contact.resolvedAtFirstContact) contact.resolvedAtFirstContact += 1;
    }
    if (c.closed) {
      const closed = row(c.orgId, c.lgslCode, c.closed.on);
      closed.closed += 1;
      if (c.closed.withinTarget !== null) {
        closed.closedWithTarget += 1;
        if (c.closed.withinTarget) closed.closedWithinTarget += 1;
      }
      const bucket = bucketOf(c.closed.workingDays);
      closed.daysToClose.set(bucket, (closed.daysToClose.get(bucket) ?? 0) + 1);
    }
    if (c.referredOut) {
      row(c.orgId, c.lgslCode, c.referredOut.on).referredOut += 1;
      row(c.referredOut.toOrgId, c.lgslCode, c.referredOut.on).referredIn += 1;
    }
  }
  return [...rows.values()]
    .sort(
      (a, b) => a.orgId - b.orgId || a.lgslCode - b.lgslCode || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0),
    )
    .map(({ orgId, lgslCode, day, counts }) => ({
      orgId,
      lgslCode,
      day,
      ...counts,
      daysToClose: mergeHistograms([counts.daysToClose]),
    }));
}

export type Percentile = 0.5 | 0.9;

/**
 * The p-th percentile of the closed cases' working days by the nearest-rank method: with n cases,
 * the rank is ⌈p × n⌉ (worked in whole numbers, so 0.9 × 10 is exactly 9), and the answer is the
 * smallest number of days whose cumulative count reaches that rank; that is the value at that rank
 * when the days are sorted. 366 means "more than 365". null when no case closed.
 */
export function percentileFromHistogram(histogram: DaysHistogram, p: Percentile): number | null {
  const hundredths = Math.round(p * 100);
  if (hundredths < 1 || hundredths > 100) throw new RangeError(`a percentile is above 0 and at most 1: ${p}`);
  const buckets = [...histogram].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const n = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (n === 0) return null;
  const rank = Math.ceil((hundredths * n) / 100);
  let seen = 0;
  for (const [days, count] of buckets) {
    seen += count;
    if (seen >= rank) return days;
  }
  return buckets.at(-1)![0];
}

export const requestsReceived = (counts: CaseCounts): number =>
  CHANNELS.reduce((sum, c) => sum + (counts.receivedByChannel[c] ?? 0), 0);

/**
 * The value of a measure from cases for the counts of a period (merged summaries): a count, a share
 * (null when its denominator is 0) or days (null when no case closed). undefined for a measure that
 * does not come from cases.
 */
export function valueFromCases(measureId: string, counts: CaseCounts): Ratio | null | undefined {
  if (measureId.startsWith('requests_received_')) {
    const channel = measureId.slice('requests_received_'.length);
    return (CHANNELS as readonly string[]).includes(channel)
      ? ratio(counts.receivedByChannel[channel as Channel])
      : undefined;
  }
  const days = (p: Percentile) => {
    const value = percentileFromHistogram(counts.daysToClose, p);
    return value === null ? null : ratio(value);
  };
  switch (measureId) {
    case 'requests_received':
      return ratio(requestsReceived(counts));
    case 'first_contact_resolution':
      return share(counts.resolvedAtFirstContact, counts.contacts);
    case 'closed_within_service_level':
      return share(counts.closedWithinTarget, counts.closedWithTarget);
    case 'median_working_days_to_close':
      return days(0.5);
    case 'p90_working_days_to_close':
      return days(0.9);
    case 'referrals_out':
      return ratio(counts.referredOut);
    case 'referrals_in':
      return ratio(counts.referredIn);
    case 'repeat_requests':
      return share(counts.repeats, requestsReceived(counts));
    default:
      return undefined;
  }
}

/** Pence recharged / requests received, exact; null when none were received. */
export function costPerCase(pence: bigint, cases: number): Ratio | null {
  return share(pence, cases);
}

/**
 * A histogram as a JSON object for storage (`{"0": 4, "3": 1, "366": 2}`), keys in order.
 */
export function histogramToJson(histogram: DaysHistogram): Record<string, number> {
  return Object.fromEntries(
    [...histogram]
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => a - b)
      .map(([d, n]) => [String(d), n]),
  );
}

/**
 * A histogram read back from storage; undefined when it is not one (a key that is not a whole
 * number of days from 0 to 366, a count that is not a whole number above 0).
 */
export function histogramFromJson(value: unknown): DaysHistogram | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const histogram = new Map<number, number>();
  for (const [key, count] of Object.entries(value)) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(key) || Number(key) > OVERFLOW_BUCKET) return undefined;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) return undefined;
    histogram.set(Number(key), count);
  }
  return mergeHistograms([histogram]);
}
