import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ACCOUNT_FREE_FAILURES,
  ACCOUNT_MAX_WAIT_SECONDS,
  ADDRESS_FAILURE_LIMIT,
  SIGN_IN_WINDOW_MINUTES,
  SignInFailures,
  accountWaitSeconds,
  signInDecision,
} from './sign-in-limits.ts';

const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);
const WINDOW = SIGN_IN_WINDOW_MINUTES * 60_000;
/** `n` failures, one a second, ending `endingAgo` ms before NOW. */
const failures = (n: number, endingAgo = 0): number[] =>
  Array.from({ length: n }, (_, i) => NOW - endingAgo - (n - 1 - i) * 1000);

describe('signInDecision', () => {
  test('nothing failed: allowed', () => {
    assert.deepEqual(signInDecision({ addressFailures: [], accountFailures: [], now: NOW }), {
      allowed: true,
    });
  });

  test('an address at the failure limit is refused until its failures leave the window', () => {
    const addressFailures = failures(ADDRESS_FAILURE_LIMIT);
    const refused = signInDecision({ addressFailures, accountFailures: [], now: NOW });
    assert.equal(refused.allowed, false);
    assert.equal(refused.allowed === false && refused.reason, 'address');
    // The oldest of the ten failed nine seconds ago: free again when it is 15 minutes old.
    assert.equal(refused.allowed === false && refused.retryAfterSeconds, WINDOW / 1000 - 9);
    assert.deepEqual(
      signInDecision({ addressFailures: failures(ADDRESS_FAILURE_LIMIT - 1), accountFailures: [], now: NOW }),
      { allowed: true },
    );
    assert.deepEqual(signInDecision({ addressFailures, accountFailures: [], now: NOW + WINDOW }), {
      allowed: true,
    });
  });

  test("an account's failures never stop an address that has not failed (the owner elsewhere)", () => {
    assert.deepEqual(signInDecision({ addressFailures: [], accountFailures: failures(50), now: NOW }), {
      allowed: true,
    });
  });

  test("an account's failures make an address that has failed wait, longer with each failure", () => {
    const decide = (n: number, lastAgoMs: number) =>
      signInDecision({
        addressFailures: [NOW - lastAgoMs],
        accountFailures: failures(n, lastAgoMs),
        now: NOW,
      });
    assert.deepEqual(decide(ACCOUNT_FREE_FAILURES - 1, 0), { allowed: true });
    assert.deepEqual(decide(ACCOUNT_FREE_FAILURES, 0), {
      allowed: false,
      reason: 'account',
      retryAfterSeconds: 1,
    });
    assert.deepEqual(decide(ACCOUNT_FREE_FAILURES + 3, 0), {
      allowed: false,
      reason: 'account',
      retryAfterSeconds: 8,
    });
    assert.deepEqual(decide(ACCOUNT_FREE_FAILURES + 3, 8000), { allowed: true });
  });

  test('failures older than the window, or in the future, do not count', () => {
    const old = failures(ADDRESS_FAILURE_LIMIT, WINDOW);
    assert.deepEqual(signInDecision({ addressFailures: old, accountFailures: old, now: NOW }), {
      allowed: true,
    });
    const future = failures(ADDRESS_FAILURE_LIMIT, -60_000);
    assert.deepEqual(signInDecision({ addressFailures: future, accountFailures: [], now: NOW }), {
      allowed: true,
    });
  });

  test('the wait doubles and stops at the most', () => {
    assert.equal(accountWaitSeconds(0), 0);
    assert.equal(accountWaitSeconds(ACCOUNT_FREE_FAILURES - 1), 0);
    assert.equal(accountWaitSeconds(ACCOUNT_FREE_FAILURES), 1);
    assert.equal(accountWaitSeconds(ACCOUNT_FREE_FAILURES + 1), 2);
    assert.equal(accountWaitSeconds(1000), ACCOUNT_MAX_WAIT_SECONDS);
  });

  test('for any history: refused only for a failing address, never longer than the window', () => {
    const instant = fc.integer({ min: NOW - 2 * WINDOW, max: NOW });
    fc.assert(
      fc.property(fc.array(instant, { maxLength: 30 }), fc.array(instant, { maxLength: 30 }), (a, b) => {
        const addressFailures = [...a].sort((x, y) => x - y);
        const accountFailures = [...b].sort((x, y) => x - y);
        const decision = signInDecision({ addressFailures, accountFailures, now: NOW });
        const recentAddress = addressFailures.filter((t) => t > NOW - WINDOW).length;
        if (recentAddress === 0) assert.equal(decision.allowed, true);
        if (!decision.allowed) {
          assert.ok(decision.retryAfterSeconds >= 1);
          assert.ok(decision.retryAfterSeconds <= WINDOW / 1000);
          if (decision.reason === 'account')
            assert.ok(decision.retryAfterSeconds <= ACCOUNT_MAX_WAIT_SECONDS);
        }
        if (recentAddress >= ADDRESS_FAILURE_LIMIT) assert.equal(decision.allowed, false);
      }),
    );
  });
});

describe('SignInFailures', () => {
  test('counts failures only, per address and per account', () => {
    let now = NOW;
    const log = new SignInFailures(() => now);
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++) log.recordFailure('192.0.2.1', 'owner@example.org');
    assert.equal(log.decide('192.0.2.1', 'someone@example.org').allowed, false);
    assert.equal(log.decide('192.0.2.2', 'owner@example.org').allowed, true);
    // A success clears the account's failures but not the address's.
    log.recordSuccess('owner@example.org');
    assert.equal(log.decide('192.0.2.1', 'owner@example.org').allowed, false);
    now += WINDOW;
    assert.equal(log.decide('192.0.2.1', 'owner@example.org').allowed, true);
  });
});
