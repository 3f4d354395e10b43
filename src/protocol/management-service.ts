/**
 * The management RPCs of `TaskHubSidecarService`: QueryInstances, ListInstanceIds,
 * PurgeInstances, StreamInstanceHistory, RestartInstance, RewindInstance,
 * SkipGracefulOrchestrationTerminations, CreateTaskHub and DeleteTaskHub, mapped onto the
 * engine's management API (engine/management-api.ts). Only proto <-> domain mapping lives here.
 */
import type { OrchestrationStatus } from '../domain/history-event.ts';
import type { QueryInstancesRequest } from '../engine/instance-queries.ts';
import type { PurgeFilter } from '../engine/instance-purge.ts';
import { compact } from '../lib/compact.ts';
import { type HandlerContext, resolveHub, taskHubHeader, unary } from './call-context.ts';
import { fromOrchestrationStatus, fromStringValue, fromTimestamp, toStringValue } from './proto/common-map.ts';
import { historyEventToProto } from './proto/history-event-map.ts';
import { BoolValue, proto, type pb } from './proto/load.ts';
import { orchestrationStateToProto } from './proto/state-map.ts';
import { streamHandler, unaryHandler, type RpcHandler, type StreamCall } from './rpc-call.ts';

export function managementHandlers(ctx: HandlerContext) {
  return { ...instanceQueryHandlers(ctx), ...instanceHandlers(ctx), ...taskHubHandlers(ctx) };
}

/** QueryInstances, ListInstanceIds and PurgeInstances: reads and purges by filter, batch or id. */
function instanceQueryHandlers(ctx: HandlerContext) {
  const m = ctx.engine.management;
  return {
    queryInstances: unary<pb.QueryInstancesRequest, pb.QueryInstancesResponse>(ctx, async (req, hub) => {
      const query = req.getQuery() ?? new proto.InstanceQuery();
      const page = await m.queryInstances(hub, instanceQueryFromProto(query));
      return new proto.QueryInstancesResponse()
        .setOrchestrationstateList(page.instances.map((i) => orchestrationStateToProto(i, query.getFetchinputsandoutputs())))
        .setContinuationtoken(toStringValue(page.continuationToken));
    }),

    listInstanceIds: unary<pb.ListInstanceIdsRequest, pb.ListInstanceIdsResponse>(ctx, async (req, hub) => {
      const page = await m.listInstanceIds(hub, compact({
        statuses: statuses(req.getRuntimestatusList()),
        completedFrom: fromTimestamp(req.getCompletedtimefrom()),
        completedTo: fromTimestamp(req.getCompletedtimeto()),
        lastInstanceKey: nonEmpty(req.getLastinstancekey()),
        pageSize: req.getPagesize(),
      }));
      return new proto.ListInstanceIdsResponse().setInstanceidsList(page.instanceIds).setLastinstancekey(toStringValue(page.lastInstanceKey));
    }),

    purgeInstances: unary<pb.PurgeInstancesRequest, pb.PurgeInstancesResponse>(ctx, async (req, hub) => {
      const recursive = req.getRecursive();
      const Case = proto.PurgeInstancesRequest.RequestCase;
      let result;
      if (req.getRequestCase() === Case.PURGEINSTANCEFILTER) {
        result = await m.purgeByFilter(hub, purgeFilterFromProto(req.getPurgeinstancefilter() ?? new proto.PurgeInstanceFilter()), recursive);
      } else if (req.getRequestCase() === Case.INSTANCEBATCH) {
        result = await m.purgeBatch(hub, req.getInstancebatch()?.getInstanceidsList() ?? [], recursive);
      } else {
        result = await m.purgeInstance(hub, req.getInstanceid(), recursive);
      }
      return new proto.PurgeInstancesResponse()
        .setDeletedinstancecount(result.deletedInstanceCount)
        .setIscomplete(new BoolValue().setValue(result.isComplete));
    }),
  };
}

