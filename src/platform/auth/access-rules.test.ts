import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  administeredPartnerships,
  bearerToken,
  mayManageSessionsOf,
  sessionIsLive,
  sessionReach,
} from './access-rules.ts';
import type { Principal, RoleGrant } from './principal.ts';

const person = (...grants: RoleGrant[]): Principal => ({
  accountId: 1,
  email: 'a@example.org',
  displayName: 'A',
  grants,
});
const grant = (orgId: number, role: RoleGrant['role'], partnershipId: number | null = null): RoleGrant => ({
  orgId,
  role,
  partnershipId,
  lgslCodes: null,
});

describe('sessionIsLive', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  test('until it expires or is ended', () => {
    assert.equal(sessionIsLive({ expiresAt: new Date('2026-12-01T10:00:01Z'), endedAt: null }, now), true);
    assert.equal(sessionIsLive({ expiresAt: now, endedAt: null }, now), false);
    assert.equal(
      sessionIsLive(
        { expiresAt: new Date('2026-12-02T00:00:00Z'), endedAt: new Date('2026-12-01T09:00:00Z') },
        now,
      ),
      false,
    );
  });
});

describe('sessionReach', () => {
  const members = new Map([
    [7, [10, 11, 12]],
    [8, [20]],
  ]);
  test("a partnership administrator reaches their partnership's members and their own organisation", () => {
    assert.deepEqual(
      [...sessionReach(person(grant(10, 'partnership_admin', 7)), members)].sort(),
      [10, 11, 12],
    );
    assert.deepEqual(
      [...sessionReach(person(grant(99, 'partnership_admin', 8), grant(10, 'officer')), members)].sort(),
      [20, 99],
    );
  });
  test('officers, councillors and agents reach nobody', () => {
    for (const role of ['officer', 'councillor', 'agent'] as const) {
      assert.equal(sessionReach(person(grant(10, role)), members).size, 0, role);
    }
    assert.deepEqual(administeredPartnerships(person(grant(10, 'officer'))), []);
    assert.deepEqual(
      administeredPartnerships(person(grant(10, 'partnership_admin', 7), grant(11, 'partnership_admin', 7))),
      [7],
    );
  });
  test('an account is within reach when any of its grants is', () => {
    const reach = new Set([10, 11]);
    assert.equal(mayManageSessionsOf(reach, [30, 11]), true);
    assert.equal(mayManageSessionsOf(reach, [30]), false);
    assert.equal(mayManageSessionsOf(reach, []), false);
  });
});

describe('bearerToken', () => {
  const token = `jtk_${'a'.repeat(43)}`;
  test('reads a well-formed token', () => {
    assert.equal(bearerToken(`Bearer ${token}`), token);
    assert.equal(bearerToken(`bearer ${token}`), token);
  });
  test('no header is undefined; anything malformed is null', () => {
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken(''), undefined);
    for (const bad of [
      token,
      `Basic ${token}`,
      `Bearer ${token}x`,
      `Bearer jly_${'a'.repeat(43)}`,
      'Bearer',
      `Bearer ${token} more`,
    ]) {
      assert.equal(bearerToken(bad), null, bad);
    }
  });
});
