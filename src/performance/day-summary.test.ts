import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Channel } from '../db/index.ts';
import {
  type CaseFacts,
  type DaysHistogram,
  NO_CASES,
  OVERFLOW_BUCKET,
  bucketOf,
  costPerCase,
  histogramFromJson,
  histogramToJson,
  mergeHistograms,
  mergeSummaries,
  percentileFromHistogram,
  summariesIn,
  summariseCases,
  valueFromCases,
} from './day-summary.ts';
import { CHANNELS, MEASURES } from './measures.ts';
import { type Ratio, ratio } from './ratio.ts';

const histogramOf = (days: readonly number[]): DaysHistogram =>
  mergeHistograms(days.map((d) => new Map([[bucketOf(d), 1]])));

/** The nearest-rank percentile straight from the sorted values: the ⌈p·n⌉-th smallest. */
function nearestRank(values: readonly number[], p: 0.5 | 0.9): number | null {
  if (values.length === 0) return null;
  const sorted = values.map((v) => Math.min(v, OVERFLOW_BUCKET)).sort((a, b) => a - b);
  const rank = Math.ceil(((p === 0.5 ? 50 : 90) * sorted.length) / 100);
  return sorted[rank - 1]!;
}

const workingDays = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 0, max: 400 }),
  fc.constantFrom(0, 365, 366, 10_000),
);

describe('percentiles from a histogram of working days (nearest rank)', () => {
  it('gives the ⌈p·n⌉-th smallest value', () => {
    const h = histogramOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(percentileFromHistogram(h, 0.5), 5, 'rank ⌈0.5 × 10⌉ = 5');
    assert.equal(percentileFromHistogram(h, 0.9), 9, 'rank ⌈0.9 × 10⌉ = 9, not 9.1 rounded up to 10');
    assert.equal(percentileFromHistogram(histogramOf([1, 2, 3]), 0.5), 2);
    assert.equal(percentileFromHistogram(histogramOf([4]), 0.9), 4, 'one case is every percentile');
    assert.equal(percentileFromHistogram(histogramOf([0, 0, 0, 7]), 0.5), 0);
    assert.equal(percentileFromHistogram(histogramOf([0, 0, 0, 7]), 0.9), 7);
  });

  it('has no value when no case closed', () => {
    assert.equal(percentileFromHistogram(new Map(), 0.5), null);
    assert.equal(percentileFromHistogram(new Map([[3, 0]]), 0.9), null, 'an empty bucket is no case');
  });

  it('keeps 0 to 365 days exactly and puts more in one bucket, 366', () => {
    assert.equal(bucketOf(365), 365);
    assert.equal(bucketOf(366), OVERFLOW_BUCKET);
    assert.equal(bucketOf(5000), OVERFLOW_BUCKET);
    assert.equal(
      percentileFromHistogram(histogramOf([1, 400, 500]), 0.9),
      366,
      'beyond the cap reads as 366',
    );
    assert.equal(percentileFromHistogram(histogramOf([1, 2, 400]), 0.5), 2, 'below the cap stays exact');
    assert.throws(() => bucketOf(-1), RangeError);
    assert.throws(() => bucketOf(1.5), RangeError);
  });

  it('matches sorting the raw values, for any values', () => {
    fc.assert(
      fc.property(
        fc.array(workingDays, { maxLength: 300 }),
        fc.constantFrom(0.5 as const, 0.9 as const),
        (values, p) => {
          assert.equal(percentileFromHistogram(histogramOf(values), p), nearestRank(values, p));
        },
      ),
    );
  });

  it('is the same however the values are split into histograms and merged', () => {
    fc.assert(
      fc.property(fc.array(fc.array(workingDays, { maxLength: 30 }), { maxLength: 20 }), (parts) => {
        const merged = mergeHistograms(parts.map(histogramOf));
        assert.deepEqual(merged, histogramOf(parts.flat()));
      }),
    );
  });
});

