/**
 * Reading what a page sent: a query or form value as one trimmed string however it came (once,
 * repeated, or not at all), kept to a length no field needs more than. Pure.
 */
const KEEP = 10_000;

export const one = (value: unknown): string =>
  (Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '')
    .slice(0, KEEP)
    .trim();
