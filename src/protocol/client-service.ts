/**
 * The client half of `TaskHubSidecarService`: instance management RPCs mapped onto the engine.
 */
import type { StartInstanceRequest, WaitCondition } from '../engine/client-api.ts';
import { type HandlerContext, unary } from './call-context.ts';
import { fromStringValue } from './proto/common-map.ts';
import { Empty, proto, type pb } from './proto/load.ts';
import { startRequestFromProto } from './proto/start-request-map.ts';
import { getInstanceResponseBytes } from './proto/state-map.ts';

export function clientHandlers(ctx: HandlerContext) {
  const { clients } = ctx.engine;
  return {
    hello: unary<Empty, Empty>(ctx, async () => new Empty()),

    // Domain data when create-instance-request-reader.ts could read it (service-definition.ts).
    startInstance: unary<pb.CreateInstanceRequest | StartInstanceRequest, pb.CreateInstanceResponse>(ctx, async (req, hub) => {
      const instanceId = await clients.startInstance(hub, req instanceof proto.CreateInstanceRequest ? startRequestFromProto(req) : req);
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

function waitHandler(ctx: HandlerContext, until: WaitCondition) {
  return unary<pb.GetInstanceRequest, Uint8Array>(ctx, async (req, hub, call) => {
    const instance = await ctx.engine.clients.waitForInstance(hub, req.getInstanceid(), until, call);
    return getInstanceResponseBytes(instance, req.getGetinputsandoutputs());
  });
}
