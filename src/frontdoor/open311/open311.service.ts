/**
 * Open311 GeoReport v2 over the front door: the services a council's clients may report, the
 * requests its front door took or it holds, and updates both ways. A request is a case; its
 * `service_request_id` is the case reference, which stays the same when the case is referred.
 *
 * A jurisdiction sees the cases it holds or has held and those its front door took, each as its
 * current holder has it (row-level security: the jurisdiction's own scope, nothing wider). What
 * anyone may read carries no personal data: the description, the address and the exact point are
 * given only to a client with an API key of the organisation that holds, handles or took the case.
 */
import { sql, type Kysely } from 'kysely';
import type { CaseStatus, DB } from '../../db/index.ts';
import { withTenant, type Tx } from '../../db/index.ts';
import { ProblemError, ValidationProblem } from '../../platform/index.ts';
import type { RegisterService } from '../../register/index.ts';
import type { ResponsibleService } from '../../register/index.ts';
import { recordAudits } from '../../platform/index.ts';
import { checkIdempotencyKey } from '../../platform/index.ts';
import { verifyApiKey, type ApiClient } from './api-keys.ts';
import type { CaseActor } from '../cases/case-actor.ts';
import { CASE_STATUSES } from '../cases/case-status.ts';
import type { CasesService } from '../cases/cases.types.ts';
import {
  EXTENDED_STATUS,
  SERVICE_ATTRIBUTES,
  baseStatus,
  caseStatusFor,
  readAttributes,
  type AttributeAnswers,
  type ServiceAttribute,
} from './open311.catalogue.ts';
import { w3cDateTime } from './open311.format.ts';
import { REPORTABLE_SERVICES } from '../../register/index.ts';

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

const POSTCODE_IN_TEXT = /\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\b/i;

/** Who posted a request, as its Idempotency-Key (and so its token) records it. */
export const open311Caller = (client: ApiClient): string => `open311:${client.keyId}`;

/** An API client, in the front door's terms: it takes contacts for its organisation and updates what that organisation holds or handles. */
export function open311Actor(client: ApiClient): CaseActor {
  const own = (orgId: number, providerOrgId: number) =>
    orgId === client.orgId || providerOrgId === client.orgId;
  return {
    accountId: null,
    name: client.name,
    readOrgs: [client.orgId],
    writeOrgs: [client.orgId],
    frontDoorOrgs: [client.orgId],
    mayHandle: own,
    mayNote: own,
    mayRefer: () => false,
  };
}

interface CaseListRow {
  org_id: number;
  reference: string;
  lgsl_code: number;
  status: CaseStatus;
  description: string;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  provider_org_id: number;
  contact_org_id: number | null;
  opened_at: Date | string;
  requested_at: Date | string;
  updated_at: Date | string;
  due_at: Date | string | null;
  holder_name: string;
  referred_to_name: string | null;
  service_label: string;
  status_note: string | null;
  attributes: Record<string, string> | null;
  media_url: string | null;
}

export interface Open311Deps {
  db: Kysely<DB>;
  cases: CasesService;
  register: RegisterService;
  responsible: ResponsibleService;
}

