/**
 * What a contact must be, for every caller (pages, the API, Open311): the channels, the limits of
 * each field and the check of a contact, pure, so that forms state and check the same; and the
 * refusal of a contact for a council the service does not cover.
 */
import type { Channel } from '../../db/index.ts';
import { ProblemError } from '../../platform/index.ts';
import type { CouncilRef, ResponsibleAnswer } from '../../register/index.ts';
import type { CaseSummary } from '../cases/cases.types.ts';
import { characters } from '../shared/text.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{6,20}$/;

export const CHANNELS: Readonly<Record<Channel, string>> = {
  web: 'Online form',
  phone: 'Telephone',
  face_to_face: 'Face to face',
  kiosk: 'Self-service kiosk',
  email: 'Email',
  app: 'App',
  open311: 'Open311 client',
};

export interface IntakeInput {
  lgslCode: number;
  postcode?: string;
  lat?: number;
  lon?: number;
  address?: string;
  /** Where the place could be more than one council's: the organisation the person chose. */
  chooseOrgId?: number;
  description: string;
  reporterName?: string;
  reporterEmail?: string;
  reporterPhone?: string;
  channel: Channel;
  /** The one-stop shop, access hub or kiosk where the contact was made. */
  accessPoint?: string;
  /** The organisation whose front door took the contact; the responsible one when not given. */
  frontDoorOrgId?: number;
  /**
   * The person's need was met while they were in touch (an agent answered, explained or booked it
   * there and then): the case opens already closed, and the contact is counted as resolved.
   */
  resolvedAtFirstContact?: boolean;
  /** What was done for the person, shown to them: required when resolved at first contact. */
  resolution?: string;
  /** An Open311 client's answers to attributes, by code, kept on the case as sent. */
  attributes?: Record<string, string>;
  /** The address of a photo or other media an Open311 client sent. */
  mediaUrl?: string;
}

export type IntakeResult =
  | { outcome: 'opened'; case: CaseSummary }
  | { outcome: 'ambiguous'; reason: string; candidates: CouncilRef[]; answer: ResponsibleAnswer };

/** The longest each field of a contact may be: stated on every form that asks for it, and checked here. */
export const INTAKE_LIMITS = {
  description: 4000,
  address: 500,
  reporterName: 200,
  accessPoint: 200,
  resolution: 2000,
} as const;

/** What is wrong with a contact, as a message per field (empty when nothing is): pure, so forms can use it. */
export function checkIntake(input: IntakeInput): Record<string, string> {
  const problems: Record<string, string> = {};
  const description = input.description?.trim() ?? '';
  if (description === '') problems.description = 'Enter what you want to report or request';
  else if (description.length > INTAKE_LIMITS.description)
    problems.description = `Description must be ${characters(INTAKE_LIMITS.description)}`;
  if (input.address !== undefined && input.address.length > INTAKE_LIMITS.address) {
    problems.address = `Street or place must be ${characters(INTAKE_LIMITS.address)}`;
  }
  if (input.reporterName !== undefined && input.reporterName.trim().length > INTAKE_LIMITS.reporterName) {
    problems.reporterName = `Name must be ${characters(INTAKE_LIMITS.reporterName)}`;
  }
  if (input.reporterEmail !== undefined && input.reporterEmail.trim() !== '') {
    const email = input.reporterEmail.trim();
    if (email.length > 254 || !EMAIL.test(email)) {
      problems.reporterEmail = 'Enter an email address in the correct format, like name@example.com';
    }
  }
  if (input.reporterPhone !== undefined && input.reporterPhone.trim() !== '') {
    if (!PHONE.test(input.reporterPhone.trim())) {
      problems.reporterPhone = 'Enter a telephone number, like 01632 960 001 or +44 808 157 0192';
    }
  }
  if (input.accessPoint !== undefined && input.accessPoint.length > INTAKE_LIMITS.accessPoint) {
    problems.accessPoint = `One-stop shop or access point must be ${characters(INTAKE_LIMITS.accessPoint)}`;
  }
  if (!Object.hasOwn(CHANNELS, input.channel)) problems.channel = 'Choose how the person got in touch';
  if (input.resolvedAtFirstContact) {
    const resolution = input.resolution?.trim() ?? '';
    if (resolution === '') problems.resolution = 'Say what was done to resolve it';
    else if (resolution.length > INTAKE_LIMITS.resolution) {
      problems.resolution = `What was done must be ${characters(INTAKE_LIMITS.resolution)}`;
    }
  }
  const attributes = Object.entries(input.attributes ?? {});
  if (attributes.length > ATTRIBUTE_LIMITS.count) {
    problems.attributes = `Send at most ${ATTRIBUTE_LIMITS.count} attributes`;
  } else {
    const tooLong = attributes.find(
      ([code, value]) => code.length > ATTRIBUTE_LIMITS.code || value.length > ATTRIBUTE_LIMITS.value,
    );
    if (tooLong) {
      problems.attributes = `attribute[${tooLong[0].slice(0, ATTRIBUTE_LIMITS.code)}]: codes must be ${ATTRIBUTE_LIMITS.code} characters or fewer and values ${ATTRIBUTE_LIMITS.value.toLocaleString('en-GB')} or fewer`;
    }
  }
  if (input.mediaUrl !== undefined && !isWebAddress(input.mediaUrl, 2000)) {
    problems.mediaUrl = 'Media address must be a web address (http or https) of 2,000 characters or fewer';
  }
  return problems;
}

/** How many attributes a case keeps, and how long their codes and values may be. */
export const ATTRIBUTE_LIMITS = { count: 50, code: 100, value: 1000 } as const;

/** An http or https address of at most `max` characters. */
export function isWebAddress(text: string, max: number): boolean {
  if (text.length > max) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The refusal of a contact for a council this service does not cover (`coverageOf`): a 422 that
 * names the council responsible and its web site, so the person knows where to go.
 */
export function notCovered(answer: ResponsibleAnswer): ProblemError {
  return new ProblemError(422, 'Not covered', answer.coverage?.text ?? answer.reason, {
    notCovered: true,
    responsible: answer.responsible,
    homepageUrl: answer.coverage?.homepageUrl ?? null,
  });
}

/** True for the refusal `notCovered` makes. */
export const isNotCovered = (error: unknown): boolean =>
  error instanceof ProblemError && error.extensions.notCovered === true;
