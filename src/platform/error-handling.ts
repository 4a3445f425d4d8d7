/**
 * How the application answers when something goes wrong. Under /api/ and /open311/ the answer is
 * an RFC 9457 problem document (application/problem+json); everywhere else it is a page in the
 * layout. Client mistakes keep their status and say what was wrong; anything unexpected is logged
 * and answered as a 500 without internals.
 *
 * The edge every route shares: a NUL character in any path, query or body field is refused with a
 * 400 naming the field (PostgreSQL cannot store it in text), a request Node cannot read (a URL or
 * headers too long) is answered with a page or problem document, and a value the database refuses
 * as out of range or malformed is a 400, never a 500.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError, toProblem } from './errors.ts';

const MACHINE_PREFIXES = ['/api/', '/open311/'];

function pathOf(url: string): string {
  return url.split('?')[0] ?? '/';
}

/** True for URLs answered with problem documents rather than pages. */
export function wantsProblemDocument(url: string): boolean {
  const path = pathOf(url);
  return MACHINE_PREFIXES.some((prefix) => path.startsWith(prefix) || `${path}/` === prefix);
}

function statusTitle(status: number): string {
  const text = STATUS_CODES[status] ?? 'Error';
  return text.charAt(0) + text.slice(1).toLowerCase();
}

interface SchemaIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

interface ThrownError {
  statusCode?: unknown;
  message?: unknown;
  validation?: unknown;
  validationContext?: unknown;
}

export interface FieldIssue {
  field: string;
  message: string;
}

function issueField(issue: SchemaIssue, context: string): FieldIssue {
  const path = (issue.instancePath ?? '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = issue.params ?? {};
  if (issue.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { field: [...path, params.missingProperty].join('.'), message: 'is required' };
  }
  if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { field: [...path, params.additionalProperty].join('.'), message: 'is not allowed' };
  }
  return { field: path.length > 0 ? path.join('.') : context, message: plainMessage(issue) };
}

/** Ajv's messages in words a person reads without knowing JSON Schema. */
function plainMessage(issue: SchemaIssue): string {
  const params = issue.params ?? {};
  switch (issue.keyword) {
    case 'format':
      if (params.format === 'date') return 'must be a real date as YYYY-MM-DD';
      if (params.format === 'date-time') return 'must be a real date and time';
      if (params.format === 'email') return 'must be an email address';
      break;
    case 'type':
      if (params.type === 'integer') return 'must be a whole number';
      if (params.type === 'number') return 'must be a number';
      break;
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'pattern':
      return 'is not in the right form';
  }
  return issue.message ?? 'is not valid';
}

