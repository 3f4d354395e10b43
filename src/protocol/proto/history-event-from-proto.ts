/**
 * Reading `HistoryEvent` messages into domain events, for all 28 event kinds: the events workers
 * send back (carryover events of continue-as-new, the new history of a rewind, entity messages).
 * An event whose `eventType` oneof is unset is rejected. `HistoryStateEvent` maps only its
 * presence. Use it through `history-event-map.ts`, which owns the other direction too.
 * Local shorthand: `str` reads a StringValue (absent stays absent, present-but-empty is '').
 */
import { ServerError } from '../../domain/errors.ts';
import type {
  EntityLockRequested,
  EntityOperationCalled,
  EntityOperationCompleted,
  EntityOperationFailed,
  EntityOperationSignaled,
  EntityUnlockSent,
  EventRaised,
  EventSent,
  ExecutionCompleted,
  ExecutionRewound,
  ExecutionStarted,
  ExecutionTerminated,
  HistoryEvent,
  HistoryEventBody,
  SubOrchestrationInstanceCompleted,
  SubOrchestrationInstanceCreated,
  SubOrchestrationInstanceFailed,
  TaskCompleted,
  TaskFailed,
  TaskScheduled,
  TimerFired,
} from '../../domain/history-event.ts';
import { compact } from '../../lib/compact.ts';
import {
  fromFailureDetails as fromFailure,
  fromOrchestrationInstance,
  fromOrchestrationStatus,
  fromParentInstance,
  fromStringValue as str,
  fromTags,
  fromTimestamp,
  fromTraceContext,
} from './common-map.ts';
import { proto, type pb } from './load.ts';

/** Reads one event; an event whose `eventType` oneof is unset is `INVALID_ARGUMENT`. */
export function historyEventFromProto(m: pb.HistoryEvent): HistoryEvent {
  const event = bodyFromProto(m) as HistoryEvent;
  event.eventId = m.getEventid();
  // A worker that omits the timestamp gets the epoch rather than a failed completion.
  event.timestamp = fromTimestamp(m.getTimestamp()) ?? 0;
  return event;
}

function bodyFromProto(m: pb.HistoryEvent): HistoryEventBody {
  const C = proto.HistoryEvent.EventtypeCase;
  switch (m.getEventtypeCase()) {
    case C.EXECUTIONSTARTED: return executionStartedFromProto(m.getExecutionstarted()!);
    case C.EXECUTIONCOMPLETED: return executionCompletedFromProto(m.getExecutioncompleted()!);
    case C.EXECUTIONTERMINATED: return executionTerminatedFromProto(m.getExecutionterminated()!);
    case C.TASKSCHEDULED: return taskScheduledFromProto(m.getTaskscheduled()!);
    case C.TASKCOMPLETED: return taskCompletedFromProto(m.getTaskcompleted()!);
    case C.TASKFAILED: return taskFailedFromProto(m.getTaskfailed()!);
    case C.SUBORCHESTRATIONINSTANCECREATED: return subOrchestrationCreatedFromProto(m.getSuborchestrationinstancecreated()!);
    case C.SUBORCHESTRATIONINSTANCECOMPLETED: return subOrchestrationCompletedFromProto(m.getSuborchestrationinstancecompleted()!);
    case C.SUBORCHESTRATIONINSTANCEFAILED: return subOrchestrationFailedFromProto(m.getSuborchestrationinstancefailed()!);
    case C.TIMERCREATED: return { kind: 'timerCreated', fireAt: fromTimestamp(m.getTimercreated()!.getFireat()) ?? 0 };
    case C.TIMERFIRED: return timerFiredFromProto(m.getTimerfired()!);
    case C.ORCHESTRATORSTARTED: return { kind: 'orchestratorStarted' };
    case C.ORCHESTRATORCOMPLETED: return { kind: 'orchestratorCompleted' };
    case C.EVENTSENT: return eventSentFromProto(m.getEventsent()!);
    case C.EVENTRAISED: return eventRaisedFromProto(m.getEventraised()!);
    case C.GENERICEVENT: return compact({ kind: 'genericEvent', data: str(m.getGenericevent()!.getData()) });
    case C.HISTORYSTATE: return { kind: 'historyState' };
    case C.CONTINUEASNEW: return compact({ kind: 'continueAsNew', input: str(m.getContinueasnew()!.getInput()) });
    case C.EXECUTIONSUSPENDED: return compact({ kind: 'executionSuspended', input: str(m.getExecutionsuspended()!.getInput()) });
    case C.EXECUTIONRESUMED: return compact({ kind: 'executionResumed', input: str(m.getExecutionresumed()!.getInput()) });
    case C.ENTITYOPERATIONSIGNALED: return entityOperationSignaledFromProto(m.getEntityoperationsignaled()!);
    case C.ENTITYOPERATIONCALLED: return entityOperationCalledFromProto(m.getEntityoperationcalled()!);
    case C.ENTITYOPERATIONCOMPLETED: return entityOperationCompletedFromProto(m.getEntityoperationcompleted()!);
    case C.ENTITYOPERATIONFAILED: return entityOperationFailedFromProto(m.getEntityoperationfailed()!);
    case C.ENTITYLOCKREQUESTED: return entityLockRequestedFromProto(m.getEntitylockrequested()!);
    case C.ENTITYLOCKGRANTED: return { kind: 'entityLockGranted', criticalSectionId: m.getEntitylockgranted()!.getCriticalsectionid() };
    case C.ENTITYUNLOCKSENT: return entityUnlockSentFromProto(m.getEntityunlocksent()!);
    case C.EXECUTIONREWOUND: return executionRewoundFromProto(m.getExecutionrewound()!);
    default: throw new ServerError('INVALID_ARGUMENT', `History event ${m.getEventid()} has no event type.`);
  }
}

