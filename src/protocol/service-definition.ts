/**
 * The `TaskHubSidecarService` definition, taken from the installed SDK's generated code. Its
 * request decoders are applied late, after the checks (grpc-decoding.ts); every method also
 * accepts a response that is already serialized bytes (work items, the empty responses).
 * CompleteOrchestratorTask's request is read straight into domain data where the reader can
 * (orchestrator-response-reader.ts), and decoded by the generated code otherwise.
 */
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import { TaskHubSidecarServiceService } from './proto/load.ts';
import { readOrchestratorResponse } from './proto/orchestrator-response-reader.ts';

type AnyMethod = MethodDefinition<unknown, unknown>;

export function sidecarServiceDefinition(): ServiceDefinition {
  const source = TaskHubSidecarServiceService as unknown as Record<string, AnyMethod>;
  const result: Record<string, AnyMethod> = {};
  for (const [name, method] of Object.entries(source)) {
    result[name] = { ...method, responseSerialize: passBytesThrough(method.responseSerialize) };
    if (name === 'completeOrchestratorTask') result[name].requestDeserialize = readOrGenerated(method.requestDeserialize);
  }
  return result as ServiceDefinition;
}

function readOrGenerated(decode: (bytes: Buffer) => unknown): (bytes: Buffer) => unknown {
  return (bytes) => readOrchestratorResponse(bytes) ?? decode(bytes);
}

/** A response may be written already serialized (worker-service.ts encodes each work item itself). */
function passBytesThrough(serialize: (value: unknown) => Buffer): (value: unknown) => Buffer {
  return (value) => {
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return serialize(value);
  };
}

/** The RPC names of the service, as grpc-js expects them in an implementation object. */
export function sidecarMethodNames(): string[] {
  return Object.keys(TaskHubSidecarServiceService);
}
