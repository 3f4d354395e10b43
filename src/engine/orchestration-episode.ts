/**
 * The orchestration state machine: turns one episode (the events a worker saw and the actions it
 * returned) into the exact set of writes for the store. Pure: time, ids and limits come in as
 * arguments, nothing is read or written here.
 */
import { ServerError } from '../domain/errors.ts';
import {
  isTerminal,
  makeEvent,
  type ExecutionStarted,
  type FailureDetails,
  type HistoryEvent,
  type OrchestrationStatus,
} from '../domain/history-event.ts';
import type { InstanceRecord } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import type { OrchestratorAction, OrchestratorResponse } from '../domain/orchestrator-action.ts';
import { validateInstanceId, validatePayload } from '../domain/validate.ts';
import { compact } from '../lib/compact.ts';
import type { ActivityTask, ChildInstance, EntityMessage, InboxMessage, LeaseToken, OrchestrationCompletion } from '../store/work-store.ts';
import { actionPayloads, failure, parentNotification, REPLACEABLE_BY_DEFAULT } from './episode-rules.ts';
import { entityMessageFromAction, releaseHeldLocks } from './orchestration-entity-messages.ts';
import { rewindCompletion } from './rewind.ts';
import { versionForFilters } from './work-item-filters.ts';

export interface EpisodeInput {
  instance: InstanceRecord;
  /** The committed history the worker replayed. */
  pastEvents: readonly HistoryEvent[];
  /** The events the worker ran, OrchestratorStarted first. */
  newEvents: readonly HistoryEvent[];
  /** Inbox seq of each new event after the first (OrchestratorStarted has none). */
  newEventSeqs: readonly number[];
  /** Inbox seqs claimed but dropped (not shown to the worker); always consumed. */
  droppedSeqs: readonly number[];
  response: OrchestratorResponse;
  lease: LeaseToken;
  now: number;
  newExecutionId: () => string;
  limits: Limits;
}

interface Outputs {
  append: HistoryEvent[];
  activities: ActivityTask[];
  messages: InboxMessage[];
  children: ChildInstance[];
  entityMessages: EntityMessage[];
}

export function runEpisode(input: EpisodeInput): OrchestrationCompletion {
  const { response, limits } = input;
  const processed = processedCount(input);
  const seen = input.newEvents.slice(0, processed);
  const consumedSeqs = [...input.droppedSeqs, ...input.newEventSeqs.slice(0, processed - 1)];
  const started = findExecutionStarted(input.pastEvents, seen);
  const status = statusAfterEvents(input.instance.status, seen);
  const customStatus = response.customStatus === '' ? undefined : response.customStatus;
  const instance: InstanceRecord = { ...input.instance, status, lastUpdatedAt: input.now };
  if (customStatus === undefined) delete instance.customStatus;
  else instance.customStatus = customStatus;
  if (started !== undefined && input.instance.status === 'PENDING') instance.input = started.input ?? instance.input;

  const out: Outputs = { append: [...seen], activities: [], messages: [], children: [], entityMessages: [] };
  const base = { consumedSeqs, instance, history: { reset: false, startIndex: input.pastEvents.length, append: out.append } };
  try {
    validatePayload(customStatus, limits, 'customStatus');
    if (response.actions.length > limits.actionsPerResponseMax) {
      throw new ServerError('RESOURCE_EXHAUSTED', `the orchestrator returned ${response.actions.length} actions; the maximum is ${limits.actionsPerResponseMax}`);
    }
    for (const action of response.actions) {
      const done = applyAction(action, input, started, out, instance);
      if (done === 'continuedAsNew') return continueAsNew(action, input, instance, consumedSeqs);
      if (done === 'rewound' && action.kind === 'rewindOrchestration') {
        const { lease, now, newExecutionId } = input;
        return rewindCompletion(action, { instance, lease, consumedSeqs, now, newExecutionId, historyEventsMax: limits.historyEventsMax });
      }
      if (done === 'completed') break;
    }
    const total = input.pastEvents.length + out.append.length;
    if (total > limits.historyEventsMax && !isTerminal(instance.status)) {
      throw new ServerError('RESOURCE_EXHAUSTED', `the history has ${total} events; the maximum is ${limits.historyEventsMax}`);
    }
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    return failEpisode(input, started, seen, base, error);
  }
  // An execution that ends releases the entity locks it still holds.
  const released = isTerminal(instance.status) ? releaseHeldLocks([...input.pastEvents, ...out.append], instance.instanceId, input.now) : [];
  const entityMessages = [...out.entityMessages, ...released];
  return { ...base, lease: input.lease, claimedStatus: input.instance.status, activities: out.activities, messages: out.messages, children: out.children, entityMessages };
}

function processedCount(input: EpisodeInput): number {
  const n = input.response.numEventsProcessed;
  if (n === undefined || n >= input.newEvents.length) return input.newEvents.length;
  // OrchestratorStarted is always part of what was processed.
  return Math.max(1, n);
}

