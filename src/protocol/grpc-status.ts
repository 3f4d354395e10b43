/**
 * The one mapping from error codes to gRPC statuses. Unknown errors become INTERNAL with a
 * request id; their details go to the log, never to the caller.
 */
import { BASE_CODE, isServerError, type ErrorCode } from '../domain/errors.ts';
import { crashOnInvariantViolation } from '../lib/assert.ts';
import type { Logger } from '../lib/logger.ts';
import { newRequestId } from '../lib/request-id.ts';

/** gRPC's status codes (statuscodes.md). */
export const GrpcCode = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;

const CODE_NAMES = Object.fromEntries(Object.entries(GrpcCode).map(([name, code]) => [code, name])) as Record<number, string>;

/** The name of a status code, e.g. `NOT_FOUND`. */
export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? String(code);
}

/** A call's final status: code, message and the trailing metadata (text values). */
export interface GrpcStatus {
  code: number;
  details: string;
  metadata: Record<string, string>;
}

/** Keyed by base code: specific codes map through `BASE_CODE`. */
const GRPC_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: GrpcCode.INVALID_ARGUMENT,
  NOT_FOUND: GrpcCode.NOT_FOUND,
  ALREADY_EXISTS: GrpcCode.ALREADY_EXISTS,
  FAILED_PRECONDITION: GrpcCode.FAILED_PRECONDITION,
  UNAUTHENTICATED: GrpcCode.UNAUTHENTICATED,
  PERMISSION_DENIED: GrpcCode.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: GrpcCode.RESOURCE_EXHAUSTED,
  UNAVAILABLE: GrpcCode.UNAVAILABLE,
  CANCELLED: GrpcCode.CANCELLED,
  INTERNAL: GrpcCode.INTERNAL,
};

export function grpcStatusOf(code: ErrorCode): number {
  return GRPC_STATUS[BASE_CODE[code]] ?? GrpcCode.INTERNAL;
}

export function toServiceError(error: unknown, log: Logger): GrpcStatus {
  if (isServerError(error)) {
    return { code: grpcStatusOf(error.code), details: error.message, metadata: { 'x-error-code': error.code } };
  }
  crashOnInvariantViolation(error);
  const requestId = newRequestId();
  log.error(`internal error (request id ${requestId})`, { requestId, err: error });
  return { code: GrpcCode.INTERNAL, details: `internal server error (request id ${requestId})`, metadata: { 'x-request-id': requestId } };
}
