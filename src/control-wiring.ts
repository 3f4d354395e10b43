/**
 * Composition of the control plane, next to main.ts: the catalog, the per-scheduler gRPC
 * listeners, the control plane's routes (resources, identities, tokens), the retention job, and
 * the first admin user. Kept out of main.ts so the composition root stays short; like main.ts,
 * it may import every layer.
 */
import type { AuthWiring } from './auth-wiring.ts';
import type { ServerConfig } from './config/config.ts';
import { ControlPlane } from './control/control-plane.ts';
import type { ControlRoute } from './control/control-http.ts';
import { ensureAdmin } from './control/first-admin.ts';
import type { Engine } from './engine/engine.ts';
import { RetentionJob } from './engine/retention.ts';
import type { TaskHubCatalog } from './engine/task-hubs.ts';
import type { Clock } from './lib/clock.ts';
import { compact } from './lib/compact.ts';
import { SchedulerListeners } from './protocol/scheduler-listeners.ts';
import type { SharedListenerParts } from './protocol/grpc-server.ts';
import type { CatalogStore } from './store/catalog.ts';
import type { Store } from './store/store.ts';
import type { Logger } from './lib/logger.ts';

export interface ControlWiring {
  /** Every route of the control plane, for the HTTP edge. */
  routes: readonly ControlRoute[];
  /** Stops the retention job and the schedulers' listeners (before the engine stops). */
  stop(graceMs: number): Promise<void>;
  /** Where hubs made or removed through the data plane go (engine/task-hubs.ts). */
  taskHubCatalog: TaskHubCatalog;
}

export interface ControlWiringInput {
  config: Readonly<ServerConfig>;
  engine: Engine;
  store: Store;
  catalog: CatalogStore;
  clock: Clock;
  log: Logger;
  grpcPort: number;
  httpPort: number;
  /** Access checks, tokens and TLS (auth-wiring.ts). */
  auth: AuthWiring;
  grpcShared: SharedListenerParts;
}

export async function startControlPlane(input: ControlWiringInput): Promise<ControlWiring> {
  const { config, engine, store, catalog, clock, log, auth } = input;
  const listeners = new SchedulerListeners(engine, compact({
    host: config.host,
    limits: config.limits,
    shared: input.grpcShared,
    guardFor: (schedulerKey: string) => auth.guardFor(schedulerKey),
    tls: auth.tls,
  }), log);
  const control = new ControlPlane(
    { catalog, engine, clock, endpoints: listeners, log },
    { publicHost: config.control.publicHost, grpcPort: input.grpcPort, httpPort: input.httpPort, schedulerPorts: config.control.schedulerPorts, tls: auth.tls !== undefined, auth: config.auth.enabled },
    { directory: auth.directory, tokens: auth.tokens, keys: auth.keys, passwords: auth.passwords, throttle: auth.throttle },
  );
  await control.start();
  if (config.auth.enabled) await ensureAdmin(control, catalog, config.auth.dataDir, log);
  const retention = new RetentionJob({ store, clock, targets: () => control.retentionTargets(), log }, config.control.retention);
  retention.start();
  return {
    taskHubCatalog: control.taskHubCatalog,
    routes: control.routes,
    stop: async (graceMs) => {
      await retention.stop();
      await listeners.closeAll(graceMs);
    },
  };
}
