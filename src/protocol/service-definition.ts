/**
 * The `TaskHubSidecarService` definition, taken from the installed SDK's generated code. Its
 * request decoders are applied late, after the checks (grpc-decoding.ts); GetWorkItems also
 * accepts a response that is already serialized bytes.
 */
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import { TaskHubSidecarServiceService } from './proto/load.ts';

type AnyMethod = MethodDefinition<unknown, unknown>;

export function sidecarServiceDefinition(): ServiceDefinition {
  const source = TaskHubSidecarServiceService as unknown as Record<string, AnyMethod>;
  const result: Record<string, AnyMethod> = {};
  for (const [name, method] of Object.entries(source)) {
    result[name] = name === 'getWorkItems' ? { ...method, responseSerialize: passBytesThrough(method.responseSerialize) } : method;
  }
  return result as ServiceDefinition;
}

/** A work item may be written already serialized (worker-service.ts encodes each one itself). */
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
