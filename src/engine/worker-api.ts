/**
 * What workers do: open a work-item stream, complete and abandon work items. A completion is
 * matched to its dispatch by completion token (or the fallback keys), turned into store writes
 * by the orchestration state machine, and committed through the lease it was dispatched with.
 */
import { ServerError } from '../domain/errors.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import type { ActivityResponse, OrchestratorResponse } from '../domain/orchestrator-action.ts';
import { backoffMs } from '../lib/backoff.ts';
import type { Clock } from '../lib/clock.ts';
import type { IdSource } from '../lib/ids.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { Dispatched, DispatchedWork } from './dispatched-work.ts';
import { learnFromCompletion, type EntitySupport } from './entity-support.ts';
import type { FanInCoalescing } from './fan-in-coalescing.ts';
import { runEpisode } from './orchestration-episode.ts';
import { activityResultEvent, RemoteCompletions, type RemoteCompletionDeps } from './remote-completion.ts';
import { StreamStalls } from './stream-stalls.ts';
import type { WorkerStream, WorkerStreams } from './worker-streams.ts';
import type { WorkerCaps, WorkItemMessage } from './work-item.ts';
import { normalizeFilters, type WorkItemFilters } from './work-item-filters.ts';
import { endSpanAfter, writeTracedEpisode, type Tracer } from './tracing.ts';
import type { Logger } from '../lib/logger.ts';

export interface WorkerDeps {
  store: RemoteCompletionDeps['store'];
  clock: Clock;
  ids: IdSource;
  limits: Limits;
  streams: WorkerStreams;
  work: DispatchedWork;
  dispatcher: Dispatcher;
  fanIn: FanInCoalescing;
  abandonBackoff: { baseMs: number; maxMs: number };
  /** How long a stream may stay blocked before its work items go back to the queue. */
  streamStallMs: number;
  log: Logger;
  tracer?: Tracer;
}

export interface WorkerConnection {
  /** The transport can take more items after `send` returned false (its backpressure). */
  drained(): void;
  /** The worker went away: its unfinished items go back to the queue at once. */
  close(): Promise<void>;
}

export class WorkerApi {
  readonly #d: WorkerDeps;
  /** Completions of items another node dispatched (several nodes over one database). */
  readonly #remote: RemoteCompletions;
  readonly #stalls: StreamStalls;

  constructor(deps: WorkerDeps) {
    this.#d = deps;
    this.#remote = new RemoteCompletions(deps);
    this.#stalls = new StreamStalls(deps.streamStallMs, (stream) => this.#returnStalled(stream));
  }

