/**
 * A jurisdiction's requests as Open311 lists them: which rows a query asks the database for (it
 * filters and pages them), what a client is shown of each, and the audit of what a client's key
 * was shown in full.
 *
 * A jurisdiction sees the cases it holds or has held and those its front door took, each as its
 * current holder has it (row-level security: the jurisdiction's own scope, nothing wider). What
 * anyone may read carries no personal data: the description, the address and the exact point are
 * given only to a client with an API key of the organisation that holds, handles or took the case.
 */
import type { Kysely } from 'kysely';
import type { CaseStatus, DB } from '../../db/index.ts';
import { withTenant, type Tx } from '../../db/index.ts';
import { recordAudits } from '../../platform/index.ts';
import type { ApiClient } from './api-keys.ts';
import { CASE_STATUSES } from '../cases/case-status.ts';
import { baseStatus } from './open311.catalogue.ts';
import { w3cDateTime } from './open311.format.ts';
import { requestRows, type RequestFilter, type RequestRow } from './open311.repository.ts';
import { Open311Error, type Jurisdiction, type Open311Request, type RequestsQuery } from './open311.types.ts';

/** The case statuses whose Open311 status (`open` or `closed`) is one of those wanted. */
export function caseStatusesFor(wanted: ReadonlyArray<'open' | 'closed'>): CaseStatus[] {
  return (Object.keys(CASE_STATUSES) as CaseStatus[]).filter((s) => wanted.includes(baseStatus(s)));
}

/**
 * What the database is asked for: the references alone when the query names them (the other
 * filters are then left out, as the specification says), otherwise its services, statuses and
 * window; and always the page.
 */
export function requestFilter(orgId: number, query: RequestsQuery): RequestFilter {
  const page = { offset: (query.page - 1) * query.pageSize, limit: query.pageSize };
  if (query.serviceRequestIds) return { orgId, references: query.serviceRequestIds, ...page };
  return {
    orgId,
    ...(query.serviceCodes ? { lgslCodes: query.serviceCodes.map(Number) } : {}),
    ...(query.statuses ? { statuses: caseStatusesFor(query.statuses) } : {}),
    ...(query.start ? { start: query.start } : {}),
    ...(query.end ? { end: query.end } : {}),
    ...page,
  };
}

/** Whether a client's key may see a request in full: its council holds, handles or took it. */
export const mayReadFully = (row: RequestRow, client: ApiClient | undefined): boolean =>
  client !== undefined && [row.org_id, row.provider_org_id, row.contact_org_id].includes(client.orgId);

/** A request as Open311 gives it: in full, or without personal data and with the point rounded. */
export function requestOf(row: RequestRow, full: boolean): Open311Request {
  const round = (n: number | null) => (n === null ? null : full ? n : Math.round(n * 1000) / 1000);
  const passedOn = row.status === 'referred' && row.referred_to_name;
  return {
    service_request_id: row.reference,
    status: baseStatus(row.status),
    status_notes: passedOn
      ? `Passed to ${row.referred_to_name}`
      : (row.status_note ?? CASE_STATUSES[row.status]),
    service_name: row.service_label,
    service_code: String(row.lgsl_code),
    description: full ? row.description : '',
    agency_responsible: row.holder_name,
    service_notice: '',
    requested_datetime: w3cDateTime(row.requested_at)!,
    updated_datetime: w3cDateTime(row.updated_at)!,
    expected_datetime: w3cDateTime(row.due_at) ?? '',
    address: full ? (row.address ?? row.postcode ?? '') : '',
    address_id: '',
    zipcode: (full ? row.postcode : row.postcode?.split(' ')[0]) ?? '',
    lat: round(row.lat),
    long: round(row.lon),
    media_url: full ? (row.media_url ?? '') : '',
    ...(full
      ? { attributes: Object.entries(row.attributes ?? {}).map(([code, value]) => ({ code, value })) }
      : {}),
  };
}

/**
 * A client's read of residents' details (description, address, attributes) is audited under its
 * council, one row per request it was shown in full, in the transaction that read them.
 */
async function recordKeyedReads(tx: Tx, client: ApiClient, references: string[]): Promise<void> {
  const reader = { via: 'open311', keyId: client.keyId, key: client.name };
  await recordAudits(
    tx,
    references.map((reference) => ({
      orgId: client.orgId,
      accountId: null,
      action: 'view' as const,
      entityType: 'case',
      entityKey: reference,
      after: reader,
    })),
  );
}

/**
 * The lists, reading through `rows` (the repository's `requestRows`; a test may watch what it
 * gives back).
 */
export function createRequestLists(db: Kysely<DB>, rows: typeof requestRows = requestRows) {
  /** One page of the jurisdiction's requests, newest first, as the client may see them. */
  function listRequests(
    where: Jurisdiction,
    query: RequestsQuery,
    client: ApiClient | undefined,
  ): Promise<Open311Request[]> {
    const scope = { readOrgs: [where.orgId], writeOrgs: client ? [client.orgId] : [], accountId: null };
    return withTenant(db, scope, async (tx) => {
      const page = await rows(tx, requestFilter(where.orgId, query));
      const full = page.filter((r) => mayReadFully(r, client));
      if (client && full.length > 0) {
        await recordKeyedReads(
          tx,
          client,
          full.map((r) => r.reference),
        );
      }
      return page.map((r) => requestOf(r, mayReadFully(r, client)));
    });
  }

  return {
    listRequests,

    /** One request of the jurisdiction by its reference. */
    async request(where: Jurisdiction, id: string, client: ApiClient | undefined): Promise<Open311Request[]> {
      const found = await listRequests(
        where,
        { serviceRequestIds: [id.trim().toUpperCase()], page: 1, pageSize: 1 },
        client,
      );
      if (found.length === 0) throw new Open311Error(404, `service_request_id ${id} was not found`);
      return found;
    },
  };
}
