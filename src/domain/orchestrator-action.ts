/**
 * The actions an orchestrator returns at the end of an episode (`OrchestratorAction`), as plain
 * data. `id` is the SDK's per-episode sequence number; events that confirm an action reuse it.
 */
import type {
  EntityLockRequested,
  EntityOperationCalled,
  EntityOperationSignaled,
  EntityUnlockSent,
  FailureDetails,
  HistoryEvent,
  OrchestrationStatus,
  Tags,
  TraceContext,
} from './history-event.ts';

export interface ScheduleTaskAction {
  kind: 'scheduleTask';
  name: string;
  version?: string;
  input?: string;
  tags?: Tags;
  parentTraceContext?: TraceContext;
}
export interface CreateSubOrchestrationAction {
  kind: 'createSubOrchestration';
  instanceId: string;
  name: string;
  version?: string;
  input?: string;
  parentTraceContext?: TraceContext;
  tags?: Tags;
}
export interface CreateTimerAction { kind: 'createTimer'; fireAt: number }
export interface SendEventAction { kind: 'sendEvent'; instanceId: string; name: string; data?: string }
export interface CompleteOrchestrationAction {
  kind: 'completeOrchestration';
  orchestrationStatus: OrchestrationStatus;
  result?: string;
  details?: string;
  newVersion?: string;
  carryoverEvents: HistoryEvent[];
  failureDetails?: FailureDetails;
  tags?: Tags;
}
export interface TerminateOrchestrationAction {
  kind: 'terminateOrchestration';
  instanceId: string;
  reason?: string;
  recurse: boolean;
}
export interface SendEntityMessageAction {
  kind: 'sendEntityMessage';
  message: EntityOperationSignaled | EntityOperationCalled | EntityLockRequested | EntityUnlockSent;
}
export interface RewindOrchestrationAction { kind: 'rewindOrchestration'; newHistory: HistoryEvent[] }
/** An action kind this server does not know (a newer protocol); it fails the orchestration. */
export interface UnknownAction { kind: 'unknown'; caseNumber: number }

export type OrchestratorActionBody =
  | ScheduleTaskAction
  | CreateSubOrchestrationAction
  | CreateTimerAction
  | SendEventAction
  | CompleteOrchestrationAction
  | TerminateOrchestrationAction
  | SendEntityMessageAction
  | RewindOrchestrationAction
  | UnknownAction;

export type OrchestratorAction = OrchestratorActionBody & { id: number };

/** What a worker sends back for one orchestration work item. */
export interface OrchestratorResponse {
  instanceId: string;
  actions: OrchestratorAction[];
  customStatus?: string;
  completionToken: string;
  /** Absent means every new event was processed. */
  numEventsProcessed?: number;
  requiresHistory: boolean;
  isPartial: boolean;
  chunkIndex?: number;
}

export interface ActivityResponse {
  instanceId: string;
  taskId: number;
  result?: string;
  failureDetails?: FailureDetails;
  completionToken: string;
}
