/**
 * Prometheus metrics on GET /metrics (prom-client): process metrics, store call latency
 * histograms, and the scale signals of every task hub as gauges (read at scrape time through
 * the engine's cached scale signals, never by scanning tables).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TaskHubName } from '../../domain/instance.ts';
import type { Engine } from '../../engine/engine.ts';
import { WORK_KINDS } from '../../engine/scale-signals.ts';
import { splitHubName } from '../../engine/scheduler-scope.ts';
import type { StoreCallObserver } from '../../store/timed-store.ts';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #storeLatency: Histogram<'method' | 'outcome'>;
  #engine: Engine | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'dts_' });
    this.#storeLatency = new Histogram({
      name: 'dts_store_call_duration_seconds',
      help: 'Latency of store calls, by method and outcome',
      labelNames: ['method', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
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
    const metrics = this;
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
          const { scope, hub: name } = splitHubName(hub);
          for (const kind of WORK_KINDS) this.inc({ scheduler: scope ?? 'default', taskhub: name, work_item_type: kind }, engine.dispatchRate.total(hub, kind));
        }
      },
    });
  }

  attach(engine: Engine): void {
    this.#engine = engine;
  }

  readonly observeStoreCall: StoreCallObserver = (method, seconds, ok) => {
    this.#storeLatency.observe({ method, outcome: ok ? 'ok' : 'error' }, seconds);
  };
}
