/**
 * The engine: the one core the gRPC and HTTP edges adapt. It owns the task hubs, the
 * dispatcher, the waiters and the timers for lease renewal and health pings, and reacts to the
 * store's events. It never names a concrete database.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import type { Clock } from '../lib/clock.ts';
import { compact } from '../lib/compact.ts';
import type { IdSource } from '../lib/ids.ts';
import type { Store, StoreEvent } from '../store/store.ts';
import type { LeaseToken } from '../store/work-store.ts';
import { ClientApi } from './client-api.ts';
import { DashboardQueries } from './dashboard-queries.ts';
import { DispatchedWork } from './dispatched-work.ts';
import { DispatchRate } from './dispatch-rate.ts';
import { Dispatcher, type DispatchOptions } from './dispatcher.ts';
import { EntityClientApi } from './entity-client-api.ts';
import { EntityProbes } from './entity-support.ts';
import { EntityWorkerApi } from './entity-worker-api.ts';
import { FanInCoalescing, type FanInOptions } from './fan-in-coalescing.ts';
import { InstanceWaiters } from './instance-waiters.ts';
import { WaiterRecheck } from './waiter-recheck.ts';
import { ManagementApi } from './management-api.ts';
import { ScaleSignals } from './scale-signals.ts';
import { TaskHubs, type TaskHubOptions } from './task-hubs.ts';
import { WorkerApi } from './worker-api.ts';
import { WorkerStreams } from './worker-streams.ts';
import type { Tracer } from './tracing.ts';
import type { WorkerCaps, WorkKind } from './work-item.ts';
import type { Logger } from '../lib/logger.ts';

export interface EngineOptions extends DispatchOptions {
  taskHubs: TaskHubOptions;
  limits: Limits;
  healthPingIntervalMs: number;
  /** Items of each kind in flight on a stream whose worker declared no cap. */
  streamInFlightMaxDefault: WorkerCaps;
  /** A stream the transport cannot write to for this long loses its work items back to the queue. */
  streamStallMs: number;
  abandonBackoff: { baseMs: number; maxMs: number };
  /** How often long-poll waiters re-read their instances when the store's events cross processes (and can be lost); 0 turns it off. */
  waitRecheckMs: number;
  fanIn: FanInOptions;
}

export interface ConnectedWorker {
  id: number;
  hub: TaskHubName;
  /** As declared by the worker; 0 means no cap. */
  caps: WorkerCaps;
  active: Readonly<Record<WorkKind, number>>;
}

export interface EngineDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  /** Absent: tracing is off (the default). */
  tracer?: Tracer;
}

export class Engine {
  readonly taskHubs: TaskHubs;
  readonly clients: ClientApi;
  readonly workers: WorkerApi;
  readonly entities: EntityClientApi;
  readonly entityWorkers: EntityWorkerApi;
  readonly management: ManagementApi;
  /** Work items dispatched per hub and kind over the last minutes (scale signals, dashboard). */
  readonly dispatchRate: DispatchRate;
  readonly scaleSignals: ScaleSignals;
  readonly dashboard: DashboardQueries;
  readonly #deps: EngineDeps;
  readonly #options: EngineOptions;
  readonly #waiters = new InstanceWaiters();
  readonly #recheck: WaiterRecheck;
  readonly #streams: WorkerStreams;
  readonly #work = new DispatchedWork();
  readonly #dispatcher: Dispatcher;
  readonly #timers: NodeJS.Timeout[] = [];
  #unsubscribe?: () => void;

