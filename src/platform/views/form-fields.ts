/**
 * Helpers behind templates/macros/form.njk: they turn a `{ field: message }` map and the values a
 * person entered into the options govuk-frontend's form components expect, so a form shown again
 * after a mistake has the error summary, the message by each field and the person's own answers.
 */
export type FieldErrors = Record<string, string>;
export type FieldValues = Record<string, unknown>;

/**
 * How a component names its element and takes its value: `single` (input, textarea, select) has an
 * `id` and one `value`; `radios` an `idPrefix` and one `value`; `checkboxes` an `idPrefix` and `values`.
 */
export type FieldKind = 'single' | 'radios' | 'checkboxes';

export interface ErrorListItem {
  text: string;
  href: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The GOV.UK error summary's list: one link per field, to the field's id, in the map's order. */
export function errorList(errors: unknown): ErrorListItem[] {
  if (!isRecord(errors)) return [];
  return Object.entries(errors)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([field, message]) => ({ text: message, href: `#${field}` }));
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

/**
 * Component options with the field's error message and the entered value filled in. The entered value
 * wins over a `value` in the options (which is usually what is stored).
 */
export function formField(
  params: unknown,
  errors: unknown,
  values: unknown,
  kind: FieldKind = 'single',
): Record<string, unknown> {
  const options: Record<string, unknown> = isRecord(params) ? { ...params } : {};
  const name = typeof options.name === 'string' ? options.name : undefined;
  if (name === undefined) return options;
  if (options.id === undefined && options.idPrefix === undefined) {
    if (kind === 'single') options.id = name;
    else options.idPrefix = name;
  }
  const message = isRecord(errors) ? errors[name] : undefined;
  if (typeof message === 'string' && message !== '') options.errorMessage = { text: message };
  const entered = isRecord(values) && Object.hasOwn(values, name) ? values[name] : undefined;
  if (kind === 'checkboxes') {
    const list = Array.isArray(entered) ? entered : entered === undefined ? undefined : [entered];
    if (list !== undefined) options.values = list.map(asText).filter((item) => item !== undefined);
  } else {
    const text = asText(entered);
    if (text !== undefined) options.value = text;
  }
  return options;
}
