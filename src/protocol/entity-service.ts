/**
 * The entity RPCs of `TaskHubSidecarService`: SignalEntity, GetEntity, QueryEntities and
 * CleanEntityStorage for clients; CompleteEntityTask and AbandonTaskEntityWorkItem for workers.
 * Thin: decode, call the engine, encode.
 */
import { compact } from '../lib/compact.ts';
import { type HandlerContext, unary } from './call-context.ts';
import { fromStringValue, fromTimestamp } from './proto/common-map.ts';
import { entityBatchResultFromProto, entityMetadataToProto } from './proto/entity-map.ts';
import { proto, StringValue, type pb } from './proto/load.ts';

export function entityHandlers(ctx: HandlerContext) {
  const { entities, entityWorkers } = ctx.engine;
  return {
    signalEntity: unary<pb.SignalEntityRequest, pb.SignalEntityResponse>(ctx, async (req, hub) => {
      const scheduledTime = fromTimestamp(req.getScheduledtime());
      await entities.signalEntity(hub, compact({
        instanceId: req.getInstanceid(),
        operation: req.getName(),
        requestId: req.getRequestid(),
        input: fromStringValue(req.getInput()),
        scheduledTime,
      }));
      return new proto.SignalEntityResponse();
    }),

    getEntity: unary<pb.GetEntityRequest, pb.GetEntityResponse>(ctx, async (req, hub) => {
      const entity = await entities.getEntity(hub, req.getInstanceid());
      const response = new proto.GetEntityResponse();
      if (entity === undefined) return response.setExists(false);
      return response.setExists(true).setEntity(entityMetadataToProto(entity, req.getIncludestate()));
    }),

    queryEntities: unary<pb.QueryEntitiesRequest, pb.QueryEntitiesResponse>(ctx, async (req, hub) => {
      const q = req.getQuery() ?? new proto.EntityQuery();
      const page = await entities.queryEntities(hub, compact({
        includeTransient: q.getIncludetransient(),
        instanceIdStartsWith: fromStringValue(q.getInstanceidstartswith()),
        lastModifiedFrom: fromTimestamp(q.getLastmodifiedfrom()),
        lastModifiedTo: fromTimestamp(q.getLastmodifiedto()),
        pageSize: q.getPagesize()?.getValue(),
        continuationToken: fromStringValue(q.getContinuationtoken()),
      }));
      const response = new proto.QueryEntitiesResponse().setEntitiesList(page.entities.map((e) => entityMetadataToProto(e, q.getIncludestate())));
      if (page.next !== undefined) response.setContinuationtoken(new StringValue().setValue(page.next));
      return response;
    }),

    cleanEntityStorage: unary<pb.CleanEntityStorageRequest, pb.CleanEntityStorageResponse>(ctx, async (req, hub) => {
      const token = fromStringValue(req.getContinuationtoken());
      const result = await entities.cleanEntityStorage(hub, req.getReleaseorphanedlocks(), token === '' ? undefined : token);
      const response = new proto.CleanEntityStorageResponse()
        .setEmptyentitiesremoved(result.emptyEntitiesRemoved)
        .setOrphanedlocksreleased(result.orphanedLocksReleased);
      if (result.continuationToken !== undefined) response.setContinuationtoken(new StringValue().setValue(result.continuationToken));
      return response;
    }),

    completeEntityTask: unary<pb.EntityBatchResult, pb.CompleteTaskResponse>(ctx, async (req, hub) => {
      await entityWorkers.completeEntity(hub, entityBatchResultFromProto(req));
      return new proto.CompleteTaskResponse();
    }),

    abandonTaskEntityWorkItem: unary<pb.AbandonEntityTaskRequest, pb.AbandonEntityTaskResponse>(ctx, async (req, hub) => {
      await entityWorkers.abandonEntity(hub, req.getCompletiontoken());
      return new proto.AbandonEntityTaskResponse();
    }),
  };
}