function findExecutionStarted(past: readonly HistoryEvent[], seen: readonly HistoryEvent[]): ExecutionStarted | undefined {
  for (const list of [past, seen]) {
    // ExecutionStarted is the first or second event of an execution; look no further.
    for (let i = 0; i < Math.min(list.length, 3); i++) {
      const event = list[i];
      if (event?.kind === 'executionStarted') return event;
    }
  }
  return undefined;
}

function statusAfterEvents(status: OrchestrationStatus, events: readonly HistoryEvent[]): OrchestrationStatus {
  let next = status;
  for (const event of events) {
    if (event.kind === 'executionStarted' && next === 'PENDING') next = 'RUNNING';
    else if (event.kind === 'executionSuspended') next = 'SUSPENDED';
    else if (event.kind === 'executionResumed') next = 'RUNNING';
  }
  return next;
}


type ActionOutcome = 'continue' | 'completed' | 'continuedAsNew' | 'rewound';

function applyAction(
  action: OrchestratorAction,
  input: EpisodeInput,
  started: ExecutionStarted | undefined,
  out: Outputs,
  instance: InstanceRecord,
): ActionOutcome {
  const { now, limits } = input;
  for (const [field, value] of actionPayloads(action)) validatePayload(value, limits, field);
  const self = { instanceId: instance.instanceId, executionId: instance.executionId };
  switch (action.kind) {
    case 'scheduleTask': {
      const { kind: _k, id, ...task } = action;
      out.append.push(makeEvent({ ...task, kind: 'taskScheduled' }, now, id));
      // Without a version of its own, the activity runs as its orchestration's version, so that
      // versioned work-item filters match it (the .NET SDK sends that version itself).
      const version = task.version !== undefined && task.version !== '' ? task.version : versionForFilters(instance.version, started);
      out.activities.push(compact({ ...self, ...task, taskId: id, version: version ?? task.version }));
      return 'continue';
    }
    case 'createSubOrchestration':
      out.children.push(childInstance(action, input, started, out));
      return 'continue';
    case 'createTimer':
      out.append.push(makeEvent({ kind: 'timerCreated', fireAt: action.fireAt }, now, action.id));
      out.messages.push({
        ...self,
        event: makeEvent({ kind: 'timerFired', fireAt: action.fireAt, timerId: action.id }, now),
        visibleAt: action.fireAt,
      });
      return 'continue';
    case 'sendEvent':
      validateInstanceId(action.instanceId, limits, 'sendEvent.instanceId');
      out.append.push(makeEvent(compact({ kind: 'eventSent' as const, instanceId: action.instanceId, name: action.name, input: action.data }), now, action.id));
      out.messages.push({
        instanceId: action.instanceId,
        event: makeEvent(compact({ kind: 'eventRaised' as const, name: action.name, input: action.data }), now),
        visibleAt: now,
      });
      return 'continue';
    case 'terminateOrchestration':
      out.messages.push({
        instanceId: action.instanceId,
        event: makeEvent(compact({ kind: 'executionTerminated' as const, recurse: action.recurse, input: action.reason }), now),
        visibleAt: now,
      });
      return 'continue';
    case 'completeOrchestration':
      if (action.orchestrationStatus === 'CONTINUED_AS_NEW') return 'continuedAsNew';
      completeInstance(action, input, started, out, instance);
      return 'completed';
    case 'sendEntityMessage': {
      const { event, message } = entityMessageFromAction(action, instance, now, limits);
      out.append.push(event);
      out.entityMessages.push(message);
      return 'continue';
    }
    case 'rewindOrchestration':
      return 'rewound';
    case 'unknown':
      throw new ServerError('INVALID_ARGUMENT', `unknown orchestrator action (field ${action.caseNumber})`);
  }
}

function childInstance(
  action: Extract<OrchestratorAction, { kind: 'createSubOrchestration' }>,
  input: EpisodeInput,
  started: ExecutionStarted | undefined,
  out: Outputs,
): ChildInstance {
  const { now, instance: parent } = input;
  const instanceId = action.instanceId !== '' ? action.instanceId : `${parent.instanceId}:${action.id.toString(16).padStart(4, '0')}`;
  validateInstanceId(instanceId, input.limits, 'createSubOrchestration.instanceId');
  const { kind: _k, id, instanceId: _i, ...spec } = action;
  out.append.push(makeEvent({ ...spec, kind: 'subOrchestrationInstanceCreated', instanceId }, now, id));
  const executionId = input.newExecutionId();
  const startEvent = makeEvent(
    {
      ...spec,
      kind: 'executionStarted',
      orchestrationInstance: { instanceId, executionId },
      parentInstance: compact({
        taskScheduledId: id,
        name: parent.name,
        version: started?.version,
        orchestrationInstance: { instanceId: parent.instanceId, executionId: parent.executionId },
      }),
    },
    now,
  );
  const child: InstanceRecord = compact({
    instanceId, executionId, name: action.name, status: 'PENDING', createdAt: now, lastUpdatedAt: now, parentInstanceId: parent.instanceId,
    version: action.version, input: action.input, tags: action.tags,
  });
  return {
    instance: child,
    startEvent,
    startVisibleAt: now,
    replaceableStatuses: REPLACEABLE_BY_DEFAULT,
    onConflict: {
      instanceId: parent.instanceId,
      executionId: parent.executionId,
      event: makeEvent(
        {
          kind: 'subOrchestrationInstanceFailed',
          taskScheduledId: id,
          failureDetails: failure('OrchestrationAlreadyExists', `an orchestration with instance id '${instanceId}' already exists and is not finished`),
        },
        now,
      ),
      visibleAt: now,
    },
  };
}

