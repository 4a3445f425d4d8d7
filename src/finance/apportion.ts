/**
 * Sharing an amount of pence between members by weights, by the largest-remainder method: each
 * member first gets its exact share rounded down to the penny; the pennies left over (fewer than
 * there are members) go one each to the members whose exact shares had the largest remainders.
 * Ties are broken by the members' keys in ascending order (a GSS code, so the same every run), not
 * by the order the members were given in. The lines always add up to the amount exactly, each is
 * within a penny of its exact share, and the same inputs always give the same pence. A negative
 * amount (a credit) is shared the same way and every line is negative or zero. Pure.
 */
import type { Pence } from './money.ts';

export interface Weighted {
  /** Who the share is for: a GSS code or another stable key. */
  key: string;
  /** A whole, non-negative weight: a driver's value (cases, households) or a share in basis points. */
  weight: bigint;
}

export class ApportionError extends Error {
  override name = 'ApportionError';
}

/** Each key's share of `amount`, in pence, in the order the members were given. */
export function apportion(amount: Pence, members: readonly Weighted[]): Map<string, Pence> {
  if (members.length === 0) throw new ApportionError('There is no one to share the amount between.');
  const seen = new Set<string>();
  let total = 0n;
  for (const m of members) {
    if (seen.has(m.key)) throw new ApportionError(`${m.key} is listed twice.`);
    seen.add(m.key);
    if (m.weight < 0n) throw new ApportionError(`${m.key} has a negative weight (${m.weight}).`);
    total += m.weight;
  }
  if (total === 0n) {
    throw new ApportionError('Every weight is zero, so there is nothing to share the amount by.');
  }
  const sign = amount < 0n ? -1n : 1n;
  const whole = amount * sign;
  const shares = members.map((m) => {
    const exact = whole * m.weight;
    return { key: m.key, pence: exact / total, remainder: exact % total };
  });
  let left = whole - shares.reduce((sum, s) => sum + s.pence, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder
      ? a.key < b.key
        ? -1
        : a.key > b.key
          ? 1
          : 0
      : a.remainder > b.remainder
        ? -1
        : 1,
  );
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.pence += 1n;
    left -= 1n;
  }
  return new Map(shares.map((s) => [s.key, s.pence * sign]));
}
