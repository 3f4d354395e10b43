/**
 * The composition root: builds the store, the engine and the listeners from a configuration,
 * and wires shutdown. `createServer` is what tests and the CLI call alike.
 */
import { startAuth } from './auth-wiring.ts';
import { prepareDataDirectories } from './data-directories.ts';
import type { ServerConfig } from './config/config.ts';
import { Engine } from './engine/engine.ts';
import type { Tracer } from './engine/tracing.ts';
import { compact } from './lib/compact.ts';
import { packageVersion } from './lib/package-version.ts';
import type { TaskHubCatalog } from './engine/task-hubs.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { cryptoIdSource, type IdSource } from './lib/ids.ts';
import { startGrpcServer, type GrpcListener } from './protocol/grpc-server.ts';
import { newPastEventsCache } from './protocol/worker-service.ts';
import { startControlPlane, type ControlWiring } from './control-wiring.ts';
import { ServerMetrics } from './dashboard/api/metrics.ts';
import { openHttpListener, type HttpListener } from './http/http-listener.ts';
import { httpApp } from './http-wiring.ts';
import { timedStore } from './store/timed-store.ts';
import type { CatalogStore } from './store/catalog.ts';
import { BASE_CODE, isServerError } from './domain/errors.ts';
import { Readiness } from './health/readiness.ts';
import { describeStoreFailure, storeLocation } from './health/store-failures.ts';
import { openMetricsListener } from './http/metrics-listener.ts';
import { throttledLogger } from './lib/logger.ts';
import { pinoLogger } from './lib/pino-logger.ts';
import { grpcHealth } from './protocol/grpc-health.ts';
import { observers, rpcLogObserver } from './protocol/rpc-observer.ts';
import { checkStartup, listenError } from './startup-checks.ts';
import type { Store } from './store/store.ts';
import type { Logger } from './lib/logger.ts';

export interface ServerDeps {
  clock: Clock;
  ids: IdSource;
  log: Logger;
}

export interface RunningServer {
  grpcPort: number;
  httpPort: number;
  /** The loopback port of --metrics-port; undefined without it. */
  metricsPort: number | undefined;
  /** The dashboard's address, as the ready line and the log print it. */
  dashboardUrl: string;
  stop(): Promise<void>;
}

/** Store failures logged a second at most: a full disk fails every call. */
const STORE_FAILURES_LOGGED_PER_S = 5;

export function defaultDeps(log: Logger = pinoLogger({ level: 'info', format: 'json' })): ServerDeps {
  return { clock: systemClock, ids: cryptoIdSource(), log };
}

export async function createServer(config: Readonly<ServerConfig>, deps: ServerDeps): Promise<RunningServer> {
  const { log } = deps;
  await checkStartup(config);
  prepareDataDirectories(config, log);
  const opened = await openStore(config, deps);
  const metrics = new ServerMetrics({ version: packageVersion(), nodeVersion: process.versions.node, store: config.store.kind }, () => deps.clock.now());
  const failureLog = throttledLogger(log, STORE_FAILURES_LOGGED_PER_S, () => deps.clock.now());
  const readiness = new Readiness({ probe: () => probeWrite(opened.catalog, deps.clock), describe: (error) => describeStoreFailure(error, config.store) ?? String(error), clock: deps.clock, log }, config.readiness);
  const store = timedStore(opened.store, (method, seconds, ok, error) => {
    metrics.observeStoreCall(method, seconds, ok);
    const failure = ok ? undefined : describeStoreFailure(error, config.store);
    if (failure === undefined) return;
    failureLog.error(`store: ${failure}`, { method, err: error });
    readiness.noteFailure(failure);
  });
  store.subscribe(metrics.observeStoreEvent);
  const catalog = opened.catalog;
  await store.migrate();
  const tracer = await openTracer(config);
  const engine = new Engine(compact({ store, clock: deps.clock, ids: deps.ids, log, tracer }), engineOptions(config));
  await engine.start();
  // Requests that make or remove task hubs wait for the control plane, which starts after the listeners.
  let catalogReady: (catalog: TaskHubCatalog | undefined) => void = () => undefined;
  engine.taskHubs.useCatalog(new Promise((resolve) => (catalogReady = resolve)));
  const auth = await startAuth(config, catalog, deps.clock, log);
  const grpcShared = { pastEvents: newPastEventsCache(), health: grpcHealth(readiness), observer: observers(metrics, rpcLogObserver(log)) };
  const grpc = await startGrpcServer(engine, compact({
    host: config.host, port: config.grpcPort, limits: config.limits, ...grpcShared,
    guard: auth.guardFor(undefined), tls: auth.tls,
  }), log).catch((error: unknown) => Promise.reject(listenError('--grpc-port', config.host, config.grpcPort, error)));
  metrics.attach(engine);
  // The HTTP port is bound first (503 until the app is served): endpoints and the token issuer need it.
  const http = await openHttpListener(compact({ host: config.host, port: config.httpPort, log, tls: auth.tls }))
    .catch((error: unknown) => Promise.reject(listenError('--http-port', config.host, config.httpPort, error)));
  const scheme = auth.tls === undefined ? 'http' : 'https';
  auth.setIssuer(`${scheme}://${config.control.publicHost}:${http.port}`);
  const control = await startControlPlane({ config, engine, store, catalog, clock: deps.clock, log, grpcPort: grpc.port, httpPort: http.port, auth, grpcShared });
  http.serve(httpApp({ config, engine, metrics, auth, control, log, version: packageVersion(), readiness: () => readiness.check() }));
  const metricsListener = config.metricsPort === undefined ? undefined : await openMetricsListener(config.metricsPort, async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }));
  catalogReady(control.taskHubCatalog);
  const dashboardUrl = `${scheme}://${config.control.publicHost}:${http.port}/`;
  log.info(`dts ${packageVersion()} started`, compact({
    version: packageVersion(), grpc: `${config.host}:${grpc.port}`, http: `${config.host}:${http.port}`,
    metrics: metricsListener === undefined ? undefined : `127.0.0.1:${metricsListener.port}`,
    store: config.store.kind, storeLocation: storeLocation(config.store), auth: config.auth.enabled ? 'on' : 'off', tls: auth.tls !== undefined, dashboardUrl,
  }));
  let stopping: Promise<void> | undefined;
  return {
    grpcPort: grpc.port,
    httpPort: http.port,
    metricsPort: metricsListener?.port,
    dashboardUrl,
    stop: () => (stopping ??= (async () => {
      readiness.stop();
      await shutdown(engine, grpc, http, store, config.shutdownGraceMs, control, tracer, log);
      await metricsListener?.close();
      log.info('dts stopped');
    })()),
  };
}