export function createOpen311Service({ db, cases, register, responsible }: Open311Deps) {
  async function jurisdiction(slug: string | undefined): Promise<Jurisdiction> {
    if (slug === undefined || slug.trim() === '') {
      throw new Open311Error(
        400,
        'jurisdiction_id was not provided: give the council’s GOV.UK slug, such as exeter',
      );
    }
    const org = await db
      .selectFrom('organisation')
      .select(['org_id', 'name', 'jurisdiction'])
      .where('jurisdiction', '=', slug.trim().toLowerCase())
      .executeTakeFirst();
    if (!org) throw new Open311Error(404, `jurisdiction_id ${slug} was not found`);
    return { orgId: org.org_id, name: org.name, slug: org.jurisdiction! };
  }

  async function catalogue(): Promise<GeoReportService[]> {
    const found = new Map(
      (await register.services({ codes: REPORTABLE_SERVICES.map((s) => s.lgslCode) })).map((s) => [
        s.lgslCode,
        s,
      ]),
    );
    return REPORTABLE_SERVICES.filter((s) => found.has(s.lgslCode)).map((s) => {
      const service = found.get(s.lgslCode)!;
      return {
        service_code: String(s.lgslCode),
        service_name: service.label,
        description: s.hint,
        metadata: (SERVICE_ATTRIBUTES[s.lgslCode]?.length ?? 0) > 0,
        type: 'realtime' as const,
        keywords: s.hint.toLowerCase(),
        group: s.group,
      };
    });
  }

  /** Whether someone in the register answers for this service at this point. */
  async function availableAt(lgslCode: number, lat: number, lon: number): Promise<boolean> {
    try {
      const answer = await responsible.find({ service: lgslCode, lat, lon });
      return answer.status === 'resolved' || answer.status === 'ambiguous';
    } catch (error) {
      if (error instanceof ProblemError && (error.status === 404 || error.status === 400)) return false;
      throw error;
    }
  }

  function requestOf(row: CaseListRow, full: boolean): Open311Request {
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

  const mayReadFully = (row: CaseListRow, client: ApiClient | undefined) =>
    client !== undefined && [row.org_id, row.provider_org_id, row.contact_org_id].includes(client.orgId);

  /**
   * The jurisdiction's requests: for each reference it holds, has held or took, the row of
   * whoever holds it now (as far as the jurisdiction may see), newest first.
   */
  async function listRequests(
    where: Jurisdiction,
    query: RequestsQuery,
    client: ApiClient | undefined,
  ): Promise<Open311Request[]> {
    const scope = { readOrgs: [where.orgId], writeOrgs: client ? [client.orgId] : [], accountId: null };
    return withTenant(db, scope, async (tx) => {
      const ids = query.serviceRequestIds;
      const codes = query.serviceCodes?.map(Number);
      const rows = await sql<CaseListRow>`
        WITH mine AS (
          SELECT reference, min(opened_at) AS requested_at
          FROM service_case
          WHERE (org_id = ${where.orgId} OR contact_org_id = ${where.orgId})
            ${ids ? sql`AND reference IN (${sql.join(ids)})` : sql``}
          GROUP BY reference
        ),
        current AS (
          SELECT DISTINCT ON (c.reference) c.*, mine.requested_at
          FROM mine JOIN service_case c ON c.reference = mine.reference
          ORDER BY c.reference, (c.status = 'referred'), c.updated_at DESC
        )
        SELECT cur.org_id, cur.reference, cur.lgsl_code, cur.status, cur.description, cur.postcode,
               cur.lat, cur.lon, cur.address, cur.provider_org_id, cur.contact_org_id, cur.opened_at,
               cur.requested_at, cur.updated_at, cur.due_at, cur.attributes, cur.media_url,
               holder.name AS holder_name, referred.name AS referred_to_name, s.label AS service_label,
               (SELECT e.body FROM case_event e
                 WHERE e.org_id = cur.org_id AND e.case_id = cur.case_id AND e.visibility = 'public'
                   AND e.kind IN ('status', 'message') AND e.body <> ''
                 ORDER BY e.event_id DESC LIMIT 1) AS status_note
        FROM current cur
        JOIN organisation holder ON holder.org_id = cur.org_id
        LEFT JOIN organisation referred ON referred.org_id = cur.referred_to_org_id
        JOIN service s ON s.lgsl_code = cur.lgsl_code
        WHERE TRUE
          ${!ids && codes ? sql`AND cur.lgsl_code IN (${sql.join(codes)})` : sql``}
          ${!ids && query.start ? sql`AND cur.requested_at >= ${query.start}` : sql``}
          ${!ids && query.end ? sql`AND cur.requested_at <= ${query.end}` : sql``}
        ORDER BY cur.requested_at DESC, cur.reference
      `.execute(tx);
      let list = rows.rows;
      if (!ids && query.statuses) {
        const wanted = new Set(query.statuses);
        list = list.filter((r) => wanted.has(baseStatus(r.status)));
      }
      const from = (query.page - 1) * query.pageSize;
      const page = list.slice(from, from + query.pageSize);
      const full = client ? page.filter((r) => mayReadFully(r, client)) : [];
      if (client && full.length > 0)
        await recordKeyedReads(
          tx,
          client,
          full.map((r) => r.reference),
        );
      return page.map((r) => requestOf(r, mayReadFully(r, client)));
    });
  }

  return {
    jurisdiction,

    /** The client an API key belongs to, or undefined for a key that is not (or no longer) valid. */
    client: (key: string): Promise<ApiClient | undefined> => verifyApiKey(db, key),

    /** The services clients may report; at a point, only those someone answers for there. */
    async services(_where: Jurisdiction, point?: { lat: number; lon: number }): Promise<GeoReportService[]> {
      const all = await catalogue();
      if (!point) return all;
      const available = await Promise.all(
        all.map((s) => availableAt(Number(s.service_code), point.lat, point.lon)),
      );
      return all.filter((_, i) => available[i]);
    },

    async definition(
      _where: Jurisdiction,
      code: string,
    ): Promise<{ service_code: string; attributes: ServiceAttribute[] }> {
      const service = (await catalogue()).find((s) => s.service_code === code);
      if (!service) throw new Open311Error(404, `service_code ${code} was not found`);
      return { service_code: code, attributes: [...(SERVICE_ATTRIBUTES[Number(code)] ?? [])] };
    },

    listRequests,

    async request(where: Jurisdiction, id: string, client: ApiClient | undefined): Promise<Open311Request[]> {
      const found = await listRequests(
        where,
        { serviceRequestIds: [id.trim().toUpperCase()], page: 1, pageSize: 1 },
        client,
      );
      if (found.length === 0) throw new Open311Error(404, `service_request_id ${id} was not found`);
      return found;
    },

    /** Opens a case for whoever is responsible at the place, through the client's front door. */
    async create(
      client: ApiClient,
      input: NewServiceRequest,
    ): Promise<{ service_request_id: string; token: string; service_notice: string; account_id: string }> {
      // The catalogue is a fixed list; whether the register has the service is checked as the
      // case is opened (routing reads it), which saves reading the catalogue on every request.
      const unknownService = () => new Open311Error(404, `service_code ${input.serviceCode} was not found`);
      const service = REPORTABLE_SERVICES.find((s) => String(s.lgslCode) === input.serviceCode.trim());
      if (!service) throw unknownService();
      const lgslCode = service.lgslCode;
      const { lines, kept, problems } = readAttributes(lgslCode, input.attributes);
      if (problems.length > 0) throw new Open311Error(400, problems.join('; '));
      const hasPoint = input.lat !== undefined && input.lon !== undefined;
      const postcode = input.addressString ? POSTCODE_IN_TEXT.exec(input.addressString)?.[1] : undefined;
      if (!hasPoint && !postcode) {
        throw new Open311Error(
          400,
          'lat and long, or an address_string with a full postcode, are required to say where the request is',
        );
      }
      const name = [input.firstName, input.lastName].filter((n) => n && n.trim() !== '').join(' ');
      const description = [input.description.trim(), ...lines].filter((l) => l !== '').join('\n');
      try {
        const result = await cases.intake(
          open311Actor(client),
          {
            lgslCode,
            ...(hasPoint ? { lat: input.lat!, lon: input.lon! } : { postcode: postcode! }),
            ...(input.addressString?.trim() ? { address: input.addressString } : {}),
            description,
            ...(name ? { reporterName: name } : {}),
            ...(input.email?.trim() ? { reporterEmail: input.email } : {}),
            ...(input.phone?.trim() ? { reporterPhone: input.phone } : {}),
            channel: 'open311',
            frontDoorOrgId: client.orgId,
            ...(Object.keys(kept).length > 0 ? { attributes: kept } : {}),
            ...(input.mediaUrl?.trim() ? { mediaUrl: input.mediaUrl.trim() } : {}),
          },
          { caller: open311Caller(client), key: input.token },
        );
        if (result.outcome === 'ambiguous') {
          throw new Open311Error(
            400,
            `The place could be in more than one council area (${result.candidates.map((c) => c.name).join(', ')}): send lat and long of the exact place`,
          );
        }
        const held = result.case.responsible;
        return {
          service_request_id: result.case.reference,
          token: input.token,
          service_notice:
            held.orgId === client.orgId ? '' : `${held.name} is responsible for this and has the request.`,
          account_id: '',
        };
      } catch (error) {
        if (error instanceof ProblemError && error.extensions.code === 'unknown_service')
          throw unknownService();
        if (error instanceof ProblemError) throw fromProblem(error);
        throw error;
      }
    },

    /**
     * The request a token was given for: tokens are the Idempotency-Keys of POSTed requests, and
     * each is answered only to the client (the API key) that posted it; to anyone else it is not
     * there.
     */
    async token(
      client: ApiClient | undefined,
      token: string,
    ): Promise<Array<{ service_request_id: string; token: string }>> {
      const notFound = () =>
        new Open311Error(
          404,
          `token ${token} was not found for this api_key: a token is answered only with the api_key that posted the request`,
        );
      if (!client) throw notFound();
      let key: string | undefined;
      try {
        key = checkIdempotencyKey(token);
      } catch {
        throw notFound();
      }
      const row = await db
        .selectFrom('idempotency_key')
        .select('response')
        .where('idempotency_key', '=', key!)
        .where('caller', '=', open311Caller(client))
        .executeTakeFirst();
      const reference = (row?.response as { case?: { reference?: string } } | undefined)?.case?.reference;
      if (!reference) throw notFound();
      return [{ service_request_id: reference, token }];
    },

    /** Public updates to the jurisdiction's requests in the window, oldest first. */
    async updates(where: Jurisdiction, start: Date, end: Date, limit: number): Promise<Open311Update[]> {
      return withTenant(db, { readOrgs: [where.orgId], writeOrgs: [], accountId: null }, async (tx) => {
        const rows = await sql<{
          event_id: number;
          reference: string;
          event_status: CaseStatus | null;
          case_status: CaseStatus;
          occurred_at: Date | string;
          body: string;
        }>`
          SELECT e.event_id, c.reference, e.status AS event_status, c.status AS case_status,
                 e.occurred_at, e.body
          FROM case_event e
          JOIN service_case c ON c.org_id = e.org_id AND c.case_id = e.case_id
          WHERE (c.org_id = ${where.orgId} OR c.contact_org_id = ${where.orgId})
            AND e.visibility = 'public' AND e.copied_from_org_id IS NULL AND e.kind <> 'opened'
            AND e.occurred_at >= ${start} AND e.occurred_at <= ${end}
          ORDER BY e.occurred_at, e.event_id
          LIMIT ${limit}
        `.execute(tx);
        return rows.rows.map((r) => ({
          update_id: String(r.event_id),
          service_request_id: r.reference,
          status: EXTENDED_STATUS[r.event_status ?? r.case_status],
          updated_datetime: w3cDateTime(r.occurred_at)!,
          description: r.body,
          media_url: '',
        }));
      });
    },

    /** An update from the client's system: a status change, or a message when the status stays. */
    async receiveUpdate(client: ApiClient, update: IncomingUpdate): Promise<{ update_id: string }> {
      const actor = open311Actor(client);
      const reference = update.serviceRequestId.trim().toUpperCase();
      try {
        const detail = await cases.detail(actor, client.orgId, reference).catch(async (error: unknown) => {
          // The client's organisation may handle the case for the council that holds it, or have taken it.
          if (error instanceof ProblemError && error.status === 404) {
            const holder = await heldBy(client, reference);
            if (holder !== undefined) return cases.detail(actor, holder, reference);
          }
          throw error;
        });
        if (!actor.mayNote(detail.orgId, detail.provider.orgId)) {
          throw new Open311Error(
            403,
            `${detail.responsible.name} holds ${reference}: only it, or whoever handles it for them, may update it`,
          );
        }
        const wanted = caseStatusFor(update.status, detail.status);
        if (wanted === undefined) {
          throw new Open311Error(
            400,
            `status ${update.status} is not one this server takes: use ${Object.values(EXTENDED_STATUS)
              .filter((s, i, all) => s !== 'NOT_COUNCILS_RESPONSIBILITY' && all.indexOf(s) === i)
              .join(', ')}`,
          );
        }
        const note = update.description.trim();
        const after =
          wanted === detail.status || (wanted === 'open' && detail.status === 'reopened')
            ? await cases.addNote(actor, detail.orgId, reference, {
                body: note === '' ? 'Update received.' : note,
                visibility: 'public',
              })
            : await cases.changeStatus(actor, detail.orgId, reference, {
                status: wanted,
                ...(note !== '' ? { publicNote: note } : {}),
                expectedVersion: detail.version,
              });
        return { update_id: String(await lastEventId(after.orgId, after.caseId)) };
      } catch (error) {
        if (error instanceof ProblemError) throw fromProblem(error);
        throw error;
      }
    },
  };

  /** Who holds a reference now, among the cases the client's organisation may see (it handles or took). */
  async function heldBy(client: ApiClient, reference: string): Promise<number | undefined> {
    return withTenant(db, { readOrgs: [client.orgId], writeOrgs: [], accountId: null }, async (tx) => {
      const row = await tx
        .selectFrom('service_case')
        .select('org_id')
        .where('reference', '=', reference)
        .where('status', '<>', 'referred')
        .executeTakeFirst();
      return row?.org_id;
    });
  }

  async function lastEventId(orgId: number, caseId: number): Promise<number> {
    return withTenant(db, { readOrgs: [orgId], writeOrgs: [], accountId: null }, async (tx) => {
      const row = await tx
        .selectFrom('case_event')
        .select('event_id')
        .where('org_id', '=', orgId)
        .where('case_id', '=', caseId)
        .orderBy('event_id', 'desc')
        .executeTakeFirstOrThrow();
      return row.event_id;
    });
  }
}

export type Open311 = ReturnType<typeof createOpen311Service>;

/** A front-door problem in Open311's terms: same status, its detail as the description. */
function fromProblem(problem: ProblemError): Open311Error {
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

export const windowDays = (start: Date, end: Date) => (end.getTime() - start.getTime()) / DAY;
