/**
 * How often someone may try to sign in with a password. Only failures count, and they are counted
 * per address and per account separately, so that the limits slow whoever is guessing and not the
 * person whose account it is:
 *
 * - An address with `ADDRESS_FAILURE_LIMIT` failures in the window is refused (429) until its
 *   oldest failure leaves the window. A contact centre behind one address can sign in any number of
 *   agents: successful sign-ins never count.
 * - An account with `ACCOUNT_FREE_FAILURES` or more failures in the window makes anyone who has
 *   themselves failed from their address wait before each further try, the wait doubling with each
 *   failure up to `ACCOUNT_MAX_WAIT_SECONDS`. An address with no failures is never made to wait, so
 *   the right person with the right password still signs in while someone elsewhere is guessing.
 *
 * `signInDecision` is the rule (pure); `SignInFailures` keeps the failures of one process in memory.
 */

export const SIGN_IN_WINDOW_MINUTES = 15;
export const ADDRESS_FAILURE_LIMIT = 10;
export const ACCOUNT_FREE_FAILURES = 5;
export const ACCOUNT_MAX_WAIT_SECONDS = 60;

const WINDOW_MS = SIGN_IN_WINDOW_MINUTES * 60_000;

/** What the rule needs to know about one attempt: the failures in the window, oldest first (ms). */
export interface SignInHistory {
  /** When sign-ins from this address failed (for any account). */
  addressFailures: readonly number[];
  /** When sign-ins for this account (email address) failed (from any address). */
  accountFailures: readonly number[];
  now: number;
}

export type SignInDecision =
  { allowed: true } | { allowed: false; reason: 'address' | 'account'; retryAfterSeconds: number };

/** The wait an account's failures impose on an address that has failed too (seconds). */
export function accountWaitSeconds(accountFailureCount: number): number {
  if (accountFailureCount < ACCOUNT_FREE_FAILURES) return 0;
  return Math.min(ACCOUNT_MAX_WAIT_SECONDS, 2 ** (accountFailureCount - ACCOUNT_FREE_FAILURES));
}

/** Whether this attempt may go ahead, and if not, for whom and how long to wait. */
export function signInDecision({ addressFailures, accountFailures, now }: SignInHistory): SignInDecision {
  const since = now - WINDOW_MS;
  const fromAddress = addressFailures.filter((at) => at > since && at <= now);
  const forAccount = accountFailures.filter((at) => at > since && at <= now);
  if (fromAddress.length >= ADDRESS_FAILURE_LIMIT) {
    // Free again when enough failures have left the window to bring it under the limit.
    const freedAt = fromAddress[fromAddress.length - ADDRESS_FAILURE_LIMIT]! + WINDOW_MS;
    return {
      allowed: false,
      reason: 'address',
      retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)),
    };
  }
  if (fromAddress.length === 0) return { allowed: true };
  const wait = accountWaitSeconds(forAccount.length) * 1000;
  const last = forAccount[forAccount.length - 1];
  if (wait > 0 && last !== undefined && now - last < wait) {
    return {
      allowed: false,
      reason: 'account',
      retryAfterSeconds: Math.max(1, Math.ceil((last + wait - now) / 1000)),
    };
  }
  return { allowed: true };
}

/** The largest number of keys kept; the oldest are forgotten first beyond it. */
const MAX_KEYS = 50_000;

/**
 * Failed sign-ins in the last window, in this process's memory (several processes each keep their
 * own). Keys are kept no longer than the window, and at most `MAX_KEYS` of them.
 */
export class SignInFailures {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly clock: () => number = Date.now) {}

  #recent(key: string, now: number): number[] {
    const kept = (this.#failures.get(key) ?? []).filter((at) => at > now - WINDOW_MS);
    if (kept.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, kept);
    return kept;
  }

  /** The decision for an attempt from `address` for the account `email` (normalised). */
  decide(address: string, email: string): SignInDecision {
    const now = this.clock();
    return signInDecision({
      addressFailures: this.#recent(`address:${address}`, now),
      accountFailures: email === '' ? [] : this.#recent(`account:${email}`, now),
      now,
    });
  }

  recordFailure(address: string, email: string): void {
    const now = this.clock();
    for (const key of email === '' ? [`address:${address}`] : [`address:${address}`, `account:${email}`]) {
      const list = this.#recent(key, now);
      // Only the last few matter to the rule; a guesser cannot grow the list without end.
      list.push(now);
      if (list.length > ADDRESS_FAILURE_LIMIT + 60) list.shift();
      this.#failures.delete(key);
      this.#failures.set(key, list);
    }
    while (this.#failures.size > MAX_KEYS) {
      const oldest = this.#failures.keys().next().value;
      if (oldest === undefined) break;
      this.#failures.delete(oldest);
    }
  }

  /** The owner signed in: their account's failures no longer slow anyone. The address keeps its count. */
  recordSuccess(email: string): void {
    this.#failures.delete(`account:${email}`);
  }
}
