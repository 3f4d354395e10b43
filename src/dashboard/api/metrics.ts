/**
 * Prometheus metrics on GET /metrics (prom-client): process metrics, the build, store call
 * latency histograms, the scale signals of every task hub as gauges (read at scrape time
 * through the engine's cached scale signals, never by scanning tables), orchestrations started
 * and finished (counted from the store's events of this process), instances by status (counted
 * through the status index at most every INSTANCE_COUNTS_TTL_MS), and gRPC and HTTP requests.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { TaskHubName } from '../../domain/instance.ts';
import type { Engine } from '../../engine/engine.ts';
import { WORK_KINDS } from '../../engine/scale-signals.ts';
import { splitHubName } from '../../engine/scheduler-key.ts';
import type { RpcCallEnd, RpcObserver } from '../../protocol/rpc-observer.ts';
import type { StoreEvent } from '../../store/store.ts';
import type { StoreCallObserver } from '../../store/timed-store.ts';
import { LabelledCounter, LabelledHistogram, type CounterChild, type HistogramChild } from './labelled-metrics.ts';

export interface BuildInfo {
  version: string;
  nodeVersion: string;
  store: 'sqlite' | 'postgres';
}

/** Instance counts are re-read at most this often: a scrape must not count a large hub each time. */
const INSTANCE_COUNTS_TTL_MS = 15_000;
const FINISHED = new Map([['COMPLETED', 'completed'], ['FAILED', 'failed'], ['TERMINATED', 'terminated']]);
const HUB_LABELS = ['scheduler', 'taskhub'] as const;

export class ServerMetrics implements RpcObserver {
  readonly registry = new Registry();
  readonly #storeLatency: LabelledHistogram<'method' | 'outcome'>;
  readonly #started: LabelledCounter<(typeof HUB_LABELS)[number]>;
  readonly #finished: LabelledCounter<(typeof HUB_LABELS)[number] | 'status'>;
  readonly #grpcRequests: LabelledCounter<'method' | 'code'>;
  readonly #grpcLatency: LabelledHistogram<'method'>;
  /** The children per label set of the per-call metrics, resolved on first use (methods, codes and hubs are few). */
  readonly #calls = new Map<string, { latency: HistogramChild; byCode: Map<string, CounterChild> }>();
  readonly #storeCalls = { ok: new Map<string, HistogramChild>(), error: new Map<string, HistogramChild>() };
  readonly #hubs = new Map<string, Map<string, CounterChild>>();
  readonly #httpRequests: Counter<'method' | 'route' | 'status'>;
  #instanceCounts: { at: number; counts: Promise<{ hub: string; status: string; count: number }[]> } | undefined;
  #engine: Engine | undefined;

  readonly #now: () => number;