/** A 400 problem from Fastify's schema validation, naming each field that failed and why. */
export function validationProblem(validation: readonly SchemaIssue[], context: string): ProblemError {
  const seen = new Set<string>();
  const errors: FieldIssue[] = [];
  for (const issue of validation) {
    const fieldIssue = issueField(issue, context);
    const key = `${fieldIssue.field}\u0000${fieldIssue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(fieldIssue);
  }
  const detail =
    errors.length === 0
      ? `The ${context} is not valid.`
      : `The ${context} is not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`;
  return new ProblemError(400, 'Bad request', detail, { errors });
}

/** A field's name as a person can read it, with control characters shown as escapes. */
function readableName(name: string): string {
  return [...name]
    .map((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
    })
    .join('');
}

/**
 * The first field of a request part whose name or value `refuses`, named as the person sent it:
 * `description`, `attribute[size]`, `items.0.name`. Pure.
 */
function firstFieldWhere(value: unknown, refuses: (leaf: unknown) => boolean, name = ''): string | undefined {
  if (value === null || typeof value !== 'object') return refuses(value) ? name : undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    const field = Array.isArray(value) && name !== '' ? name : name === '' ? key : `${name}.${key}`;
    if (refuses(key)) return field;
    const found = firstFieldWhere(inner, refuses, field);
    if (found !== undefined) return found;
  }
  return undefined;
}

const holdsNul = (leaf: unknown): boolean => typeof leaf === 'string' && leaf.includes('\u0000');
const isNonFinite = (leaf: unknown): boolean => typeof leaf === 'number' && !Number.isFinite(leaf);

/** The first field that holds a NUL character, in its name or its value. Pure. */
export function fieldWithNul(value: unknown): string | undefined {
  return firstFieldWhere(value, holdsNul);
}

/**
 * The first field whose number is infinite or not a number: `1e400` in a path, a query or JSON.
 * Schema validation coerces such text to `Infinity` and then skips its range checks. Pure.
 */
export function fieldWithNonFiniteNumber(value: unknown): string | undefined {
  return firstFieldWhere(value, isNonFinite);
}

interface RequestParts {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

function fieldProblem(
  parts: RequestParts,
  find: (value: unknown) => string | undefined,
  message: string,
): ProblemError | undefined {
  const found = find(parts.params) ?? find(parts.query) ?? find(parts.body);
  if (found === undefined) return undefined;
  const field = readableName(found === '' ? 'body' : found);
  return new ProblemError(400, 'Bad request', `${field} ${message}.`, {
    errors: [{ field, message }],
  });
}

/** The 400 for a NUL character in a request's path, query or body, naming the field; or nothing. */
export function nulProblem(parts: RequestParts): ProblemError | undefined {
  return fieldProblem(parts, fieldWithNul, 'must not contain the NUL character (\\u0000)');
}

/** The 400 for a number too large to hold (after validation), naming the field; or nothing. */
export function nonFiniteNumberProblem(parts: RequestParts): ProblemError | undefined {
  return fieldProblem(parts, fieldWithNonFiniteNumber, 'is too large a number');
}

/**
 * SQLSTATE codes of data PostgreSQL refused as malformed or out of range (class 22): a value the
 * edge should have refused first. Answered as a 400 rather than a 500, and logged as a warning so
 * that the missing check is found.
 */
const DATA_EXCEPTIONS = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

/** The detail of a 400 for a value the database refused: tests look for it to find missing checks. */
export const DATABASE_REFUSED_DETAIL =
  'A value in the request is too long, out of range or not in the right form.';

export function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DATA_EXCEPTIONS.has(code);
}

export interface ClassifiedError {
  problem: ProblemError;
  /** True when the error was not one we meant to raise: logged in full, shown without detail. */
  unexpected: boolean;
}

/** Turns anything thrown into the problem to answer with. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof ProblemError) return { problem: error, unexpected: false };
  const thrown = (typeof error === 'object' && error !== null ? error : {}) as ThrownError;
  if (isDataException(error)) {
    return { problem: new ProblemError(400, 'Bad request', DATABASE_REFUSED_DETAIL), unexpected: false };
  }
  if (Array.isArray(thrown.validation)) {
    const context = typeof thrown.validationContext === 'string' ? thrown.validationContext : 'request';
    return { problem: validationProblem(thrown.validation as SchemaIssue[], context), unexpected: false };
  }
  const status = typeof thrown.statusCode === 'number' ? thrown.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message =
      typeof thrown.message === 'string' && thrown.message !== '' ? thrown.message : statusTitle(status);
    return { problem: new ProblemError(status, statusTitle(status), message), unexpected: false };
  }
  return {
    problem: new ProblemError(500, 'Internal server error', 'Something went wrong. It has been logged.'),
    unexpected: true,
  };
}

const PAGE_TITLES: Record<number, string> = {
  400: 'There is a problem with your request',
  403: 'You do not have permission to see this page',
  404: 'Page not found',
  429: 'Too many requests',
  500: 'Sorry, there is a problem with the service',
};

export function pageTitleFor(status: number): string {
  return PAGE_TITLES[status] ?? (status >= 500 ? PAGE_TITLES[500]! : statusTitle(status));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(toProblem(problem, pathOf(request.url))));
}

async function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string | undefined,
): Promise<FastifyReply> {
  const title = pageTitleFor(status);
  reply.code(status).removeHeader('content-disposition');
  if (typeof (reply as Partial<FastifyReply>).page === 'function') {
    try {
      return await reply.page('error.njk', { status, title, detail });
    } catch (error) {
      request.log.error({ err: error }, 'could not render the error page');
    }
  }
  const body = detail === undefined ? '' : `<p>${escapeHtml(detail)}</p>`;
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!DOCTYPE html><html lang="en-GB"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1>${body}`,
    );
}

