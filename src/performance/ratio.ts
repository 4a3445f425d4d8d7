/**
 * Exact values for measures: a count, a share, a median, pence per case or a typed target are all
 * held as a fraction of two integers, so that comparing a value with its target and its tolerance
 * is exact at the edges (0.9 − 0.85 is 0.05, not 0.05000000000000004) and no floating point
 * touches money. Formatting for people happens only at the edge. Pure.
 */

/** numerator / denominator, in lowest terms, the denominator above zero. */
export interface Ratio {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const abs = (n: bigint) => (n < 0n ? -n : n);

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [abs(a), abs(b)];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** numerator / denominator in lowest terms; a zero denominator is a mistake in the caller. */
export function ratio(numerator: bigint | number, denominator: bigint | number = 1n): Ratio {
  let n = BigInt(numerator);
  let d = BigInt(denominator);
  if (d === 0n) throw new RangeError('a ratio needs a denominator other than 0');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g > 1n ? { numerator: n / g, denominator: d / g } : { numerator: n, denominator: d };
}

/** part / whole, or null when the whole is 0: a share of nothing is not 0%, it is no value. */
export function share(part: number | bigint, whole: number | bigint): Ratio | null {
  return BigInt(whole) === 0n ? null : ratio(part, whole);
}

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareRatios(a: Ratio, b: Ratio): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export const addRatios = (a: Ratio, b: Ratio): Ratio =>
  ratio(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);

export const subtractRatios = (a: Ratio, b: Ratio): Ratio =>
  addRatios(a, { numerator: -b.numerator, denominator: b.denominator });

/** The nearest whole number, halves away from zero (2.5 → 3, −2.5 → −3). */
export function roundHalfAwayFromZero(value: Ratio): bigint {
  const { numerator: n, denominator: d } = value;
  const whole = (abs(n) * 2n + d) / (d * 2n);
  return n < 0n ? -whole : whole;
}

/**
 * The value as a decimal with `places` places, halves away from zero: `formatDecimal(ratio(2, 3), 1)`
 * is `0.7`. For pages and the API; never compared.
 */
export function formatDecimal(value: Ratio, places: number): string {
  if (!Number.isInteger(places) || places < 0 || places > 12) throw new RangeError('0 to 12 places');
  const scale = 10n ** BigInt(places);
  const scaled = roundHalfAwayFromZero(ratio(value.numerator * scale, value.denominator));
  const sign = scaled < 0n ? '-' : '';
  const digits = String(abs(scaled)).padStart(places + 1, '0');
  return places === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** An approximation for charts, which draw with floating point anyway. */
export const ratioToNumber = (value: Ratio): number => Number(value.numerator) / Number(value.denominator);
