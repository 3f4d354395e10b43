/**
 * What clients do to orchestration instances: start, read, wait, raise events, terminate,
 * suspend and resume. Each call validates its input against the limits, then is one
 * store call.
 */
import { ServerError } from '../domain/errors.ts';
import { isTerminal, makeEvent, type ExecutionStarted, type HistoryEvent, type OrchestrationStatus, type Tags, type TraceContext } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import { instanceTimesInRange } from '../domain/time-range.ts';
import type { Limits } from '../domain/limits.ts';
import { validateInstanceId, validateName, validatePayload, validateReplaceableStatuses, validateTags } from '../domain/validate.ts';
import type { Clock } from '../lib/clock.ts';
import { compact } from '../lib/compact.ts';
import type { IdSource } from '../lib/ids.ts';
import type { ReadModel } from '../store/read-model.ts';
import type { InboxMessage, StatusChange, WorkStore } from '../store/work-store.ts';
import { REPLACEABLE_BY_DEFAULT } from './episode-rules.ts';
import type { InstanceWaiters } from './instance-waiters.ts';
import { endSpanAfter, type Tracer, type TraceSpan } from './tracing.ts';

export interface StartInstanceRequest {
  instanceId?: string;
  name: string;
  version?: string;
  input?: string;
  scheduledStartAt?: number;
  tags?: Tags;
  executionId?: string;
  parentTraceContext?: TraceContext;
  /** Statuses in which an existing instance is replaced; absent: finished instances only. */
  replaceableStatuses?: readonly OrchestrationStatus[];
}

export interface ClientDeps {
  store: WorkStore & Pick<ReadModel, 'getInstance'>;
  clock: Clock;
  ids: IdSource;
  limits: Limits;
  waiters: InstanceWaiters;
  tracer?: Tracer;
}

export type WaitCondition = 'start' | 'completion';

/**
 * The end of the caller's interest in a wait: a call (protocol/rpc-call.ts has this shape) ends
 * when answered, cancelled, past its deadline or cut by shutdown. A call's own end listener
 * instead of an AbortController per wait: that cost an AbortSignal, and a DOMException on every
 * answered wait, for nothing.
 */
export interface WaitEnd {
  readonly ended: boolean;
  /** Calls `listener` once when the caller goes away (at once if it has). */
  onEnd(listener: () => void): void;
}

export class ClientApi {
  readonly #d: ClientDeps;

  constructor(deps: ClientDeps) {
    this.#d = deps;
  }

  async startInstance(hub: TaskHubName, req: StartInstanceRequest): Promise<string> {
    const { limits, clock, ids, store } = this.#d;
    const instanceId = req.instanceId === undefined || req.instanceId === '' ? ids.uuid() : req.instanceId;
    validateInstanceId(instanceId, limits);
    validateName(req.name, limits, 'name');
    validatePayload(req.input, limits, 'input');
    validateTags(req.tags, limits);
    if (req.replaceableStatuses !== undefined) validateReplaceableStatuses(req.replaceableStatuses);
    const now = clock.now();
    const executionId = req.executionId !== undefined && req.executionId !== '' ? req.executionId : ids.executionId();
    const scheduledStartAt = req.scheduledStartAt !== undefined && req.scheduledStartAt > now ? req.scheduledStartAt : undefined;
    const { version, input, tags } = req;
    const instance: InstanceRecord = compact({
      instanceId, executionId, name: req.name, status: 'PENDING', createdAt: now, lastUpdatedAt: now, version, input, tags, scheduledStartAt,
    });
    const started = makeEvent(compact({
      kind: 'executionStarted' as const, name: req.name, orchestrationInstance: { instanceId, executionId }, version, input, tags, scheduledStartTimestamp: scheduledStartAt,
    }), now);
    const creation = req.parentTraceContext === undefined ? this.#startCreationSpan(hub, started) : undefined;
    const startEvent = compact({ ...started, parentTraceContext: req.parentTraceContext ?? creation?.context });
    const newInstance = { instance, startEvent, startVisibleAt: scheduledStartAt ?? now, replaceableStatuses: req.replaceableStatuses ?? REPLACEABLE_BY_DEFAULT };
    const write = store.createInstance(hub, newInstance, now);
    const result = creation === undefined
      ? await write
      : await endSpanAfter(creation, write, (r) => (r.created ? {} : { error: `the instance exists with status ${r.existing.status}` }), clock);
    if (!result.created) {
      throw new ServerError('INSTANCE_ALREADY_EXISTS', `an orchestration instance with id '${instanceId}' already exists with status ${result.existing.status}`);
    }
    return instanceId;
  }

