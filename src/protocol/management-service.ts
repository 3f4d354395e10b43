/**
 * The management RPCs of `TaskHubSidecarService`: QueryInstances, ListInstanceIds,
 * PurgeInstances, StreamInstanceHistory, RestartInstance, RewindInstance,
 * SkipGracefulOrchestrationTerminations, CreateTaskHub and DeleteTaskHub, mapped onto the
 * engine's management operations. Only proto <-> domain mapping lives here.
 */
import type { OrchestrationStatus } from '../domain/history-event.ts';
import { type HandlerContext, resolveHub, taskHubHeader, unary } from './call-context.ts';
import { fromOrchestrationStatus, fromStringValue, fromTimestamp, toStringValue } from './proto/common-map.ts';
import { historyEventToProto } from './proto/history-event-map.ts';
import { BoolValue, proto, type pb } from './proto/load.ts';
import { orchestrationStateToProto } from './proto/state-map.ts';
import { streamHandler, unaryHandler, type RpcHandler, type StreamCall } from './rpc-call.ts';

export function managementHandlers(ctx: HandlerContext) {
  const m = ctx.engine.management;
  return {
    queryInstances: unary<pb.QueryInstancesRequest, pb.QueryInstancesResponse>(ctx, async (req, hub) => {
      const query = req.getQuery() ?? new proto.InstanceQuery();
      const includePayloads = query.getFetchinputsandoutputs();
      const page = await m.queryInstances(hub, {
        statuses: statuses(query.getRuntimestatusList()),
        ...optionalTime('createdFrom', query.getCreatedtimefrom()),
        ...optionalTime('createdTo', query.getCreatedtimeto()),
        ...optionalString('instanceIdPrefix', query.getInstanceidprefix()),
        ...optionalString('continuationToken', query.getContinuationtoken()),
        pageSize: query.getMaxinstancecount(),
        includePayloads,
      });
      return new proto.QueryInstancesResponse()
        .setOrchestrationstateList(page.instances.map((i) => orchestrationStateToProto(i, includePayloads)))
        .setContinuationtoken(toStringValue(page.continuationToken));
    }),

    listInstanceIds: unary<pb.ListInstanceIdsRequest, pb.ListInstanceIdsResponse>(ctx, async (req, hub) => {
      const page = await m.listInstanceIds(hub, {
        statuses: statuses(req.getRuntimestatusList()),
        ...optionalTime('completedFrom', req.getCompletedtimefrom()),
        ...optionalTime('completedTo', req.getCompletedtimeto()),
        ...optionalString('lastInstanceKey', req.getLastinstancekey()),
        pageSize: req.getPagesize(),
      });
      return new proto.ListInstanceIdsResponse().setInstanceidsList(page.instanceIds).setLastinstancekey(toStringValue(page.lastInstanceKey));
    }),

    purgeInstances: unary<pb.PurgeInstancesRequest, pb.PurgeInstancesResponse>(ctx, async (req, hub) => {
      const recursive = req.getRecursive();
      const Case = proto.PurgeInstancesRequest.RequestCase;
      let result;
      if (req.getRequestCase() === Case.PURGEINSTANCEFILTER) {
        const filter = req.getPurgeinstancefilter() ?? new proto.PurgeInstanceFilter();
        const timeout = filter.getTimeout();
        result = await m.purgeByFilter(hub, {
          statuses: statuses(filter.getRuntimestatusList()),
          ...optionalTime('createdFrom', filter.getCreatedtimefrom()),
          ...optionalTime('createdTo', filter.getCreatedtimeto()),
          ...(timeout === undefined ? {} : { timeoutMs: timeout.getSeconds() * 1000 + Math.floor(timeout.getNanos() / 1e6) }),
        }, recursive);
      } else if (req.getRequestCase() === Case.INSTANCEBATCH) {
        result = await m.purgeBatch(hub, req.getInstancebatch()?.getInstanceidsList() ?? [], recursive);
      } else {
        result = await m.purgeInstance(hub, req.getInstanceid(), recursive);
      }
      return new proto.PurgeInstancesResponse()
        .setDeletedinstancecount(result.deletedInstanceCount)
        .setIscomplete(new BoolValue().setValue(result.isComplete));
    }),

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

function optionalTime<K extends string>(key: K, t: Parameters<typeof fromTimestamp>[0]): Partial<Record<K, number>> {
  const ms = fromTimestamp(t);
  return (ms === undefined ? {} : { [key]: ms }) as Partial<Record<K, number>>;
}

function optionalString<K extends string>(key: K, w: Parameters<typeof fromStringValue>[0]): Partial<Record<K, string>> {
  const s = fromStringValue(w);
  return (s === undefined || s === '' ? {} : { [key]: s }) as Partial<Record<K, string>>;
}