/** StreamInstanceHistory, RestartInstance, RewindInstance and SkipGracefulOrchestrationTerminations. */
function instanceHandlers(ctx: HandlerContext) {
  const m = ctx.engine.management;
  return {
    streamInstanceHistory: streamHandler((call: StreamCall<pb.StreamInstanceHistoryRequest, pb.HistoryChunk>) => void streamHistory(ctx, call)),

    restartInstance: unary<pb.RestartInstanceRequest, pb.RestartInstanceResponse>(ctx, async (req, hub) => {
      const instanceId = await m.restartInstance(hub, req.getInstanceid(), req.getRestartwithnewinstanceid());
      return new proto.RestartInstanceResponse().setInstanceid(instanceId);
    }),

    rewindInstance: unary<pb.RewindInstanceRequest, pb.RewindInstanceResponse>(ctx, async (req, hub) => {
      await m.rewindInstance(hub, req.getInstanceid(), fromStringValue(req.getReason()));
      return new proto.RewindInstanceResponse();
    }),

    skipGracefulOrchestrationTerminations: unary<pb.SkipGracefulOrchestrationTerminationsRequest, pb.SkipGracefulOrchestrationTerminationsResponse>(
      ctx,
      async (req, hub) => {
        const ids = req.getInstancebatch()?.getInstanceidsList() ?? [];
        const unterminated = await m.skipGracefulTerminations(hub, ids, fromStringValue(req.getReason()));
        return new proto.SkipGracefulOrchestrationTerminationsResponse().setUnterminatedinstanceidsList(unterminated);
      },
    ),
  };
}

/** CreateTaskHub and DeleteTaskHub. */
function taskHubHandlers(ctx: HandlerContext) {
  return {
    createTaskHub: hubCall<pb.CreateTaskHubRequest, pb.CreateTaskHubResponse>(ctx, async (req, name) => {
      await ctx.engine.taskHubs.createTaskHub(name, ctx.scheduler, req.getRecreateifexists());
      return new proto.CreateTaskHubResponse();
    }),

    deleteTaskHub: unary<pb.DeleteTaskHubRequest, pb.DeleteTaskHubResponse>(ctx, async (_req, hub) => {
      await ctx.engine.taskHubs.deleteTaskHub(hub);
      return new proto.DeleteTaskHubResponse();
    }),
  };
}

function instanceQueryFromProto(query: pb.InstanceQuery): QueryInstancesRequest {
  return compact({
    statuses: statuses(query.getRuntimestatusList()),
    createdFrom: fromTimestamp(query.getCreatedtimefrom()),
    createdTo: fromTimestamp(query.getCreatedtimeto()),
    instanceIdPrefix: nonEmpty(query.getInstanceidprefix()),
    continuationToken: nonEmpty(query.getContinuationtoken()),
    pageSize: query.getMaxinstancecount(),
    includePayloads: query.getFetchinputsandoutputs(),
  });
}

function purgeFilterFromProto(filter: pb.PurgeInstanceFilter): PurgeFilter {
  const timeout = filter.getTimeout();
  return compact({
    statuses: statuses(filter.getRuntimestatusList()),
    createdFrom: fromTimestamp(filter.getCreatedtimefrom()),
    createdTo: fromTimestamp(filter.getCreatedtimeto()),
    timeoutMs: timeout === undefined ? undefined : timeout.getSeconds() * 1000 + Math.floor(timeout.getNanos() / 1e6),
  });
}

async function streamHistory(ctx: HandlerContext, call: StreamCall<pb.StreamInstanceHistoryRequest, pb.HistoryChunk>): Promise<void> {
  try {
    const hub = await resolveHub(ctx, call.metadata);
    const chunks = await ctx.engine.management.historyChunks(hub, call.request.getInstanceid());
    for (const events of chunks) {
      if (call.ended) return;
      call.write(new proto.HistoryChunk().setEventsList(events.map(historyEventToProto)));
    }
    call.end();
  } catch (error) {
    call.fail(error);
  }
}

/**
 * A unary call about the task hub named by the `taskhub` header itself, which need not exist
 * yet (CreateTaskHub), so the usual hub resolution is skipped.
 */
function hubCall<Req, Res>(ctx: HandlerContext, handle: (request: Req, name: string) => Promise<Res>): RpcHandler {
  return unaryHandler<Req, Res>((call) => {
    const header = taskHubHeader(call.metadata);
    return handle(call.request, header === undefined || header === '' ? ctx.engine.taskHubs.defaultName(ctx.scheduler) : header);
  });
}

function statuses(list: readonly pb.OrchestrationStatus[]): OrchestrationStatus[] {
  return list.map(fromOrchestrationStatus);
}

/** A string wrapper's value; an empty string counts as absent. */
function nonEmpty(w: Parameters<typeof fromStringValue>[0]): string | undefined {
  const value = fromStringValue(w);
  return value === '' ? undefined : value;
}
