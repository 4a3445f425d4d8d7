/**
 * Open311 GeoReport v2 at `/open311/v2/`: discovery, services, service definitions, requests (GET
 * and POST), one request, tokens, and service request updates both ways. Every path ends in
 * `.xml` or `.json`; errors are the specification's `errors` list in the same format, with the
 * HTTP status as their code. `jurisdiction_id` is the council's GOV.UK slug.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiClient } from './api-keys.ts';
import {
  CONTENT_TYPES,
  UnknownFormatError,
  parseW3cDateTime,
  render,
  splitFormat,
  type Open311Format,
} from './open311.format.ts';
import { MAX_REQUESTS, Open311Error, WINDOW_DAYS, windowDays, type RequestsQuery } from './open311.types.ts';
import { checkIdempotencyKey } from '../../platform/index.ts';
import { classifyError, isDataException } from '../../platform/index.ts';
import { ATTRIBUTE_LIMITS } from '../intake/intake.rules.ts';
import type { AttributeAnswers } from './open311.catalogue.ts';

/**
 * A request's arguments: the query string and a form-encoded body give text (a list when repeated);
 * a JSON body may give numbers, null, lists and objects too.
 */
type Params = Record<string, unknown>;

/** When this API last changed, for discovery's `changeset`. */
export const API_CHANGESET = '2026-11-23T00:00:00Z';
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/**
 * One argument as text: the first when it was sent more than once, a JSON number as it is written
 * (real clients send `"lat": 50.72` and `"service_code": 580`), nothing for null or blank. Anything
 * else where text is needed (an object, a list of objects, true or false) is refused with a 400.
 */
export function argumentText(name: string, value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  const text = typeof first === 'number' && Number.isFinite(first) ? String(first) : first;
  if (typeof text !== 'string') {
    throw new Open311Error(400, `${name} must be text or a number, not ${describe(first)}`);
  }
  return text.trim() === '' ? undefined : text.trim();
}

const describe = (value: unknown): string =>
  Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

const one = (params: Params, name: string): string | undefined => argumentText(name, params[name]);

/** A comma-separated list; undefined when it names nothing (`service_code=,` is no filter). */
function list(params: Params, name: string): string[] | undefined {
  const values = one(params, name)
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return values && values.length > 0 ? values : undefined;
}

function number(params: Params, name: string, range: [number, number]): number | undefined {
  const text = one(params, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < range[0] || value > range[1]) {
    throw new Open311Error(400, `${name} must be a number from ${range[0]} to ${range[1]}`);
  }
  return value;
}

function whole(params: Params, name: string, range: [number, number], fallback: number): number {
  const value = number(params, name, range) ?? fallback;
  if (!Number.isInteger(value)) throw new Open311Error(400, `${name} must be a whole number`);
  return value;
}

function dateParam(params: Params, name: string): Date | undefined {
  const text = one(params, name);
  if (text === undefined) return undefined;
  const date = parseW3cDateTime(text);
  if (!date) {
    throw new Open311Error(
      400,
      `${name} must be a W3C date and time with its time zone, like 2026-11-05T08:15:30Z`,
    );
  }
  return date;
}

/** The window of a query: 90 days back from the end (now when not given), and no wider. */
function windowOf(params: Params, now: Date): { start: Date; end: Date } {
  const startGiven = dateParam(params, 'start_date');
  const endGiven = dateParam(params, 'end_date');
  const DAY = 24 * 60 * 60 * 1000;
  const end = endGiven ?? (startGiven ? new Date(startGiven.getTime() + WINDOW_DAYS * DAY) : now);
  const start = startGiven ?? new Date(end.getTime() - WINDOW_DAYS * DAY);
  if (start > end) throw new Open311Error(400, 'start_date must be before end_date');
  if (windowDays(start, end) > WINDOW_DAYS) {
    throw new Open311Error(400, `start_date and end_date may not span more than ${WINDOW_DAYS} days`);
  }
  return { start, end };
}

/** One attribute's answer: text or a number, or a list of them (a repeated argument, a multi-value list). */
function attributeValues(code: string, value: unknown): string[] {
  const name = `attribute[${code}]`;
  return [value].flat().flatMap((v) => {
    const text = argumentText(name, v);
    return text === undefined ? [] : [text];
  });
}

/**
 * The attributes a client answered: `attribute[code]=value` arguments (how form-encoded clients
 * such as FixMyStreet send them, repeated for several values), or in JSON an `attribute` object
 * of code to value. Every code is kept, whether or not the service definition lists it. Exported
 * for its tests.
 */
export function attributesOf(params: Params): AttributeAnswers {
  const answers: Record<string, string[]> = {};
  const add = (code: string, value: unknown) => {
    if (code.length === 0 || code.length > ATTRIBUTE_LIMITS.code) {
      throw new Open311Error(
        400,
        `attribute codes must be 1 to ${ATTRIBUTE_LIMITS.code} characters: attribute[${code.slice(0, 40)}…] is not`,
      );
    }
    answers[code] = [...(answers[code] ?? []), ...attributeValues(code, value)];
  };
  for (const [name, value] of Object.entries(params)) {
    const match = /^attribute\[(.*)\]$/s.exec(name);
    if (match) add(match[1]!, value);
  }
  const nested = params.attribute;
  if (nested !== undefined && nested !== null) {
    if (typeof nested !== 'object' || Array.isArray(nested)) {
      throw new Open311Error(400, 'attribute must be an object of attribute codes and their values');
    }
    for (const [code, value] of Object.entries(nested)) add(code, value);
  }
  return answers;
}