function executionStartedFromProto(x: pb.ExecutionStartedEvent): ExecutionStarted {
  return compact({
    kind: 'executionStarted',
    name: x.getName(),
    version: str(x.getVersion()),
    input: str(x.getInput()),
    orchestrationInstance: fromOrchestrationInstance(x.getOrchestrationinstance()),
    parentInstance: fromParentInstance(x.getParentinstance()),
    scheduledStartTimestamp: fromTimestamp(x.getScheduledstarttimestamp()),
    parentTraceContext: fromTraceContext(x.getParenttracecontext()),
    orchestrationSpanId: str(x.getOrchestrationspanid()),
    tags: fromTags(x.getTagsMap()),
  });
}

function executionCompletedFromProto(x: pb.ExecutionCompletedEvent): ExecutionCompleted {
  return compact({
    kind: 'executionCompleted',
    orchestrationStatus: fromOrchestrationStatus(x.getOrchestrationstatus()),
    result: str(x.getResult()),
    failureDetails: fromFailure(x.getFailuredetails()),
  });
}

function executionTerminatedFromProto(x: pb.ExecutionTerminatedEvent): ExecutionTerminated {
  return compact({ kind: 'executionTerminated', input: str(x.getInput()), recurse: x.getRecurse() });
}

function taskScheduledFromProto(x: pb.TaskScheduledEvent): TaskScheduled {
  return compact({
    kind: 'taskScheduled',
    name: x.getName(),
    version: str(x.getVersion()),
    input: str(x.getInput()),
    parentTraceContext: fromTraceContext(x.getParenttracecontext()),
    tags: fromTags(x.getTagsMap()),
  });
}

function taskCompletedFromProto(x: pb.TaskCompletedEvent): TaskCompleted {
  return compact({ kind: 'taskCompleted', taskScheduledId: x.getTaskscheduledid(), result: str(x.getResult()) });
}

function taskFailedFromProto(x: pb.TaskFailedEvent): TaskFailed {
  const failureDetails = fromFailure(x.getFailuredetails());
  return compact({ kind: 'taskFailed', taskScheduledId: x.getTaskscheduledid(), failureDetails });
}

function subOrchestrationCreatedFromProto(x: pb.SubOrchestrationInstanceCreatedEvent): SubOrchestrationInstanceCreated {
  return compact({
    kind: 'subOrchestrationInstanceCreated',
    instanceId: x.getInstanceid(),
    name: x.getName(),
    version: str(x.getVersion()),
    input: str(x.getInput()),
    parentTraceContext: fromTraceContext(x.getParenttracecontext()),
    tags: fromTags(x.getTagsMap()),
  });
}

