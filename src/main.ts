/**
 * The composition root: builds the store, the engine and the listeners from a configuration,
 * and wires shutdown. `createServer` is what tests and the CLI call alike.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
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
import { dashboardHandler } from './dashboard/api/dashboard-http.ts';
import { dashboardAuthorize } from './dashboard/api/dashboard-access.ts';
import type { Authorize } from './dashboard/api/http-kit.ts';
import { ServerMetrics } from './dashboard/api/metrics.ts';
import { timedStore } from './store/timed-store.ts';
import type { CatalogStore } from './store/catalog.ts';
import { openSqliteBackend } from './store/sqlite/sqlite-store.ts';
import type { Store } from './store/store.ts';

export interface ServerDeps {
  clock: Clock;
  ids: IdSource;
  log: (message: string, error?: unknown) => void;
  /** Access control of the dashboard API; absent: the access gate's (allowlists, and roles with --auth). */
  authorize?: Authorize;
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
  const guard = auth.guardFor(undefined);
  const pastEvents = newPastEventsCache();
  const grpc = await startGrpcServer(engine, {
    host: config.host, port: config.grpcPort, limits: config.limits, pastEvents,
    ...(guard === undefined ? {} : { guard }), ...(auth.tls === undefined ? {} : { tls: auth.tls }),
  }, deps.log);
  // Control-plane paths answer 404 until the control plane has started.
  const routes: { control?: ControlWiring } = {};
  metrics.attach(engine);
  // The dashboard (its API, /metrics, the UI) answers after the control plane and /healthz.
  const authorize = deps.authorize ?? (auth.gate === undefined ? undefined : dashboardAuthorize(auth.gate));
  const dashboard = dashboardHandler({ engine, metrics, log: deps.log, ...(authorize === undefined ? {} : { authorize }) });
  const controlRoute = (req: IncomingMessage, res: ServerResponse) =>
    (routes.control?.handle(req, res) ?? false) || (req.url !== '/healthz' && dashboard(req, res));
  const http = await startHttpServer(config.host, config.httpPort, (req, res) => auth.http?.handle(req, res, () => controlRoute(req, res)) ?? controlRoute(req, res), auth.tls);
  await auth.finish(addressPort(http));
  if (catalog === undefined) deps.log(`the ${config.store.kind} store has no catalog yet: the control plane (REST, schedulers, retention) is off`);
  else routes.control = await startControlPlane({ config, engine, store, catalog, clock: deps.clock, log: deps.log, grpcPort: grpc.port, httpPort: addressPort(http), auth, pastEvents });
  catalogReady(routes.control?.taskHubCatalog);
  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpc.port,
    httpPort: addressPort(http),
    stop: () => (stopping ??= shutdown(engine, grpc, http, store, config.shutdownGraceMs, routes.control)),
  };
}

function openStore(config: Readonly<ServerConfig>, deps: ServerDeps): { store: Store; catalog?: CatalogStore } {
  if (config.store.kind === 'postgres') return openPostgresBackend({ url: config.store.url, connectionsMax: config.store.connectionsMax, ids: deps.ids, log: deps.log });
  return openSqliteBackend({ path: config.store.path, ids: deps.ids });
}

/** Order matters: stop taking work, hand streams back, let commits finish, then close the store. */
async function shutdown(engine: Engine, grpc: GrpcListener, http: HttpServer, store: Store, graceMs: number, control?: ControlWiring): Promise<void> {
  await control?.stop(graceMs);
  await engine.stop();
  await grpc.stop(graceMs);
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await store.close();
}

async function startHttpServer(host: string, port: number, route: (req: IncomingMessage, res: ServerResponse) => boolean, tls?: { cert: Buffer; key: Buffer }): Promise<HttpServer> {
  const serve = tls === undefined ? createHttpServer : (handler: (req: IncomingMessage, res: ServerResponse) => void) => createHttpsServer({ cert: tls.cert, key: tls.key }, handler) as unknown as HttpServer;
  const server = serve((req, res) => {
    if (route(req, res)) return;
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function addressPort(server: HttpServer): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