function engineOptions(config: Readonly<ServerConfig>): ConstructorParameters<typeof Engine>[1] {
  return {
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
  };
}

/** The readiness probe: one small durable write through the catalog (the same commit path as every write). */
async function probeWrite(catalog: CatalogStore, clock: Clock): Promise<void> {
  const data = { at: clock.now() };
  const has = (error: unknown, code: string) => isServerError(error) && BASE_CODE[error.code] === code;
  try {
    await catalog.update('readinessProbe', ['probe'], data);
  } catch (error) {
    if (!has(error, 'NOT_FOUND')) throw error;
    // The first probe of a database; another node may make the row at the same time.
    await catalog.create('readinessProbe', ['probe'], data).catch((created: unknown) => (has(created, 'ALREADY_EXISTS') ? catalog.update('readinessProbe', ['probe'], data) : Promise.reject(created)));
  }
}

/** Only the configured backend is loaded: pg and better-sqlite3 each cost start-up time and memory. */
async function openStore(config: Readonly<ServerConfig>, deps: ServerDeps): Promise<{ store: Store; catalog: CatalogStore }> {
  const { groupCommitCallsMax, callsQueuedMax, safetyPollMs } = config.storeTuning;
  if (config.store.kind === 'postgres') {
    const { url, connectionsMax } = config.store;
    const { openPostgresBackend } = await import('./store/postgres/postgres-store.ts');
    return openPostgresBackend({ url, connectionsMax, callsQueuedMax, safetyPollMs, ids: deps.ids, log: (message, error) => deps.log.warn(message, { err: error }) });
  }
  const { openSqliteBackend } = await import('./store/sqlite/sqlite-store.ts');
  return openSqliteBackend({ path: config.store.path, ids: deps.ids, groupCommitCallsMax });
}

/** The OpenTelemetry packages are loaded only when tracing is on. */
async function openTracer(config: Readonly<ServerConfig>): Promise<Tracer | undefined> {
  if (config.traces === undefined) return undefined;
  const { openOtelTracer } = await import('./observability/otel-tracer.ts');
  return openOtelTracer({ tracesUrl: config.traces.tracesUrl, serviceName: config.traces.serviceName, serviceVersion: packageVersion() });
}

/** Order matters: stop taking work, hand streams back, let commits finish, then close the store; spans of all that go out last. */
async function shutdown(
  engine: Engine,
  grpc: GrpcListener,
  http: HttpListener,
  store: Store,
  graceMs: number,
  control: ControlWiring,
  tracer: Tracer | undefined,
  log: ServerDeps['log'],
): Promise<void> {
  await control.stop(graceMs);
  await engine.stop();
  await grpc.stop(graceMs);
  await http.close();
  await store.close();
  if (tracer !== undefined) await flushTraces(tracer, log);
}

/** A collector that does not answer holds the shutdown this long at most; the spans it did not take are lost. */
const TRACE_FLUSH_MS_MAX = 5000;

async function flushTraces(tracer: Tracer, log: ServerDeps['log']): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), TRACE_FLUSH_MS_MAX)));
  try {
    const outcome = await Promise.race([tracer.shutdown(), late]);
    if (outcome === 'late') log.warn(`the trace collector did not take the last spans within ${TRACE_FLUSH_MS_MAX} ms; they are dropped`);
  } catch (error) {
    log.error('exporting the last traces failed', { err: error });
  } finally {
    clearTimeout(timer);
  }
}
