/**
 * The one mapping from error codes to HTTP statuses and ARM error bodies, the HTTP twin of
 * protocol/grpc-status.ts. A specific code may have its own status (412, 413, 405); the others
 * map through their base code. The body's `code` is the catalogued code in ARM's PascalCase
 * (`CANNOT_DELETE_RESOURCE` -> `CannotDeleteResource`). Unknown errors become 500 with a
 * request id; their details go to the log, never to the caller.
 */
import { crashOnInvariantViolation } from '../lib/assert.ts';
import { newRequestId } from '../lib/request-id.ts';
import { BASE_CODE, isServerError, type ErrorCode } from '../domain/errors.ts';

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  PRECONDITION_FAILED: 412,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  PAYLOAD_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
  // gRPC framing (gRPC answers it INTERNAL, as its spec asks); over HTTP a malformed request.
  MALFORMED_FRAME: 400,
  UNAVAILABLE: 503,
  CANCELLED: 499,
  INTERNAL: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? HTTP_STATUS[BASE_CODE[code]] ?? 500;
}

export function armCodeOf(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export interface HttpError {
  status: number;
  body: { error: { code: string; message: string } };
  /** `Retry-After` (seconds) for an error that says when to retry (`details.retryAfterSeconds`). */
  headers?: Record<string, string>;
  requestId?: string;
}

export function toHttpError(error: unknown, log: (message: string, error?: unknown) => void): HttpError {
  if (isServerError(error)) {
    const retryAfter = error.details?.['retryAfterSeconds'];
    return {
      status: httpStatusOf(error.code),
      body: { error: { code: armCodeOf(error.code), message: error.message } },
      ...(typeof retryAfter === 'number' ? { headers: { 'retry-after': String(retryAfter) } } : {}),
    };
  }
  crashOnInvariantViolation(error);
  const requestId = newRequestId();
  log(`internal error (request id ${requestId})`, error);
  return {
    status: 500,
    body: { error: { code: armCodeOf('INTERNAL'), message: `internal server error (request id ${requestId})` } },
    requestId,
  };
}
