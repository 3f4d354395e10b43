/**
 * The one mapping from error codes to gRPC statuses. Unknown errors become INTERNAL with a
 * request id; their details go to the log, never to the caller.
 */
import { status as GrpcStatus, Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { BASE_CODE, isServerError, type ErrorCode } from '../domain/errors.ts';
import { crashOnInvariantViolation } from '../lib/assert.ts';
import type { Logger } from '../lib/logger.ts';
import { newRequestId } from '../lib/request-id.ts';

/** Keyed by base code: specific codes map through `BASE_CODE`. */
const GRPC_STATUS: Partial<Record<ErrorCode, GrpcStatus>> = {
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
  FAILED_PRECONDITION: GrpcStatus.FAILED_PRECONDITION,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: GrpcStatus.RESOURCE_EXHAUSTED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  CANCELLED: GrpcStatus.CANCELLED,
  INTERNAL: GrpcStatus.INTERNAL,
};

export function grpcStatusOf(code: ErrorCode): GrpcStatus {
  return GRPC_STATUS[BASE_CODE[code]] ?? GrpcStatus.INTERNAL;
}

export function toServiceError(error: unknown, log: Logger): Partial<ServiceError> {
  const metadata = new Metadata();
  if (isServerError(error)) {
    metadata.set('x-error-code', error.code);
    return { code: grpcStatusOf(error.code), details: error.message, metadata };
  }
  crashOnInvariantViolation(error);
  const requestId = newRequestId();
  log.error(`internal error (request id ${requestId})`, { requestId, err: error });
  metadata.set('x-request-id', requestId);
  return { code: GrpcStatus.INTERNAL, details: `internal server error (request id ${requestId})`, metadata };
}

/** The same, as the status object grpc-js's server interceptors send. */
export function toStatusObject(error: unknown, log: Logger): StatusObject {
  const status = toServiceError(error, log);
  return { code: status.code as GrpcStatus, details: status.details ?? '', metadata: status.metadata as Metadata };
}

/**
 * Answers a call with the status of `error`: a unary call through its callback, a stream by its
 * 'error' event, which grpc-js turns into the status at once (destroying a stream would end it
 * with no status at all, and the client would wait for its deadline).
 */
export function failCall(call: unknown, callback: ((error: unknown) => void) | undefined, error: unknown, log: Logger): void {
  const status = toServiceError(error, log);
  if (callback !== undefined) callback(status);
  else (call as { emit(event: 'error', error: unknown): boolean }).emit('error', status);
}