  constructor(build: BuildInfo, now: () => number) {
    this.#now = now;
    collectDefaultMetrics({ register: this.registry, prefix: 'dts_' });
    new Gauge({ name: 'dts_build_info', help: 'The running build: always 1, with the version, Node.js version and store kind as labels', labelNames: ['version', 'node_version', 'store'], registers: [this.registry] })
      .set({ version: build.version, node_version: build.nodeVersion, store: build.store }, 1);
    const registry = this.registry;
    this.#started = new LabelledCounter({ name: 'dts_orchestrations_started_total', help: 'Orchestration instances created through this process (sub-orchestrations too)', labelNames: HUB_LABELS, registry });
    this.#finished = new LabelledCounter({ name: 'dts_orchestrations_finished_total', help: 'Orchestrations that completed, failed or were terminated, committed by this process', labelNames: [...HUB_LABELS, 'status'], registry });
    this.#grpcRequests = new LabelledCounter({ name: 'dts_grpc_requests_total', help: 'gRPC calls ended, by method and status code', labelNames: ['method', 'code'], registry });
    this.#grpcLatency = new LabelledHistogram({
      name: 'dts_grpc_request_duration_seconds',
      help: 'gRPC call duration by method (a work-item stream lasts as long as its worker stays connected)',
      labelNames: ['method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registry,
    });
    this.#httpRequests = new Counter({ name: 'dts_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    const metrics = this;
    new Gauge({
      name: 'dts_instances',
      help: `Orchestration instances by status (counted at most every ${INSTANCE_COUNTS_TTL_MS / 1000} s)`,
      labelNames: [...HUB_LABELS, 'status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { hub, status, count } of await metrics.#countInstances()) this.set({ ...hubLabels(hub), status }, count);
      },
    });
    this.#storeLatency = new LabelledHistogram({
      name: 'dts_store_call_duration_seconds',
      help: 'Latency of store calls, by method and outcome',
      labelNames: ['method', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registry,
    });
    this.#registerWorkItemMetrics();
  }

  /** The scale signals per hub and work-item type, read from the engine when scraped. */
  #registerWorkItemMetrics(): void {
    const metrics = this;
    const labelNames = ['scheduler', 'taskhub', 'work_item_type'] as const;
    const each = async (set: (labels: Record<(typeof labelNames)[number], string>, s: { pending: number; active: number; oldestPendingAgeMs: number; dispatchPerSecond: number; workers: number }) => void) => {
      const engine = this.#engine;
      if (engine === undefined) return;
      for (const hub of engine.taskHubs.list()) {
        const signals = await engine.scaleSignals.hub(hub as TaskHubName);
        for (const kind of WORK_KINDS) set({ scheduler: signals.scheduler ?? 'default', taskhub: signals.hub, work_item_type: kind }, signals[kind]);
      }
    };
    const gauge = (name: string, help: string, pick: (s: { pending: number; active: number; oldestPendingAgeMs: number; dispatchPerSecond: number; workers: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          this.reset();
          await each((labels, s) => this.set(labels, pick(s)));
        },
      });
    gauge('dts_work_items_pending', 'Work items visible and waiting for a worker', (s) => s.pending);
    gauge('dts_work_items_active', 'Work items leased to a worker', (s) => s.active);
    gauge('dts_work_items_oldest_pending_age_seconds', 'Age of the oldest pending work item', (s) => s.oldestPendingAgeMs / 1000);
    gauge('dts_work_items_dispatch_rate', 'Work items dispatched per second over the last minute', (s) => s.dispatchPerSecond);
    gauge('dts_connected_workers', 'Connected worker streams', (s) => s.workers);
    new Counter({
      name: 'dts_work_items_dispatched_total',
      help: 'Work items dispatched to workers since the server started',
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        const engine = metrics.#engine;
        if (engine === undefined) return;
        for (const hub of engine.taskHubs.list()) {
          const { schedulerKey, hub: name } = splitHubName(hub);
          for (const kind of WORK_KINDS) this.inc({ scheduler: schedulerKey ?? 'default', taskhub: name, work_item_type: kind }, engine.dispatchRate.total(hub, kind));
        }
      },
    });
  }

  attach(engine: Engine): void {
    this.#engine = engine;
  }

  /** Counts orchestrations from the store's events of this process (another node's commits are its own). */
  readonly observeStoreEvent = (event: StoreEvent): void => {
    if (event.type !== 'instance') return;
    const finished = FINISHED.get(event.status);
    if (event.status !== 'PENDING' && finished === undefined) return;
    let hub = this.#hubs.get(event.hub);
    if (hub === undefined) {
      hub = new Map();
      this.#hubs.set(event.hub, hub);
    }
    // Keyed by the finished status, or 'started' for PENDING.
    const key = finished ?? 'started';
    let counter = hub.get(key);
    if (counter === undefined) {
      counter = finished === undefined ? this.#started.child(hubLabels(event.hub)) : this.#finished.child({ ...hubLabels(event.hub), status: finished });
      hub.set(key, counter);
    }
    counter.inc();
  };

  onCallEnd(end: RpcCallEnd): void {
    let call = this.#calls.get(end.method);
    if (call === undefined) {
      call = { latency: this.#grpcLatency.child({ method: end.method }), byCode: new Map() };
      this.#calls.set(end.method, call);
    }
    let requests = call.byCode.get(end.code);
    if (requests === undefined) {
      requests = this.#grpcRequests.child({ method: end.method, code: end.code });
      call.byCode.set(end.code, requests);
    }
    requests.inc();
    call.latency.observe(end.durationMs / 1000);
  }

  observeHttp(method: string, route: string, status: number): void {
    this.#httpRequests.inc({ method, route, status: String(status) });
  }

  #countInstances(): Promise<{ hub: string; status: string; count: number }[]> {
    const engine = this.#engine;
    if (engine === undefined) return Promise.resolve([]);
    const now = this.#now();
    if (this.#instanceCounts === undefined || now - this.#instanceCounts.at >= INSTANCE_COUNTS_TTL_MS) {
      const counts = Promise.all(engine.taskHubs.list().map(async (hub) => {
        const byStatus = await engine.dashboard.counts(hub as TaskHubName, {});
        return Object.entries(byStatus).map(([status, count]) => ({ hub, status: status.toLowerCase(), count: count ?? 0 }));
      })).then((lists) => lists.flat());
      counts.catch(() => (this.#instanceCounts = undefined));
      this.#instanceCounts = { at: now, counts };
    }
    return this.#instanceCounts.counts;
  }

  readonly observeStoreCall: StoreCallObserver = (method, seconds, ok) => {
    const outcome = ok ? 'ok' : 'error';
    const children = this.#storeCalls[outcome];
    let latency = children.get(method);
    if (latency === undefined) {
      latency = this.#storeLatency.child({ method, outcome });
      children.set(method, latency);
    }
    latency.observe(seconds);
  };
}

function hubLabels(hub: string): { scheduler: string; taskhub: string } {
  const { schedulerKey, hub: name } = splitHubName(hub);
  return { scheduler: schedulerKey ?? 'default', taskhub: name };
}
