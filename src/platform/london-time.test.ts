import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { endOfLondonDay, londonOffset, londonWallClock, todayInLondon } from './london-time.ts';

/** The UK's clock changes, at 01:00 UTC, as GOV.UK publishes them ("When do the clocks change?"). */
const CLOCK_CHANGES = [
  { forward: '2024-03-31', back: '2024-10-27' },
  { forward: '2025-03-30', back: '2025-10-26' },
  { forward: '2026-03-29', back: '2026-10-25' },
  { forward: '2027-03-28', back: '2027-10-31' },
];
const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const dayAfter = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
const anyDate = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('London time', () => {
  it('gives the date in London, which late on a summer evening is already the next day', () => {
    assert.equal(todayInLondon(at('2026-06-30T23:30:00Z')), '2026-07-01');
    assert.equal(todayInLondon(at('2026-12-31T23:30:00Z')), '2026-12-31');
    assert.equal(todayInLondon(at('2026-12-31T23:59:59.999Z')), '2026-12-31');
    assert.equal(todayInLondon(at('2027-01-01T00:00:00Z')), '2027-01-01');
  });

  it('shows the clock going forward and back at 01:00 UTC on the published Sundays', () => {
    for (const { forward, back } of CLOCK_CHANGES) {
      assert.deepEqual(londonWallClock(at(`${forward}T00:59:59Z`)), {
        date: forward,
        hour: 0,
        minute: 59,
        second: 59,
      });
      assert.deepEqual(londonWallClock(at(`${forward}T01:00:00Z`)), {
        date: forward,
        hour: 2,
        minute: 0,
        second: 0,
      });
      assert.deepEqual(londonWallClock(at(`${back}T00:59:59Z`)), {
        date: back,
        hour: 1,
        minute: 59,
        second: 59,
      });
      assert.deepEqual(londonWallClock(at(`${back}T01:00:00Z`)), {
        date: back,
        hour: 1,
        minute: 0,
        second: 0,
      });
      assert.equal(londonOffset(at(`${forward}T12:00:00Z`)), HOUR);
      assert.equal(londonOffset(at(`${back}T12:00:00Z`)), 0);
    }
  });

  it('ends a London day at its last millisecond, on the days the clocks change too', () => {
    for (const { forward, back } of CLOCK_CHANGES) {
      assert.equal(endOfLondonDay(forward).toISOString(), `${forward}T22:59:59.999Z`);
      assert.equal(endOfLondonDay(back).toISOString(), `${back}T23:59:59.999Z`);
    }
    assert.equal(endOfLondonDay('2026-01-15').toISOString(), '2026-01-15T23:59:59.999Z');
    assert.equal(endOfLondonDay('2026-07-15').toISOString(), '2026-07-15T22:59:59.999Z');
  });

  it('ends any date at a moment still on that date, one millisecond before the next', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const end = endOfLondonDay(date);
        assert.equal(todayInLondon(end), date);
        assert.deepEqual(londonWallClock(end), { date, hour: 23, minute: 59, second: 59 });
        assert.equal(todayInLondon(new Date(end.getTime() + 1)), dayAfter(date));
      }),
    );
  });

  it('is always GMT or an hour ahead, whole minutes on the same as UTC', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2060-12-31'), noInvalidDate: true }),
        (instant) => {
          assert.ok([0, HOUR].includes(londonOffset(instant)));
          const clock = londonWallClock(instant);
          assert.equal(clock.minute, instant.getUTCMinutes());
          assert.equal(clock.second, instant.getUTCSeconds());
          assert.equal(clock.date, todayInLondon(instant));
        },
      ),
    );
  });
});