function subOrchestrationCompletedFromProto(x: pb.SubOrchestrationInstanceCompletedEvent): SubOrchestrationInstanceCompleted {
  const result = str(x.getResult());
  return compact({ kind: 'subOrchestrationInstanceCompleted', taskScheduledId: x.getTaskscheduledid(), result });
}

function subOrchestrationFailedFromProto(x: pb.SubOrchestrationInstanceFailedEvent): SubOrchestrationInstanceFailed {
  const failureDetails = fromFailure(x.getFailuredetails());
  return compact({ kind: 'subOrchestrationInstanceFailed', taskScheduledId: x.getTaskscheduledid(), failureDetails });
}

function timerFiredFromProto(x: pb.TimerFiredEvent): TimerFired {
  return { kind: 'timerFired', fireAt: fromTimestamp(x.getFireat()) ?? 0, timerId: x.getTimerid() };
}

function eventSentFromProto(x: pb.EventSentEvent): EventSent {
  return compact({ kind: 'eventSent', instanceId: x.getInstanceid(), name: x.getName(), input: str(x.getInput()) });
}

function eventRaisedFromProto(x: pb.EventRaisedEvent): EventRaised {
  return compact({ kind: 'eventRaised', name: x.getName(), input: str(x.getInput()) });
}

export function entityOperationSignaledFromProto(x: pb.EntityOperationSignaledEvent): EntityOperationSignaled {
  return compact({
    kind: 'entityOperationSignaled',
    requestId: x.getRequestid(),
    operation: x.getOperation(),
    scheduledTime: fromTimestamp(x.getScheduledtime()),
    input: str(x.getInput()),
    targetInstanceId: str(x.getTargetinstanceid()),
  });
}

export function entityOperationCalledFromProto(x: pb.EntityOperationCalledEvent): EntityOperationCalled {
  return compact({
    kind: 'entityOperationCalled',
    requestId: x.getRequestid(),
    operation: x.getOperation(),
    scheduledTime: fromTimestamp(x.getScheduledtime()),
    input: str(x.getInput()),
    parentInstanceId: str(x.getParentinstanceid()),
    parentExecutionId: str(x.getParentexecutionid()),
    targetInstanceId: str(x.getTargetinstanceid()),
  });
}

export function entityLockRequestedFromProto(x: pb.EntityLockRequestedEvent): EntityLockRequested {
  return compact({
    kind: 'entityLockRequested',
    criticalSectionId: x.getCriticalsectionid(),
    lockSet: x.getLocksetList().slice(),
    position: x.getPosition(),
    parentInstanceId: str(x.getParentinstanceid()),
  });
}

export function entityUnlockSentFromProto(x: pb.EntityUnlockSentEvent): EntityUnlockSent {
  return compact({
    kind: 'entityUnlockSent',
    criticalSectionId: x.getCriticalsectionid(),
    parentInstanceId: str(x.getParentinstanceid()),
    targetInstanceId: str(x.getTargetinstanceid()),
  });
}

function entityOperationCompletedFromProto(x: pb.EntityOperationCompletedEvent): EntityOperationCompleted {
  return compact({ kind: 'entityOperationCompleted', requestId: x.getRequestid(), output: str(x.getOutput()) });
}

function entityOperationFailedFromProto(x: pb.EntityOperationFailedEvent): EntityOperationFailed {
  const failureDetails = fromFailure(x.getFailuredetails());
  return compact({ kind: 'entityOperationFailed', requestId: x.getRequestid(), failureDetails });
}

function executionRewoundFromProto(x: pb.ExecutionRewoundEvent): ExecutionRewound {
  return compact({
    kind: 'executionRewound',
    reason: str(x.getReason()),
    parentExecutionId: str(x.getParentexecutionid()),
    instanceId: str(x.getInstanceid()),
    parentTraceContext: fromTraceContext(x.getParenttracecontext()),
    name: str(x.getName()),
    version: str(x.getVersion()),
    input: str(x.getInput()),
    parentInstance: fromParentInstance(x.getParentinstance()),
    tags: fromTags(x.getTagsMap()),
  });
}