  /** With tracing on, an instance started without a client trace context becomes the root of its own trace. */
  #startCreationSpan(hub: TaskHubName, start: ExecutionStarted & HistoryEvent): TraceSpan | undefined {
    const { tracer } = this.#d;
    if (tracer === undefined) return undefined;
    const { instanceId, executionId } = start.orchestrationInstance;
    return tracer.startCreation(compact({ hub, instanceId, executionId: executionId ?? '', name: start.name, startedAt: start.timestamp, version: start.version }), start.timestamp);
  }

  async getInstance(hub: TaskHubName, instanceId: string): Promise<InstanceRecord | undefined> {
    const instance = await this.#d.store.getInstance(hub, instanceId);
    return instance === undefined ? undefined : instanceTimesInRange(instance);
  }

  /**
   * Resolves when the condition holds, with the instance (undefined when it does not exist);
   * rejects CANCELLED when `caller` ends first.
   */
  async waitForInstance(hub: TaskHubName, instanceId: string, until: WaitCondition, caller: WaitEnd): Promise<InstanceRecord | undefined> {
    const satisfied = (status: OrchestrationStatus) => (until === 'start' ? status !== 'PENDING' : isTerminal(status));
    const { promise, resolve } = withResolvers<void>();
    // Register before reading, so a change between the read and the registration is not missed.
    const unregister = this.#d.waiters.add(hub, instanceId, (status) => {
      if (satisfied(status)) resolve();
    });
    // Resolving a settled promise does nothing: the listener may outlive the wait.
    caller.onEnd(() => resolve());
    try {
      const current = await this.getInstance(hub, instanceId);
      if (current === undefined || satisfied(current.status)) return current;
      await promise;
      if (caller.ended) throw new ServerError('CANCELLED', 'the caller cancelled the wait');
      return await this.getInstance(hub, instanceId);
    } finally {
      unregister();
    }
  }

  async raiseEvent(hub: TaskHubName, instanceId: string, name: string, input: string | undefined): Promise<void> {
    const { limits, clock } = this.#d;
    validateName(name, limits, 'name');
    validatePayload(input, limits, 'input');
    const now = clock.now();
    await this.#append(hub, instanceId, { instanceId, event: makeEvent(compact({ kind: 'eventRaised' as const, name, input }), now), visibleAt: now });
  }

  async terminateInstance(hub: TaskHubName, instanceId: string, output: string | undefined, recurse: boolean): Promise<void> {
    validatePayload(output, this.#d.limits, 'output');
    const now = this.#d.clock.now();
    const event = makeEvent(compact({ kind: 'executionTerminated' as const, recurse, input: output }), now);
    const instance = await this.#d.store.getInstance(hub, instanceId);
    if (instance === undefined) throw notFound(instanceId);
    if (isTerminal(instance.status)) return;
    await this.#append(hub, instanceId, { instanceId, event, visibleAt: now });
  }

  async suspendInstance(hub: TaskHubName, instanceId: string, reason: string | undefined): Promise<void> {
    await this.#suspendOrResume(hub, instanceId, reason, 'executionSuspended', { from: ['RUNNING', 'PENDING'], to: 'SUSPENDED' });
  }

  async resumeInstance(hub: TaskHubName, instanceId: string, reason: string | undefined): Promise<void> {
    await this.#suspendOrResume(hub, instanceId, reason, 'executionResumed', { from: ['SUSPENDED'], to: 'RUNNING' });
  }

  async #suspendOrResume(
    hub: TaskHubName,
    instanceId: string,
    reason: string | undefined,
    kind: 'executionSuspended' | 'executionResumed',
    change: StatusChange,
  ): Promise<void> {
    validatePayload(reason, this.#d.limits, 'reason');
    const current = await this.#d.store.getInstance(hub, instanceId);
    if (current === undefined) throw notFound(instanceId);
    // Suspending a suspended instance, or resuming a running one, changes nothing.
    if (isTerminal(current.status) || !change.from.includes(current.status)) return;
    const now = this.#d.clock.now();
    const event = makeEvent(compact({ kind, input: reason }), now);
    await this.#append(hub, instanceId, { instanceId, event, visibleAt: now }, change);
  }

  async #append(hub: TaskHubName, instanceId: string, message: InboxMessage, change?: StatusChange): Promise<void> {
    const updated = await this.#d.store.appendInboxMessage(hub, message, this.#d.clock.now(), change);
    if (updated === undefined) throw notFound(instanceId);
  }
}

function notFound(instanceId: string): ServerError {
  return new ServerError('INSTANCE_NOT_FOUND', `no orchestration instance has the id '${instanceId}'`);
}

function withResolvers<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