describe('a histogram in storage', () => {
  it('round-trips as a JSON object with keys in order', () => {
    const h = histogramOf([3, 0, 0, 900]);
    assert.deepEqual(histogramToJson(h), { '0': 2, '3': 1, '366': 1 });
    assert.deepEqual(histogramFromJson(JSON.parse(JSON.stringify(histogramToJson(h)))), h);
  });

  it('refuses anything that is not one', () => {
    for (const bad of [
      null,
      [],
      'x',
      { '-1': 1 },
      { '367': 1 },
      { '1.5': 1 },
      { '01': 1 },
      { '2': 0 },
      { '2': 1.5 },
      { '2': '3' },
    ]) {
      assert.equal(histogramFromJson(bad), undefined, JSON.stringify(bad));
    }
    assert.deepEqual(histogramFromJson({}), new Map());
  });
});

/** A day in 2025-26, from its number (0 = 1 April 2025). */
const dayOf = (n: number) => new Date(Date.UTC(2025, 3, 1) + n * 86_400_000).toISOString().slice(0, 10);

const caseFacts: fc.Arbitrary<CaseFacts> = fc
  .record({
    orgId: fc.constantFrom(1, 2, 3),
    lgslCode: fc.constantFrom(524, 525),
    channel: fc.constantFrom(...CHANNELS),
    opened: fc.integer({ min: 0, max: 400 }),
    byReferral: fc.boolean(),
    repeat: fc.boolean(),
    contact: fc.option(fc.record({ orgId: fc.constantFrom(1, 2, 3), resolvedAtFirstContact: fc.boolean() })),
    closed: fc.option(
      fc.record({
        after: fc.integer({ min: 0, max: 60 }),
        workingDays: workingDays,
        withinTarget: fc.option(fc.boolean()),
      }),
    ),
    referredOut: fc.option(
      fc.record({ after: fc.integer({ min: 0, max: 10 }), toOrgId: fc.constantFrom(1, 2, 3) }),
    ),
  })
  .map((c) => ({
    orgId: c.orgId,
    lgslCode: c.lgslCode,
    channel: c.channel,
    openedOn: dayOf(c.opened),
    byReferral: c.byReferral,
    repeat: c.repeat && !c.byReferral,
    contact: c.byReferral ? null : c.contact,
    closed: c.closed && {
      on: dayOf(c.opened + c.closed.after),
      workingDays: c.closed.workingDays,
      withinTarget: c.closed.withinTarget,
    },
    referredOut: c.referredOut && {
      on: dayOf(c.opened + c.referredOut.after),
      toOrgId: c.referredOut.toOrgId,
    },
  }));

/** Each measure straight from the cases, without summaries: what the summaries must agree with. */
function fromCases(cases: readonly CaseFacts[], orgId: number, first: string, last: string) {
  const inSpan = (day: string) => day >= first && day <= last;
  const received = cases.filter((c) => c.orgId === orgId && !c.byReferral && inSpan(c.openedOn));
  const contacts = cases.filter((c) => c.contact?.orgId === orgId && inSpan(c.openedOn));
  const closed = cases.filter((c) => c.orgId === orgId && c.closed && inSpan(c.closed.on));
  const withTarget = closed.filter((c) => c.closed!.withinTarget !== null);
  const shareOf = (part: number, whole: number): Ratio | null => (whole === 0 ? null : ratio(part, whole));
  const days = closed.map((c) => c.closed!.workingDays);
  const asRatio = (n: number | null) => (n === null ? null : ratio(n));
  const values: Record<string, Ratio | null> = {
    requests_received: ratio(received.length),
    first_contact_resolution: shareOf(
      contacts.filter((c) => c.contact!.resolvedAtFirstContact).length,
      contacts.length,
    ),
    closed_within_service_level: shareOf(
      withTarget.filter((c) => c.closed!.withinTarget).length,
      withTarget.length,
    ),
    median_working_days_to_close: asRatio(nearestRank(days, 0.5)),
    p90_working_days_to_close: asRatio(nearestRank(days, 0.9)),
    referrals_out: ratio(
      cases.filter((c) => c.orgId === orgId && c.referredOut && inSpan(c.referredOut.on)).length,
    ),
    referrals_in: ratio(
      cases.filter((c) => c.referredOut?.toOrgId === orgId && inSpan(c.referredOut.on)).length,
    ),
    repeat_requests: shareOf(received.filter((c) => c.repeat).length, received.length),
  };
  for (const channel of CHANNELS) {
    values[`requests_received_${channel}`] = ratio(received.filter((c) => c.channel === channel).length);
  }
  return values;
}

