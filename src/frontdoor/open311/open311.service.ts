/**
 * Open311 GeoReport v2 over the front door: the services a council's clients may report, the
 * requests its front door took or it holds (`open311.requests.ts`), and updates both ways
 * (`open311.updates.ts`). A request is a case; its `service_request_id` is the case reference,
 * which stays the same when the case is referred. The SQL is in `open311.repository.ts`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import { ProblemError } from '../../platform/index.ts';
import { checkIdempotencyKey } from '../../platform/index.ts';
import { postcodeInText } from '../../geography/index.ts';
import type { RegisterService } from '../../register/index.ts';
import type { ResponsibleService } from '../../register/index.ts';
import { verifyApiKey, type ApiClient } from './api-keys.ts';
import type { CasesService } from '../cases/cases.types.ts';
import { SERVICE_ATTRIBUTES, readAttributes, type ServiceAttribute } from './open311.catalogue.ts';
import { open311Actor, open311Caller } from './open311.client.ts';
import { organisationByJurisdiction, storedAnswer } from './open311.repository.ts';
import { createRequestLists } from './open311.requests.ts';
import {
  Open311Error,
  fromProblem,
  type GeoReportService,
  type Jurisdiction,
  type NewServiceRequest,
} from './open311.types.ts';
import { createUpdates } from './open311.updates.ts';
import { REPORTABLE_SERVICES } from '../../register/index.ts';

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
    const org = await organisationByJurisdiction(db, slug.trim().toLowerCase());
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

  /**
   * The services someone in the register answers for at a point: the point is placed once, then
   * each service is decided there. A service is offered where one council or several could be
   * responsible, and not where the point is in no council's area.
   */
  async function availableAt(services: GeoReportService[], lat: number, lon: number) {
    try {
      const answers = await responsible.findEach({
        services: services.map((s) => Number(s.service_code)),
        lat,
        lon,
      });
      return services.filter((_, i) => {
        const { answer, problem } = answers[i]!;
        if (problem && problem.status !== 404 && problem.status !== 400) throw problem;
        return answer?.status === 'resolved' || answer?.status === 'ambiguous';
      });
    } catch (error) {
      if (error instanceof ProblemError && (error.status === 404 || error.status === 400)) return [];
      throw error;
    }
  }

  return {
    jurisdiction,

    /** The client an API key belongs to, or undefined for a key that is not (or no longer) valid. */
    client: (key: string): Promise<ApiClient | undefined> => verifyApiKey(db, key),

    /** The services clients may report; at a point, only those someone answers for there. */
    async services(_where: Jurisdiction, point?: { lat: number; lon: number }): Promise<GeoReportService[]> {
      const all = await catalogue();
      return point ? availableAt(all, point.lat, point.lon) : all;
    },

    async definition(
      _where: Jurisdiction,
      code: string,
    ): Promise<{ service_code: string; attributes: ServiceAttribute[] }> {
      const service = (await catalogue()).find((s) => s.service_code === code);
      if (!service) throw new Open311Error(404, `service_code ${code} was not found`);
      return { service_code: code, attributes: [...(SERVICE_ATTRIBUTES[Number(code)] ?? [])] };
    },

    ...createRequestLists(db),

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
      const postcode = input.addressString ? (postcodeInText(input.addressString) ?? undefined) : undefined;
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
      const answer = await storedAnswer(db, key!, open311Caller(client));
      const reference = (answer as { case?: { reference?: string } } | undefined)?.case?.reference;
      if (!reference) throw notFound();
      return [{ service_request_id: reference, token }];
    },

    ...createUpdates({ db, cases }),
  };
}

export type Open311 = ReturnType<typeof createOpen311Service>;
