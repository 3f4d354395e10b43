/**
 * The `TaskHubSidecarService` definition, taken from the installed SDK's generated code: per
 * method its path, whether it streams responses, and its codecs. Request decoders are applied
 * after the checks (grpc-dispatch.ts); every method also accepts a response that is already
 * serialized bytes (work items, the empty responses). The requests of CompleteOrchestratorTask
 * and CompleteActivityTask are read straight into domain data where their readers can
 * (orchestrator-response-reader.ts, activity-response-reader.ts), and decoded by the generated
 * code otherwise.
 */
import { TaskHubSidecarServiceService } from './proto/load.ts';
import { readActivityResponse } from './proto/activity-response-reader.ts';
import { readOrchestratorResponse } from './proto/orchestrator-response-reader.ts';

/** What the transport needs of one method (generated code and proto-loader both have it). */
export interface RpcMethodDefinition {
  path: string;
  responseStream: boolean;
  requestDeserialize(bytes: Buffer): unknown;
  responseSerialize(value: unknown): Uint8Array;
}

/** By the name the handlers are keyed by. */
export type RpcServiceDefinition = Record<string, RpcMethodDefinition>;

export function sidecarServiceDefinition(): RpcServiceDefinition {
  const source = TaskHubSidecarServiceService as unknown as RpcServiceDefinition;
  const result: RpcServiceDefinition = {};
  for (const [name, method] of Object.entries(source)) {
    result[name] = { ...method, responseSerialize: passBytesThrough(method.responseSerialize) };
    if (name === 'completeOrchestratorTask') result[name].requestDeserialize = readOrGenerated(readOrchestratorResponse, method.requestDeserialize);
    if (name === 'completeActivityTask') result[name].requestDeserialize = readOrGenerated(readActivityResponse, method.requestDeserialize);
  }
  return result;
}

function readOrGenerated(read: (bytes: Buffer) => unknown, decode: (bytes: Buffer) => unknown): (bytes: Buffer) => unknown {
  return (bytes) => read(bytes) ?? decode(bytes);
}

/** A response may be written already serialized (worker-service.ts encodes each work item itself). */
function passBytesThrough(serialize: (value: unknown) => Uint8Array): (value: unknown) => Uint8Array {
  return (value) => (value instanceof Uint8Array ? value : serialize(value));
}

/** The RPC names of the service, as its handlers are keyed. */
export function sidecarMethodNames(): string[] {
  return Object.keys(TaskHubSidecarServiceService);
}
