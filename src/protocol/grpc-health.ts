/**
 * The standard gRPC health service (`grpc.health.v1.Health`: Check, Watch and List, with the
 * codecs of the grpc-health-check package) on every data-plane listener: SERVING while the
 * server is ready (it can commit), NOT_SERVING while not, for the whole server ('') and for
 * `TaskHubSidecarService`. Probes send no token, so with --auth these calls need none.
 */
import { service as healthDefinition } from 'grpc-health-check';
import { ServerError } from '../domain/errors.ts';
import { streamHandler, unaryHandler, type RpcHandler, type StreamCall } from './rpc-call.ts';
import type { RpcServiceDefinition } from './service-definition.ts';

/** What readiness this follows (health/readiness.ts provides it). */
export interface ServingState {
  readonly state: { ready: boolean };
  onChange(listener: (state: { ready: boolean }) => void): () => void;
}

type ServingStatus = 'SERVING' | 'NOT_SERVING';

const SERVICES = ['', 'TaskHubSidecarService'];

export const HEALTH_METHOD_PREFIX = '/grpc.health.v1.Health/';

/** The health of the process, shared by its listeners. */
export class GrpcHealth {
  readonly definition = healthDefinition as unknown as RpcServiceDefinition;
  #status: ServingStatus;
  readonly #watchers = new Set<(status: ServingStatus) => void>();

  constructor(serving: ServingState) {
    this.#status = statusOf(serving.state.ready);
    serving.onChange(({ ready }) => {
      this.#status = statusOf(ready);
      for (const watcher of this.#watchers) watcher(this.#status);
    });
  }

  handlers(): Record<string, RpcHandler> {
    return {
      Check: unaryHandler(async (call: { request: { service: string } }) => ({ status: this.#statusOf(call.request.service) })),
      Watch: streamHandler((call: StreamCall<{ service: string }, { status: string }>) => this.#watch(call)),
      List: unaryHandler(async () => ({ statuses: Object.fromEntries(SERVICES.map((s) => [s, { status: this.#status }])) })),
    };
  }

  #statusOf(service: string): ServingStatus {
    if (!SERVICES.includes(service)) throw new ServerError('NOT_FOUND', `Health status unknown for service ${service}`);
    return this.#status;
  }

  /** Writes the status now and on every change; a service it does not know is SERVICE_UNKNOWN, once. */
  #watch(call: StreamCall<{ service: string }, { status: string }>): void {
    if (!SERVICES.includes(call.request.service)) {
      call.write({ status: 'SERVICE_UNKNOWN' });
      return;
    }
    const watcher = (status: ServingStatus) => call.write({ status });
    this.#watchers.add(watcher);
    call.onEnd(() => this.#watchers.delete(watcher));
    watcher(this.#status);
  }
}

function statusOf(ready: boolean): ServingStatus {
  return ready ? 'SERVING' : 'NOT_SERVING';
}

export function grpcHealth(serving: ServingState): GrpcHealth {
  return new GrpcHealth(serving);
}
