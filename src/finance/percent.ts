/** Percentages as statements show them: two decimal places, worked in whole numbers. Pure. */

/** A share in hundredths of a percent (2341) as people read it: `23.41%`. */
export function formatPercent(hundredths: bigint): string {
  const sign = hundredths < 0n ? '-' : '';
  const whole = hundredths < 0n ? -hundredths : hundredths;
  return `${sign}${whole / 100n}.${String(whole % 100n).padStart(2, '0')}%`;
}

/** |part / whole| as a percentage to two places, rounded half up: `percentOf(2345n, 10017n)` is `23.41%`. */
export function percentOf(part: bigint, whole: bigint): string {
  const p = part < 0n ? -part : part;
  const w = whole < 0n ? -whole : whole;
  return formatPercent((p * 10_000n * 2n + w) / (w * 2n));
}

/** A percentage as people type it (`23.41`, `23.41%`, `5`) in hundredths of a percent; undefined when it is not one. */
export function parsePercent(text: string): bigint | undefined {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}
