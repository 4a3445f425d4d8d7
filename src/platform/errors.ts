/**
 * Errors that carry an HTTP meaning. The API answers them as RFC 9457 problem documents
 * (application/problem+json); pages show them in the council's layout.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /**
     * Extra members of the problem document, such as `code` (a word for the outcome the API contract
     * names: `unknown_place`). A `status` here never reaches the document: its `status` is the HTTP
     * status code (RFC 9457).
     */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, extensions?: Record<string, unknown>) =>
  new ProblemError(400, 'Bad request', detail, extensions);
export const notFound = (detail: string, extensions?: Record<string, unknown>) =>
  new ProblemError(404, 'Not found', detail, extensions);
export const forbidden = (detail = 'You do not have permission to do that.') =>
  new ProblemError(403, 'Forbidden', detail);
export const conflict = (detail: string, extensions?: Record<string, unknown>) =>
  new ProblemError(409, 'Conflict', detail, extensions);

export interface ProblemDocument {
  type: string;
  title: string;
  /** The HTTP status code, always (RFC 9457). */
  status: number;
  /** A word for the outcome where the API contract names one (`unknown_place`, `unknown_service`). */
  code?: string;
  detail: string;
  [extension: string]: unknown;
}

/**
 * The problem document for an error: `status` is the HTTP status code; a word for the outcome that
 * the API contract names (the responsible and areas lookups' `unknown_place`) is the extension
 * member `code`.
 */
export function toProblem(error: ProblemError, instance?: string): ProblemDocument {
  return {
    type: 'about:blank',
    title: error.title,
    ...error.extensions,
    status: error.status,
    detail: error.detail,
    ...(instance ? { instance } : {}),
  };
}

/** Input that breaks a rule, with a message per field, in the order the fields appear on the form. */
export class ValidationProblem extends ProblemError {
  constructor(readonly fields: Record<string, string>) {
    super(400, 'There is a problem', Object.values(fields).join(' '), {
      errors: Object.entries(fields).map(([field, message]) => ({ field, message })),
    });
  }
}

/**
 * What `work` answers, or `fallback` when it is refused with a problem of one of `statuses` (a 404
 * by default): for a page that shows another part's answer only where there is one to show.
 * Anything else is a fault and goes on up.
 */
export async function unlessRefused<T, F>(
  work: () => Promise<T>,
  fallback: F,
  statuses: readonly number[] = [404],
): Promise<T | F> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProblemError && statuses.includes(error.status)) return fallback;
    throw error;
  }
}
