/**
 * The `TaskHubSidecarService` definition, taken from the installed SDK's generated code, with
 * two changes: a request that cannot be decoded becomes a `MalformedRequest` value instead of an
 * exception, so the handler can answer INVALID_ARGUMENT (grpc-js itself would answer INTERNAL).
 * GetWorkItems also accepts a response that is already serialized bytes.
 */
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import { ServerError } from '../domain/errors.ts';
import { TaskHubSidecarServiceService } from './proto/load.ts';

export class MalformedRequest {
  readonly error: ServerError;
  constructor(method: string, cause: unknown) {
    this.error = new ServerError('INVALID_ARGUMENT', `the ${method} request could not be decoded as a protocol message`, { cause });
  }
}

type AnyMethod = MethodDefinition<unknown, unknown>;

export function sidecarServiceDefinition(): ServiceDefinition {
  const source = TaskHubSidecarServiceService as unknown as Record<string, AnyMethod>;
  const result: Record<string, AnyMethod> = {};
  for (const [name, method] of Object.entries(source)) {
    const decode = method.requestDeserialize;
    result[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch (error) {
          return new MalformedRequest(method.path, error);
        }
      },
      ...(name === 'getWorkItems' ? { responseSerialize: passBytesThrough(method.responseSerialize) } : {}),
    };
  }
  return result as ServiceDefinition;
}

/** A work item may be written already serialized (work-item-map.ts `orchestrationWorkItemBytes`). */
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
