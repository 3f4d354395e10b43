/**
 * The one mapping from error codes to HTTP statuses, and the two error bodies the edge speaks:
 * ARM JSON `{ "error": { "code", "message" } }` for the control plane and identity routes, and
 * RFC 9457 `application/problem+json` for the dashboard API and /metrics. The HTTP twin of
 * protocol/grpc-status.ts. A specific code may have its own status (412, 413, 405, 415); the
 * others map through their base code. Unknown errors become 500 with a request id (header and
 * body); their details go to the log, never to the caller. An invariant violation (corrupt
 * stored state, or a bug) still stops the process after its 500 is sent.
 */
import { crashOnInvariantViolation } from '../lib/assert.ts';
import { compact } from '../lib/compact.ts';
import { newRequestId } from '../lib/request-id.ts';
import { BASE_CODE, isServerError, type ErrorCode } from '../domain/errors.ts';
import type { Log } from './edge-env.ts';

export type ErrorFamily = 'arm' | 'problem';

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
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAVAILABLE: 503,
  CANCELLED: 499,
  // gRPC framing (gRPC answers it INTERNAL, as its spec asks); over HTTP a malformed request.
  MALFORMED_FRAME: 400,
  INTERNAL: 500,
};

/** Messages are written by the server, but may quote request values: never more than this. */
export const ERROR_MESSAGE_LENGTH_MAX = 2000;

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? HTTP_STATUS[BASE_CODE[code]] ?? 500;
}

/** The catalogued code in ARM's PascalCase (`CANNOT_DELETE_RESOURCE` -> `CannotDeleteResource`). */
export function armCodeOf(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: object;
}

export function errorReply(family: ErrorFamily, error: unknown, log: Log): ErrorReply {
  const failure = describe(error, log);
  const headers: Record<string, string> = {
    'content-type': family === 'arm' ? 'application/json; charset=utf-8' : 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
  };
  // RFC 6750: a 401 says which scheme to retry with; RFC 9110: a 405 says which methods work, and
  // an error that knows when to retry says when (TOO_MANY_FAILED_SIGN_INS).
  if (failure.status === 401) headers['www-authenticate'] = 'Bearer';
  if (failure.allow !== undefined) headers['allow'] = failure.allow;
  if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
  if (failure.requestId !== undefined) headers['x-ms-request-id'] = failure.requestId;
  const code = armCodeOf(failure.code);
  const body = family === 'arm'
    ? { error: { code, message: failure.message } }
    : compact({ type: 'about:blank', title: code, status: failure.status, detail: failure.message, code, requestId: failure.requestId });
  return { status: failure.status, headers, body };
}

export function errorResponse(family: ErrorFamily, error: unknown, log: Log): Response {
  const reply = errorReply(family, error, log);
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
}

interface Failure {
  status: number;
  code: ErrorCode;
  message: string;
  allow?: string;
  retryAfterSeconds?: number;
  requestId?: string;
}

function describe(error: unknown, log: Log): Failure {
  if (isServerError(error)) {
    const message = error.message.length > ERROR_MESSAGE_LENGTH_MAX ? `${error.message.slice(0, ERROR_MESSAGE_LENGTH_MAX)}…` : error.message;
    const { allow, retryAfterSeconds } = error.details ?? {};
    return {
      status: httpStatusOf(error.code), code: error.code, message,
      ...(typeof allow === 'string' ? { allow } : {}), ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
    };
  }
  crashOnInvariantViolation(error);
  const requestId = newRequestId();
  log.error(`internal error (request id ${requestId})`, { requestId, err: error });
  return { status: 500, code: 'INTERNAL', message: `internal server error (request id ${requestId})`, requestId };
}
