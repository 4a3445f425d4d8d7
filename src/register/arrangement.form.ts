/**
 * The add/change arrangement form: what the person typed (kept on error, never lost), turned into
 * an ArrangementInput with a message per field in GOV.UK style, and the choices the form offers.
 */
import { parseId, parseIntCode } from '../platform/index.ts';
import { dateFrom, dateGiven } from '../platform/index.ts';
import { ARRANGEMENT_LIMITS, type RegisterService } from './register.service.ts';
import {
  DELIVERY_LEVELS,
  DELIVERY_MODES,
  type Arrangement,
  type ArrangementInput,
  type DeliveryLevel,
  type DeliveryMode,
  type Organisation,
} from './register.types.ts';

export interface ArrangementFormValues {
  lgslCode?: string;
  'validFrom-day'?: string;
  'validFrom-month'?: string;
  'validFrom-year'?: string;
  'validTo-day'?: string;
  'validTo-month'?: string;
  'validTo-year'?: string;
  mode?: string;
  level?: string;
  providerOrgId?: string;
  leadCommissionerOrgId?: string;
  areaCode?: string;
  reservedDecisions?: string;
  delegatedDecisions?: string;
  notes?: string;
  /** "internal" (the default) or "public": who may read the notes. */
  notesVisibility?: string;
  expectedCurrentId?: string;
}

/** Who may read an arrangement's notes; everything else about an arrangement is public. */
export const NOTES_VISIBILITY = {
  internal: 'Only people at the council and its partnership’s administrators',
  public: 'Anyone: publish them with the register',
} as const;

const FIELDS: Array<keyof ArrangementFormValues> = [
  'lgslCode',
  'validFrom-day',
  'validFrom-month',
  'validFrom-year',
  'validTo-day',
  'validTo-month',
  'validTo-year',
  'mode',
  'level',
  'providerOrgId',
  'leadCommissionerOrgId',
  'areaCode',
  'reservedDecisions',
  'delegatedDecisions',
  'notes',
  'notesVisibility',
  'expectedCurrentId',
];

const lines = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

function readDate(
  values: ArrangementFormValues,
  prefix: 'validFrom' | 'validTo',
  label: string,
  required: boolean,
): { date?: string; error?: string } {
  const fields = {
    [`${prefix}-day`]: values[`${prefix}-day`],
    [`${prefix}-month`]: values[`${prefix}-month`],
    [`${prefix}-year`]: values[`${prefix}-year`],
  };
  if (!required && !dateGiven(fields, prefix)) return {};
  const read = dateFrom(fields, prefix, label);
  return read.error ? { error: read.error } : { date: read.iso };
}

export function parseArrangementForm(
  body: Record<string, string | string[]>,
  orgId: number,
): { values: ArrangementFormValues; input?: ArrangementInput; errors: Record<string, string> } {
  const values: ArrangementFormValues = {};
  for (const field of FIELDS) {
    const raw = body[field];
    const text = Array.isArray(raw) ? raw[0] : raw;
    // Kept whole, however long: a text over its limit comes back with its error, never cut short.
    if (typeof text === 'string') values[field] = text;
  }
  const errors: Record<string, string> = {};
  const lgsl = parseIntCode(values.lgslCode) ?? NaN;
  if (!values.lgslCode?.trim()) errors.lgslCode = 'Enter the LGSL code of the service';
  else if (Number.isNaN(lgsl)) errors.lgslCode = 'The LGSL code must be a whole number, like 524';
  const from = readDate(values, 'validFrom', 'the date it starts', true);
  if (from.error) errors['validFrom-day'] = from.error;
  const to = readDate(values, 'validTo', 'the date it ends', false);
  if (to.error) errors['validTo-day'] = to.error;
  if (!values.mode || !Object.hasOwn(DELIVERY_MODES, values.mode))
    errors.mode = 'Select how the service is delivered';
  if (!values.level || !Object.hasOwn(DELIVERY_LEVELS, values.level))
    errors.level = 'Select the level it is delivered at';
  const provider = parseId(values.providerOrgId) ?? NaN;
  if (Number.isNaN(provider)) errors.providerOrgId = 'Select who provides the service';
  const lead = values.leadCommissionerOrgId ? (parseId(values.leadCommissionerOrgId) ?? NaN) : null;
  if (lead !== null && Number.isNaN(lead))
    errors.leadCommissionerOrgId = 'Select the lead commissioner from the list';
  values.notesVisibility ||= 'internal';
  if (!Object.hasOwn(NOTES_VISIBILITY, values.notesVisibility))
    errors.notesVisibility = 'Select who may read the notes';
  const expected = values.expectedCurrentId?.trim() ? (parseId(values.expectedCurrentId) ?? null) : null;
  if (Object.keys(errors).length > 0) return { values, errors };
  return {
    values,
    errors,
    input: {
      orgId,
      lgslCode: lgsl,
      validFrom: from.date!,
      validTo: to.date ?? null,
      mode: values.mode as DeliveryMode,
      level: values.level as DeliveryLevel,
      providerOrgId: provider,
      leadCommissionerOrgId: lead,
      areaCode: values.areaCode?.trim() || null,
      reservedDecisions: lines(values.reservedDecisions),
      delegatedDecisions: lines(values.delegatedDecisions),
      notes: values.notes?.trim() ?? '',
      notesInternal: values.notesVisibility !== 'public',
      expectedCurrentId: expected !== null && Number.isInteger(expected) ? expected : null,
    },
  };
}

