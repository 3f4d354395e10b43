/**
 * The worker half of `TaskHubSidecarService`: the work-item stream and the completions.
 */
import type { WorkerCaps, WorkItemMessage } from '../engine/work-item.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { ActivityResponse, OrchestratorResponse } from '../domain/orchestrator-action.ts';
import { compact } from '../lib/compact.ts';
import { type HandlerContext, resolveHub, unary } from './call-context.ts';
import { proto, type pb } from './proto/load.ts';
import { activityResponseFromProto, orchestratorResponseFromProto } from './proto/response-map.ts';
import {
  activityWorkItem,
  encodePastEventEntries,
  healthPingWorkItem,
  orchestrationWorkItem,
  orchestrationWorkItemSpliced,
} from './proto/work-item-map.ts';
import { PastEventsCache } from './proto/past-events-cache.ts';
import { PendingWrites } from './pending-writes.ts';
import { streamHandler, type RpcHandler, type StreamCall } from './rpc-call.ts';
import type { WorkerConnection } from '../engine/worker-api.ts';
import { entitySupportOf } from '../engine/entity-support.ts';
import { entityWorkItemToProto } from './proto/entity-map.ts';
import { workItemFiltersFromProto } from './proto/work-item-filters-map.ts';

/** A serialized WorkItem is passed through by the stream's serializer (service-definition.ts). */
export type WorkItemCall = StreamCall<pb.GetWorkItemsRequest, pb.WorkItem | Uint8Array>;

/**
 * Histories from this many events on keep their encoded past events between episodes: a smaller
 * one encodes in well under a millisecond, and many small instances would only fill the cache.
 */
const PAST_EVENTS_CACHE_EVENTS_MIN = 256;
/** A fan-out history of 20,000 events encodes to about 0.8 MB: this keeps some 40 of them. */
const PAST_EVENTS_CACHE_BYTES_MAX = 32 * 1024 * 1024;
/**
 * A work-item stream takes new items while less than this waits in its transport: enough for
 * hundreds of ordinary items in flight, while a worker that stops reading holds about this
 * much plus one item, and new work goes to the other workers.
 */
export const STREAM_PENDING_BYTES_MAX = 1024 * 1024;

/**
 * CompleteTaskResponse and the two Abandon*Response messages have no fields: each is written as
 * these zero bytes (the definition passes serialized responses through, service-definition.ts).
 */
const EMPTY_MESSAGE = Buffer.alloc(0);

/** One per process, shared by every listener, so its bound is the process's. */
export function newPastEventsCache(): PastEventsCache {
  return new PastEventsCache({ eventsMin: PAST_EVENTS_CACHE_EVENTS_MIN, bytesMax: PAST_EVENTS_CACHE_BYTES_MAX, encodeEntries: encodePastEventEntries });
}

/** `openStreams` holds the live work-item streams, so shutdown can end them. */
export function workerHandlers(ctx: HandlerContext, openStreams: Set<WorkItemCall>, pastEvents: PastEventsCache): Record<string, RpcHandler> {
  const { workers } = ctx.engine;
  return {
    getWorkItems: streamHandler((call: WorkItemCall) => void openWorkItemStream(ctx, call, openStreams, pastEvents)),

    // Domain data when orchestrator-response-reader.ts could read it (service-definition.ts).
    completeOrchestratorTask: unary<pb.OrchestratorResponse | OrchestratorResponse, Uint8Array>(ctx, async (req, hub) => {
      await workers.completeOrchestration(hub, req instanceof proto.OrchestratorResponse ? orchestratorResponseFromProto(req) : req);
      return EMPTY_MESSAGE;
    }),

    // Domain data when activity-response-reader.ts could read it (service-definition.ts).
    completeActivityTask: unary<pb.ActivityResponse | ActivityResponse, Uint8Array>(ctx, async (req, hub) => {
      await workers.completeActivity(hub, req instanceof proto.ActivityResponse ? activityResponseFromProto(req) : req);
      return EMPTY_MESSAGE;
    }),

    abandonTaskOrchestratorWorkItem: unary<pb.AbandonOrchestrationTaskRequest, Uint8Array>(ctx, async (req, hub) => {
      await workers.abandon(hub, 'orchestration', req.getCompletiontoken());
      return EMPTY_MESSAGE;
    }),

    abandonTaskActivityWorkItem: unary<pb.AbandonActivityTaskRequest, Uint8Array>(ctx, async (req, hub) => {
      await workers.abandon(hub, 'activity', req.getCompletiontoken());
      return EMPTY_MESSAGE;
    }),
  };
}

