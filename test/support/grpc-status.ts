/**
 * gRPC status codes as the SDK clients surface them.
 *
 * Both SDK clients reject with grpc-js's ServiceError (an Error with a numeric `code` and a
 * `details` string) when the server answers with a non-OK status. This module reads that code
 * without importing either SDK or grpc-js, so it can be shared by both SDKs' test files.
 */
import assert from "node:assert/strict";

/** The canonical codes the tests assert (values fixed by the gRPC specification). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

const codeNames = new Map<number, string>(Object.entries(GrpcStatus).map(([name, code]) => [code, name]));

export function grpcStatusName(code: number | undefined): string {
  return code === undefined ? "(no code)" : `${codeNames.get(code) ?? "?"} (${code})`;
}

/** The gRPC status code carried by a rejected SDK call, or undefined for any other error. */
export function grpcCodeOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "number") return code;
  // The MS client wraps some errors; the gRPC error is then the cause.
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? undefined : grpcCodeOf(cause);
}

/**
 * Asserts that `call` rejects with gRPC status `expected`, and returns the error's details text
 * so a test can check that it is meaningful (and not a stack trace).
 */
export async function assertGrpcStatus(call: Promise<unknown>, expected: number, what: string): Promise<string> {
  let settled: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    settled = { ok: true, value: await call };
  } catch (error) {
    settled = { ok: false, error };
  }
  if (settled.ok) {
    assert.fail(`${what}: expected gRPC ${grpcStatusName(expected)}, but the call succeeded with ${JSON.stringify(settled.value)}`);
  }
  const code = grpcCodeOf(settled.error);
  const details = String((settled.error as { details?: unknown }).details ?? (settled.error as Error).message ?? "");
  assert.equal(
    code,
    expected,
    `${what}: expected gRPC ${grpcStatusName(expected)}, got ${grpcStatusName(code)}: ${details}`,
  );
  assert.doesNotMatch(details, /\n\s+at /, `${what}: the status details look like a stack trace: ${details}`);
  return details;
}
