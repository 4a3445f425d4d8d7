/**
 * Money is integer pence, held as `bigint` from the database to the edge and formatted only there:
 * never a float, so no sum is ever off by a rounding error. Pure.
 */

/** An amount of money in pence. */
export type Pence = bigint;

const GROUPED = new Intl.NumberFormat('en-GB', { useGrouping: true });

/** `£1,234,567.89`, `-£0.05`: pounds and pence as a council's statement shows them. */
export function formatPounds(pence: Pence): string {
  const negative = pence < 0n;
  const whole = negative ? -pence : pence;
  const pounds = GROUPED.format(whole / 100n);
  const rest = String(whole % 100n).padStart(2, '0');
  return `${negative ? '-' : ''}£${pounds}.${rest}`;
}

const AMOUNT = /^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?$/;

/** The largest amount read: a trillion pounds, far beyond any council's ledger line. */
export const MAX_PENCE: Pence = 100_000_000_000_000n;

/**
 * Pence from an amount as people and ledger extracts write it: `1234.5`, `£1,234.50`, `-12`,
 * `-£12`, `(12.00)` for a credit. Undefined for anything else (more than two decimal places,
 * letters, misplaced commas, more than a trillion pounds), so that the caller can say which value
 * it could not read.
 */
export function parsePounds(text: string): Pence | undefined {
  let value = text.trim();
  let negative = false;
  const takeSign = () => {
    if (!value.startsWith('-')) return true;
    if (negative) return false;
    negative = true;
    value = value.slice(1).trim();
    return true;
  };
  const bracketed = /^\((.*)\)$/.exec(value);
  if (bracketed) {
    negative = true;
    value = bracketed[1]!.trim();
  }
  if (!takeSign()) return undefined;
  if (value.startsWith('£')) value = value.slice(1).trim();
  if (!takeSign()) return undefined;
  const match = AMOUNT.exec(value);
  if (!match) return undefined;
  const [, pounds = '0', fraction = ''] = match;
  const pence = BigInt(pounds.replaceAll(',', '')) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (pence > MAX_PENCE) return undefined;
  return negative ? -pence : pence;
}
