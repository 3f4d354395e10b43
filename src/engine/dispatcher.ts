/**
 * Push dispatch. When work may be ready (a store event, a stream connecting or finishing an
 * item, a timer coming due) the dispatcher claims as much as the connected workers have room
 * for and pushes it over their streams at once. Nothing polls: the only timers are for work
 * whose visibility time is known, lease renewal and health pings.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import { crashOnInvariantViolation } from '../lib/assert.ts';
import type { Store } from '../store/store.ts';
import type { ActivityWorkItem, LeaseToken, OrchestrationCompletion, OrchestrationWorkItem } from '../store/work-store.ts';
import { DispatchedWork, type Dispatched, type DispatchedOrchestration } from './dispatched-work.ts';
import { planEpisode } from './episode-plan.ts';
import { ParkedWork, type ParkedItem } from './parked-work.ts';
import { orchestrationIdentity, type WorkIdentity } from './work-item-filters.ts';
import { EntityDispatch, type EntityDispatchDeps } from './entity-dispatch.ts';
import { renewIfLate } from './late-claims.ts';
import type { EntityProbes } from './entity-support.ts';
import { startEpisodeTrace, traceCompletion, type Tracer } from './tracing.ts';
import type { WorkerStream, WorkerStreams } from './worker-streams.ts';
import type { WorkKind } from './work-item.ts';
import type { Logger } from '../lib/logger.ts';

export interface DispatchOptions {
  leaseMs: number;
  claimBatchSizeMax: number;
  messagesPerEpisodeMax: number;
  /** Histories longer than this go by StreamInstanceHistory to workers that support it. */
  historyStreamingEventsMin: number;
}

export interface DispatcherDeps {
  store: EntityDispatchDeps['store'];
  clock: Clock;
  streams: WorkerStreams;
  work: DispatchedWork;
  options: DispatchOptions;
  log: Logger;
  probes: EntityProbes;
  /** Absent: tracing is off, and dispatch does no trace work at all. */
  tracer?: Tracer;
}

interface Pump {
  running: boolean;
  again: boolean;
  timer?: NodeJS.Timeout;
  timerAt?: number;
}

const TIMER_MAX_MS = 2 ** 31 - 1;
/** How long an item that could not be parked (the bound was reached) waits before it is claimed again. */
const PARKED_RETRY_MS = 1000;

type ParkedOrchestrationPlan = Extract<ParkedItem, { kind: 'orchestration' }>['plan'];

function workIdentity(kind: 'orchestration' | 'activity', name: string, version: string | undefined): WorkIdentity {
  return version === undefined ? { kind, name } : { kind, name, version };
}

