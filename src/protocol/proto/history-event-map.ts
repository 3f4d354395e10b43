/**
 * Mapping of `HistoryEvent` between protobuf and domain data, for all 28 event kinds; this file
 * writes messages and re-exports the reading side from `history-event-from-proto.ts`.
 * `historyEventToProto` runs for every event of every dispatched orchestration work item, so it
 * dispatches through one table, builds no wrapper for an absent value, creates no tag map it
 * does not fill, and shares one empty sub-message between field-less events. Local shorthand:
 * `sv` builds a StringValue (undefined stays unset). `HistoryStateEvent` maps only its presence.
 */
import type {
  EntityLockRequested,
  EntityOperationCalled,
  EntityOperationSignaled,
  EntityUnlockSent,
  HistoryEvent,
  HistoryEventKind,
} from '../../domain/history-event.ts';
import {
  setTags,
  toFailureDetails as toFailure,
  toOrchestrationInstance,
  toOrchestrationStatus,
  toParentInstance,
  toStringValue as sv,
  toTimestamp,
  toTimestampOptional,
  toTraceContext,
} from './common-map.ts';
import { proto, type pb } from './load.ts';

export { historyEventFromProto } from './history-event-from-proto.ts';
export {
  entityLockRequestedFromProto,
  entityOperationCalledFromProto,
  entityOperationSignaledFromProto,
  entityUnlockSentFromProto,
} from './history-event-from-proto.ts';

type EventOf<K extends HistoryEventKind> = Extract<HistoryEvent, { kind: K }>;
type ToProto = { [K in HistoryEventKind]: (e: EventOf<K>, m: pb.HistoryEvent) => void };

export function historyEventToProto(e: HistoryEvent): pb.HistoryEvent {
  const m = new proto.HistoryEvent();
  m.setEventid(e.eventId);
  m.setTimestamp(toTimestamp(e.timestamp));
  (TO_PROTO[e.kind] as (e: HistoryEvent, m: pb.HistoryEvent) => void)(e, m);
  return m;
}

/** Events without fields share one empty sub-message; it is never mutated. */
let emptyOrchestratorStarted: pb.OrchestratorStartedEvent | undefined;
let emptyOrchestratorCompleted: pb.OrchestratorCompletedEvent | undefined;

