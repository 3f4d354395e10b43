/**
 * Scale signals: per task hub and work-item kind, the pending and active work (from the store's
 * indexes, store.workBacklog), the oldest pending age, the connected workers with their declared
 * caps, and the recent dispatch rate. One reading per hub is cached for `cacheMs`, so autoscaler
 * polls, Prometheus scrapes and dashboards refreshing together cost one store read.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import type { ReadModel, WorkBacklog } from '../store/read-model.ts';
import type { DispatchRate } from './dispatch-rate.ts';
import type { ConnectedWorker } from './engine.ts';
import { splitHubName } from './scheduler-key.ts';
import type { WorkKind } from './work-item.ts';

export const WORK_KINDS: readonly WorkKind[] = ['orchestration', 'activity', 'entity'];

export interface KindSignals {
  pending: number;
  active: number;
  /** Milliseconds the oldest pending item has been waiting; 0 when none is. */
  oldestPendingAgeMs: number;
  /** Items dispatched per second over the last minute. */
  dispatchPerSecond: number;
  /** Connected workers that take this kind (a declared cap of 0 means "no cap"). */
  workers: number;
  /** Sum of the declared caps of those workers; null when one of them declared none. */
  capacity: number | null;
}

export interface HubSignals {
  /** The data-plane hub name. */
  taskHub: TaskHubName;
  /** The scheduler key (`sub/rg/scheduler`), or null for the default scheduler. */
  scheduler: string | null;
  hub: string;
  at: number;
  orchestration: KindSignals;
  activity: KindSignals;
  entity: KindSignals;
  workers: ConnectedWorker[];
}

export interface ScaleSignalSource {
  connectedWorkers(hub?: TaskHubName): ConnectedWorker[];
  readonly dispatchRate: DispatchRate;
}

export class ScaleSignals {
  readonly #store: Pick<ReadModel, 'workBacklog'>;
  readonly #clock: Clock;
  readonly #engine: ScaleSignalSource;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { at: number; backlog: Promise<WorkBacklog> }>();

  constructor(deps: { store: Pick<ReadModel, 'workBacklog'>; clock: Clock; engine: ScaleSignalSource }, options: { cacheMs?: number } = {}) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#engine = deps.engine;
    this.#cacheMs = options.cacheMs ?? 500;
  }

  async hub(taskHub: TaskHubName): Promise<HubSignals> {
    const now = this.#clock.now();
    const backlog = await this.#backlog(taskHub, now);
    const workers = this.#engine.connectedWorkers(taskHub);
    const { schedulerKey, hub } = splitHubName(taskHub);
    const kind = (k: WorkKind): KindSignals => {
      const entry = backlog[k];
      const takers = workers;
      const capacity = takers.some((w) => w.caps[k] === 0) ? null : takers.reduce((sum, w) => sum + w.caps[k], 0);
      return {
        pending: entry.pending,
        active: entry.active,
        oldestPendingAgeMs: entry.oldestPendingAt === undefined ? 0 : Math.max(0, now - entry.oldestPendingAt),
        dispatchPerSecond: this.#engine.dispatchRate.perSecond(taskHub, k, 60),
        workers: takers.length,
        capacity,
      };
    };
    return {
      taskHub,
      scheduler: schedulerKey ?? null,
      hub,
      at: now,
      orchestration: kind('orchestration'),
      activity: kind('activity'),
      entity: kind('entity'),
      workers,
    };
  }

  /** Signals of many hubs, e.g. all hubs of a scheduler. */
  async hubs(taskHubs: readonly TaskHubName[]): Promise<HubSignals[]> {
    return Promise.all(taskHubs.map((h) => this.hub(h)));
  }

  #backlog(hub: TaskHubName, now: number): Promise<WorkBacklog> {
    const cached = this.#cache.get(hub);
    if (cached !== undefined && now - cached.at < this.#cacheMs && now >= cached.at) return cached.backlog;
    const backlog = this.#store.workBacklog(hub, now);
    this.#cache.set(hub, { at: now, backlog });
    backlog.catch(() => this.#cache.delete(hub));
    return backlog;
  }
}

/** Sums hub signals into one scheduler-wide reading (ages: the maximum). */
export function sumSignals(list: readonly HubSignals[]): Record<WorkKind, Omit<KindSignals, 'capacity'> & { capacity: number | null }> {
  const out = {} as Record<WorkKind, KindSignals>;
  for (const k of WORK_KINDS) {
    out[k] = { pending: 0, active: 0, oldestPendingAgeMs: 0, dispatchPerSecond: 0, workers: 0, capacity: 0 };
    for (const s of list) {
      const v = s[k];
      out[k].pending += v.pending;
      out[k].active += v.active;
      out[k].oldestPendingAgeMs = Math.max(out[k].oldestPendingAgeMs, v.oldestPendingAgeMs);
      out[k].dispatchPerSecond += v.dispatchPerSecond;
      out[k].workers += v.workers;
      out[k].capacity = out[k].capacity === null || v.capacity === null ? null : (out[k].capacity as number) + v.capacity;
    }
  }
  return out;
}