describe('measures from day summaries', () => {
  const fromCaseMeasures = MEASURES.filter((m) => m.source === 'cases');

  it('are the same as computed from the cases themselves, for any cases and span', () => {
    fc.assert(
      fc.property(
        fc.array(caseFacts, { maxLength: 80 }),
        fc.constantFrom(1, 2, 3),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 120 }),
        (cases, orgId, start, length) => {
          const [first, last] = [dayOf(start), dayOf(start + length)];
          const counts = mergeSummaries(summariesIn(summariseCases(cases), { orgIds: [orgId], first, last }));
          const expected = fromCases(cases, orgId, first, last);
          for (const measure of fromCaseMeasures) {
            assert.deepEqual(valueFromCases(measure.id, counts), expected[measure.id], measure.id);
          }
        },
      ),
    );
  });

  it('do not depend on the order or grouping of the summaries merged', () => {
    fc.assert(
      fc.property(fc.array(caseFacts, { maxLength: 60 }), fc.integer(), (cases, seed) => {
        const rows = summariseCases(cases);
        const shuffled = [...rows].sort(
          (a, b) => ((a.day.charCodeAt(9) * seed) % 7) - ((b.day.charCodeAt(9) * seed) % 7),
        );
        const half = Math.floor(shuffled.length / 2);
        const inTwo = mergeSummaries([
          mergeSummaries(shuffled.slice(0, half)),
          mergeSummaries(shuffled.slice(half)),
        ]);
        assert.deepEqual(inTwo, mergeSummaries(rows));
      }),
    );
  });

  it('has every measure from cases answered, and none other', () => {
    for (const m of MEASURES) {
      const value = valueFromCases(m.id, NO_CASES);
      if (m.source === 'cases') assert.notEqual(value, undefined, m.id);
      else assert.equal(value, undefined, m.id);
    }
    assert.equal(valueFromCases('requests_received_fax', NO_CASES), undefined);
  });

  it('gives no share where the denominator is 0, and 0 for counts of nothing', () => {
    assert.deepEqual(valueFromCases('requests_received', NO_CASES), ratio(0));
    assert.equal(valueFromCases('first_contact_resolution', NO_CASES), null);
    assert.equal(valueFromCases('closed_within_service_level', NO_CASES), null);
    assert.equal(valueFromCases('repeat_requests', NO_CASES), null);
    assert.equal(valueFromCases('median_working_days_to_close', NO_CASES), null);
    assert.equal(valueFromCases('p90_working_days_to_close', NO_CASES), null);
    assert.equal(mergeSummaries([]).closed, 0);
  });

  it('counts each part of a case on its own day and council', () => {
    const channel: Channel = 'phone';
    const rows = summariseCases([
      {
        orgId: 1,
        lgslCode: 524,
        channel,
        openedOn: '2025-10-01',
        byReferral: false,
        repeat: true,
        contact: { orgId: 9, resolvedAtFirstContact: false },
        closed: { on: '2025-10-08', workingDays: 5, withinTarget: true },
        referredOut: { on: '2025-10-02', toOrgId: 2 },
      },
    ]);
    const brief = rows.map((r) => ({
      at: `${r.orgId} ${r.day}`,
      received: r.receivedByChannel.phone,
      repeats: r.repeats,
      contacts: r.contacts,
      closed: r.closed,
      within: r.closedWithinTarget,
      out: r.referredOut,
      in: r.referredIn,
      days: histogramToJson(r.daysToClose),
    }));
    const none = { received: 0, repeats: 0, contacts: 0, closed: 0, within: 0, out: 0, in: 0, days: {} };
    assert.deepEqual(brief, [
      { ...none, at: '1 2025-10-01', received: 1, repeats: 1 },
      { ...none, at: '1 2025-10-02', out: 1 },
      { ...none, at: '1 2025-10-08', closed: 1, within: 1, days: { '5': 1 } },
      { ...none, at: '2 2025-10-02', in: 1 },
      { ...none, at: '9 2025-10-01', contacts: 1 },
    ]);
  });

  it('gives cost per case from pence and cases, exactly; none without cases', () => {
    assert.deepEqual(costPerCase(1_000n, 3), ratio(1_000n, 3n));
    assert.equal(costPerCase(1_000n, 0), null);
  });
});
