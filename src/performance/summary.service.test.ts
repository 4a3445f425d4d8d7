/** The pure parts of the measures: case facts from case rows, who may keep a council's measures, numbers for the API. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaseActivityRow } from '../frontdoor/index.ts';
import { mayKeepMeasuresOf, measuresActorFor } from './measures-actor.ts';
import { apiNumber, ratioFromDecimal, storedDecimal } from './measures.service.ts';
import { ratio } from './ratio.ts';
import { caseFactsFrom, summariesOfDays } from './summary.service.ts';

const weekdays = {
  workingDaysBetween: (from: string, to: string) =>
    Math.max(0, (Date.parse(to) - Date.parse(from)) / 86_400_000),
};

const row = (over: Partial<CaseActivityRow>): CaseActivityRow => ({
  caseId: 1,
  orgId: 10,
  lgslCode: 524,
  channel: 'web',
  openedAt: new Date('2025-10-06T09:00:00Z'),
  closedAt: null,
  dueAt: null,
  postcode: 'EX1 1AA',
  lat: null,
  lon: null,
  districtCode: 'E07000041',
  referredFromOrgId: null,
  contactOrgId: 10,
  resolvedAtFirstContact: false,
  referrals: [],
  ...over,
});

describe('case facts and day summaries', () => {
  it('counts a request on its London day, its close on the close day, and a referral under both councils', () => {
    const facts = caseFactsFrom(
      [
        row({
          caseId: 1,
          closedAt: new Date('2025-10-08T10:00:00Z'),
          dueAt: new Date('2025-10-09T23:00:00Z'),
        }),
        row({
          caseId: 2,
          openedAt: new Date('2025-10-06T23:30:00Z'),
          referrals: [{ at: new Date('2025-10-07T12:00:00Z'), toOrgId: 20 }],
        }),
        row({ caseId: 3, orgId: 20, referredFromOrgId: 10, openedAt: new Date('2025-10-07T12:00:00Z') }),
      ],
      weekdays,
    );
    const rows = summariesOfDays(facts, '2025-10-06', '2025-10-08');
    const at = (orgId: number, day: string) => rows.find((r) => r.orgId === orgId && r.day === day);
    assert.equal(at(10, '2025-10-06')?.receivedByChannel.web, 1, 'case 1 on the 6th');
    // 23:30 UTC on 6 October is 00:30 on the 7th in London.
    assert.equal(at(10, '2025-10-07')?.receivedByChannel.web, 1);
    assert.equal(at(10, '2025-10-07')?.referredOut, 1);
    assert.equal(at(20, '2025-10-07')?.referredIn, 1);
    assert.equal(at(20, '2025-10-07')?.receivedByChannel.web, 0, 'a referral is not a new request');
    assert.equal(at(10, '2025-10-08')?.closedWithinTarget, 1);
    assert.deepEqual([...at(10, '2025-10-08')!.daysToClose], [[2, 1]]);
    assert.ok(rows.every((r) => r.areaCode === 'E07000041'));
  });

  it('leaves out the days outside the span and marks a repeat at the same postcode', () => {
    const facts = caseFactsFrom(
      [row({ caseId: 1, openedAt: new Date('2025-09-20T09:00:00Z') }), row({ caseId: 2 })],
      weekdays,
    );
    const rows = summariesOfDays(facts, '2025-10-01', '2025-10-31');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.repeats, 1);
  });
});

describe('who keeps a council’s measures', () => {
  const principal = (
    grants: Array<{
      orgId: number;
      role: 'officer' | 'partnership_admin' | 'councillor';
      partnershipId?: number;
      lgslCodes?: number[];
    }>,
  ) =>
    measuresActorFor({
      accountId: 1,
      email: 'a@example.org',
      displayName: 'A',
      grants: grants.map((g) => ({ partnershipId: null, lgslCodes: null, ...g })),
    });
  const members = new Map([[7, [10, 20]]]);
  it('is its own officer for every service, or its partnership’s administrator, and nobody else', () => {
    assert.equal(mayKeepMeasuresOf(principal([{ orgId: 10, role: 'officer' }]), 10, members), true);
    assert.equal(mayKeepMeasuresOf(principal([{ orgId: 10, role: 'officer' }]), 20, members), false);
    assert.equal(
      mayKeepMeasuresOf(principal([{ orgId: 10, role: 'officer', lgslCodes: [524] }]), 10, members),
      false,
    );
    assert.equal(mayKeepMeasuresOf(principal([{ orgId: 10, role: 'councillor' }]), 10, members), false);
    assert.equal(
      mayKeepMeasuresOf(principal([{ orgId: 30, role: 'partnership_admin', partnershipId: 7 }]), 20, members),
      true,
    );
    assert.equal(
      mayKeepMeasuresOf(principal([{ orgId: 30, role: 'partnership_admin', partnershipId: 7 }]), 40, members),
      false,
    );
    assert.equal(mayKeepMeasuresOf(measuresActorFor(undefined), 10, members), false);
  });
});

describe('numbers for the API', () => {
  it('shows a share as a percentage with one decimal, and keeps stored values exact', () => {
    assert.equal(apiNumber('percent', ratio(2, 3)), 66.7);
    assert.equal(apiNumber('percent', ratio(1, 2000)), 0.1, 'halves away from zero');
    assert.equal(apiNumber('pence', ratio(1001, 2)), 501);
    assert.equal(apiNumber('count', null), null);
    assert.equal(storedDecimal(ratio(17, 20)), '0.85');
    assert.deepEqual(ratioFromDecimal('0.85'), ratio(17, 20));
    assert.deepEqual(ratioFromDecimal(storedDecimal(ratio(-123456789, 1000))), ratio(-123456789, 1000));
  });
});
