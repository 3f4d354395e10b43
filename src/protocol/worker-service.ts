/**
 * The worker half of `TaskHubSidecarService`: the work-item stream and the completions.
 */
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { WorkerCaps, WorkItemMessage } from '../engine/work-item.ts';
import type { TaskHubName } from '../domain/instance.ts';
import { type HandlerContext, resolveHub, unary } from './call-context.ts';
import { toServiceError } from './grpc-status.ts';
import { proto, type pb } from './proto/load.ts';
import { activityResponseFromProto, orchestratorResponseFromProto } from './proto/response-map.ts';
import {
  activityWorkItemToProto,
  encodePastEventEntries,
  healthPingWorkItem,
  orchestrationWorkItemBytes,
  orchestrationWorkItemToProto,
} from './proto/work-item-map.ts';
import { PastEventsCache } from './proto/past-events-cache.ts';
import { entitySupportOf } from '../engine/entity-support.ts';
import { entityWorkItemToProto } from './proto/entity-map.ts';
import { MalformedRequest } from './service-definition.ts';
import { workItemFiltersFromProto } from './proto/work-item-filters-map.ts';

/** A serialized WorkItem is passed through by the stream's serializer (service-definition.ts). */
type WorkItemCall = ServerWritableStream<pb.GetWorkItemsRequest, pb.WorkItem | Uint8Array>;

/**
 * Histories from this many events on keep their encoded past events between episodes: a smaller
 * one encodes in well under a millisecond, and many small instances would only fill the cache.
 */
const PAST_EVENTS_CACHE_EVENTS_MIN = 256;
/** A fan-out history of 20,000 events encodes to about 0.8 MB: this keeps some 40 of them. */
const PAST_EVENTS_CACHE_BYTES_MAX = 32 * 1024 * 1024;

/** One per process, shared by every listener, so its bound is the process's. */
export function newPastEventsCache(): PastEventsCache {
  return new PastEventsCache({ eventsMin: PAST_EVENTS_CACHE_EVENTS_MIN, bytesMax: PAST_EVENTS_CACHE_BYTES_MAX, encodeEntries: encodePastEventEntries });
}

/** `openStreams` holds the live work-item streams, so shutdown can end them. */
export function workerHandlers(ctx: HandlerContext, openStreams: Set<WorkItemCall>, pastEvents: PastEventsCache) {
  const { workers } = ctx.engine;
  return {
    getWorkItems: (call: WorkItemCall) => {
      void openWorkItemStream(ctx, call, openStreams, pastEvents);
    },

    completeOrchestratorTask: unary<pb.OrchestratorResponse, pb.CompleteTaskResponse>(ctx, async (req, hub) => {
      await workers.completeOrchestration(hub, orchestratorResponseFromProto(req));
      return new proto.CompleteTaskResponse();
    }),

    completeActivityTask: unary<pb.ActivityResponse, pb.CompleteTaskResponse>(ctx, async (req, hub) => {
      await workers.completeActivity(hub, activityResponseFromProto(req));
      return new proto.CompleteTaskResponse();
    }),

    abandonTaskOrchestratorWorkItem: unary<pb.AbandonOrchestrationTaskRequest, pb.AbandonOrchestrationTaskResponse>(ctx, async (req, hub) => {
      await workers.abandon(hub, 'orchestration', req.getCompletiontoken());
      return new proto.AbandonOrchestrationTaskResponse();
    }),

    abandonTaskActivityWorkItem: unary<pb.AbandonActivityTaskRequest, pb.AbandonActivityTaskResponse>(ctx, async (req, hub) => {
      await workers.abandon(hub, 'activity', req.getCompletiontoken());
      return new proto.AbandonActivityTaskResponse();
    }),
  };
}

async function openWorkItemStream(ctx: HandlerContext, call: WorkItemCall, openStreams: Set<WorkItemCall>, pastEvents: PastEventsCache): Promise<void> {
  const request = call.request as unknown;
  if (request instanceof MalformedRequest) {
    call.destroy(toServiceError(request.error, ctx.log) as Error);
    return;
  }
  let hub;
  try {
    hub = await resolveHub(ctx, call.metadata);
  } catch (error) {
    call.destroy(toServiceError(error, ctx.log) as Error);
    return;
  }
  if (call.cancelled) return;
  const req = request as pb.GetWorkItemsRequest;
  const caps: WorkerCaps = {
    orchestration: Math.max(0, req.getMaxconcurrentorchestrationworkitems()),
    activity: Math.max(0, req.getMaxconcurrentactivityworkitems()),
    entity: Math.max(0, req.getMaxconcurrententityworkitems()),
  };
  const entitySupport = entitySupportOf({
    entityCap: caps.entity,
    // Any field set at all: old SDKs (JS-Dapr) cannot set one, so an empty request is ambiguous.
    declaredAnything: req.serializeBinary().length > 0,
    ...optionalHeader('userAgent', call.metadata.get('x-user-agent')[0]),
    ...optionalHeader('grpcUserAgent', call.metadata.get('user-agent')[0]),
  });
  let filters;
  try {
    filters = workItemFiltersFromProto(req);
  } catch (error) {
    call.destroy(toServiceError(error, ctx.log) as Error);
    return;
  }
  const historyStreaming = req.getCapabilitiesList().includes(proto.WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING);
  const connection = ctx.engine.workers.connect(hub, caps, (item) => call.write(encodeWorkItem(item, hub, pastEvents)), entitySupport, filters, historyStreaming);
  call.on('drain', () => connection.drained());
  openStreams.add(call);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    openStreams.delete(call);
    connection.close().catch((error: unknown) => ctx.log('returning the work of a closed stream failed', error));
  };
  call.on('cancelled', close);
  call.on('close', close);
  call.on('error', close);
  call.on('finish', close);
}

function encodeWorkItem(item: WorkItemMessage, hub: TaskHubName, pastEvents: PastEventsCache): pb.WorkItem | Uint8Array {
  switch (item.kind) {
    case 'healthPing':
      return healthPingWorkItem();
    case 'orchestration': {
      const pastEntries = pastEvents.entries(hub, item.instanceId, item.executionId, item.pastEvents);
      return pastEntries === undefined ? orchestrationWorkItemToProto(item) : orchestrationWorkItemBytes(item, pastEntries);
    }
    case 'activity':
      return activityWorkItemToProto({ ...item.task, completionToken: item.completionToken });
    case 'entity':
      return entityWorkItemToProto(item);
    case 'entityProbe':
      return entityWorkItemToProto({ ...item, operations: [] });
  }
}

function optionalHeader<K extends string>(key: K, value: string | Buffer | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: String(value) } as Partial<Record<K, string>>);
}
