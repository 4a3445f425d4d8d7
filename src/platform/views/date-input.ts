/**
 * A GOV.UK date input's three fields (`prefix-day`, `prefix-month`, `prefix-year`) read as one
 * ISO date, or the message for what is wrong, worded as the Design System's date input pattern
 * words it. An empty date says it is needed; a caller for whom it is optional checks that first.
 */
import { isIsoDate } from '../dates.ts';

export function dateFrom(
  values: Readonly<Record<string, string | undefined>>,
  prefix: string,
  label: string,
): { iso: string; error?: string } {
  const [day, month, year] = ['day', 'month', 'year'].map((p) => values[`${prefix}-${p}`]?.trim() ?? '');
  if (!day && !month && !year) return { iso: '', error: `Enter ${label}` };
  const Label = `${label[0]!.toUpperCase()}${label.slice(1)}`;
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length > 0) return { iso: '', error: `${Label} must include a ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!))
    return { iso: '', error: `${Label} must be a real date` };
  const iso = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  return isIsoDate(iso) ? { iso } : { iso: '', error: `${Label} must be a real date` };
}

/** Whether any of a date input's three fields was filled in. */
export const dateGiven = (values: Readonly<Record<string, string | undefined>>, prefix: string): boolean =>
  ['day', 'month', 'year'].some((p) => (values[`${prefix}-${p}`]?.trim() ?? '') !== '');
