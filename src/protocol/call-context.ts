/**
 * Shared plumbing for RPC handlers: task hub selection from the `taskhub` header, and turning
 * any error into a gRPC status exactly once. Requests arrive decoded and checked
 * (grpc-decoding.ts).
 */
import type { Metadata, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { TaskHubName } from '../domain/instance.ts';
import type { Engine } from '../engine/engine.ts';
import type { Logger } from '../lib/logger.ts';
import { toServiceError } from './grpc-status.ts';

export type { Logger as Log } from '../lib/logger.ts';

export interface HandlerContext {
  engine: Engine;
  log: Logger;
  /** The scheduler this listener serves (engine/scheduler-key.ts); absent for the default one. */
  scheduler?: string;
}

export function taskHubHeader(metadata: Metadata): string | undefined {
  const value = metadata.get('taskhub')[0];
  return value === undefined ? undefined : String(value);
}

export function resolveHub(ctx: HandlerContext, metadata: Metadata): Promise<TaskHubName> {
  return ctx.engine.taskHubs.resolve(taskHubHeader(metadata), ctx.scheduler);
}

/** Wraps a unary handler: errors become precise statuses. */
export function unary<Req, Res>(
  ctx: HandlerContext,
  handle: (request: Req, hub: TaskHubName, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    resolveHub(ctx, call.metadata)
      .then((hub) => handle(call.request, hub, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error, ctx.log)),
      );
  };
}