export const open311Routes: FastifyPluginAsync = async (app: FastifyInstance) => {
  const { open311 } = app.services;

  const send = (reply: FastifyReply, format: Open311Format, root: string, body: unknown, status = 200) =>
    reply
      .code(status)
      .type(CONTENT_TYPES[format])
      .send(render(format, root, body));

  // Errors in the format the path asked for (XML, the required one, when it named none).
  app.setErrorHandler(async function answerOpen311Error(error: unknown, request, reply) {
    let format: Open311Format = 'xml';
    try {
      format = splitFormat(request.url.split('?')[0]!.split('/').at(-1) ?? '').format;
    } catch {
      // keep XML
    }
    // Anything else (the shared edge's refusals, Fastify's own, the database refusing a value) is
    // classified as every route's errors are, and said in Open311's terms.
    const classified =
      error instanceof Open311Error || error instanceof UnknownFormatError ? undefined : classifyError(error);
    const known =
      error instanceof Open311Error
        ? error
        : error instanceof UnknownFormatError
          ? new Open311Error(400, error.message)
          : classified && !classified.unexpected && classified.problem.status < 500
            ? new Open311Error(classified.problem.status, classified.problem.detail)
            : undefined;
    if (!known) request.log.error({ err: error }, 'Open311 request failed');
    else if (isDataException(error)) {
      request.log.warn({ err: error }, 'the database refused a value the edge did not check');
    }
    const answer = known ?? new Open311Error(500, 'Something went wrong on our side; try again later');
    return send(
      reply,
      format,
      'errors',
      [{ code: answer.code, description: answer.description }],
      answer.code,
    );
  });

  app.setNotFoundHandler(async function answerOpen311NotFound(request, reply) {
    let format: Open311Format = 'xml';
    try {
      format = splitFormat(request.url.split('?')[0]!.split('/').at(-1) ?? '').format;
    } catch {
      // keep XML
    }
    return send(
      reply,
      format,
      'errors',
      [{ code: 404, description: `There is no ${request.method} ${request.url.split('?')[0]}` }],
      404,
    );
  });

  async function clientOf(params: Params, jurisdictionOrgId?: number): Promise<ApiClient | undefined> {
    const key = one(params, 'api_key');
    if (key === undefined) return undefined;
    const client = await open311.client(key);
    if (!client) throw new Open311Error(403, 'api_key is not valid');
    if (jurisdictionOrgId !== undefined && client.orgId !== jurisdictionOrgId) {
      throw new Open311Error(403, 'api_key is not for this jurisdiction_id');
    }
    return client;
  }

  async function requiredClient(params: Params, jurisdictionOrgId: number): Promise<ApiClient> {
    const client = await clientOf(params, jurisdictionOrgId);
    if (!client) throw new Open311Error(403, 'api_key was not provided');
    return client;
  }

  const paramsOf = (request: FastifyRequest): Params => ({
    ...(request.query as Params),
    ...((request.body && typeof request.body === 'object' ? request.body : {}) as Params),
  });

  app.get<{ Params: { resource: string } }>('/:resource', async function getOpen311Resource(request, reply) {
    const { name, format } = splitFormat(request.params.resource);
    const params = request.query as Params;
    if (name === 'discovery') {
      const origin = `${request.protocol}://${request.host}`;
      return send(reply, format, 'discovery', {
        changeset: API_CHANGESET,
        contact:
          'Ask the council whose jurisdiction_id you use; each council’s GOV.UK slug is its jurisdiction_id.',
        key_service:
          'An administrator of the council makes a key with: npx jointly open311 key --jurisdiction <slug>',
        endpoints: [
          {
            specification: SPECIFICATION,
            url: `${origin}/open311/v2`,
            changeset: API_CHANGESET,
            type: 'production',
            formats: [CONTENT_TYPES.xml.split(';')[0], CONTENT_TYPES.json.split(';')[0]],
          },
        ],
      });
    }
    const where = await open311.jurisdiction(one(params, 'jurisdiction_id'));
    if (name === 'services') {
      const lat = number(params, 'lat', [-90, 90]);
      const lon = number(params, 'long', [-180, 180]);
      if ((lat === undefined) !== (lon === undefined))
        throw new Open311Error(400, 'give both lat and long, or neither');
      const services = await open311.services(where, lat !== undefined ? { lat, lon: lon! } : undefined);
      return send(reply, format, 'services', services);
    }
    if (name === 'requests') {
      const client = await clientOf(params, where.orgId);
      const ids = list(params, 'service_request_id');
      const statuses = list(params, 'status');
      const codes = list(params, 'service_code');
      for (const code of codes ?? []) {
        if (!/^[1-9][0-9]{0,8}$/.test(code))
          throw new Open311Error(
            400,
            `service_code must be a list of service codes such as 524, not ${code}`,
          );
      }
      for (const s of statuses ?? []) {
        if (s !== 'open' && s !== 'closed')
          throw new Open311Error(400, `status must be open or closed, not ${s}`);
      }
      const query: RequestsQuery = {
        ...(ids ? { serviceRequestIds: ids.map((i) => i.toUpperCase()) } : {}),
        ...(codes ? { serviceCodes: codes } : {}),
        ...(ids ? {} : windowOf(params, new Date())),
        ...(statuses ? { statuses: statuses as Array<'open' | 'closed'> } : {}),
        page: whole(params, 'page', [1, 1_000_000], 1),
        pageSize: whole(params, 'page_size', [1, MAX_REQUESTS], MAX_REQUESTS),
      };
      return send(reply, format, 'service_requests', await open311.listRequests(where, query, client));
    }
    if (name === 'servicerequestupdates') {
      const { start, end } = windowOf(params, new Date());
      const limit = whole(params, 'page_size', [1, MAX_REQUESTS], MAX_REQUESTS);
      return send(reply, format, 'service_requests_updates', await open311.updates(where, start, end, limit));
    }
    throw new Open311Error(404, `There is no resource ${name}`);
  });

  app.get<{ Params: { file: string } }>(
    '/services/:file',
    async function getServiceDefinition(request, reply) {
      const { name, format } = splitFormat(request.params.file);
      const where = await open311.jurisdiction(one(request.query as Params, 'jurisdiction_id'));
      return send(reply, format, 'service_definition', await open311.definition(where, name));
    },
  );

  app.get<{ Params: { file: string } }>('/requests/:file', async function getServiceRequest(request, reply) {
    const { name, format } = splitFormat(request.params.file);
    const params = request.query as Params;
    const where = await open311.jurisdiction(one(params, 'jurisdiction_id'));
    const client = await clientOf(params, where.orgId);
    return send(reply, format, 'service_requests', await open311.request(where, name, client));
  });

  app.get<{ Params: { file: string } }>('/tokens/:file', async function getRequestByToken(request, reply) {
    const { name, format } = splitFormat(request.params.file);
    const params = request.query as Params;
    const where = await open311.jurisdiction(one(params, 'jurisdiction_id'));
    const client = await clientOf(params, where.orgId);
    return send(reply, format, 'service_requests', await open311.token(client, name));
  });

  app.post<{ Params: { resource: string } }>(
    '/:resource',
    async function postOpen311Resource(request, reply) {
      const { name, format } = splitFormat(request.params.resource);
      const params = paramsOf(request);
      const where = await open311.jurisdiction(one(params, 'jurisdiction_id'));
      const client = await requiredClient(params, where.orgId);
      if (name === 'requests') {
        const serviceCode = one(params, 'service_code');
        if (serviceCode === undefined) throw new Open311Error(400, 'service_code was not provided');
        const lat = number(params, 'lat', [-90, 90]);
        const lon = number(params, 'long', [-180, 180]);
        if ((lat === undefined) !== (lon === undefined))
          throw new Open311Error(400, 'give both lat and long, or neither');
        const header = request.headers['idempotency-key'];
        let token: string;
        try {
          token = checkIdempotencyKey(Array.isArray(header) ? header[0] : header) ?? randomUUID();
        } catch {
          throw new Open311Error(400, 'Idempotency-Key must be 1 to 255 printable characters without spaces');
        }
        const created = await open311.create(client, {
          serviceCode,
          ...(lat !== undefined ? { lat, lon: lon! } : {}),
          ...(one(params, 'address_string') ? { addressString: one(params, 'address_string')! } : {}),
          description: one(params, 'description') ?? '',
          attributes: attributesOf(params),
          ...(one(params, 'media_url') ? { mediaUrl: one(params, 'media_url')! } : {}),
          ...(one(params, 'email') ? { email: one(params, 'email')! } : {}),
          ...(one(params, 'phone') ? { phone: one(params, 'phone')! } : {}),
          ...(one(params, 'first_name') ? { firstName: one(params, 'first_name')! } : {}),
          ...(one(params, 'last_name') ? { lastName: one(params, 'last_name')! } : {}),
          token,
        });
        return send(reply, format, 'service_requests', [created], 201);
      }
      if (name === 'servicerequestupdates') {
        const id = one(params, 'service_request_id');
        const status = one(params, 'status');
        if (id === undefined) throw new Open311Error(400, 'service_request_id was not provided');
        if (status === undefined) throw new Open311Error(400, 'status was not provided');
        const updatedAt = dateParam(params, 'updated_datetime');
        const answer = await open311.receiveUpdate(client, {
          serviceRequestId: id,
          status,
          description: one(params, 'description') ?? '',
          ...(updatedAt ? { updatedAt } : {}),
        });
        return send(reply, format, 'service_request_updates', [answer]);
      }
      throw new Open311Error(404, `There is no resource ${name} to POST to`);
    },
  );
};
