/**
 * The one catalogue of error codes. Every operating error the server raises is a `ServerError`
 * with one of these codes; each edge (gRPC, HTTP) maps a code to its status exactly once.
 * Codes are never renamed or reused once released.
 */

export const ERROR_CODES = {
  INVALID_ARGUMENT: { retryable: false, description: 'The request is malformed or a value is out of range.' },
  NOT_FOUND: { retryable: false, description: 'The addressed resource does not exist.' },
  ALREADY_EXISTS: { retryable: false, description: 'A resource with that id already exists.' },
  FAILED_PRECONDITION: { retryable: false, description: 'The resource is not in a state that allows the operation.' },
  LEASE_LOST: { retryable: false, description: 'The work item lease expired or was taken by another claim; the result was dropped.' },
  UNAUTHENTICATED: { retryable: false, description: 'No valid credentials were presented.' },
  PERMISSION_DENIED: { retryable: false, description: 'The caller may not perform this operation.' },
  RESOURCE_EXHAUSTED: { retryable: false, description: 'A size or count limit was exceeded.' },
  UNAVAILABLE: { retryable: true, description: 'The server cannot serve the request right now; retry later.' },
  CANCELLED: { retryable: false, description: 'The caller cancelled the request.' },
  INTERNAL: { retryable: true, description: 'An unexpected server error; the log has details under the request id.' },
  TASK_HUB_NOT_FOUND: { retryable: false, description: 'The task hub named by the `taskhub` header does not exist.' },
  INSTANCE_NOT_FOUND: { retryable: false, description: 'No orchestration instance has that id.' },
  INSTANCE_ALREADY_EXISTS: { retryable: false, description: 'An orchestration instance with that id exists and its status is not replaceable.' },
  PAYLOAD_TOO_LARGE: { retryable: false, description: 'A payload (input, output, event data, custom status) is larger than the configured maximum.' },
  WORK_ITEM_NOT_FOUND: { retryable: false, description: 'No dispatched work item matches the completion (unknown or stale completion token).' },
  RESOURCE_NOT_FOUND: { retryable: false, description: 'A control-plane resource (subscription, resource group, scheduler, task hub, retention policy) does not exist.' },
  CANNOT_DELETE_RESOURCE: { retryable: false, description: 'The resource still contains other resources (a scheduler with task hubs, a group with schedulers) or is built in.' },
  PRECONDITION_FAILED: { retryable: false, description: 'The If-Match etag does not match the current etag of the resource.' },
  METHOD_NOT_ALLOWED: { retryable: false, description: 'The HTTP method is not supported on this path.' },
  PASSWORD_CHANGE_REQUIRED: { retryable: false, description: 'The password is a one-time password (the first-start admin): sign in again with `newPassword` to set your own.' },
  TOO_MANY_FAILED_SIGN_INS: { retryable: true, description: 'Too many failed sign-ins for this user name or from this address; retry after the time given (HTTP `Retry-After`).' },
  MALFORMED_FRAME: { retryable: false, description: 'The gRPC framing of the request is broken: a message cut short, a compressed message without `grpc-encoding`, or more messages than the call takes.' },
  UNSUPPORTED_MEDIA_TYPE: { retryable: false, description: 'The request has a body whose Content-Type is not JSON (application/json).' },
  ORIGIN_NOT_ALLOWED: { retryable: false, description: 'A browser on another origin tried to change state on a server running without --auth.' },
  HOST_NOT_ALLOWED: { retryable: false, description: 'The Host header names a host this server does not answer for (see --allowed-hosts).' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The generic status each specific code maps to at the edges. */
export const BASE_CODE: Record<ErrorCode, ErrorCode> = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  FAILED_PRECONDITION: 'FAILED_PRECONDITION',
  LEASE_LOST: 'FAILED_PRECONDITION',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  RESOURCE_EXHAUSTED: 'RESOURCE_EXHAUSTED',
  UNAVAILABLE: 'UNAVAILABLE',
  CANCELLED: 'CANCELLED',
  INTERNAL: 'INTERNAL',
  TASK_HUB_NOT_FOUND: 'NOT_FOUND',
  INSTANCE_NOT_FOUND: 'NOT_FOUND',
  INSTANCE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  PAYLOAD_TOO_LARGE: 'RESOURCE_EXHAUSTED',
  WORK_ITEM_NOT_FOUND: 'NOT_FOUND',
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  CANNOT_DELETE_RESOURCE: 'FAILED_PRECONDITION',
  PRECONDITION_FAILED: 'FAILED_PRECONDITION',
  METHOD_NOT_ALLOWED: 'INVALID_ARGUMENT',
  TOO_MANY_FAILED_SIGN_INS: 'RESOURCE_EXHAUSTED',
  PASSWORD_CHANGE_REQUIRED: 'PERMISSION_DENIED',
  // The gRPC spec answers a broken frame with INTERNAL (doc/compression.md, PROTOCOL-HTTP2.md).
  MALFORMED_FRAME: 'INTERNAL',
  UNSUPPORTED_MEDIA_TYPE: 'INVALID_ARGUMENT',
  ORIGIN_NOT_ALLOWED: 'PERMISSION_DENIED',
  HOST_NOT_ALLOWED: 'PERMISSION_DENIED',
};

export class ServerError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ServerError';
    this.code = code;
    this.retryable = ERROR_CODES[code].retryable;
    if (options.details !== undefined) this.details = options.details;
  }
}

export function isServerError(error: unknown, code?: ErrorCode): error is ServerError {
  return error instanceof ServerError && (code === undefined || error.code === code);
}