  constructor(deps: EngineDeps, options: EngineOptions) {
    this.#deps = deps;
    this.#options = options;
    const { store, clock, ids, log } = deps;
    const tracing = compact({ tracer: deps.tracer });
    this.dispatchRate = new DispatchRate(() => clock.now());
    this.#streams = new WorkerStreams(options.streamInFlightMaxDefault, (hub, kind) => this.dispatchRate.record(hub, kind));
    this.taskHubs = new TaskHubs(store, clock, options.taskHubs);
    this.scaleSignals = new ScaleSignals({ store, clock, engine: this });
    this.dashboard = new DashboardQueries(store);
    const probes = new EntityProbes(ids);
    this.#dispatcher = new Dispatcher({ store, clock, streams: this.#streams, work: this.#work, options, log, probes, ...tracing });
    this.entities = new EntityClientApi({ store, clock, ids, limits: options.limits });
    const { abandonBackoff, limits } = options;
    this.entityWorkers = new EntityWorkerApi({ store, clock, ids, limits, work: this.#work, dispatcher: this.#dispatcher, probes, abandonBackoff });
    this.clients = new ClientApi({ store, clock, ids, limits: options.limits, waiters: this.#waiters, ...tracing });
    this.#recheck = new WaiterRecheck({ store, waiters: this.#waiters, log });
    this.management = new ManagementApi({ store, clock, limits: options.limits, clients: this.clients });
    this.workers = new WorkerApi({
      store,
      clock,
      ids,
      limits: options.limits,
      streams: this.#streams,
      work: this.#work,
      dispatcher: this.#dispatcher,
      fanIn: new FanInCoalescing(options.fanIn),
      abandonBackoff: options.abandonBackoff,
      streamStallMs: options.streamStallMs,
      log,
      ...tracing,
    });
  }

  /** The connected workers of a hub (or of every hub): caps as declared and items in flight. */
  connectedWorkers(hub?: TaskHubName): ConnectedWorker[] {
    const streams = hub === undefined ? this.#streams.all() : this.#streams.of(hub);
    return streams.map((s) => ({ id: s.id, hub: s.hub, caps: { ...s.caps }, active: s.activeCounts() }));
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.#deps.store.subscribe((event) => this.#onStoreEvent(event));
    await this.taskHubs.load();
    if (this.#deps.store.capabilities.crossProcessNotifications) this.#recheck.start(this.#options.waitRecheckMs);
    this.#every(this.#options.leaseMs / 3, () => this.#renewLeases());
    this.#every(this.#options.healthPingIntervalMs, () => {
      for (const stream of this.#streams.all()) stream.pingIfIdle();
    });
  }

  /** Stops dispatching and hands every stream's unfinished work back to the queue. */
  async stop(): Promise<void> {
    this.#dispatcher.stop();
    this.#recheck.stop();
    for (const timer of this.#timers) clearInterval(timer);
    this.#unsubscribe?.();
    await Promise.all(this.#streams.all().map((stream) => this.#dispatcher.returnWork(stream)));
    await this.#dispatcher.returnParked();
  }

  #every(ms: number, task: () => unknown): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #onStoreEvent(event: StoreEvent): void {
    if (event.type === 'instance') this.#waiters.notify(event.hub, event.instanceId, event.status);
    else if (event.type === 'resync') void this.#recheck.now();
    else this.#dispatcher.wake(event.hub, event.kind, event.visibleAt);
  }

  /** Keeps the leases of items out with live workers from expiring while they run. */
  async #renewLeases(): Promise<void> {
    const byHub = new Map<TaskHubName, LeaseToken[]>();
    const hold = (hub: TaskHubName, token: string): void => {
      const tokens = byHub.get(hub);
      if (tokens === undefined) byHub.set(hub, [token as LeaseToken]);
      else tokens.push(token as LeaseToken);
    };
    for (const stream of this.#streams.all()) for (const token of stream.inFlight.keys()) hold(stream.hub, token);
    // Parked work (work-item filters) keeps its leases while it waits for a matching worker,
    // and a completion its lease while it is written.
    for (const [hub, parked] of this.#dispatcher.parkedTokens()) for (const token of parked) hold(hub, token);
    for (const [token, hub] of this.#work.writing()) hold(hub, token);
    const now = this.#deps.clock.now();
    for (const [hub, tokens] of byHub) {
      try {
        const lost = await this.#deps.store.renewLeases(hub, tokens, now + this.#options.leaseMs, now);
        for (const token of lost) this.#forget(token);
      } catch (error) {
        this.#deps.log.error(`lease renewal in task hub '${hub}' failed`, { hub, err: error });
      }
    }
  }

  #forget(token: string): void {
    this.#dispatcher.forgetParked(token);
    const d = this.#work.get(token);
    if (d === undefined) return;
    this.#work.remove(d);
    d.stream.release(token);
    if (d.kind !== 'entity') d.trace?.span.end({ unfinished: 'lease lost' }, this.#deps.clock.now());
  }
}
