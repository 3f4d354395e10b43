/**
 * Shared plumbing for RPC handlers: task hub selection from the `taskhub` header, and the
 * unary handler shape. Requests arrive checked and decoded (grpc-dispatch.ts); a handler's
 * error becomes the call's status there, exactly once.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { Engine } from '../engine/engine.ts';
import type { Logger } from '../lib/logger.ts';
import { unaryHandler, type CallMetadata, type RpcCall, type RpcHandler } from './rpc-call.ts';

export type { Logger as Log } from '../lib/logger.ts';

export interface HandlerContext {
  engine: Engine;
  log: Logger;
  /** The scheduler this listener serves (engine/scheduler-key.ts); absent for the default one. */
  scheduler?: string;
}

export function taskHubHeader(metadata: CallMetadata): string | undefined {
  return metadata.get('taskhub');
}

export function resolveHub(ctx: HandlerContext, metadata: CallMetadata): Promise<TaskHubName> {
  return ctx.engine.taskHubs.resolve(taskHubHeader(metadata), ctx.scheduler);
}

/**
 * A unary handler of the addressed task hub. A hub that exists is found without waiting; only
 * another (refused, or made by a dynamic hub) waits for `resolveHub`.
 */
export function unary<Req, Res>(ctx: HandlerContext, handle: (request: Req, hub: TaskHubName, call: RpcCall<Req>) => Promise<Res>): RpcHandler {
  return unaryHandler((call: RpcCall<Req>) => {
    try {
      const hub = ctx.engine.taskHubs.known(taskHubHeader(call.metadata), ctx.scheduler);
      if (hub !== undefined) return handle(call.request, hub, call);
      return resolveHub(ctx, call.metadata).then((resolved) => handle(call.request, resolved, call));
    } catch (error) {
      return Promise.reject(error);
    }
  });
}
