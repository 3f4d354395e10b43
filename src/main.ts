/**
 * The composition root: builds the store, the engine and the listeners from a configuration,
 * and wires shutdown. `createServer` is what tests and the CLI call alike.
 */
import { startAuth } from './auth-wiring.ts';
import { prepareDataDirectories } from './data-directories.ts';
import type { ServerConfig } from './config/config.ts';
import { Engine } from './engine/engine.ts';
import type { TaskHubCatalog } from './engine/task-hubs.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { cryptoIdSource, type IdSource } from './lib/ids.ts';
import { startGrpcServer, type GrpcListener } from './protocol/grpc-server.ts';
import { newPastEventsCache } from './protocol/worker-service.ts';
import { openPostgresBackend } from './store/postgres/postgres-store.ts';
import { startControlPlane, type ControlWiring } from './control-wiring.ts';
import { ServerMetrics } from './dashboard/api/metrics.ts';
import { openHttpListener, type HttpListener } from './http/http-listener.ts';
import { httpApp } from './http-wiring.ts';
import { timedStore } from './store/timed-store.ts';
import type { CatalogStore } from './store/catalog.ts';
import { openSqliteBackend } from './store/sqlite/sqlite-store.ts';
import type { Store } from './store/store.ts';

export interface ServerDeps {
  clock: Clock;
  ids: IdSource;
  log: (message: string, error?: unknown) => void;
}

export interface RunningServer {
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

export function defaultDeps(): ServerDeps {
  return {
    clock: systemClock,
    ids: cryptoIdSource(),
    log: (message, error) => console.error(`dts: ${message}`, ...(error === undefined ? [] : [error])),
  };
}

export async function createServer(config: Readonly<ServerConfig>, deps: ServerDeps): Promise<RunningServer> {
  prepareDataDirectories(config, deps.log);
  const opened = openStore(config, deps);
  const metrics = new ServerMetrics();
  const store = timedStore(opened.store, metrics.observeStoreCall);
  const catalog = opened.catalog;
  await store.migrate();
  const engine = new Engine(
    { store, clock: deps.clock, ids: deps.ids, log: deps.log },
    {
      taskHubs: { initial: config.taskHubs, defaultHub: config.defaultTaskHub, dynamic: config.dynamicTaskHubs },
      limits: config.limits,
      leaseMs: config.leaseMs,
      claimBatchSizeMax: config.claimBatchSizeMax,
      messagesPerEpisodeMax: config.messagesPerEpisodeMax,
      historyStreamingEventsMin: config.historyStreamingEventsMin,
      healthPingIntervalMs: config.healthPingIntervalMs,
      waitRecheckMs: config.waitRecheckMs,
      fanIn: config.fanIn,
      streamInFlightMaxDefault: config.streamInFlightMaxDefault,
      streamStallMs: config.streamStallMs,
      abandonBackoff: config.abandonBackoff,
    },
  );
  await engine.start();
  // Requests that make or remove task hubs wait for the control plane, which starts after the listeners.
  let catalogReady: (catalog: TaskHubCatalog | undefined) => void = () => undefined;
  engine.taskHubs.useCatalog(new Promise((resolve) => (catalogReady = resolve)));
  const auth = await startAuth(config, catalog, deps.clock, deps.log);
  const pastEvents = newPastEventsCache();
  const grpc = await startGrpcServer(engine, {
    host: config.host, port: config.grpcPort, limits: config.limits, pastEvents,
    guard: auth.guardFor(undefined), ...(auth.tls === undefined ? {} : { tls: auth.tls }),
  }, deps.log);
  metrics.attach(engine);
  // The HTTP port is bound first (503 until the app is served): endpoints and the token issuer need it.
  const http = await openHttpListener({ host: config.host, port: config.httpPort, log: deps.log, ...(auth.tls === undefined ? {} : { tls: auth.tls }) });
  auth.setIssuer(`${auth.tls === undefined ? 'http' : 'https'}://${config.control.publicHost}:${http.port}`);
  const control = await startControlPlane({ config, engine, store, catalog, clock: deps.clock, log: deps.log, grpcPort: grpc.port, httpPort: http.port, auth, pastEvents });
  http.serve(httpApp({ config, engine, metrics, auth, control, log: deps.log }));
  catalogReady(control.taskHubCatalog);
  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpc.port,
    httpPort: http.port,
    stop: () => (stopping ??= shutdown(engine, grpc, http, store, config.shutdownGraceMs, control)),
  };
}

function openStore(config: Readonly<ServerConfig>, deps: ServerDeps): { store: Store; catalog: CatalogStore } {
  if (config.store.kind === 'postgres') return openPostgresBackend({ url: config.store.url, connectionsMax: config.store.connectionsMax, ids: deps.ids, log: deps.log });
  return openSqliteBackend({ path: config.store.path, ids: deps.ids });
}

/** Order matters: stop taking work, hand streams back, let commits finish, then close the store. */
async function shutdown(engine: Engine, grpc: GrpcListener, http: HttpListener, store: Store, graceMs: number, control: ControlWiring): Promise<void> {
  await control.stop(graceMs);
  await engine.stop();
  await grpc.stop(graceMs);
  await http.close();
  await store.close();
}
