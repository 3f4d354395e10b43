/**
 * Push dispatch. When work may be ready (a store event, a stream connecting or finishing an
 * item, a timer coming due) the dispatcher claims as much as the connected workers have room
 * for and pushes it over their streams at once. Nothing polls: the only timers are for work
 * whose visibility time is known, lease renewal and health pings.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import type { ActivityWorkItem, LeaseToken, OrchestrationWorkItem, Store } from '../store/store.ts';
import { DispatchedWork, type Dispatched } from './dispatched-work.ts';
import { planEpisode } from './episode-plan.ts';
import type { WorkerStream, WorkerStreams } from './worker-streams.ts';
import type { WorkKind } from './work-item.ts';

export interface DispatchOptions {
  leaseMs: number;
  claimBatchSizeMax: number;
  messagesPerEpisodeMax: number;
}

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  streams: WorkerStreams;
  work: DispatchedWork;
  options: DispatchOptions;
  log: (message: string, error?: unknown) => void;
}

interface Pump {
  running: boolean;
  again: boolean;
  timer?: NodeJS.Timeout;
  timerAt?: number;
}

const TIMER_MAX_MS = 2 ** 31 - 1;

export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #pumps = new Map<string, Pump>();
  #stopped = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /** Work of `kind` may be claimable in `hub` at `visibleAt` (default: now). */
  wake(hub: TaskHubName, kind: WorkKind, visibleAt?: number): void {
    if (this.#stopped) return;
    const pump = this.#pump(hub, kind);
    const now = this.#deps.clock.now();
    if (visibleAt !== undefined && visibleAt > now) {
      this.#scheduleTimer(hub, kind, pump, visibleAt, now);
      return;
    }
    if (pump.running) {
      pump.again = true;
      return;
    }
    pump.running = true;
    void this.#run(hub, kind, pump);
  }

  wakeAll(hub: TaskHubName): void {
    this.wake(hub, 'orchestration');
    this.wake(hub, 'activity');
  }

  stop(): void {
    this.#stopped = true;
    for (const pump of this.#pumps.values()) clearTimeout(pump.timer);
  }

  #pump(hub: string, kind: WorkKind): Pump {
    const key = `${kind}\n${hub}`;
    let pump = this.#pumps.get(key);
    if (pump === undefined) {
      pump = { running: false, again: false };
      this.#pumps.set(key, pump);
    }
    return pump;
  }

  #scheduleTimer(hub: TaskHubName, kind: WorkKind, pump: Pump, at: number, now: number): void {
    if (pump.timerAt !== undefined && pump.timerAt <= at) return;
    clearTimeout(pump.timer);
    pump.timerAt = at;
    pump.timer = setTimeout(() => {
      pump.timer = undefined;
      pump.timerAt = undefined;
      this.wake(hub, kind);
    }, Math.min(TIMER_MAX_MS, at - now));
    pump.timer.unref();
  }

  async #run(hub: TaskHubName, kind: WorkKind, pump: Pump): Promise<void> {
    try {
      do {
        pump.again = false;
        while (!this.#stopped && (await this.#claimOnce(hub, kind, pump))) {
          // Keep claiming while batches come back full.
        }
      } while (pump.again && !this.#stopped);
    } catch (error) {
      this.#deps.log(`dispatch of ${kind} work in task hub '${hub}' failed; retrying in 1 s`, error);
      this.#scheduleTimer(hub, kind, pump, this.#deps.clock.now() + 1000, this.#deps.clock.now());
    } finally {
      pump.running = false;
    }
  }

  /** Claims one batch and delivers it; true when the batch was full (more may be ready). */
  async #claimOnce(hub: TaskHubName, kind: WorkKind, pump: Pump): Promise<boolean> {
    const { store, clock, streams, options } = this.#deps;
    const limit = streams.totalRoom(hub, kind, options.claimBatchSizeMax);
    if (limit === 0) return false;
    const now = clock.now();
    const claim = { now, limit, leaseMs: options.leaseMs };
    const result =
      kind === 'orchestration'
        ? await store.claimOrchestrationWork(hub, { ...claim, messagesMax: options.messagesPerEpisodeMax })
        : await store.claimActivityWork(hub, claim);
    if (result.nextVisibleAt !== undefined) this.#scheduleTimer(hub, kind, pump, result.nextVisibleAt, now);
    // Deliveries are synchronous; only the items settled on the server write, and those
    // writes share one group commit.
    const writes: Promise<void>[] = [];
    for (const item of result.items) {
      const write =
        kind === 'orchestration'
          ? this.#deliverOrchestration(hub, item as OrchestrationWorkItem)
          : this.#deliverActivity(hub, item as ActivityWorkItem);
      if (write !== undefined) writes.push(write);
    }
    await Promise.all(writes);
    return result.items.length === limit;
  }

  #deliverOrchestration(hub: TaskHubName, item: OrchestrationWorkItem): Promise<void> | undefined {
    const { store, clock, streams, work } = this.#deps;
    const now = clock.now();
    const plan = planEpisode(item, now);
    if (plan.kind === 'settle') return store.completeOrchestrationWork(hub, plan.completion, now);
    if (plan.kind === 'defer') return store.abandonOrchestrationWork(hub, item.lease.token, plan.retryAt, now);
    const stream = streams.pick(hub, 'orchestration');
    if (stream === undefined) return store.abandonOrchestrationWork(hub, item.lease.token, now, now);
    const token = item.lease.token;
    const { newEvents, newEventSeqs, droppedSeqs } = plan;
    work.add({ kind: 'orchestration', hub, token, stream, item, newEvents, newEventSeqs, droppedSeqs, partialActions: [] });
    stream.deliver(token, 'orchestration', {
      kind: 'orchestration',
      completionToken: token,
      instanceId: item.instance.instanceId,
      executionId: item.instance.executionId,
      pastEvents: item.history,
      newEvents,
    });
  }

  #deliverActivity(hub: TaskHubName, item: ActivityWorkItem): Promise<void> | undefined {
    const { store, clock, streams, work } = this.#deps;
    const stream = streams.pick(hub, 'activity');
    if (stream === undefined) return store.abandonActivityWork(hub, item.lease.token, clock.now(), clock.now());
    const token = item.lease.token;
    work.add({ kind: 'activity', hub, token, stream, item });
    stream.deliver(token, 'activity', { kind: 'activity', completionToken: token, task: item.task });
  }

  /** Returns everything a closed stream had in flight to the queue, at once. */
  async returnWork(stream: WorkerStream): Promise<void> {
    const { clock, work } = this.#deps;
    const now = clock.now();
    const pending: Promise<void>[] = [];
    for (const token of [...stream.inFlight.keys()]) {
      const d = work.get(token);
      stream.release(token);
      if (d === undefined) continue;
      work.remove(d);
      pending.push(this.abandon(d, now, now).catch(() => undefined));
    }
    await Promise.all(pending);
  }

  abandon(d: Dispatched, retryAt: number, now: number): Promise<void> {
    const { store } = this.#deps;
    const token = d.item.lease.token as LeaseToken;
    return d.kind === 'orchestration'
      ? store.abandonOrchestrationWork(d.hub, token, retryAt, now)
      : store.abandonActivityWork(d.hub, token, retryAt, now);
  }
}
