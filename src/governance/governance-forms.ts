/**
 * What the programme, risk and appraisal forms share beyond platform's form reading
 * (`formValues`, `underFields`): whole numbers read strictly, one form's errors among many on a
 * page, and GOV.UK date inputs' fields.
 */
import type { FormErrors, FormValues } from '../platform/index.ts';

export { FormBody, formValues, underFields } from '../platform/index.ts';
export type Values = FormValues;
export type Errors = FormErrors;

/** A whole number as typed ("3", " 3 "), or NaN for anything else ("3.5", "three", "", "1e1"). */
export function wholeNumber(text: string | undefined): number {
  const trimmed = (text ?? '').trim();
  return /^\d{1,3}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** The errors of one form on a page of many, each under the page-wide id `prefix-field`. */
export function prefixed(prefix: string, errors: Errors, formKey = 'form'): Errors {
  return Object.fromEntries(
    Object.entries(errors).map(([k, v]) => [k === formKey ? prefix : `${prefix}-${k}`, v]),
  );
}

/** The three fields of a GOV.UK date input named `prefix`, as they are sent. */
export const dateFields = (prefix: string) => [`${prefix}-day`, `${prefix}-month`, `${prefix}-year`];

/** A date input's fields filled with an ISO date, for a form that opens with what is stored. */
export function dateValues(prefix: string, iso: string | null): Values {
  if (!iso) return {};
  const [year, month, day] = iso.split('-');
  return {
    [`${prefix}-day`]: String(Number(day)),
    [`${prefix}-month`]: String(Number(month)),
    [`${prefix}-year`]: year!,
  };
}
