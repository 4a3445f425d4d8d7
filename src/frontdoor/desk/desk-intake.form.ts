/**
 * The desk's "take a request" form: its channels and fields, and what a person typed read into an
 * IntakeInput with a message per field (kept as typed, never lost). Pure: whether the service and
 * the place exist is checked when the request is looked up or taken.
 */
import { parseId } from '../../platform/index.ts';
import type { Channel } from '../../db/index.ts';
import { checkIntake, type IntakeInput } from '../intake/intake.rules.ts';
import { formValues, inFieldOrder, postcodeProblem, streetProblem, type Form } from '../shared/form-input.ts';

/** How staff take contacts: the self-service channels (web, app, kiosk, Open311) are residents' own. */
export const DESK_CHANNELS: readonly Channel[] = ['phone', 'face_to_face', 'email'];

/** The fields of "take a request", in the order the page shows them (the error summary follows it). */
export const DESK_INTAKE_FIELDS = [
  'find',
  'service',
  'postcode',
  'choose',
  'address',
  'description',
  'channel',
  'accessPoint',
  'frontDoor',
  'reporterName',
  'reporterEmail',
  'reporterPhone',
  'resolved',
  'resolution',
  'token',
] as const;
export type DeskIntakeValues = Partial<Record<(typeof DESK_INTAKE_FIELDS)[number], string>>;

/** What is wrong with the postcode of the place, or nothing. */
const placePostcodeProblem = (text: string): string | undefined =>
  text.trim() === '' ? 'Enter the postcode of the place, like EX1 1AE' : postcodeProblem(text, false);

/** Messages in the order of the form's fields. */
export const inFormOrder = (errors: Record<string, string>) => inFieldOrder(errors, DESK_INTAKE_FIELDS);

/**
 * Reads "take a request" into an IntakeInput, with a message per field; what was typed is kept as
 * it was. `frontDoors` are the organisations the person may take contacts for: with several, the
 * one chosen must be among them. Pure: whether the service and place exist is checked later.
 */
export function parseDeskIntake(
  body: Form,
  frontDoors: readonly number[],
): { values: DeskIntakeValues; errors: Record<string, string>; input?: IntakeInput } {
  const values: DeskIntakeValues = formValues(body, DESK_INTAKE_FIELDS);
  const errors: Record<string, string> = {};
  const serviceText = values.service?.trim() ?? '';
  if (serviceText === '') errors.service = 'Select the service the request is about';
  else if (!/^[1-9][0-9]{0,8}$/.test(serviceText)) errors.service = 'Select a service from the list';
  const problem = placePostcodeProblem(values.postcode ?? '');
  if (problem) errors.postcode = problem;
  else {
    const street = streetProblem(values.postcode ?? '', values.address);
    if (street) errors.address = street;
  }
  const choose = values.choose?.trim() ?? '';
  const chooseOrgId = parseId(choose);

  const channel = values.channel?.trim() ?? '';
  if (!(DESK_CHANNELS as readonly string[]).includes(channel)) {
    errors.channel = 'Select how the person got in touch';
  }
  const accessPoint = values.accessPoint?.trim() ?? '';
  if (channel === 'face_to_face' && accessPoint === '') {
    errors.accessPoint = 'Enter the one-stop shop or access point where you met the person';
  }
  let frontDoorOrgId = frontDoors.length === 1 ? frontDoors[0] : undefined;
  if (frontDoors.length > 1) {
    const chosen = Number(values.frontDoor?.trim() ?? '');
    if (values.frontDoor?.trim() && frontDoors.includes(chosen)) frontDoorOrgId = chosen;
    else errors.frontDoor = 'Select whose front door took the contact';
  }
  const resolved = values.resolved?.trim() ?? '';
  if (resolved !== 'yes' && resolved !== 'no') {
    errors.resolved = 'Select whether you resolved it while the person was in touch';
  }

  const input: IntakeInput = {
    lgslCode: Number(serviceText),
    postcode: values.postcode?.trim() ?? '',
    ...(chooseOrgId !== undefined ? { chooseOrgId } : {}),
    description: values.description ?? '',
    channel: channel as Channel,
    ...(accessPoint ? { accessPoint } : {}),
    ...(frontDoorOrgId !== undefined ? { frontDoorOrgId } : {}),
    ...(values.address?.trim() ? { address: values.address.trim() } : {}),
    ...(values.reporterName?.trim() ? { reporterName: values.reporterName } : {}),
    ...(values.reporterEmail?.trim() ? { reporterEmail: values.reporterEmail } : {}),
    ...(values.reporterPhone?.trim() ? { reporterPhone: values.reporterPhone } : {}),
    ...(resolved === 'yes' ? { resolvedAtFirstContact: true, resolution: values.resolution ?? '' } : {}),
  };
  const checked = checkIntake(input);
  if (checked.description === 'Enter what you want to report or request') {
    checked.description = 'Enter what the person is asking for or reporting';
  }
  delete checked.channel; // said above in the desk's own words
  Object.assign(errors, checked);
  if (Object.keys(errors).length > 0) return { values, errors: inFormOrder(errors) };
  return { values, errors, input };
}
