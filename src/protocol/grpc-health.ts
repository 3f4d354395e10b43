/**
 * The standard gRPC health service (`grpc.health.v1.Health`, Check and Watch, from the
 * grpc-health-check package) on every data-plane listener: SERVING while the server is ready
 * (it can commit), NOT_SERVING while not, for the whole server ('') and for
 * `TaskHubSidecarService`. Probes send no token, so with --auth these calls need none.
 */
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/** What readiness this follows (health/readiness.ts provides it). */
export interface ServingState {
  readonly state: { ready: boolean };
  onChange(listener: (state: { ready: boolean }) => void): () => void;
}

const SERVICES = ['', 'TaskHubSidecarService'];

export const HEALTH_METHOD_PREFIX = '/grpc.health.v1.Health/';

export function grpcHealth(serving: ServingState): HealthImplementation {
  const statusOf = (ready: boolean): ServingStatus => (ready ? 'SERVING' : 'NOT_SERVING');
  const health = new HealthImplementation(Object.fromEntries(SERVICES.map((s) => [s, statusOf(serving.state.ready)])));
  serving.onChange(({ ready }) => {
    for (const service of SERVICES) health.setStatus(service, statusOf(ready));
  });
  return health;
}