export function formFromArrangement(a: Arrangement): ArrangementFormValues {
  return {
    lgslCode: String(a.lgslCode),
    mode: a.mode,
    level: a.level,
    providerOrgId: String(a.provider.orgId),
    leadCommissionerOrgId: a.leadCommissioner ? String(a.leadCommissioner.orgId) : '',
    areaCode: a.areaCode ?? '',
    reservedDecisions: a.reservedDecisions.join('\n'),
    delegatedDecisions: a.delegatedDecisions.join('\n'),
    notes: a.notes ?? '',
    notesVisibility: a.notesInternal ? 'internal' : 'public',
  };
}

/** Maps field names from the service's rules onto the form's fields (dates use their day field). */
const FIELD_ON_FORM: Record<string, string> = { validFrom: 'validFrom-day', validTo: 'validTo-day' };

export async function arrangementForm(
  register: RegisterService,
  org: Organisation,
  values: ArrangementFormValues,
  errors: Record<string, string>,
) {
  const partnerships = await Promise.all(org.partnerships.map((p) => register.partnership(p.slug)));
  const organisations = new Map<number, { orgId: number; name: string }>([[org.orgId, org]]);
  for (const p of partnerships) for (const m of p.members) organisations.set(m.orgId, m);
  const areas = partnerships.flatMap((p) =>
    p.areas.filter((a) => a.kind !== 'county' && a.kind !== 'district'),
  );
  const orgOptions = (selected: string | undefined, blank: string) => [
    { value: '', text: blank },
    ...[...organisations.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((o) => ({ value: String(o.orgId), text: o.name, selected: selected === String(o.orgId) })),
  ];
  const formErrors = Object.fromEntries(Object.entries(errors).map(([k, v]) => [FIELD_ON_FORM[k] ?? k, v]));
  const service =
    values.lgslCode && /^\d+$/.test(values.lgslCode)
      ? await register.service(Number(values.lgslCode)).catch(() => undefined)
      : undefined;
  return {
    org,
    service,
    limits: ARRANGEMENT_LIMITS,
    values,
    errors: formErrors,
    errorList: Object.entries(formErrors).map(([field, text]) => ({
      text,
      href: `#${field === 'form' ? 'lgslCode' : field}`,
    })),
    modes: Object.entries(DELIVERY_MODES).map(([value, text]) => ({
      value,
      text,
      checked: values.mode === value,
    })),
    notesVisibilities: Object.entries(NOTES_VISIBILITY).map(([value, text]) => ({
      value,
      text,
      checked: (values.notesVisibility || 'internal') === value,
    })),
    levels: Object.entries(DELIVERY_LEVELS).map(([value, text]) => ({
      value,
      text,
      checked: values.level === value,
    })),
    providers: orgOptions(values.providerOrgId, 'Select who provides it'),
    commissioners: orgOptions(values.leadCommissionerOrgId, 'None'),
    areas: [
      { value: '', text: 'Not needed (county-wide or per district)' },
      ...areas.map((a) => ({ value: a.code, text: a.name, selected: values.areaCode === a.code })),
    ],
  };
}
