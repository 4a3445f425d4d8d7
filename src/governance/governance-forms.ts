/**
 * What the programme, risk and appraisal forms share: a form's answers as text, whole numbers read
 * strictly, and the service's messages moved under the names of the page's fields. A refused form
 * is shown again with these, everything typed kept.
 */
import { Type } from 'typebox';

export type Values = Record<string, string>;
export type Errors = Record<string, string>;

/**
 * A form as sent. Each field is text, checked by the service (which knows every field's limits);
 * the edge only refuses a body that is not a form.
 */
export const FormBody = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown());

/** What a form sent, as text: the first of a repeated field, nothing for anything else. */
export function formValues(body: unknown, fields: readonly string[]): Values {
  const form = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const values: Values = {};
  for (const field of fields) {
    const raw = Array.isArray(form[field]) ? (form[field] as unknown[])[0] : form[field];
    if (typeof raw === 'string') values[field] = raw;
  }
  return values;
}

/** A whole number as typed ("3", " 3 "), or NaN for anything else ("3.5", "three", "", "1e1"). */
export function wholeNumber(text: string | undefined): number {
  const trimmed = (text ?? '').trim();
  return /^\d{1,3}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/**
 * The service's messages under the page's field names (`names`), in the order of the page's fields;
 * a message about anything else goes under `fallback`.
 */
export function underFields(fields: Errors, names: Record<string, string>, fallback: string): Errors {
  const moved: Errors = {};
  for (const [field, message] of Object.entries(fields)) {
    const key = names[field] ?? fallback;
    moved[key] = moved[key] ? `${moved[key]} ${message}` : message;
  }
  const order = [...new Set([...Object.values(names), fallback])];
  return Object.fromEntries(Object.entries(moved).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
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
