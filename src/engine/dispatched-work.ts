/**
 * The work items that are out with workers, found by completion token, or, for SDKs that never
 * send one, by instance id (orchestrations) and instance id + task id (activities). At most
 * one orchestration lease per instance exists, so the fallback keys are unambiguous.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { OrchestratorAction } from '../domain/orchestrator-action.ts';
import type { HistoryEvent } from '../domain/history-event.ts';
import type { ActivityWorkItem, EntityWorkItem, OrchestrationWorkItem } from '../store/work-store.ts';
import type { EntityBatchPlan } from './entity-batch.ts';
import type { TraceSpan, TracedExecution } from './tracing.ts';
import type { WorkerCaps } from './work-item.ts';
import type { EntitySupport } from './entity-support.ts';

export interface StreamSlot {
  readonly id: number;
  readonly caps: WorkerCaps;
  /** Learnt from the stream's completions too (entity-support.ts). */
  entitySupport: EntitySupport;
  release(token: string): void;
}

export interface DispatchedOrchestration {
  kind: 'orchestration';
  hub: TaskHubName;
  token: string;
  stream: StreamSlot;
  item: OrchestrationWorkItem;
  newEvents: HistoryEvent[];
  newEventSeqs: number[];
  droppedSeqs: number[];
  /** When the item went to the worker (the episode's duration is measured from it). */
  sentAt: number;
  /** Actions of deprecated chunked responses (`isPartial`), kept until the last chunk. */
  partialActions: OrchestratorAction[];
  /** With tracing on: the episode's span and the execution it belongs to. */
  trace?: { span: TraceSpan; execution: TracedExecution };
}

export interface DispatchedActivity {
  kind: 'activity';
  hub: TaskHubName;
  token: string;
  stream: StreamSlot;
  item: ActivityWorkItem;
  /** With tracing on: the activity's span. */
  trace?: { span: TraceSpan };
}

export interface DispatchedEntity {
  kind: 'entity';
  hub: TaskHubName;
  token: string;
  stream: StreamSlot;
  item: EntityWorkItem;
  /** What the server decided for the claimed messages; the worker's result completes it. */
  plan: EntityBatchPlan;
}

export type Dispatched = DispatchedOrchestration | DispatchedActivity | DispatchedEntity;

export class DispatchedWork {
  readonly #byToken = new Map<string, Dispatched>();
  readonly #byKey = new Map<string, string>();
  /** Leases whose completion is being written, by token: released from their stream, still held. */
  readonly #writing = new Map<string, TaskHubName>();

  add(d: Dispatched): void {
    this.#byToken.set(d.token, d);
    this.#byKey.set(keyOf(d), d.token);
  }

  remove(d: Dispatched): void {
    this.#byToken.delete(d.token);
    const key = keyOf(d);
    if (this.#byKey.get(key) === d.token) this.#byKey.delete(key);
  }

  get(token: string): Dispatched | undefined {
    return this.#byToken.get(token);
  }

  /**
   * Keeps the lease of `token` among those renewed until `write` settles: a completion that
   * waits long for the store (a busy database) must not see its lease expire, and its work
   * dispatched again elsewhere, while it waits.
   */
  whileWriting<T>(hub: TaskHubName, token: string, write: Promise<T>): Promise<T> {
    this.#writing.set(token, hub);
    return write.finally(() => this.#writing.delete(token));
  }

  /** The tokens and hubs of the completions being written. */
  writing(): IterableIterator<[string, TaskHubName]> {
    return this.#writing.entries();
  }

  findOrchestration(hub: TaskHubName, token: string, instanceId: string): DispatchedOrchestration | undefined {
    const d = this.#byToken.get(token !== '' ? token : (this.#byKey.get(orchestrationKey(hub, instanceId)) ?? ''));
    return d?.kind === 'orchestration' && d.hub === hub ? d : undefined;
  }

  findActivity(hub: TaskHubName, token: string, instanceId: string, taskId: number): DispatchedActivity | undefined {
    const d = this.#byToken.get(token !== '' ? token : (this.#byKey.get(activityKey(hub, instanceId, taskId)) ?? ''));
    return d?.kind === 'activity' && d.hub === hub ? d : undefined;
  }
}

function orchestrationKey(hub: string, instanceId: string): string {
  return `o\n${hub}\n${instanceId}`;
}

function activityKey(hub: string, instanceId: string, taskId: number): string {
  return `a\n${hub}\n${instanceId}\n${taskId}`;
}

function keyOf(d: Dispatched): string {
  // Entity results carry no instance id, so entities are found by completion token only.
  if (d.kind === 'entity') return `e\n${d.hub}\n${d.item.instanceId}`;
  return d.kind === 'orchestration'
    ? orchestrationKey(d.hub, d.item.instance.instanceId)
    : activityKey(d.hub, d.item.task.instanceId, d.item.task.taskId);
}