export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #pumps = new Map<string, Pump>();
  readonly #parked = new ParkedWork();
  #stopped = false;

  readonly #entities: EntityDispatch;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    const { store, clock, streams, work, probes, options } = deps;
    const { leaseMs, claimBatchSizeMax, messagesPerEpisodeMax: messagesMax } = options;
    this.#entities = new EntityDispatch({ store, clock, streams, work, probes, leaseMs, claimBatchSizeMax, messagesMax });
  }

  /** Work of `kind` may be claimable in `hub` at `visibleAt` (default: now). */
  wake(hub: TaskHubName, kind: WorkKind, visibleAt?: number): void {
    if (this.#stopped) return;
    // Store events and their timers carry a visibility time; they announce new entity work.
    if (kind === 'entity' && visibleAt !== undefined) this.#entities.noteWork(hub);
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
    this.wake(hub, 'entity');
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
      this.wake(hub, kind, at);
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
      if (crashOnInvariantViolation(error)) return;
      this.#deps.log.error(`dispatch of ${kind} work in task hub '${hub}' failed; retrying in 1 s`, { hub, err: error });
      this.#scheduleTimer(hub, kind, pump, this.#deps.clock.now() + 1000, this.#deps.clock.now());
    } finally {
      pump.running = false;
    }
  }

  /** Claims one batch and delivers it; true when the batch was full (more may be ready). */
  async #claimOnce(hub: TaskHubName, kind: WorkKind, pump: Pump): Promise<boolean> {
    if (kind === 'entity') return this.#entities.claimOnce(hub, (at, now) => this.#scheduleTimer(hub, kind, pump, at, now));
    const { store, clock, streams, options } = this.#deps;
    this.#deliverParked(hub, kind);
    const limit = streams.totalRoom(hub, kind, options.claimBatchSizeMax);
    if (limit === 0) return false;
    const now = clock.now();
    const claim = { now, limit, leaseMs: options.leaseMs };
    const result =
      kind === 'orchestration'
        ? await store.claimOrchestrationWork(hub, { ...claim, messagesMax: options.messagesPerEpisodeMax })
        : await store.claimActivityWork(hub, claim);
    if (result.nextVisibleAt !== undefined) this.#scheduleTimer(hub, kind, pump, result.nextVisibleAt, now);
    const items = await renewIfLate({ store, clock, leaseMs: options.leaseMs }, hub, now, result.items as (OrchestrationWorkItem | ActivityWorkItem)[]);
    // Deliveries are synchronous; only the items settled on the server write, and those
    // writes share one group commit.
    const writes: Promise<void>[] = [];
    for (const item of items) {
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
    if (plan.kind === 'settle') return this.#settle(hub, item, plan.completion, now);
    if (plan.kind === 'defer') return store.abandonOrchestrationWork(hub, item.lease.token, plan.retryAt, now);
    const { newEvents, newEventSeqs, droppedSeqs } = plan;
    const identity = orchestrationIdentity(item);
    const stream = streams.pick(hub, 'orchestration', identity);
    if (stream === undefined) return this.#parkOrGiveBack({ kind: 'orchestration', hub, identity, item, plan: { newEvents, newEventSeqs, droppedSeqs } });
    this.#sendOrchestration(hub, stream, item, plan);
  }

  /** The server finishes the item itself (no worker needed); that may end the execution. */
  async #settle(hub: TaskHubName, item: OrchestrationWorkItem, completion: OrchestrationCompletion, now: number): Promise<void> {
    await this.#deps.store.completeOrchestrationWork(hub, completion, now);
    if (this.#deps.tracer !== undefined) traceCompletion(this.#deps.tracer, item, completion, now);
  }

  #sendOrchestration(hub: TaskHubName, stream: WorkerStream, item: OrchestrationWorkItem, plan: ParkedOrchestrationPlan): void {
    const token = item.lease.token;
    const { newEvents, newEventSeqs, droppedSeqs } = plan;
    const sentAt = this.#deps.clock.now();
    const d: DispatchedOrchestration = { kind: 'orchestration', hub, token, stream, item, newEvents, newEventSeqs, droppedSeqs, sentAt, partialActions: [] };
    if (this.#deps.tracer !== undefined) d.trace = startEpisodeTrace(this.#deps.tracer, item, sentAt);
    this.#deps.work.add(d);
    // Workers that can fetch a history themselves get a large one by StreamInstanceHistory.
    const streamHistory = stream.historyStreaming && item.history.length > this.#deps.options.historyStreamingEventsMin;
    stream.deliver(token, 'orchestration', {
      kind: 'orchestration',
      completionToken: token,
      instanceId: item.instance.instanceId,
      executionId: item.instance.executionId,
      pastEvents: streamHistory ? [] : item.history,
      newEvents,
      requiresHistoryStreaming: streamHistory,
    });
  }

  #deliverActivity(hub: TaskHubName, item: ActivityWorkItem): Promise<void> | undefined {
    const { store, clock, streams, work } = this.#deps;
    const identity = workIdentity('activity', item.task.name, item.task.version);
    const stream = streams.pick(hub, 'activity', identity);
    if (stream === undefined) return this.#parkOrGiveBack({ kind: 'activity', hub, identity, item });
    this.#sendActivity(hub, stream, item);
  }

  #sendActivity(hub: TaskHubName, stream: WorkerStream, item: ActivityWorkItem): void {
    const token = item.lease.token;
    const { tracer, work, clock } = this.#deps;
    if (tracer === undefined) {
      work.add({ kind: 'activity', hub, token, stream, item });
      stream.deliver(token, 'activity', { kind: 'activity', completionToken: token, task: item.task });
      return;
    }
    // The worker's span for the activity continues the trace under this one.
    const span = tracer.startActivity(hub, item.task, clock.now());
    work.add({ kind: 'activity', hub, token, stream, item, trace: { span } });
    stream.deliver(token, 'activity', { kind: 'activity', completionToken: token, task: { ...item.task, parentTraceContext: span.context } });
  }

  /**
   * No stream with room takes the item. Without filtered streams that only means every stream
   * is full, and the item goes straight back. With filters it may be work nobody connected can
   * run: it is parked (parked-work.ts) rather than claimed again and again.
   */
  #parkOrGiveBack(parked: ParkedItem): Promise<void> | undefined {
    const { store, clock, streams } = this.#deps;
    const now = clock.now();
    const filtered = streams.anyFiltered(parked.hub);
    if (filtered && this.#parked.park(parked)) return undefined;
    const retryAt = filtered ? now + PARKED_RETRY_MS : now;
    const token = parked.item.lease.token;
    return parked.kind === 'orchestration'
      ? store.abandonOrchestrationWork(parked.hub, token, retryAt, now)
      : store.abandonActivityWork(parked.hub, token, retryAt, now);
  }

  /** Sends parked items to streams that now accept them and have room. */
  #deliverParked(hub: TaskHubName, kind: WorkKind): void {
    if (this.#parked.size === 0) return;
    const { streams } = this.#deps;
    this.#parked.takeWhere(hub, kind, (parked) => {
      const stream = streams.pick(hub, kind, parked.identity);
      if (stream === undefined) return false;
      if (parked.kind === 'orchestration') this.#sendOrchestration(hub, stream, parked.item, parked.plan);
      else this.#sendActivity(hub, stream, parked.item);
      return true;
    });
  }

  /** Lease tokens of parked items by hub, for renewal. */
  parkedTokens(): Map<TaskHubName, string[]> {
    return this.#parked.tokensByHub();
  }

  forgetParked(token: string): void {
    this.#parked.forget(token);
  }

  /** Gives every parked item back to the store (shutdown). */
  async returnParked(): Promise<void> {
    const now = this.#deps.clock.now();
    await Promise.all(this.#parked.drain().map((parked) => this.#giveBackNow(parked, now)));
  }

  #giveBackNow(parked: ParkedItem, now: number): Promise<void> {
    const { store } = this.#deps;
    const token = parked.item.lease.token;
    const write = parked.kind === 'orchestration'
      ? store.abandonOrchestrationWork(parked.hub, token, now, now)
      : store.abandonActivityWork(parked.hub, token, now, now);
    return write.catch(() => undefined);
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
    if (d.kind !== 'entity') d.trace?.span.end({ unfinished: 'returned to the queue' }, now);
    const token = d.item.lease.token as LeaseToken;
    if (d.kind === 'entity') return store.abandonEntityWork(d.hub, token, retryAt, now);
    return d.kind === 'orchestration'
      ? store.abandonOrchestrationWork(d.hub, token, retryAt, now)
      : store.abandonActivityWork(d.hub, token, retryAt, now);
  }
}
