/**
 * A form as the pages receive it, and the service's messages moved under the page's fields. Each
 * field is text, checked by the service (which knows every field's limits); the edge only refuses a
 * body that is not a form. A refused form is shown again with these, everything typed kept.
 */
import { Type } from 'typebox';

export type FormValues = Record<string, string>;
export type FormErrors = Record<string, string>;

/** A form as sent: field names of at most 100 characters, each value checked by the service. */
export const FormBody = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown());

/** What a form sent, as text: the first of a repeated field, nothing for anything else. */
export function formValues(body: unknown, fields: readonly string[]): FormValues {
  const form = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const values: FormValues = {};
  for (const field of fields) {
    const raw = Array.isArray(form[field]) ? (form[field] as unknown[])[0] : form[field];
    if (typeof raw === 'string') values[field] = raw;
  }
  return values;
}

/**
 * The service's messages under the page's field names (`names`), in the order of the page's fields;
 * a message about anything else goes under `fallback`.
 */
export function underFields(fields: FormErrors, names: Record<string, string>, fallback: string): FormErrors {
  const moved: FormErrors = {};
  for (const [field, message] of Object.entries(fields)) {
    const key = names[field] ?? fallback;
    moved[key] = moved[key] ? `${moved[key]} ${message}` : message;
  }
  const order = [...new Set([...Object.values(names), fallback])];
  return Object.fromEntries(Object.entries(moved).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
}