const PAGE_FOR_CLIENT_ERROR: Record<number, { title: string; detail: string }> = {
  400: { title: 'There is a problem with your request', detail: 'The request could not be read.' },
  414: {
    title: 'The web address is too long',
    detail: 'The web address is longer than this service reads. Check it, or start again from the home page.',
  },
  431: {
    title: 'The web address is too long',
    detail:
      'The web address or the request’s headers are longer than this service reads. Check the address, or start again from the home page.',
  },
};

/**
 * The whole HTTP answer to a request Node could not read (Fastify's `clientErrorHandler`): a
 * problem document for /api/ and /open311/ paths, a page for the rest, never a bare JSON body.
 * The path is read from the start of what arrived, when it did. Pure.
 */
export function clientErrorResponse(code: string | undefined, rawPacket: unknown): string {
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'HPE_URI_TOO_LONG' ? 414 : 400;
  const bytes = Buffer.isBuffer(rawPacket)
    ? rawPacket
    : Array.isArray((rawPacket as { data?: unknown } | undefined)?.data)
      ? Buffer.from((rawPacket as { data: number[] }).data.slice(0, 512))
      : Buffer.alloc(0);
  const start = bytes.subarray(0, 512).toString('latin1');
  const path = /^[A-Z]+ (\/[^\s?]*)/.exec(start)?.[1] ?? '/';
  const { title, detail } = PAGE_FOR_CLIENT_ERROR[status]!;
  const [type, body] = wantsProblemDocument(path)
    ? [
        'application/problem+json; charset=utf-8',
        JSON.stringify(toProblem(new ProblemError(status, statusTitle(status), detail))),
      ]
    : [
        'text/html; charset=utf-8',
        `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p><p><a href="/">Go to the home page</a></p></main></body></html>`,
      ];
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}`,
    `Content-Type: ${type}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Fastify's `clientErrorHandler`: answers what Node could not read, then closes the connection. */
export function answerClientError(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Duplex,
): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(error.code, error.rawPacket));
}

const errorHandlingPlugin: FastifyPluginAsync = async (fastify) => {
  // Before any route reads its input (and before schema validation), on every route.
  fastify.addHook('preValidation', async (request) => {
    const problem = nulProblem({ params: request.params, query: request.query, body: request.body });
    if (problem) throw problem;
  });
  // After validation, which turns text such as `1e400` into Infinity without checking its range.
  fastify.addHook('preHandler', async (request) => {
    const problem = nonFiniteNumberProblem({
      params: request.params,
      query: request.query,
      body: request.body,
    });
    if (problem) throw problem;
  });

  fastify.setErrorHandler(async (error: unknown, request, reply) => {
    const { problem, unexpected } = classifyError(error);
    if (unexpected || problem.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (isDataException(error)) {
      request.log.warn({ err: error }, 'the database refused a value the edge did not check');
    } else {
      request.log.info({ status: problem.status, detail: problem.detail }, 'request refused');
    }
    if (wantsProblemDocument(request.url)) return sendProblem(request, reply, problem);
    if (problem.status === 401) {
      // A page that needs a signed-in person sends them to sign in and then back to it.
      const back = request.method === 'GET' ? request.url : pathOf(request.url);
      return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(back)}`, 303);
    }
    return sendPage(request, reply, problem.status, unexpected ? undefined : problem.detail);
  });

  fastify.setNotFoundHandler(async (request, reply) => {
    if (wantsProblemDocument(request.url)) {
      const detail = `There is nothing at ${request.method} ${pathOf(request.url)}.`;
      return sendProblem(request, reply, new ProblemError(404, 'Not found', detail));
    }
    return sendPage(request, reply, 404, undefined);
  });
};

export const errorHandling = fp(errorHandlingPlugin, { name: 'jointly-error-handling', fastify: '5.x' });