/** Numbers the streams of this process, so the log pairs each stream's opening and closing. */
let streamsOpened = 0;

async function openWorkItemStream(ctx: HandlerContext, call: WorkItemCall, openStreams: Set<WorkItemCall>, pastEvents: PastEventsCache): Promise<void> {
  let hub;
  let options;
  try {
    hub = await resolveHub(ctx, call.metadata);
    options = streamOptions(call);
  } catch (error) {
    call.fail(error);
    return;
  }
  if (call.ended) return;
  const { caps, entitySupport, filters, historyStreaming } = options;
  let connection: WorkerConnection | undefined;
  const pending = new PendingWrites(STREAM_PENDING_BYTES_MAX, () => connection?.drained());
  const send = (item: WorkItemMessage) => writeWorkItem(call, () => encodeWorkItem(item, hub, pastEvents), pending);
  connection = ctx.engine.workers.connect(hub, caps, send, entitySupport, filters, historyStreaming);
  openStreams.add(call);
  const worker = { hub, workerId: `stream-${++streamsOpened}`, peer: call.peer, userAgent: call.metadata.get('user-agent') ?? '' };
  ctx.log.info('worker stream opened', { ...worker, caps, filters, historyStreaming });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    openStreams.delete(call);
    ctx.log.info('worker stream closed', worker);
    connection.close().catch((error: unknown) => ctx.log.error('returning the work of a closed stream failed', { err: error }));
  };
  call.onEnd(close);
}

/** What the worker declared in its GetWorkItems request. */
function streamOptions(call: WorkItemCall) {
  const req = call.request;
  const caps: WorkerCaps = {
    orchestration: Math.max(0, req.getMaxconcurrentorchestrationworkitems()),
    activity: Math.max(0, req.getMaxconcurrentactivityworkitems()),
    entity: Math.max(0, req.getMaxconcurrententityworkitems()),
  };
  const entitySupport = entitySupportOf(compact({
    entityCap: caps.entity,
    // Any field set at all: old SDKs (JS-Dapr) cannot set one, so an empty request is ambiguous.
    declaredAnything: req.serializeBinary().length > 0,
    userAgent: call.metadata.get('x-user-agent'),
    grpcUserAgent: call.metadata.get('user-agent'),
  }));
  const filters = workItemFiltersFromProto(req);
  const historyStreaming = req.getCapabilitiesList().includes(proto.WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING);
  return { caps, entitySupport, filters, historyStreaming };
}

/**
 * Writes one work item, serialized here so its size is known; false when the stream is full
 * now. An item that cannot be serialized ends the stream with its status (its work goes back).
 */
function writeWorkItem(call: WorkItemCall, encode: () => pb.WorkItem | Uint8Array, pending: PendingWrites): boolean {
  let bytes: Uint8Array;
  try {
    const item = encode();
    bytes = item instanceof Uint8Array ? item : item.serializeBinary();
  } catch (error) {
    call.fail(error);
    return false;
  }
  const writable = pending.add(bytes.length);
  call.write(bytes, () => pending.taken(bytes.length));
  return writable;
}

function encodeWorkItem(item: WorkItemMessage, hub: TaskHubName, pastEvents: PastEventsCache): pb.WorkItem | Uint8Array {
  switch (item.kind) {
    case 'healthPing':
      return healthPingWorkItem();
    case 'orchestration': {
      const pastEntries = pastEvents.entries(hub, item.instanceId, item.executionId, item.pastEvents);
      return pastEntries === undefined ? orchestrationWorkItem(item) : orchestrationWorkItemSpliced(item, pastEntries);
    }
    case 'activity':
      return activityWorkItem({ ...item.task, completionToken: item.completionToken });
    case 'entity':
      return entityWorkItemToProto(item);
    case 'entityProbe':
      return entityWorkItemToProto({ ...item, operations: [] });
  }
}
