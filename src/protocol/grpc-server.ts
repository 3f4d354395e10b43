/**
 * The gRPC listener: binds `TaskHubSidecarService` and the KEDA scaler to the engine. Every call
 * passes, in order: the framing check on the HTTP/2 stream (grpc-frame-gate.ts), the access
 * check on its metadata (call-guard.ts), the size and bounds check of its message, the decoding
 * (grpc-decoding.ts), and then its handler. RPCs that later protocol work adds answer
 * UNIMPLEMENTED with the RPC's name until then.
 */
import { Server, ServerCredentials, status as GrpcStatus, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Limits } from '../domain/limits.ts';
import type { Engine } from '../engine/engine.ts';
import { compact } from '../lib/compact.ts';
import type { Log } from './call-context.ts';
import { clientHandlers } from './client-service.ts';
import { entityHandlers } from './entity-service.ts';
import { kedaHandlers, kedaServiceDefinition } from './keda-scaler.ts';
import { managementHandlers } from './management-service.ts';
import { guardInterceptor, type CallGuard } from './call-guard.ts';
import { decodeLazily } from './grpc-decoding.ts';
import { FrameGate } from './grpc-frame-gate.ts';
import { sidecarMethodNames, sidecarServiceDefinition } from './service-definition.ts';
import { workerHandlers } from './worker-service.ts';
import type { HealthImplementation } from 'grpc-health-check';
import { observerInterceptor, type RpcObserver } from './rpc-observer.ts';
import type { PastEventsCache } from './proto/past-events-cache.ts';
import { RequestCheck } from './wire/rpc-requests.ts';

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
  health: HealthImplementation;
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
  const check = new RequestCheck(options.limits);
  const frames = new FrameGate(check, log);
  const server = new Server({
    // The largest any call takes; each call's own maximum is checked on its frames.
    'grpc.max_receive_message_length': options.limits.grpcMessageBytesMax,
    'grpc.max_send_message_length': -1,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5000,
    // Nothing reads channelz; its per-call counters and the socket tracking cost on every call.
    'grpc.enable_channelz': 0,
    // The observer is innermost, so it sees every status, the gate's and the guard's refusals too;
    // the frame gate still links each call, as all interceptors run in the stream's 'stream' event.
    interceptors: [observerInterceptor(options.observer, () => performance.now()), frames.interceptor(), ...(options.guard === undefined ? [] : [guardInterceptor(options.guard, log)])],
  });
  const openStreams = new Set<ServerWritableStream<unknown, unknown>>();
  const ctx = compact({ engine, log, scheduler: options.scheduler });
  const implemented: Record<string, unknown> = { ...clientHandlers(ctx), ...managementHandlers(ctx), ...workerHandlers(ctx, openStreams as never, options.pastEvents), ...entityHandlers(ctx) };
  const implementation: UntypedServiceImplementation = {};
  for (const name of sidecarMethodNames()) {
    implementation[name] = (implemented[name] ?? unimplemented(name)) as UntypedServiceImplementation[string];
  }
  const sidecar = decodeLazily(sidecarServiceDefinition(), implementation, check, log);
  server.addService(sidecar.definition, sidecar.implementation);
  // KEDA's external scaler on the same port, for ScaledObjects of `type: external` (keda-scaler.ts).
  const keda = decodeLazily(kedaServiceDefinition(), kedaHandlers(engine, log, options.scheduler), check, log);
  server.addService(keda.definition, keda.implementation);
  options.health.addToServer(server);
  const credentials = options.tls === undefined
    ? ServerCredentials.createInsecure()
    : ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }], false);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  frames.listen(server);
  return {
    port,
    stop: async (graceMs) => {
      for (const call of openStreams) call.end();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function unimplemented(name: string) {
  return (call: { request?: unknown }, callback?: (error: unknown) => void) => {
    const error = { code: GrpcStatus.UNIMPLEMENTED, details: `${name} is not implemented by this server version` };
    if (callback !== undefined) callback(error);
    else (call as unknown as { emit(event: 'error', e: unknown): void }).emit('error', error);
  };
}
