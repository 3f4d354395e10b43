/**
 * The client half of `TaskHubSidecarService`: instance management RPCs mapped onto the engine.
 */
import type { OrchestrationStatus } from '../domain/history-event.ts';
import type { StartInstanceRequest, WaitCondition } from '../engine/client-api.ts';
import { type HandlerContext, unary } from './call-context.ts';
import { fromOrchestrationStatus, fromStringValue, fromTags, fromTimestamp, fromTraceContext } from './proto/common-map.ts';
import { Empty, proto, type pb } from './proto/load.ts';
import { getInstanceResponseBytes } from './proto/state-map.ts';

export function clientHandlers(ctx: HandlerContext) {
  const { clients } = ctx.engine;
  return {
    hello: unary<Empty, Empty>(ctx, async () => new Empty()),

    startInstance: unary<pb.CreateInstanceRequest, pb.CreateInstanceResponse>(ctx, async (req, hub) => {
      const instanceId = await clients.startInstance(hub, startRequest(req));
      return new proto.CreateInstanceResponse().setInstanceid(instanceId);
    }),

    // Responses written as bytes (state-map.ts); the definition passes them through (service-definition.ts).
    getInstance: unary<pb.GetInstanceRequest, Uint8Array>(ctx, async (req, hub) => {
      const instance = await clients.getInstance(hub, req.getInstanceid());
      return getInstanceResponseBytes(instance, req.getGetinputsandoutputs());
    }),

    waitForInstanceStart: waitHandler(ctx, 'start'),
    waitForInstanceCompletion: waitHandler(ctx, 'completion'),

    raiseEvent: unary<pb.RaiseEventRequest, pb.RaiseEventResponse>(ctx, async (req, hub) => {
      await clients.raiseEvent(hub, req.getInstanceid(), req.getName(), fromStringValue(req.getInput()));
      return new proto.RaiseEventResponse();
    }),

    terminateInstance: unary<pb.TerminateRequest, pb.TerminateResponse>(ctx, async (req, hub) => {
      await clients.terminateInstance(hub, req.getInstanceid(), fromStringValue(req.getOutput()), req.getRecursive());
      return new proto.TerminateResponse();
    }),

    suspendInstance: unary<pb.SuspendRequest, pb.SuspendResponse>(ctx, async (req, hub) => {
      await clients.suspendInstance(hub, req.getInstanceid(), fromStringValue(req.getReason()));
      return new proto.SuspendResponse();
    }),

    resumeInstance: unary<pb.ResumeRequest, pb.ResumeResponse>(ctx, async (req, hub) => {
      await clients.resumeInstance(hub, req.getInstanceid(), fromStringValue(req.getReason()));
      return new proto.ResumeResponse();
    }),
  };
}

function startRequest(req: pb.CreateInstanceRequest): StartInstanceRequest {
  const start: StartInstanceRequest = { instanceId: req.getInstanceid(), name: req.getName() };
  const optional = {
    version: fromStringValue(req.getVersion()),
    input: fromStringValue(req.getInput()),
    scheduledStartAt: fromTimestamp(req.getScheduledstarttimestamp()),
    tags: fromTags(req.getTagsMap()),
    executionId: fromStringValue(req.getExecutionid()),
    parentTraceContext: fromTraceContext(req.getParenttracecontext()),
    replaceableStatuses: replaceableStatuses(req.getOrchestrationidreusepolicy()),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (start as unknown as Record<string, unknown>)[key] = value;
  }
  return start;
}

function replaceableStatuses(policy: pb.OrchestrationIdReusePolicy | undefined): OrchestrationStatus[] | undefined {
  if (policy === undefined) return undefined;
  return policy.getReplaceablestatusList().map(fromOrchestrationStatus);
}


function waitHandler(ctx: HandlerContext, until: WaitCondition) {
  return unary<pb.GetInstanceRequest, Uint8Array>(ctx, async (req, hub, call) => {
    const instance = await ctx.engine.clients.waitForInstance(hub, req.getInstanceid(), until, call);
    return getInstanceResponseBytes(instance, req.getGetinputsandoutputs());
  });
}
