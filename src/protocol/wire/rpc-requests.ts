/**
 * Every RPC the server answers, by its gRPC path: the message type of its request and how large
 * that request may be, derived from the configured limits. Calls that carry no payload (queries,
 * abandons, the work-item stream, KEDA) take an envelope: ids, names, tags and filters at their
 * limits. Calls that carry one payload (a start's input, an event's data, a reason) take the
 * envelope plus `--payload-bytes-max`. Only the Complete*Task calls, whose results may hold many
 * payloads, take up to the whole-message maximum.
 *
 * `RequestCheck` applies them: the frame rules for the transport (message-frames.ts), then, on
 * the whole message, its size again (a compressed message is measured inflated) and the bounds
 * walk (request-bounds.ts). Transport- and codec-agnostic: bytes in, a verdict out.
 */
import { ServerError } from '../../domain/errors.ts';
import type { Limits } from '../../domain/limits.ts';
import type { FrameRules } from './message-frames.ts';
import { RequestBounds } from './request-bounds.ts';

export type RequestSize = 'envelope' | 'payload' | 'results';

export interface RpcRequest {
  /** The request's message type in request-schema.ts. */
  message: string;
  size: RequestSize;
}

const SIDECAR = '/TaskHubSidecarService/';
const KEDA = '/externalscaler.ExternalScaler/';

const envelope = (message: string): RpcRequest => ({ message, size: 'envelope' });
const payload = (message: string): RpcRequest => ({ message, size: 'payload' });
const results = (message: string): RpcRequest => ({ message, size: 'results' });

export const RPC_REQUESTS: Readonly<Record<string, RpcRequest>> = {
  [`${SIDECAR}Hello`]: envelope('Empty'),
  [`${SIDECAR}StartInstance`]: payload('CreateInstanceRequest'),
  [`${SIDECAR}GetInstance`]: envelope('GetInstanceRequest'),
  [`${SIDECAR}RewindInstance`]: payload('RewindInstanceRequest'),
  [`${SIDECAR}RestartInstance`]: envelope('RestartInstanceRequest'),
  [`${SIDECAR}WaitForInstanceStart`]: envelope('GetInstanceRequest'),
  [`${SIDECAR}WaitForInstanceCompletion`]: envelope('GetInstanceRequest'),
  [`${SIDECAR}RaiseEvent`]: payload('RaiseEventRequest'),
  [`${SIDECAR}TerminateInstance`]: payload('TerminateRequest'),
  [`${SIDECAR}SuspendInstance`]: payload('SuspendRequest'),
  [`${SIDECAR}ResumeInstance`]: payload('ResumeRequest'),
  [`${SIDECAR}QueryInstances`]: envelope('QueryInstancesRequest'),
  [`${SIDECAR}ListInstanceIds`]: envelope('ListInstanceIdsRequest'),
  [`${SIDECAR}PurgeInstances`]: envelope('PurgeInstancesRequest'),
  [`${SIDECAR}GetWorkItems`]: envelope('GetWorkItemsRequest'),
  [`${SIDECAR}CompleteActivityTask`]: results('ActivityResponse'),
  [`${SIDECAR}CompleteOrchestratorTask`]: results('OrchestratorResponse'),
  [`${SIDECAR}CompleteEntityTask`]: results('EntityBatchResult'),
  [`${SIDECAR}StreamInstanceHistory`]: envelope('StreamInstanceHistoryRequest'),
  [`${SIDECAR}CreateTaskHub`]: envelope('CreateTaskHubRequest'),
  [`${SIDECAR}DeleteTaskHub`]: envelope('DeleteTaskHubRequest'),
  [`${SIDECAR}SignalEntity`]: payload('SignalEntityRequest'),
  [`${SIDECAR}GetEntity`]: envelope('GetEntityRequest'),
  [`${SIDECAR}QueryEntities`]: envelope('QueryEntitiesRequest'),
  [`${SIDECAR}CleanEntityStorage`]: envelope('CleanEntityStorageRequest'),
  [`${SIDECAR}AbandonTaskActivityWorkItem`]: envelope('AbandonActivityTaskRequest'),
  [`${SIDECAR}AbandonTaskOrchestratorWorkItem`]: envelope('AbandonOrchestrationTaskRequest'),
  [`${SIDECAR}AbandonTaskEntityWorkItem`]: envelope('AbandonEntityTaskRequest'),
  [`${SIDECAR}SkipGracefulOrchestrationTerminations`]: payload('SkipGracefulOrchestrationTerminationsRequest'),
  [`${KEDA}IsActive`]: envelope('ScaledObjectRef'),
  [`${KEDA}StreamIsActive`]: envelope('ScaledObjectRef'),
  [`${KEDA}GetMetricSpec`]: envelope('ScaledObjectRef'),
  [`${KEDA}GetMetrics`]: envelope('GetMetricsRequest'),
};

/** Room for everything but payloads: the tags at their limits (UTF-8: up to 3 bytes a character), and ids, names and the rest. */
export function envelopeBytesMax(limits: Limits): number {
  return 3 * limits.tagsCountMax * (limits.tagKeyLengthMax + limits.tagValueLengthMax) + 64 * 1024;
}

export function requestBytesMax(size: RequestSize, limits: Limits): number {
  if (size === 'results') return limits.grpcMessageBytesMax;
  return envelopeBytesMax(limits) + (size === 'payload' ? limits.payloadBytesMax : 0);
}

export class RequestCheck {
  readonly #bounds: RequestBounds;
  /** Per path, worked out once: every call asks. */
  readonly #rules = new Map<string, FrameRules & { message: string }>();

  constructor(limits: Limits) {
    this.#bounds = new RequestBounds(limits);
    for (const [path, rpc] of Object.entries(RPC_REQUESTS)) {
      this.#rules.set(path, { method: path, messageBytesMax: requestBytesMax(rpc.size, limits), messagesMax: 1, message: rpc.message });
    }
  }

  /** The framing rules of a call to `path`; undefined for a path this server does not serve. */
  frameRules(path: string): FrameRules | undefined {
    return this.#rules.get(path);
  }

  /** Undefined when the whole request message of a call to `path` may be decoded; else why not. */
  check(path: string, bytes: Uint8Array): ServerError | undefined {
    const rules = this.#rules.get(path);
    if (rules === undefined) return new ServerError('INVALID_ARGUMENT', `${path} is not a method of this server`);
    const max = rules.messageBytesMax;
    if (bytes.length > max) return new ServerError('RESOURCE_EXHAUSTED', `the ${path} request message is ${bytes.length} bytes; the maximum for this call is ${max} bytes`);
    return this.#bounds.check(bytes, rules.message);
  }
}