  /** `send` returns false when the transport's buffer is full; `drained` says when it is not. */
  connect(
    hub: TaskHubName,
    caps: WorkerCaps,
    send: (item: WorkItemMessage) => boolean,
    entitySupport: EntitySupport = 'never',
    filters?: WorkItemFilters,
    historyStreaming = false,
  ): WorkerConnection {
    const stream = this.#d.streams.add(hub, caps, (item) => {
      if (send(item)) return true;
      this.#stalls.watch(stream);
      return false;
    });
    stream.historyStreaming = historyStreaming;
    stream.filters = normalizeFilters(filters);
    // Filters that name entities say which entities the worker hosts (entity-support.ts).
    stream.entitySupport = (stream.filters?.entities.length ?? 0) > 0 ? 'capable' : entitySupport;
    this.#d.dispatcher.wakeAll(hub);
    return {
      drained: () => {
        this.#stalls.clear(stream);
        stream.blocked = false;
        this.#d.dispatcher.wakeAll(hub);
      },
      close: () => this.#disconnect(stream),
    };
  }

  #returnStalled(stream: WorkerStream): void {
    const count = stream.inFlight.size;
    if (count === 0) return;
    this.#d.log.warn(`a work-item stream of task hub '${stream.hub}' has not drained for ${this.#d.streamStallMs} ms; its ${count} work items go back to the queue`);
    this.#d.dispatcher.returnWork(stream).catch((error: unknown) => this.#d.log.error('returning the work of a stalled stream failed', { err: error }));
  }

  async #disconnect(stream: WorkerStream): Promise<void> {
    this.#stalls.clear(stream);
    if (stream.closed) return;
    this.#d.streams.remove(stream);
    await this.#d.dispatcher.returnWork(stream);
  }

  async completeOrchestration(hub: TaskHubName, response: OrchestratorResponse): Promise<void> {
    const { work, clock, store } = this.#d;
    const d = work.findOrchestration(hub, response.completionToken, response.instanceId);
    if (d === undefined) {
      if (await this.#remote.completeOrchestration(hub, response)) return;
      throw staleCompletion('orchestration', response.instanceId);
    }
    learnFromCompletion(d.stream, response.completionToken);
    if (response.isPartial) {
      d.partialActions.push(...response.actions);
      return;
    }
    const actions = d.partialActions.length === 0 ? response.actions : [...d.partialActions, ...response.actions];
    this.#release(d);
    const now = clock.now();
    if (response.requiresHistory) {
      // Every work item carries its full history, so asking again is all that can be done.
      await this.#d.dispatcher.abandon(d, now, now);
      return;
    }
    const episode = runEpisode({
      instance: d.item.instance,
      pastEvents: d.item.history,
      newEvents: d.newEvents,
      newEventSeqs: d.newEventSeqs,
      droppedSeqs: d.droppedSeqs,
      response: { ...response, actions },
      lease: d.item.lease.token,
      now,
      newExecutionId: () => this.#d.ids.executionId(),
      limits: this.#d.limits,
    });
    const completion = { ...episode, messages: this.#d.fanIn.delayChildResults(hub, episode.messages, now) };
    // Noted before the write: results of the tasks it schedules can arrive before it returns.
    const { reset, append } = completion.history;
    this.#d.fanIn.noteEpisode(hub, d.item.instance.instanceId, reset ? [append] : [d.item.history, append], now - d.sentAt);
    const { tracer } = this.#d;
    if (tracer === undefined || d.trace === undefined) {
      await work.whileWriting(hub, d.token, store.completeOrchestrationWork(hub, completion, now));
      return;
    }
    await writeTracedEpisode(tracer, d.trace, completion, (traced) => work.whileWriting(hub, d.token, store.completeOrchestrationWork(hub, traced, now)), clock);
  }

  async completeActivity(hub: TaskHubName, response: ActivityResponse): Promise<void> {
    const { work, clock, store, limits } = this.#d;
    const d = work.findActivity(hub, response.completionToken, response.instanceId, response.taskId);
    if (d === undefined) {
      if (await this.#remote.completeActivity(hub, response)) return;
      throw staleCompletion('activity', response.instanceId);
    }
    learnFromCompletion(d.stream, response.completionToken);
    this.#release(d);
    const now = clock.now();
    const { task } = d.item;
    const event = activityResultEvent(task.taskId, response, limits, now);
    const visibleAt = this.#d.fanIn.resultVisibleAt(hub, task.instanceId, now);
    const result = { instanceId: task.instanceId, executionId: task.executionId, event, visibleAt };
    const write = work.whileWriting(hub, d.token, store.completeActivityWork(hub, d.item.lease.token, result, now));
    if (d.trace === undefined) return write;
    await endSpanAfter(d.trace.span, write, () => (event.kind === 'taskFailed' ? { error: event.failureDetails?.errorMessage ?? 'failed' } : {}), clock);
  }

  /** A worker gave an item back (it could not process it): it returns after a back-off. */
  async abandon(hub: TaskHubName, kind: Dispatched['kind'], completionToken: string): Promise<void> {
    const d = this.#d.work.get(completionToken);
    if (d === undefined && (await this.#remote.abandon(hub, kind, completionToken))) return;
    if (d === undefined || d.kind !== kind || d.hub !== hub) throw staleCompletion(kind, '');
    this.#release(d);
    const now = this.#d.clock.now();
    const { baseMs, maxMs } = this.#d.abandonBackoff;
    await this.#d.dispatcher.abandon(d, now + backoffMs(d.item.lease.attempt, baseMs, maxMs), now);
  }

  #release(d: Dispatched): void {
    this.#d.work.remove(d);
    d.stream.release(d.token);
    // The stream has room again.
    this.#d.dispatcher.wake(d.hub, d.kind);
  }
}

function staleCompletion(kind: string, instanceId: string): ServerError {
  const which = instanceId === '' ? '' : ` for instance '${instanceId}'`;
  return new ServerError('WORK_ITEM_NOT_FOUND', `no ${kind} work item${which} is awaiting this completion; it was already completed, or its lease expired and it was dispatched again`);
}
