/**
 * The catalogue of measures: what each one counts, in words a reader can check against the cases,
 * with its numerator, denominator, unit, which way is better, how often it is reported and where
 * its figures come from. Measures from cases are computed per council, service, area and period
 * from the day summaries (`day-summary.ts`); officers enter or import the others. Pure.
 */
import type { Channel } from '../db/index.ts';

export type Polarity = 'higher_is_better' | 'lower_is_better';
export type MeasureSource = 'cases' | 'entered' | 'imported' | 'finance';
/**
 * - `count`: a whole number.
 * - `percent`: a share, held as a fraction of one (0.85) and shown as a percentage (85%).
 * - `working_days`: days on the England and Wales working calendar.
 * - `pence`: money, shown in pounds.
 * - `number`: any decimal, for measures officers define (tonnes, visits).
 */
export type MeasureUnit = 'count' | 'percent' | 'working_days' | 'pence' | 'number';
/** The shortest period a measure is reported for; a quarterly measure has a yearly figure too. */
export type Frequency = 'quarterly' | 'yearly';

export interface Measure {
  /** Stable: kept in targets and entered values. */
  readonly id: string;
  readonly name: string;
  /** What is counted, in plain words, precisely enough to check by hand. */
  readonly definition: string;
  readonly numerator: string;
  /** null for a count, which divides by nothing. */
  readonly denominator: string | null;
  readonly unit: MeasureUnit;
  /**
   * Which way is better; null for a volume (requests received, referrals), where neither is:
   * a volume gets no red, amber or green and no improving or worsening, only its figures.
   */
  readonly polarity: Polarity | null;
  readonly frequency: Frequency;
  readonly source: MeasureSource;
  /** For a measure of one channel only. */
  readonly channel?: Channel;
}

/** Every channel the front door takes requests on, as a reader names it. */
export const CHANNEL_WORDS = {
  web: 'the online form',
  phone: 'telephone',
  face_to_face: 'face to face',
  kiosk: 'a self-service kiosk',
  email: 'email',
  app: 'an app',
  open311: 'an Open311 client (such as FixMyStreet)',
} as const satisfies Record<Channel, string>;

export const CHANNELS = Object.keys(CHANNEL_WORDS) as Channel[];

/**
 * The rule for a repeat request (`repeat-requests.ts` applies it): a request is a repeat when the
 * same council received another request for the same service at the same place in the 30 days
 * before it. The same place is the same full postcode, or points within 50 metres of each other
 * when both requests have one.
 */
export const REPEAT_WINDOW_DAYS = 30;
export const REPEAT_DISTANCE_METRES = 50;

/**
 * Shared words: what "a request" and "closed" mean for every measure from cases.
 * A request is a case a council's front door opened for a resident, counted under the council that
 * holds it on the London date it was opened; a case opened by a referral from another council is
 * the same request, so it is not counted again.
 */
const REQUEST =
  'a case opened for a resident (not one opened by a referral from another council), under the council that holds it, on the London date it was opened';
const CLOSED =
  'cases closed in the period (by the London date they were closed), under the council that holds them, including those resolved at first contact';

const channelMeasure = (channel: Channel): Measure => ({
  id: `requests_received_${channel}`,
  name: `Requests received by ${CHANNEL_WORDS[channel]}`,
  definition: `The requests received in the period through ${CHANNEL_WORDS[channel]}: each is ${REQUEST}.`,
  numerator: `requests received through ${CHANNEL_WORDS[channel]}`,
  denominator: null,
  unit: 'count',
  polarity: null,
  frequency: 'quarterly',
  source: 'cases',
  channel,
});

