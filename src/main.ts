/**
 * The composition root: builds the store, the engine and the listeners from a configuration,
 * and wires shutdown. `createServer` is what tests and the CLI call alike.
 */
import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { ServerConfig } from './config/config.ts';
import { Engine } from './engine/engine.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { cryptoIdSource, type IdSource } from './lib/ids.ts';
import { startGrpcServer, type GrpcListener } from './protocol/grpc-server.ts';
import { openPostgresBackend } from './store/postgres/postgres-store.ts';
import { startControlPlane, type ControlWiring } from './control-wiring.ts';
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
  const { store, catalog } = openStore(config, deps);
  await store.migrate();
  const engine = new Engine(
    { store, clock: deps.clock, ids: deps.ids, log: deps.log },
    {
      taskHubs: { initial: config.taskHubs, defaultHub: config.defaultTaskHub, dynamic: config.dynamicTaskHubs },
      limits: config.limits,
      leaseMs: config.leaseMs,
      claimBatchSizeMax: config.claimBatchSizeMax,
      messagesPerEpisodeMax: config.messagesPerEpisodeMax,
      healthPingIntervalMs: config.healthPingIntervalMs,
      streamInFlightMaxDefault: config.streamInFlightMaxDefault,
      abandonBackoff: config.abandonBackoff,
    },
  );
  await engine.start();
  const grpc = await startGrpcServer(engine, { host: config.host, port: config.grpcPort, messageBytesMax: config.limits.grpcMessageBytesMax }, deps.log);
  // Control-plane paths answer 404 until the control plane has started.
  const routes: { control?: ControlWiring } = {};
  const http = await startHttpServer(config.host, config.httpPort, (req, res) => routes.control?.handle(req, res) ?? false);
  if (catalog === undefined) deps.log(`the ${config.store.kind} store has no catalog yet: the control plane (REST, schedulers, retention) is off`);
  else routes.control = await startControlPlane({ config, engine, store, catalog, clock: deps.clock, log: deps.log, grpcPort: grpc.port, httpPort: addressPort(http) });
  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpc.port,
    httpPort: addressPort(http),
    stop: () => (stopping ??= shutdown(engine, grpc, http, store, config.shutdownGraceMs, routes.control)),
  };
}

function openStore(config: Readonly<ServerConfig>, deps: ServerDeps): { store: Store; catalog?: CatalogStore } {
  if (config.store.kind === 'postgres') return openPostgresBackend({ url: config.store.url, ids: deps.ids, log: deps.log });
  if (config.store.path !== ':memory:') mkdirSync(dirname(config.store.path), { recursive: true });
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

async function startHttpServer(host: string, port: number, route: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<HttpServer> {
  const server = createHttpServer((req, res) => {
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
