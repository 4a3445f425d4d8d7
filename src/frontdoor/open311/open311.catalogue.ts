/**
 * What Open311 clients see of the front door: the services they may report (the same list as the
 * resident pages), the questions some of them ask (GeoReport "attributes"), and how case statuses
 * are written in GeoReport's words: `open`/`closed` on requests, and the widely used extended
 * statuses (FixMyStreet's, in capitals) on service request updates. Pure.
 */
import type { CaseStatus } from '../../db/index.ts';
import { isFinished } from '../cases/case-status.ts';

export interface AttributeValue {
  key: string;
  name: string;
}

export interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: AttributeValue[];
}

/**
 * The questions asked for a service, by LGSL code. Household waste collection asks which bin was
 * missed (the collections councils run); flytipping asks how much was dumped (the size bands of
 * the national flytipping returns, WasteDataFlow).
 */
export const SERVICE_ATTRIBUTES: Readonly<Record<number, readonly ServiceAttribute[]>> = {
  524: [
    {
      variable: true,
      code: 'container',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: 'One of the keys listed',
      order: 1,
      description: 'Which collection was missed?',
      values: [
        { key: 'refuse', name: 'General rubbish' },
        { key: 'recycling', name: 'Recycling' },
        { key: 'food', name: 'Food waste' },
        { key: 'garden', name: 'Garden waste' },
      ],
    },
  ],
  587: [
    {
      variable: true,
      code: 'size',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: 'One of the keys listed',
      order: 1,
      description: 'How much has been dumped?',
      values: [
        { key: 'single_bag', name: 'A single black bag' },
        { key: 'single_item', name: 'A single item' },
        { key: 'car_boot', name: 'A car boot load or less' },
        { key: 'small_van', name: 'A small van load' },
        { key: 'transit_van', name: 'A transit van load' },
        { key: 'tipper_lorry', name: 'A tipper lorry load' },
        { key: 'significant', name: 'More than that, or many loads' },
      ],
    },
    {
      variable: true,
      code: 'hazardous',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: 'yes or no',
      order: 2,
      description: 'Could it be dangerous, such as asbestos, chemicals or needles?',
      values: [
        { key: 'yes', name: 'Yes' },
        { key: 'no', name: 'No' },
      ],
    },
  ],
};

/** A client's answers to attributes, by code: one value, or several (a repeated argument or a list). */
export type AttributeAnswers = Record<string, string | readonly string[]>;

/**
 * Reads a client's answers to a service's attributes. Only what the specification makes wrong is
 * refused: a required attribute missing, a value outside a single or multi-value list, or more
 * than one value for a single-value one, or a number attribute that is not a number. Attributes
 * the definition does not list (a UPRN, the client's own report id, an easting) are kept as they
 * came. `lines` describe the answers to the service's own questions (added to the description),
 * `kept` is every answer by code (several values joined with a comma and a space). Pure.
 */
export function readAttributes(
  lgslCode: number,
  given: AttributeAnswers,
): { lines: string[]; kept: Record<string, string>; problems: string[] } {
  const attributes = SERVICE_ATTRIBUTES[lgslCode] ?? [];
  const lines: string[] = [];
  const problems: string[] = [];
  const kept: Record<string, string> = {};
  const valuesOf = (code: string): string[] =>
    [given[code] ?? []]
      .flat()
      .map((v) => v.trim())
      .filter((v) => v !== '');
  for (const code of Object.keys(given)) {
    const values = valuesOf(code);
    if (values.length > 0) kept[code] = values.join(', ');
  }
  for (const attribute of attributes) {
    const values = valuesOf(attribute.code);
    if (values.length === 0) {
      if (attribute.required)
        problems.push(`attribute[${attribute.code}] is required: ${attribute.description}`);
      continue;
    }
    if (attribute.values) {
      const chosen = values.map((value) => attribute.values!.find((v) => v.key === value));
      const single = attribute.datatype === 'singlevaluelist';
      if (chosen.some((c) => c === undefined) || (single && values.length > 1)) {
        problems.push(
          `attribute[${attribute.code}] must be ${single ? 'one' : 'one or more'} of ${attribute.values.map((v) => v.key).join(', ')}`,
        );
        continue;
      }
      lines.push(`${attribute.description} ${chosen.map((c) => c!.name).join(', ')}`);
      continue;
    }
    if (attribute.datatype === 'number' && values.some((v) => !Number.isFinite(Number(v)))) {
      problems.push(`attribute[${attribute.code}] must be a number`);
      continue;
    }
    lines.push(`${attribute.description} ${values.join(', ')}`);
  }
  return { lines, kept, problems };
}

/** GeoReport's two statuses: a case that has finished or gone elsewhere is closed. */
export function baseStatus(status: CaseStatus): 'open' | 'closed' {
  return isFinished(status) || status === 'referred' ? 'closed' : 'open';
}

/** The extended statuses of service request updates, for each case status. */
export const EXTENDED_STATUS: Readonly<Record<CaseStatus, string>> = {
  open: 'OPEN',
  investigating: 'INVESTIGATING',
  action_scheduled: 'ACTION_SCHEDULED',
  in_progress: 'IN_PROGRESS',
  fixed: 'FIXED',
  closed: 'CLOSED',
  duplicate: 'DUPLICATE',
  referred: 'NOT_COUNCILS_RESPONSIBILITY',
  no_further_action: 'NO_FURTHER_ACTION',
  cancelled: 'CLOSED',
  reopened: 'OPEN',
};

/**
 * The case status an incoming update asks for. `OPEN` on a finished case reopens it. Referral is
 * not an update a client can make (it needs to say to whom): the desk does it.
 */
export function caseStatusFor(extended: string, current: CaseStatus): CaseStatus | undefined {
  const wanted = extended.trim().toUpperCase();
  if (wanted === 'OPEN' || wanted === 'REOPENED') return isFinished(current) ? 'reopened' : 'open';
  const statuses: Record<string, CaseStatus> = {
    INVESTIGATING: 'investigating',
    ACTION_SCHEDULED: 'action_scheduled',
    IN_PROGRESS: 'in_progress',
    FIXED: 'fixed',
    CLOSED: 'closed',
    DUPLICATE: 'duplicate',
    NO_FURTHER_ACTION: 'no_further_action',
  };
  return statuses[wanted];
}
