/**
 * The rules of bodies and meetings: who records a body's business and who reads its exempt
 * items, where a term of office stands, when minutes may be recorded, and London wall-clock times
 * as instants across the changes of the clocks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { londonWallClock } from '../platform/index.ts';
import { NOBODY, OPERATOR } from './governance-actor.ts';
import {
  londonInstant,
  mayManageBodiesOf,
  meetingTimeProblems,
  minutesOpen,
  parseClock,
  readsExemptOf,
  termState,
} from './meeting-rules.ts';

describe('meeting rules', () => {
  it('lets the keeping council’s clerk and the operator manage, and nobody else', () => {
    const clerk = { ...NOBODY, clerkOf: [7], orgIds: [7] };
    const admin = { ...NOBODY, keeps: [{ partnershipId: 1, orgId: 7 }], orgIds: [7] };
    assert.equal(mayManageBodiesOf(clerk, 7), true);
    assert.equal(mayManageBodiesOf(OPERATOR, 7), true);
    assert.equal(mayManageBodiesOf(clerk, 8), false);
    assert.equal(mayManageBodiesOf(admin, 7), false);
    assert.equal(mayManageBodiesOf(NOBODY, 7), false);
    assert.deepEqual(readsExemptOf(NOBODY, 7), []);
    assert.deepEqual(
      readsExemptOf(admin, 7),
      [7],
      'anyone with a grant at the council reads its exempt items',
    );
    assert.deepEqual(readsExemptOf(OPERATOR, 7), [7]);
  });

  it('places a term of office on a date, its last day included', () => {
    assert.equal(termState({ termFrom: '2026-05-01', termTo: null }, '2026-12-03'), 'current');
    assert.equal(termState({ termFrom: '2026-05-01', termTo: '2026-12-03' }, '2026-12-03'), 'current');
    assert.equal(termState({ termFrom: '2026-05-01', termTo: '2026-12-02' }, '2026-12-03'), 'past');
    assert.equal(termState({ termFrom: '2027-05-01', termTo: null }, '2026-12-03'), 'future');
  });

  it('opens minutes once a meeting starts, never for a cancelled one or after publication', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const held = { startsAt: new Date('2026-12-03T10:00:00Z'), cancelled: false, minutesPublishedOn: null };
    assert.deepEqual(minutesOpen(held, now), { open: true });
    assert.equal(minutesOpen({ ...held, startsAt: new Date('2026-12-04T10:00:00Z') }, now).open, false);
    assert.equal(minutesOpen({ ...held, cancelled: true }, now).open, false);
    assert.equal(minutesOpen({ ...held, minutesPublishedOn: '2026-12-03' }, now).open, false);
  });

  it('reads times of day and turns London times into instants across the clock changes', () => {
    assert.deepEqual(parseClock('9.30'), { hour: 9, minute: 30 });
    assert.deepEqual(parseClock(' 18:05 '), { hour: 18, minute: 5 });
    for (const bad of ['24:00', '9', '12:60', '1pm', '']) assert.equal(parseClock(bad), undefined, bad);
    assert.equal(londonInstant('2026-07-15', 14, 0)!.toISOString(), '2026-07-15T13:00:00.000Z');
    assert.equal(londonInstant('2026-12-03', 14, 0)!.toISOString(), '2026-12-03T14:00:00.000Z');
    assert.equal(londonInstant('2026-03-29', 1, 30), undefined, 'the hour the clocks skip');
    assert.equal(
      londonInstant('2026-10-25', 1, 30)!.toISOString(),
      '2026-10-25T00:30:00.000Z',
      'the earlier of two',
    );
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), (ms) => {
        const at = new Date(Math.floor(ms / 60_000) * 60_000);
        const clock = londonWallClock(at);
        const back = londonInstant(clock.date, clock.hour, clock.minute)!;
        assert.deepEqual(londonWallClock(back), clock);
      }),
    );
  });

  it('says what is wrong with a meeting’s time', () => {
    const start = new Date('2027-01-01T10:00:00Z');
    assert.deepEqual(meetingTimeProblems(start, null), {});
    assert.ok(meetingTimeProblems(undefined, null).startsAt);
    assert.ok(meetingTimeProblems(new Date('2200-01-01T00:00:00Z'), null).startsAt);
    assert.ok(meetingTimeProblems(start, start).endsAt);
  });
});