const TO_PROTO: ToProto = {
  executionStarted(e, m) {
    const x = new proto.ExecutionStartedEvent();
    x.setName(e.name).setVersion(sv(e.version)).setInput(sv(e.input));
    x.setOrchestrationinstance(toOrchestrationInstance(e.orchestrationInstance));
    x.setParentinstance(toParentInstance(e.parentInstance));
    x.setScheduledstarttimestamp(toTimestampOptional(e.scheduledStartTimestamp));
    x.setParenttracecontext(toTraceContext(e.parentTraceContext)).setOrchestrationspanid(sv(e.orchestrationSpanId));
    setTags(x, e.tags);
    m.setExecutionstarted(x);
  },
  executionCompleted(e, m) {
    const x = new proto.ExecutionCompletedEvent().setOrchestrationstatus(toOrchestrationStatus(e.orchestrationStatus));
    m.setExecutioncompleted(x.setResult(sv(e.result)).setFailuredetails(toFailure(e.failureDetails)));
  },
  executionTerminated(e, m) {
    m.setExecutionterminated(new proto.ExecutionTerminatedEvent().setInput(sv(e.input)).setRecurse(e.recurse));
  },
  taskScheduled(e, m) {
    const x = new proto.TaskScheduledEvent().setName(e.name).setVersion(sv(e.version)).setInput(sv(e.input));
    x.setParenttracecontext(toTraceContext(e.parentTraceContext));
    setTags(x, e.tags);
    m.setTaskscheduled(x);
  },
  taskCompleted(e, m) {
    m.setTaskcompleted(new proto.TaskCompletedEvent().setTaskscheduledid(e.taskScheduledId).setResult(sv(e.result)));
  },
  taskFailed(e, m) {
    const x = new proto.TaskFailedEvent().setTaskscheduledid(e.taskScheduledId);
    m.setTaskfailed(x.setFailuredetails(toFailure(e.failureDetails)));
  },
  subOrchestrationInstanceCreated(e, m) {
    const x = new proto.SubOrchestrationInstanceCreatedEvent().setInstanceid(e.instanceId).setName(e.name);
    x.setVersion(sv(e.version)).setInput(sv(e.input)).setParenttracecontext(toTraceContext(e.parentTraceContext));
    setTags(x, e.tags);
    m.setSuborchestrationinstancecreated(x);
  },
  subOrchestrationInstanceCompleted(e, m) {
    const x = new proto.SubOrchestrationInstanceCompletedEvent().setTaskscheduledid(e.taskScheduledId);
    m.setSuborchestrationinstancecompleted(x.setResult(sv(e.result)));
  },
  subOrchestrationInstanceFailed(e, m) {
    const x = new proto.SubOrchestrationInstanceFailedEvent().setTaskscheduledid(e.taskScheduledId);
    m.setSuborchestrationinstancefailed(x.setFailuredetails(toFailure(e.failureDetails)));
  },
  timerCreated(e, m) {
    m.setTimercreated(new proto.TimerCreatedEvent().setFireat(toTimestamp(e.fireAt)));
  },
  timerFired(e, m) {
    m.setTimerfired(new proto.TimerFiredEvent().setFireat(toTimestamp(e.fireAt)).setTimerid(e.timerId));
  },
  orchestratorStarted(_e, m) {
    m.setOrchestratorstarted((emptyOrchestratorStarted ??= new proto.OrchestratorStartedEvent()));
  },
  orchestratorCompleted(_e, m) {
    m.setOrchestratorcompleted((emptyOrchestratorCompleted ??= new proto.OrchestratorCompletedEvent()));
  },
  eventSent(e, m) {
    m.setEventsent(new proto.EventSentEvent().setInstanceid(e.instanceId).setName(e.name).setInput(sv(e.input)));
  },
  eventRaised(e, m) {
    m.setEventraised(new proto.EventRaisedEvent().setName(e.name).setInput(sv(e.input)));
  },
  genericEvent(e, m) {
    m.setGenericevent(new proto.GenericEvent().setData(sv(e.data)));
  },
  historyState(_e, m) {
    m.setHistorystate(new proto.HistoryStateEvent());
  },
  continueAsNew(e, m) {
    m.setContinueasnew(new proto.ContinueAsNewEvent().setInput(sv(e.input)));
  },
  executionSuspended(e, m) {
    m.setExecutionsuspended(new proto.ExecutionSuspendedEvent().setInput(sv(e.input)));
  },
  executionResumed(e, m) {
    m.setExecutionresumed(new proto.ExecutionResumedEvent().setInput(sv(e.input)));
  },
  entityOperationSignaled(e, m) {
    m.setEntityoperationsignaled(entityOperationSignaledToProto(e));
  },
  entityOperationCalled(e, m) {
    m.setEntityoperationcalled(entityOperationCalledToProto(e));
  },
  entityLockRequested(e, m) {
    m.setEntitylockrequested(entityLockRequestedToProto(e));
  },
  entityOperationCompleted(e, m) {
    m.setEntityoperationcompleted(new proto.EntityOperationCompletedEvent().setRequestid(e.requestId).setOutput(sv(e.output)));
  },
  entityOperationFailed(e, m) {
    const x = new proto.EntityOperationFailedEvent().setRequestid(e.requestId);
    m.setEntityoperationfailed(x.setFailuredetails(toFailure(e.failureDetails)));
  },
  entityUnlockSent(e, m) {
    m.setEntityunlocksent(entityUnlockSentToProto(e));
  },
  entityLockGranted(e, m) {
    m.setEntitylockgranted(new proto.EntityLockGrantedEvent().setCriticalsectionid(e.criticalSectionId));
  },
  executionRewound(e, m) {
    const x = new proto.ExecutionRewoundEvent().setReason(sv(e.reason)).setParentexecutionid(sv(e.parentExecutionId));
    x.setInstanceid(sv(e.instanceId)).setParenttracecontext(toTraceContext(e.parentTraceContext));
    x.setName(sv(e.name)).setVersion(sv(e.version)).setInput(sv(e.input));
    x.setParentinstance(toParentInstance(e.parentInstance));
    setTags(x, e.tags);
    m.setExecutionrewound(x);
  },
};

export function entityOperationSignaledToProto(e: EntityOperationSignaled): pb.EntityOperationSignaledEvent {
  const x = new proto.EntityOperationSignaledEvent().setRequestid(e.requestId).setOperation(e.operation);
  x.setScheduledtime(toTimestampOptional(e.scheduledTime)).setInput(sv(e.input));
  return x.setTargetinstanceid(sv(e.targetInstanceId));
}

export function entityOperationCalledToProto(e: EntityOperationCalled): pb.EntityOperationCalledEvent {
  const x = new proto.EntityOperationCalledEvent().setRequestid(e.requestId).setOperation(e.operation);
  x.setScheduledtime(toTimestampOptional(e.scheduledTime)).setInput(sv(e.input));
  x.setParentinstanceid(sv(e.parentInstanceId)).setParentexecutionid(sv(e.parentExecutionId));
  return x.setTargetinstanceid(sv(e.targetInstanceId));
}

export function entityLockRequestedToProto(e: EntityLockRequested): pb.EntityLockRequestedEvent {
  const x = new proto.EntityLockRequestedEvent().setCriticalsectionid(e.criticalSectionId);
  return x.setLocksetList(e.lockSet.slice()).setPosition(e.position).setParentinstanceid(sv(e.parentInstanceId));
}

export function entityUnlockSentToProto(e: EntityUnlockSent): pb.EntityUnlockSentEvent {
  const x = new proto.EntityUnlockSentEvent().setCriticalsectionid(e.criticalSectionId);
  return x.setParentinstanceid(sv(e.parentInstanceId)).setTargetinstanceid(sv(e.targetInstanceId));
}

