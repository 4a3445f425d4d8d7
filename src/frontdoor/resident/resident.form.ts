/**
 * The resident's report form: what the person typed (kept on error, never lost) read into an
 * IntakeInput with a message per field in GOV.UK style. The same reading serves the first page and the "which council area?" page, which posts every
 * earlier answer back in hidden fields with the choice. Pure: no database, no clock, no randomness.
 */
import { checkIntake, type IntakeInput } from '../intake/intake.rules.ts';
import { formValues, inFieldOrder, postcodeProblem, streetProblem } from '../shared/form-input.ts';
import { REPORTABLE_SERVICES } from '../../register/index.ts';

export interface ReportFormValues {
  /** The LGSL code of the service chosen. */
  service?: string;
  postcode?: string;
  address?: string;
  description?: string;
  reporterName?: string;
  reporterEmail?: string;
  reporterPhone?: string;
  /** The Idempotency-Key of this form: one per form shown, kept through errors and the choice. */
  token?: string;
  /** 'choose' when the form came from the "which council area?" page. */
  step?: string;
  /** On that page: the organisation id chosen, or 'postcode' to give a full postcode instead. */
  choose?: string;
  fullPostcode?: string;
}

/** Every field, in the order the pages show them (the error summary follows it). */
export const REPORT_FIELDS: ReadonlyArray<keyof ReportFormValues> = [
  'service',
  'postcode',
  'address',
  'description',
  'reporterName',
  'reporterEmail',
  'reporterPhone',
  'choose',
  'fullPostcode',
  'token',
  'step',
];

/** The answers carried from the first page to the "which council area?" page in hidden fields. */
export const CARRIED_FIELDS: ReadonlyArray<keyof ReportFormValues> = [
  'token',
  'service',
  'postcode',
  'address',
  'description',
  'reporterName',
  'reporterEmail',
  'reporterPhone',
];

export interface ReportForm {
  values: ReportFormValues;
  errors: Record<string, string>;
  /** 'choose' when the answer came from the "which council area?" page. */
  step: 'report' | 'choose';
  /** The contact to open, when nothing is wrong. */
  input?: IntakeInput;
}

/** Messages in the order of the form's fields. */
export const inFormOrder = (errors: Record<string, string>): Record<string, string> =>
  inFieldOrder(errors, REPORT_FIELDS);

export function parseReportForm(body: Record<string, unknown>): ReportForm {
  const values: ReportFormValues = formValues(body, REPORT_FIELDS);
  const step = values.step === 'choose' ? 'choose' : 'report';
  const errors: Record<string, string> = {};

  const serviceText = values.service?.trim() ?? '';
  const lgslCode = Number(serviceText);
  if (serviceText === '') errors.service = 'Select what you want to report';
  else if (!REPORTABLE_SERVICES.some((s) => String(s.lgslCode) === serviceText)) {
    errors.service = 'Select what you want to report from the list';
  }

  const postcode = values.postcode?.trim() ?? '';
  if (postcode === '') errors.postcode = 'Enter the postcode of the place, like EX1 1AE';
  else {
    const problem = postcodeProblem(postcode, false);
    if (problem) errors.postcode = problem;
  }

  let place: { postcode: string; chooseOrgId?: number } = { postcode };
  if (step === 'choose') {
    const choice = values.choose?.trim() ?? '';
    if (choice === 'postcode') {
      const full = values.fullPostcode?.trim() ?? '';
      const problem = full === '' ? 'Enter the full postcode, like EX1 1AE' : postcodeProblem(full, true);
      if (problem) errors.fullPostcode = problem;
      place = { postcode: full };
    } else if (/^[1-9][0-9]{0,15}$/.test(choice)) {
      place = { postcode, chooseOrgId: Number(choice) };
    } else {
      errors.choose = 'Select the council area the place is in, or give its full postcode';
    }
  }

  const street = streetProblem(place.postcode, values.address);
  if (street && !errors.postcode && !errors.fullPostcode) errors.address = street;

  const contact: IntakeInput = {
    lgslCode,
    ...place,
    description: values.description ?? '',
    channel: 'web',
    ...(values.address?.trim() ? { address: values.address } : {}),
    ...(values.reporterName?.trim() ? { reporterName: values.reporterName } : {}),
    ...(values.reporterEmail?.trim() ? { reporterEmail: values.reporterEmail } : {}),
    ...(values.reporterPhone?.trim() ? { reporterPhone: values.reporterPhone } : {}),
  };
  Object.assign(errors, checkIntake(contact));
  if (Object.keys(errors).length > 0) return { values, errors: inFormOrder(errors), step };
  return { values, errors, step, input: contact };
}
