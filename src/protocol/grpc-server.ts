/**
 * The gRPC listener: binds `TaskHubSidecarService` to the engine. RPCs that later protocol work
 * adds answer UNIMPLEMENTED with the RPC's name until then.
 */
import { Server, ServerCredentials, status as GrpcStatus, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Engine } from '../engine/engine.ts';
import type { Log } from './call-context.ts';
import { clientHandlers } from './client-service.ts';
import { entityHandlers } from './entity-service.ts';
import { kedaHandlers, kedaServiceDefinition } from './keda-scaler.ts';
import { managementHandlers } from './management-service.ts';
import { guardImplementation, type CallGuard } from './call-guard.ts';
import { sidecarMethodNames, sidecarServiceDefinition } from './service-definition.ts';
import { workerHandlers } from './worker-service.ts';
import type { PastEventsCache } from './proto/past-events-cache.ts';

export interface GrpcServerOptions {
  host: string;
  port: number;
  messageBytesMax: number;
  /** The scheduler whose task hubs this listener serves (engine/scheduler-scope.ts); absent: the default one. */
  scheduler?: string;
  /** Access checks (IP allowlist, tokens, roles) for every call; absent: none. */
  guard?: CallGuard;
  /** Serve TLS with this PEM certificate chain and key; absent: plaintext. */
  tls?: { cert: Buffer; key: Buffer };
  /** Encoded histories of orchestration work items, shared by the process's listeners (worker-service.ts). */
  pastEvents: PastEventsCache;
}

export interface GrpcListener {
  port: number;
  /** Stops accepting calls, ends the work-item streams and waits for calls in flight. */
  stop(graceMs: number): Promise<void>;
}

export async function startGrpcServer(engine: Engine, options: GrpcServerOptions, log: Log): Promise<GrpcListener> {
  const server = new Server({
    'grpc.max_receive_message_length': options.messageBytesMax,
    'grpc.max_send_message_length': -1,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5000,
  });
  const openStreams = new Set<ServerWritableStream<unknown, unknown>>();
  const ctx = { engine, log, ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }) };
  const implemented: Record<string, unknown> = { ...clientHandlers(ctx), ...managementHandlers(ctx), ...workerHandlers(ctx, openStreams as never, options.pastEvents), ...entityHandlers(ctx) };
  const implementation: UntypedServiceImplementation = {};
  for (const name of sidecarMethodNames()) {
    implementation[name] = (implemented[name] ?? unimplemented(name)) as UntypedServiceImplementation[string];
  }
  const definition = sidecarServiceDefinition();
  server.addService(definition, options.guard === undefined ? implementation : guardImplementation(implementation, definition, options.guard, log));
  // KEDA's external scaler on the same port, for ScaledObjects of `type: external` (keda-scaler.ts).
  const keda = kedaServiceDefinition();
  const kedaImpl = kedaHandlers(engine, log, options.scheduler);
  server.addService(keda, options.guard === undefined ? kedaImpl : guardImplementation(kedaImpl, keda, options.guard, log));
  const credentials = options.tls === undefined
    ? ServerCredentials.createInsecure()
    : ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }], false);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
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
    else (call as unknown as { destroy(e: unknown): void }).destroy(error);
  };
}
