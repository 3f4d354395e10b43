/**
 * History events as plain data: the engine's vocabulary for everything that happens to an
 * orchestration. Field names follow the Durable Task protocol; times are epoch milliseconds.
 * This module must not know about protobuf or storage; `protocol/` maps to and from the wire.
 */

/** JSON-compatible value, as carried by `google.protobuf.Value` maps. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface FailureDetails {
  errorType: string;
  errorMessage: string;
  stackTrace?: string;
  innerFailure?: FailureDetails;
  isNonRetriable: boolean;
  properties?: Record<string, JsonValue>;
}

export interface TraceContext {
  traceParent: string;
  spanId: string;
  traceState?: string;
}

export interface OrchestrationInstanceRef {
  instanceId: string;
  executionId?: string;
}

export interface ParentInstance {
  taskScheduledId: number;
  name?: string;
  version?: string;
  orchestrationInstance: OrchestrationInstanceRef;
}

export type Tags = Record<string, string>;

export type OrchestrationStatus =
  | 'RUNNING'
  | 'COMPLETED'
  | 'CONTINUED_AS_NEW'
  | 'FAILED'
  | 'CANCELED'
  | 'TERMINATED'
  | 'PENDING'
  | 'SUSPENDED';

export const ORCHESTRATION_STATUSES: readonly OrchestrationStatus[] = [
  'RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW', 'FAILED', 'CANCELED', 'TERMINATED', 'PENDING', 'SUSPENDED',
];

export const TERMINAL_STATUSES: ReadonlySet<OrchestrationStatus> = new Set([
  'COMPLETED',
  'FAILED',
  'TERMINATED',
  'CANCELED',
]);

export function isTerminal(status: OrchestrationStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * The status a completed episode leaves: its own, unless the stored status was changed after the
 * claim (a suspend or resume whose message is still queued) and the episode did not end the
 * orchestration; then the stored one, which the next episode confirms.
 */
export function statusAfterEpisode(episode: OrchestrationStatus, claimed: OrchestrationStatus, stored: OrchestrationStatus): OrchestrationStatus {
  return isTerminal(episode) || stored === claimed ? episode : stored;
}

export interface ExecutionStarted {
  kind: 'executionStarted';
  name: string;
  version?: string;
  input?: string;
  orchestrationInstance: OrchestrationInstanceRef;
  parentInstance?: ParentInstance;
  scheduledStartTimestamp?: number;
  parentTraceContext?: TraceContext;
  orchestrationSpanId?: string;
  tags?: Tags;
}
export interface ExecutionCompleted {
  kind: 'executionCompleted';
  orchestrationStatus: OrchestrationStatus;
  result?: string;
  failureDetails?: FailureDetails;
}
export interface ExecutionTerminated { kind: 'executionTerminated'; input?: string; recurse: boolean }
export interface TaskScheduled {
  kind: 'taskScheduled';
  name: string;
  version?: string;
  input?: string;
  parentTraceContext?: TraceContext;
  tags?: Tags;
}
export interface TaskCompleted { kind: 'taskCompleted'; taskScheduledId: number; result?: string }
export interface TaskFailed { kind: 'taskFailed'; taskScheduledId: number; failureDetails?: FailureDetails }
export interface SubOrchestrationInstanceCreated {
  kind: 'subOrchestrationInstanceCreated';
  instanceId: string;
  name: string;
  version?: string;
  input?: string;
  parentTraceContext?: TraceContext;
  tags?: Tags;
}
export interface SubOrchestrationInstanceCompleted {
  kind: 'subOrchestrationInstanceCompleted';
  taskScheduledId: number;
  result?: string;
}
export interface SubOrchestrationInstanceFailed {
  kind: 'subOrchestrationInstanceFailed';
  taskScheduledId: number;
  failureDetails?: FailureDetails;
}
export interface TimerCreated { kind: 'timerCreated'; fireAt: number }
export interface TimerFired { kind: 'timerFired'; fireAt: number; timerId: number }
export interface OrchestratorStarted { kind: 'orchestratorStarted' }
export interface OrchestratorCompleted { kind: 'orchestratorCompleted' }
export interface EventSent { kind: 'eventSent'; instanceId: string; name: string; input?: string }
export interface EventRaised { kind: 'eventRaised'; name: string; input?: string }
export interface GenericEvent { kind: 'genericEvent'; data?: string }
export interface HistoryState { kind: 'historyState' }
export interface ContinueAsNew { kind: 'continueAsNew'; input?: string }
export interface ExecutionSuspended { kind: 'executionSuspended'; input?: string }
export interface ExecutionResumed { kind: 'executionResumed'; input?: string }
export interface EntityOperationSignaled {
  kind: 'entityOperationSignaled';
  requestId: string;
  operation: string;
  scheduledTime?: number;
  input?: string;
  targetInstanceId?: string;
}
export interface EntityOperationCalled {
  kind: 'entityOperationCalled';
  requestId: string;
  operation: string;
  scheduledTime?: number;
  input?: string;
  parentInstanceId?: string;
  parentExecutionId?: string;
  targetInstanceId?: string;
}
export interface EntityLockRequested {
  kind: 'entityLockRequested';
  criticalSectionId: string;
  lockSet: string[];
  position: number;
  parentInstanceId?: string;
}
export interface EntityOperationCompleted { kind: 'entityOperationCompleted'; requestId: string; output?: string }
export interface EntityOperationFailed {
  kind: 'entityOperationFailed';
  requestId: string;
  failureDetails?: FailureDetails;
}
export interface EntityUnlockSent {
  kind: 'entityUnlockSent';
  criticalSectionId: string;
  parentInstanceId?: string;
  targetInstanceId?: string;
}
export interface EntityLockGranted { kind: 'entityLockGranted'; criticalSectionId: string }
export interface ExecutionRewound {
  kind: 'executionRewound';
  reason?: string;
  parentExecutionId?: string;
  instanceId?: string;
  parentTraceContext?: TraceContext;
  name?: string;
  version?: string;
  input?: string;
  parentInstance?: ParentInstance;
  tags?: Tags;
}

export type HistoryEventBody =
  | ExecutionStarted
  | ExecutionCompleted
  | ExecutionTerminated
  | TaskScheduled
  | TaskCompleted
  | TaskFailed
  | SubOrchestrationInstanceCreated
  | SubOrchestrationInstanceCompleted
  | SubOrchestrationInstanceFailed
  | TimerCreated
  | TimerFired
  | OrchestratorStarted
  | OrchestratorCompleted
  | EventSent
  | EventRaised
  | GenericEvent
  | HistoryState
  | ContinueAsNew
  | ExecutionSuspended
  | ExecutionResumed
  | EntityOperationSignaled
  | EntityOperationCalled
  | EntityLockRequested
  | EntityOperationCompleted
  | EntityOperationFailed
  | EntityUnlockSent
  | EntityLockGranted
  | ExecutionRewound;

export type HistoryEventKind = HistoryEventBody['kind'];

/** `eventId` is the action id for events that confirm an action, otherwise -1. */
export type HistoryEvent = HistoryEventBody & { eventId: number; timestamp: number };

export function makeEvent<B extends HistoryEventBody>(body: B, timestamp: number, eventId = -1): B & HistoryEvent {
  return { eventId, timestamp, ...body } as B & HistoryEvent;
}
