/**
 * What Open311 GeoReport v2 speaks in: its errors, a jurisdiction, and the shapes of services,
 * requests and updates as clients read and send them, with the limits of a list; and a front-door
 * problem said in Open311's terms.
 */
import { ValidationProblem, type ProblemError } from '../../platform/index.ts';
import type { AttributeAnswers } from './open311.catalogue.ts';

/** An Open311 error: its HTTP status is also its `code`, as the specification's examples have it. */
export class Open311Error extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }
}

export interface Jurisdiction {
  orgId: number;
  name: string;
  slug: string;
}

export interface GeoReportService {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string;
  address_id: string;
  zipcode: string;
  lat: number | null;
  long: number | null;
  media_url: string;
  /**
   * Every attribute the client answered, as kept on the case: given only to a client with a key
   * of the organisation that holds, handles or took the request (an extension of the
   * specification's answer; clients ignore members they do not know).
   */
  attributes?: Array<{ code: string; value: string }>;
}

export interface Open311Update {
  update_id: string;
  service_request_id: string;
  status: string;
  updated_datetime: string;
  description: string;
  media_url: string;
}

/**
 * What a `GET requests` asks for. With `serviceRequestIds` the other filters are left out, as the
 * specification says; a page is always applied.
 */
export interface RequestsQuery {
  serviceRequestIds?: string[];
  serviceCodes?: string[];
  start?: Date;
  end?: Date;
  statuses?: Array<'open' | 'closed'>;
  page: number;
  pageSize: number;
}

export interface NewServiceRequest {
  serviceCode: string;
  lat?: number;
  lon?: number;
  addressString?: string;
  description: string;
  attributes: AttributeAnswers;
  mediaUrl?: string;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  /** The client's Idempotency-Key, or one made for it: also the request's token. */
  token: string;
}

export interface IncomingUpdate {
  serviceRequestId: string;
  status: string;
  description: string;
  updatedAt?: Date;
}

/** The most requests one answer holds, and the longest window one query may span. */
export const MAX_REQUESTS = 1000;
export const WINDOW_DAYS = 90;
const DAY = 24 * 60 * 60 * 1000;

export const windowDays = (start: Date, end: Date) => (end.getTime() - start.getTime()) / DAY;

/** A front-door problem in Open311's terms: same status, its detail as the description. */
export function fromProblem(problem: ProblemError): Open311Error {
  const detail =
    problem instanceof ValidationProblem
      ? Object.entries(problem.fields)
          .map(([field, message]) => `${OPEN311_FIELDS[field] ?? field}: ${message}`)
          .join('; ')
      : problem.detail;
  return new Open311Error(problem.status, detail);
}

/** The Open311 argument behind each field of a contact, for error messages. */
const OPEN311_FIELDS: Record<string, string> = {
  description: 'description',
  reporterEmail: 'email',
  reporterPhone: 'phone',
  reporterName: 'first_name',
  address: 'address_string',
  postcode: 'address_string',
  attributes: 'attribute',
  mediaUrl: 'media_url',
};
