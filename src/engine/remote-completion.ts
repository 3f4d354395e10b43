/**
 * Completions of work dispatched by another node. With several nodes over one database, a
 * worker's CompleteOrchestratorTask / CompleteActivityTask / Abandon… call may reach a node
 * other than the one whose stream delivered the item, so its completion token (the lease token)
 * is unknown to this node's in-memory registry. When the store's leases are shared between
 * nodes (`capabilities.sharedLeases`), this node re-loads the claimed item by its lease
 * (`getClaimed…Work`) and finishes it exactly as the dispatching node would have; the
 * dispatching node then finds the lease gone at its next renewal and forgets the item. The local path is tried first and is
 * unchanged; this is only the fallback. Tokenless completions (fallback keys) stay local, and so
 * does everything on a store no other process shares: there an unknown token is a stale one.
 *
 * Known difference: the episode is re-planned here, so its OrchestratorStarted event carries
 * this node's time rather than the time the worker saw.
 */
import { ServerError } from '../domain/errors.ts';
import { makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import type { ActivityResponse, OrchestratorResponse } from '../domain/orchestrator-action.ts';
import { validatePayload } from '../domain/validate.ts';
import { backoffMs } from '../lib/backoff.ts';
import type { Clock } from '../lib/clock.ts';
import { compact } from '../lib/compact.ts';
import type { IdSource } from '../lib/ids.ts';
import type { Store } from '../store/store.ts';
import type { LeaseToken, WorkStore } from '../store/work-store.ts';
import { planEpisode } from './episode-plan.ts';
import { failure } from './episode-rules.ts';
import { runEpisode } from './orchestration-episode.ts';
import { traceExecutionEnd, tracedExecution, withTraceParents, type Tracer } from './tracing.ts';

export interface RemoteCompletionDeps {
  store: WorkStore & Pick<Store, 'capabilities'>;
  clock: Clock;
  ids: IdSource;
  limits: Limits;
  abandonBackoff: { baseMs: number; maxMs: number };
  tracer?: Tracer;
}

/** The TaskCompleted or TaskFailed event for an activity's result (a result past the limit fails the task). */
export function activityResultEvent(taskId: number, response: ActivityResponse, limits: Limits, now: number): HistoryEvent {
  try {
    validatePayload(response.result, limits, 'result');
    return response.failureDetails !== undefined
      ? makeEvent({ kind: 'taskFailed', taskScheduledId: taskId, failureDetails: response.failureDetails }, now)
      : makeEvent(compact({ kind: 'taskCompleted', taskScheduledId: taskId, result: response.result }), now);
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    return makeEvent({ kind: 'taskFailed', taskScheduledId: taskId, failureDetails: failure(error.code, error.message, true) }, now);
  }
}

export class RemoteCompletions {
  readonly #d: RemoteCompletionDeps;

  constructor(deps: RemoteCompletionDeps) {
    this.#d = deps;
  }

  /** True when the item was claimed (by any node) under this token and is now completed. */
  async completeOrchestration(hub: TaskHubName, response: OrchestratorResponse): Promise<boolean> {
    const { store, clock } = this.#d;
    if (response.completionToken === '' || response.isPartial || !store.capabilities.sharedLeases) return false;
    const lease = response.completionToken as LeaseToken;
    const now = clock.now();
    const item = await store.getClaimedOrchestrationWork(hub, lease, now);
    if (item === undefined || item.instance.instanceId !== response.instanceId) return false;
    const plan = planEpisode(item, now);
    if (plan.kind !== 'dispatch') return false;
    if (response.requiresHistory) {
      await store.abandonOrchestrationWork(hub, lease, now, now);
      return true;
    }
    let completion = runEpisode({
      instance: item.instance,
      pastEvents: item.history,
      newEvents: plan.newEvents,
      newEventSeqs: plan.newEventSeqs,
      droppedSeqs: plan.droppedSeqs,
      response,
      lease,
      now,
      newExecutionId: () => this.#d.ids.executionId(),
      limits: this.#d.limits,
    });
    // The dispatching node's episode span is lost with its lease; the execution's is not.
    const { tracer } = this.#d;
    const execution = tracer === undefined ? undefined : tracedExecution(item);
    if (tracer !== undefined && execution !== undefined) completion = withTraceParents(completion, tracer.executionContext(execution));
    await store.completeOrchestrationWork(hub, completion, now);
    if (tracer !== undefined && execution !== undefined) traceExecutionEnd(tracer, execution, completion, now);
    return true;
  }

  async completeActivity(hub: TaskHubName, response: ActivityResponse): Promise<boolean> {
    const { store, clock } = this.#d;
    if (response.completionToken === '' || !store.capabilities.sharedLeases) return false;
    const lease = response.completionToken as LeaseToken;
    const now = clock.now();
    const item = await store.getClaimedActivityWork(hub, lease, now);
    if (item === undefined) return false;
    const { task } = item;
    const event = activityResultEvent(task.taskId, response, this.#d.limits, now);
    await store.completeActivityWork(hub, lease, { instanceId: task.instanceId, executionId: task.executionId, event, visibleAt: now }, now);
    return true;
  }

  /** An abandon of another node's item: it returns after the same back-off as a local one. */
  async abandon(hub: TaskHubName, kind: string, completionToken: string): Promise<boolean> {
    const { store, clock } = this.#d;
    const lease = completionToken as LeaseToken;
    const now = clock.now();
    const { baseMs, maxMs } = this.#d.abandonBackoff;
    if (!store.capabilities.sharedLeases) return false;
    if (kind === 'orchestration') {
      const item = await store.getClaimedOrchestrationWork(hub, lease, now);
      if (item === undefined) return false;
      await store.abandonOrchestrationWork(hub, lease, now + backoffMs(item.lease.attempt, baseMs, maxMs), now);
      return true;
    }
    if (kind === 'activity') {
      const item = await store.getClaimedActivityWork(hub, lease, now);
      if (item === undefined) return false;
      await store.abandonActivityWork(hub, lease, now + backoffMs(item.lease.attempt, baseMs, maxMs), now);
      return true;
    }
    return false;
  }
}