export const MEASURES: readonly Measure[] = [
  {
    id: 'requests_received',
    name: 'Requests received',
    definition: `The requests received in the period on every channel: each is ${REQUEST}.`,
    numerator: 'requests received',
    denominator: null,
    unit: 'count',
    polarity: null,
    frequency: 'quarterly',
    source: 'cases',
  },
  ...CHANNELS.map(channelMeasure),
  {
    id: 'first_contact_resolution',
    name: 'Resolved at first contact',
    definition:
      'The share of contacts a council’s front door took in the period that were dealt with there and then, without a case going to a service team. Counted under the council whose front door took the contact, on the London date it was received.',
    numerator: 'contacts resolved at first contact',
    denominator: 'contacts received',
    unit: 'percent',
    polarity: 'higher_is_better',
    frequency: 'quarterly',
    source: 'cases',
  },
  {
    id: 'closed_within_service_level',
    name: 'Closed within the service level',
    definition: `Of the ${CLOSED} that had a service level, the share closed by their due time (the due time moves on by any pause waiting on the resident). Cases without a service level are left out of both figures.`,
    numerator: 'cases closed by their due time',
    denominator: 'cases closed that had a service level',
    unit: 'percent',
    polarity: 'higher_is_better',
    frequency: 'quarterly',
    source: 'cases',
  },
  {
    id: 'median_working_days_to_close',
    name: 'Median working days to close',
    definition: `The median (nearest rank: the smallest number of days within which at least half were closed) of the working days each of the ${CLOSED} took: the working days after the day it was opened up to and including the day it was closed, on the England and Wales calendar, so a case closed the day it opened took 0.`,
    numerator: 'working days to close, at the 50th percentile by nearest rank',
    denominator: null,
    unit: 'working_days',
    polarity: 'lower_is_better',
    frequency: 'quarterly',
    source: 'cases',
  },
  {
    id: 'p90_working_days_to_close',
    name: '90th percentile working days to close',
    definition: `The number of working days within which at least 90% of the ${CLOSED} were closed (nearest rank), counted as for the median. More than 365 working days is shown as "more than 365".`,
    numerator: 'working days to close, at the 90th percentile by nearest rank',
    denominator: null,
    unit: 'working_days',
    polarity: 'lower_is_better',
    frequency: 'quarterly',
    source: 'cases',
  },
  {
    id: 'referrals_out',
    name: 'Referrals to other councils',
    definition:
      'Cases the council referred to another council in the period, because the other council is responsible, counted on the London date of the referral. A volume: the front door doing the legwork for the resident, neither good nor bad by itself.',
    numerator: 'cases referred to another council',
    denominator: null,
    unit: 'count',
    polarity: null,
    frequency: 'quarterly',
    source: 'cases',
  },
  {
    id: 'referrals_in',
    name: 'Referrals from other councils',
    definition:
      'Cases another council referred to this council in the period, counted on the London date of the referral.',
    numerator: 'cases referred in by another council',
    denominator: null,
    unit: 'count',
    polarity: null,
    frequency: 'quarterly',
    source: 'cases',
  },
  {
    id: 'repeat_requests',
    name: 'Repeat requests at the same place',
    definition: `The share of requests received in the period that repeat an earlier one: a request is a repeat when the same council received another request for the same service at the same place in the ${REPEAT_WINDOW_DAYS} days before it. The same place is the same full postcode, or, when both requests have a point, within ${REPEAT_DISTANCE_METRES} metres of each other. A request given only part of a postcode and no point is never a repeat. Each request is ${REQUEST}.`,
    numerator: 'requests that repeat an earlier one',
    denominator: 'requests received',
    unit: 'percent',
    polarity: 'lower_is_better',
    frequency: 'quarterly',
    source: 'cases',
  },
  {
    id: 'cost_per_case',
    name: 'Cost per case',
    definition:
      'What the council was recharged for the service in the period by issued recharge runs, in pence, divided by the requests it received for that service in the period; no figure when it received none.',
    numerator: 'pence recharged for the service (issued recharge runs)',
    denominator: 'requests received for the service',
    unit: 'pence',
    polarity: 'lower_is_better',
    frequency: 'yearly',
    source: 'finance',
  },
  {
    id: 'spend_per_head',
    name: 'Spend per head',
    definition:
      'Net current expenditure on a service area in the year, from the revenue outturn the council returned to the government, in pence, divided by the council’s population (Census 2021), rounded to whole pence. For comparing councils, not a target: no way is better by itself.',
    numerator: 'net expenditure on the service area (revenue outturn), pence',
    denominator: 'residents (Census 2021)',
    unit: 'pence',
    polarity: null,
    frequency: 'yearly',
    source: 'finance',
  },
];

const BY_ID = new Map(MEASURES.map((m) => [m.id, m]));

/** The measure with that id, or undefined (never an inherited property such as `constructor`). */
export const measureById = (id: string): Measure | undefined => BY_ID.get(id);
