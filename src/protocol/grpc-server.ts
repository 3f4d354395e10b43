/**
 * The gRPC listener: serves `TaskHubSidecarService`, the KEDA scaler and `grpc.health.v1.Health`
 * on node:http2 (transport/), bound to the engine. Every call passes the checks of
 * grpc-dispatch.ts in their order before its handler. RPCs that later protocol work adds answer
 * UNIMPLEMENTED with the RPC's name until then.
 */
import type { Limits } from '../domain/limits.ts';
import type { Engine } from '../engine/engine.ts';
import { compact } from '../lib/compact.ts';
import type { Log } from './call-context.ts';
import type { CallGuard } from './call-guard.ts';
import { clientHandlers } from './client-service.ts';
import { entityHandlers } from './entity-service.ts';
import { GrpcDispatch } from './grpc-dispatch.ts';
import type { GrpcHealth } from './grpc-health.ts';
import { kedaHandlers, kedaServiceDefinition } from './keda-scaler.ts';
import { managementHandlers } from './management-service.ts';
import type { PastEventsCache } from './proto/past-events-cache.ts';
import type { RpcHandler } from './rpc-call.ts';
import type { RpcObserver } from './rpc-observer.ts';
import { sidecarServiceDefinition } from './service-definition.ts';
import { listenHttp2 } from './transport/http2-listener.ts';
import { RequestCheck } from './wire/rpc-requests.ts';
import { workerHandlers, type WorkItemCall } from './worker-service.ts';

export interface GrpcServerOptions {
  host: string;
  port: number;
  /** What one request may cost (wire/rpc-requests.ts) and the whole-message maximum. */
  limits: Limits;
  /** The scheduler whose task hubs this listener serves (engine/scheduler-key.ts); absent: the default one. */
  scheduler?: string;
  /** Access checks (IP allowlist, tokens, roles) for every call; absent: none. */
  guard?: CallGuard;
  /** Serve TLS with this PEM certificate chain and key; absent: plaintext. */
  tls?: { cert: Buffer; key: Buffer };
  /** Encoded histories of orchestration work items, shared by the process's listeners (worker-service.ts). */
  pastEvents: PastEventsCache;
  /** `grpc.health.v1.Health`, shared by the process's listeners (grpc-health.ts). */
  health: GrpcHealth;
  /** Told the end of every call (rpc-observer.ts). */
  observer: RpcObserver;
}

/** What every listener of the process shares. */
export type SharedListenerParts = Pick<GrpcServerOptions, 'pastEvents' | 'health' | 'observer'>;

export interface GrpcListener {
  port: number;
  /** Stops accepting calls, ends the work-item streams and waits for calls in flight. */
  stop(graceMs: number): Promise<void>;
}

export async function startGrpcServer(engine: Engine, options: GrpcServerOptions, log: Log): Promise<GrpcListener> {
  const dispatch = new GrpcDispatch(new RequestCheck(options.limits), options.guard, { log, observer: options.observer, now: () => performance.now() });
  const openStreams = new Set<WorkItemCall>();
  const ctx = compact({ engine, log, scheduler: options.scheduler });
  const sidecar: Record<string, RpcHandler> = { ...clientHandlers(ctx), ...managementHandlers(ctx), ...workerHandlers(ctx, openStreams, options.pastEvents), ...entityHandlers(ctx) };
  dispatch.add(sidecarServiceDefinition(), sidecar);
  // KEDA's external scaler on the same port, for ScaledObjects of `type: external` (keda-scaler.ts).
  dispatch.add(kedaServiceDefinition(), kedaHandlers(engine, options.scheduler));
  dispatch.add(options.health.definition, options.health.handlers());
  const listener = await listenHttp2(
    compact({ host: options.host, port: options.port, messageBytesMax: options.limits.grpcMessageBytesMax, tls: options.tls }),
    (stream, headers, peer) => dispatch.open(stream, headers, peer),
  );
  return {
    port: listener.port,
    stop: async (graceMs) => {
      for (const call of openStreams) call.end();
      await listener.stop(graceMs);
    },
  };
}
