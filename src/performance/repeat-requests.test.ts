import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type PlacedRequest, metresBetween, repeatRequests } from './repeat-requests.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 9, 1, 9);
const request = (id: number, over: Partial<PlacedRequest> = {}): PlacedRequest => ({
  id,
  orgId: 1,
  lgslCode: 524,
  openedAt: T0,
  postcode: null,
  lat: null,
  lon: null,
  byReferral: false,
  ...over,
});

describe('repeat requests at the same place', () => {
  it('counts a second request for the same service at the same postcode within 30 days', () => {
    const found = repeatRequests([
      request(1, { postcode: 'EX1 1AA' }),
      request(2, { postcode: 'ex11aa', openedAt: T0 + 30 * DAY }),
      request(3, { postcode: 'EX1 1AA', openedAt: T0 + 61 * DAY }),
    ]);
    assert.deepEqual([...found], [2], 'exactly 30 days is within; 31 days after the last is not');
  });

  it('counts points within 50 metres, and not beyond', () => {
    // 0.0004° of latitude is about 44 m; 0.0005° about 56 m.
    const found = repeatRequests([
      request(1, { lat: 50.7236, lon: -3.5275 }),
      request(2, { lat: 50.724, lon: -3.5275, openedAt: T0 + DAY }),
      request(3, { lat: 50.7245, lon: -3.5275, openedAt: T0 + 2 * DAY, lgslCode: 999 }),
      request(4, { lat: 50.7295, lon: -3.5275, openedAt: T0 + 3 * DAY }),
    ]);
    assert.deepEqual([...found], [2]);
    assert.ok(Math.abs(metresBetween({ lat: 50, lon: 0 }, { lat: 50.001, lon: 0 }) - 111.2) < 0.5);
  });

  it('is never a repeat across councils or services, from part of a postcode, or by a referral', () => {
    const found = repeatRequests([
      request(1, { postcode: 'EX1 1AA' }),
      request(2, { postcode: 'EX1 1AA', orgId: 2, openedAt: T0 + DAY }),
      request(3, { postcode: 'EX1 1AA', lgslCode: 525, openedAt: T0 + DAY }),
      request(4, { postcode: 'EX16' }),
      request(5, { postcode: 'EX16', openedAt: T0 + DAY }),
      request(6, { postcode: 'EX1 1AA', byReferral: true, openedAt: T0 + DAY }),
      request(7, { postcode: 'not a postcode at all', openedAt: T0 + DAY }),
    ]);
    assert.deepEqual([...found], []);
  });

  it('takes requests opened at one instant in the order of their ids', () => {
    assert.deepEqual(
      [...repeatRequests([request(9, { postcode: 'EX1 1AA' }), request(4, { postcode: 'EX1 1AA' })])],
      [9],
    );
  });

  it('does not depend on the order given, and the first at a place is never a repeat', () => {
    const placed = fc.record({
      orgId: fc.constantFrom(1, 2),
      lgslCode: fc.constantFrom(524, 525),
      openedAt: fc.integer({ min: 0, max: 90 }).map((d) => T0 + d * DAY),
      postcode: fc.option(fc.constantFrom('EX1 1AA', 'EX1 1AB', 'EX16')),
      lat: fc.option(fc.integer({ min: 0, max: 20 }).map((n) => 50.72 + n * 0.0002)),
      lon: fc.constant(-3.53),
      byReferral: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(placed, { maxLength: 40 }), (rows) => {
        const requests = rows.map((r, id) => ({ ...r, id }));
        const forwards = [...repeatRequests(requests)].sort((a, b) => a - b);
        const backwards = [...repeatRequests([...requests].reverse())].sort((a, b) => a - b);
        assert.deepEqual(forwards, backwards);
        const earliest = [...requests]
          .filter((r) => !r.byReferral)
          .sort((a, b) => a.openedAt - b.openedAt || a.id - b.id)[0];
        if (earliest) assert.ok(!forwards.includes(earliest.id));
        for (const id of forwards) assert.ok(!requests[id]!.byReferral);
      }),
    );
  });
});