function completeInstance(
  action: Extract<OrchestratorAction, { kind: 'completeOrchestration' }>,
  input: EpisodeInput,
  started: ExecutionStarted | undefined,
  out: Outputs,
  instance: InstanceRecord,
): void {
  const { now } = input;
  let failureDetails = action.failureDetails;
  if (action.orchestrationStatus === 'FAILED' && failureDetails === undefined) {
    // JS-Dapr reports worker-side failures as text in `result`.
    failureDetails = failure('OrchestrationFailed', action.result ?? 'the orchestration failed');
  }
  const completed = compact({ kind: 'executionCompleted' as const, orchestrationStatus: action.orchestrationStatus, result: action.result, failureDetails });
  out.append.push(makeEvent(completed, now, action.id));
  setTerminal(instance, action.orchestrationStatus, now, action.result, failureDetails);
  const notice = parentNotification(started, action.orchestrationStatus, action.result, failureDetails, now);
  if (notice !== undefined) out.messages.push(notice);
}

export function setTerminal(
  instance: InstanceRecord,
  status: OrchestrationStatus,
  now: number,
  output: string | undefined,
  failureDetails: FailureDetails | undefined,
): void {
  instance.status = status;
  instance.completedAt = now;
  instance.lastUpdatedAt = now;
  if (output === undefined) delete instance.output;
  else instance.output = output;
  if (failureDetails === undefined) delete instance.failureDetails;
  else instance.failureDetails = failureDetails;
}

function continueAsNew(
  action: OrchestratorAction,
  input: EpisodeInput,
  instance: InstanceRecord,
  consumedSeqs: number[],
): OrchestrationCompletion {
  if (action.kind !== 'completeOrchestration') throw new Error('unreachable');
  const { now } = input;
  const executionId = input.newExecutionId();
  const next: InstanceRecord = { ...instance, executionId, status: 'RUNNING', lastUpdatedAt: now };
  delete next.output;
  delete next.failureDetails;
  delete next.completedAt;
  if (action.result === undefined) delete next.input;
  else next.input = action.result;
  if (action.newVersion !== undefined) next.version = action.newVersion;
  if (action.tags !== undefined) next.tags = { ...next.tags, ...action.tags };
  const started = findExecutionStarted(input.pastEvents, input.newEvents);
  const startEvent = makeEvent(compact({
    kind: 'executionStarted' as const,
    name: instance.name,
    orchestrationInstance: { instanceId: instance.instanceId, executionId },
    version: next.version,
    input: next.input,
    parentInstance: started?.parentInstance,
    tags: next.tags,
  }), now);
  const self = { instanceId: instance.instanceId, executionId, visibleAt: now };
  const messages: InboxMessage[] = [{ ...self, event: startEvent }];
  for (const event of action.carryoverEvents) messages.push({ ...self, event: { ...event, timestamp: now } });
  return {
    lease: input.lease,
    claimedStatus: input.instance.status,
    consumedSeqs,
    instance: next,
    history: { reset: true, startIndex: 0, append: [] },
    activities: [],
    messages,
    children: [],
    // The new execution knows nothing of the old one's critical sections.
    entityMessages: releaseHeldLocks([...input.pastEvents, ...input.newEvents], instance.instanceId, now),
  };
}

function failEpisode(
  input: EpisodeInput,
  started: ExecutionStarted | undefined,
  seen: readonly HistoryEvent[],
  base: Pick<OrchestrationCompletion, 'consumedSeqs' | 'instance'>,
  error: ServerError,
): OrchestrationCompletion {
  const { now } = input;
  const details = failure(error.code, error.message, true);
  const instance = { ...base.instance };
  setTerminal(instance, 'FAILED', now, undefined, details);
  const append = [...seen, makeEvent({ kind: 'executionCompleted', orchestrationStatus: 'FAILED', failureDetails: details }, now)];
  const notice = parentNotification(started, 'FAILED', undefined, details, now);
  return {
    lease: input.lease,
    claimedStatus: input.instance.status,
    consumedSeqs: base.consumedSeqs,
    instance,
    history: { reset: false, startIndex: input.pastEvents.length, append },
    activities: [],
    messages: notice === undefined ? [] : [notice],
    children: [],
    entityMessages: releaseHeldLocks([...input.pastEvents, ...seen], input.instance.instanceId, now),
  };
}
