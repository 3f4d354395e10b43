/**
 * The shape of every request message of `TaskHubSidecarService` and the KEDA scaler, as far as
 * bounding its cost needs it: per message, the fields that embed a message (so the bounds walk
 * can descend and count them) and the repeated fields (with the count limit each is held to).
 * Scalar and string fields are not listed; the walk skips them by wire type, as it skips fields
 * this protocol version does not know. Field numbers are those of durabletask-protobuf's
 * `orchestrator_service.proto` and KEDA's `externalscaler.proto`; request-schema.test.ts checks
 * them against the generated code the server decodes with, so the two cannot drift apart.
 *
 * Maps are repeated entry messages on the wire: `StringEntry` (map<string, string>, nothing to
 * descend into) and `ValueEntry` (map<string, google.protobuf.Value>).
 */

/** Which limit a repeated field's count is held to (request-bounds.ts gives the numbers). */
export type CountClass = 'actions' | 'events' | 'tags' | 'instanceIds' | 'statuses' | 'filters' | 'versions' | 'entries';

export interface FieldRule {
  /** The proto field name, for error messages. */
  readonly name: string;
  /** The embedded message type; absent for a repeated scalar or string. */
  readonly message?: string;
  /** The field is repeated (or a map), and its count is held to this limit. */
  readonly repeated?: CountClass;
  /** A repeated number or enum: packed into one length-delimited field, or one value per field. */
  readonly packed?: true;
}

export type MessageRules = Readonly<Record<number, FieldRule>>;

const one = (name: string, message: string): FieldRule => ({ name, message });
const many = (name: string, repeated: CountClass, message?: string): FieldRule => (message === undefined ? { name, repeated } : { name, repeated, message });
const packed = (name: string, repeated: CountClass): FieldRule => ({ name, repeated, packed: true });

const S = 'StringValue';
const T = 'Timestamp';
const tags = many('tags', 'tags', 'StringEntry');
const failureDetails = one('failureDetails', 'TaskFailureDetails');
const traceContext = one('parentTraceContext', 'TraceContext');

/** Messages whose fields are all scalars: counted as elements, nothing inside to walk. */
const LEAVES = [
  'Empty', 'StringValue', 'Int32Value', 'BoolValue', 'StringEntry', 'GetInstanceRequest', 'RestartInstanceRequest',
  'CreateTaskHubRequest', 'DeleteTaskHubRequest', 'GetEntityRequest', 'AbandonActivityTaskRequest',
  'AbandonOrchestrationTaskRequest', 'AbandonEntityTaskRequest', 'OrchestratorStartedEvent', 'OrchestratorCompletedEvent',
  'EntityLockGrantedEvent', 'EntityFilter',
] as const;

/** google.protobuf.Timestamp and Duration: scalars whose ranges request-bounds.ts checks. */
export const TIME_MESSAGES = ['Timestamp', 'Duration'] as const;

const SHARED: Record<string, MessageRules> = {
  // google.protobuf.Value: struct_value = 5, list_value = 6.
  Value: { 5: one('structValue', 'Struct'), 6: one('listValue', 'ListValue') },
  Struct: { 1: many('fields', 'entries', 'ValueEntry') },
  ListValue: { 1: many('values', 'entries', 'Value') },
  ValueEntry: { 2: one('value', 'Value') },
  OrchestrationInstance: { 2: one('executionId', S) },
  TaskFailureDetails: { 3: one('stackTrace', S), 4: one('innerFailure', 'TaskFailureDetails'), 6: many('properties', 'entries', 'ValueEntry') },
  ParentInstanceInfo: { 2: one('name', S), 3: one('version', S), 4: one('orchestrationInstance', 'OrchestrationInstance') },
  TraceContext: { 3: one('traceState', S) },
  InstanceBatch: { 1: many('instanceIds', 'instanceIds') },
};

/** HistoryEvent and its variants (workers send them in carryoverEvents and rewound histories). */
const HISTORY: Record<string, MessageRules> = {
  HistoryEvent: {
    2: one('timestamp', T), 3: one('executionStarted', 'ExecutionStartedEvent'), 4: one('executionCompleted', 'ExecutionCompletedEvent'),
    5: one('executionTerminated', 'ExecutionTerminatedEvent'), 6: one('taskScheduled', 'TaskScheduledEvent'),
    7: one('taskCompleted', 'TaskCompletedEvent'), 8: one('taskFailed', 'TaskFailedEvent'),
    9: one('subOrchestrationInstanceCreated', 'SubOrchestrationInstanceCreatedEvent'),
    10: one('subOrchestrationInstanceCompleted', 'SubOrchestrationInstanceCompletedEvent'),
    11: one('subOrchestrationInstanceFailed', 'SubOrchestrationInstanceFailedEvent'), 12: one('timerCreated', 'TimerCreatedEvent'),
    13: one('timerFired', 'TimerFiredEvent'), 14: one('orchestratorStarted', 'OrchestratorStartedEvent'),
    15: one('orchestratorCompleted', 'OrchestratorCompletedEvent'), 16: one('eventSent', 'EventSentEvent'),
    17: one('eventRaised', 'EventRaisedEvent'), 18: one('genericEvent', 'GenericEvent'), 19: one('historyState', 'HistoryStateEvent'),
    20: one('continueAsNew', 'ContinueAsNewEvent'), 21: one('executionSuspended', 'ExecutionSuspendedEvent'),
    22: one('executionResumed', 'ExecutionResumedEvent'), 23: one('entityOperationSignaled', 'EntityOperationSignaledEvent'),
    24: one('entityOperationCalled', 'EntityOperationCalledEvent'), 25: one('entityOperationCompleted', 'EntityOperationCompletedEvent'),
    26: one('entityOperationFailed', 'EntityOperationFailedEvent'), 27: one('entityLockRequested', 'EntityLockRequestedEvent'),
    28: one('entityLockGranted', 'EntityLockGrantedEvent'), 29: one('entityUnlockSent', 'EntityUnlockSentEvent'),
    30: one('executionRewound', 'ExecutionRewoundEvent'),
  },
  ExecutionStartedEvent: {
    2: one('version', S), 3: one('input', S), 4: one('orchestrationInstance', 'OrchestrationInstance'), 5: one('parentInstance', 'ParentInstanceInfo'),
    6: one('scheduledStartTimestamp', T), 7: traceContext, 8: one('orchestrationSpanID', S), 9: tags,
  },
  ExecutionCompletedEvent: { 2: one('result', S), 3: failureDetails },
  ExecutionTerminatedEvent: { 1: one('input', S) },
  TaskScheduledEvent: { 2: one('version', S), 3: one('input', S), 4: traceContext, 5: tags },
  TaskCompletedEvent: { 2: one('result', S) },
  TaskFailedEvent: { 2: failureDetails },
  SubOrchestrationInstanceCreatedEvent: { 3: one('version', S), 4: one('input', S), 5: traceContext, 6: tags },
  SubOrchestrationInstanceCompletedEvent: { 2: one('result', S) },
  SubOrchestrationInstanceFailedEvent: { 2: failureDetails },
  TimerCreatedEvent: { 1: one('fireAt', T) },
  TimerFiredEvent: { 1: one('fireAt', T) },
  EventSentEvent: { 3: one('input', S) },
  EventRaisedEvent: { 2: one('input', S) },
  GenericEvent: { 1: one('data', S) },
  HistoryStateEvent: { 1: one('orchestrationState', 'OrchestrationState') },
  ContinueAsNewEvent: { 1: one('input', S) },
  ExecutionSuspendedEvent: { 1: one('input', S) },
  ExecutionResumedEvent: { 1: one('input', S) },
  EntityOperationSignaledEvent: { 3: one('scheduledTime', T), 4: one('input', S), 5: one('targetInstanceId', S) },
  EntityOperationCalledEvent: {
    3: one('scheduledTime', T), 4: one('input', S), 5: one('parentInstanceId', S), 6: one('parentExecutionId', S), 7: one('targetInstanceId', S),
  },
  EntityLockRequestedEvent: { 2: many('lockSet', 'entries'), 4: one('parentInstanceId', S) },
  EntityOperationCompletedEvent: { 2: one('output', S) },
  EntityOperationFailedEvent: { 2: failureDetails },
  EntityUnlockSentEvent: { 2: one('parentInstanceId', S), 3: one('targetInstanceId', S) },
  ExecutionRewoundEvent: {
    1: one('reason', S), 2: one('parentExecutionId', S), 3: one('instanceId', S), 4: traceContext, 5: one('name', S), 6: one('version', S),
    7: one('input', S), 8: one('parentInstance', 'ParentInstanceInfo'), 9: tags,
  },
  OrchestrationState: {
    3: one('version', S), 5: one('scheduledStartTimestamp', T), 6: one('createdTimestamp', T), 7: one('lastUpdatedTimestamp', T),
    8: one('input', S), 9: one('output', S), 10: one('customStatus', S), 11: failureDetails, 12: one('executionId', S),
    13: one('completedTimestamp', T), 14: one('parentInstanceId', S), 15: tags,
  },
};

/** What workers send back: orchestrator actions, activity results, entity batch results. */
const WORKER: Record<string, MessageRules> = {
  OrchestratorResponse: {
    2: many('actions', 'actions', 'OrchestratorAction'), 3: one('customStatus', S), 5: one('numEventsProcessed', 'Int32Value'),
    6: one('orchestrationTraceContext', 'OrchestrationTraceContext'), 9: one('chunkIndex', 'Int32Value'),
  },
  OrchestrationTraceContext: { 1: one('spanID', S), 2: one('spanStartTime', T) },
  OrchestratorAction: {
    2: one('scheduleTask', 'ScheduleTaskAction'), 3: one('createSubOrchestration', 'CreateSubOrchestrationAction'),
    4: one('createTimer', 'CreateTimerAction'), 5: one('sendEvent', 'SendEventAction'), 6: one('completeOrchestration', 'CompleteOrchestrationAction'),
    7: one('terminateOrchestration', 'TerminateOrchestrationAction'), 8: one('sendEntityMessage', 'SendEntityMessageAction'),
    9: one('rewindOrchestration', 'RewindOrchestrationAction'),
  },
  ScheduleTaskAction: { 2: one('version', S), 3: one('input', S), 4: tags, 5: traceContext },
  CreateSubOrchestrationAction: { 3: one('version', S), 4: one('input', S), 5: traceContext, 6: tags },
  CreateTimerAction: { 1: one('fireAt', T) },
  SendEventAction: { 1: one('instance', 'OrchestrationInstance'), 3: one('data', S) },
  CompleteOrchestrationAction: {
    2: one('result', S), 3: one('details', S), 4: one('newVersion', S), 5: many('carryoverEvents', 'events', 'HistoryEvent'), 6: failureDetails, 7: tags,
  },
  TerminateOrchestrationAction: { 2: one('reason', S) },
  SendEntityMessageAction: {
    1: one('entityOperationSignaled', 'EntityOperationSignaledEvent'), 2: one('entityOperationCalled', 'EntityOperationCalledEvent'),
    3: one('entityLockRequested', 'EntityLockRequestedEvent'), 4: one('entityUnlockSent', 'EntityUnlockSentEvent'),
  },
  RewindOrchestrationAction: { 1: many('newHistory', 'events', 'HistoryEvent') },
  ActivityResponse: { 3: one('result', S), 4: failureDetails },
  EntityBatchResult: {
    1: many('results', 'actions', 'OperationResult'), 2: many('actions', 'actions', 'OperationAction'), 3: one('entityState', S), 4: failureDetails,
    6: many('operationInfos', 'actions', 'OperationInfo'),
  },
  OperationResult: { 1: one('success', 'OperationResultSuccess'), 2: one('failure', 'OperationResultFailure') },
  OperationInfo: { 2: one('responseDestination', 'OrchestrationInstance') },
  OperationResultSuccess: { 1: one('result', S), 2: one('startTimeUtc', T), 3: one('endTimeUtc', T) },
  OperationResultFailure: { 1: failureDetails, 2: one('startTimeUtc', T), 3: one('endTimeUtc', T) },
  OperationAction: { 2: one('sendSignal', 'SendSignalAction'), 3: one('startNewOrchestration', 'StartNewOrchestrationAction') },
  SendSignalAction: { 3: one('input', S), 4: one('scheduledTime', T), 5: one('requestTime', T), 6: traceContext },
  StartNewOrchestrationAction: { 3: one('version', S), 4: one('input', S), 5: one('scheduledTime', T), 6: one('requestTime', T), 7: traceContext },
  GetWorkItemsRequest: { 10: packed('capabilities', 'entries'), 11: one('workItemFilters', 'WorkItemFilters') },
  WorkItemFilters: {
    1: many('orchestrations', 'filters', 'OrchestrationFilter'), 2: many('activities', 'filters', 'ActivityFilter'),
    3: many('entities', 'filters', 'EntityFilter'),
  },
  OrchestrationFilter: { 2: many('versions', 'versions') },
  ActivityFilter: { 2: many('versions', 'versions') },
};

/** What clients send: starts, events, queries, purges, entity signals. */
const CLIENT: Record<string, MessageRules> = {
  CreateInstanceRequest: {
    3: one('version', S), 4: one('input', S), 5: one('scheduledStartTimestamp', T), 6: one('orchestrationIdReusePolicy', 'OrchestrationIdReusePolicy'),
    7: one('executionId', S), 8: tags, 9: traceContext, 10: one('requestTime', T),
  },
  OrchestrationIdReusePolicy: { 1: packed('replaceableStatus', 'statuses') },
  RewindInstanceRequest: { 2: one('reason', S) },
  RaiseEventRequest: { 3: one('input', S) },
  TerminateRequest: { 2: one('output', S) },
  SuspendRequest: { 2: one('reason', S) },
  ResumeRequest: { 2: one('reason', S) },
  QueryInstancesRequest: { 1: one('query', 'InstanceQuery') },
  InstanceQuery: {
    1: packed('runtimeStatus', 'statuses'), 2: one('createdTimeFrom', T), 3: one('createdTimeTo', T), 4: many('taskHubNames', 'entries', S),
    6: one('continuationToken', S), 7: one('instanceIdPrefix', S),
  },
  ListInstanceIdsRequest: { 1: packed('runtimeStatus', 'statuses'), 2: one('completedTimeFrom', T), 3: one('completedTimeTo', T), 5: one('lastInstanceKey', S) },
  PurgeInstancesRequest: { 2: one('purgeInstanceFilter', 'PurgeInstanceFilter'), 4: one('instanceBatch', 'InstanceBatch') },
  PurgeInstanceFilter: { 1: one('createdTimeFrom', T), 2: one('createdTimeTo', T), 3: packed('runtimeStatus', 'statuses'), 4: one('timeout', 'Duration') },
  SkipGracefulOrchestrationTerminationsRequest: { 1: one('instanceBatch', 'InstanceBatch'), 2: one('reason', S) },
  StreamInstanceHistoryRequest: { 2: one('executionId', S) },
  SignalEntityRequest: { 3: one('input', S), 5: one('scheduledTime', T), 6: traceContext, 7: one('requestTime', T) },
  QueryEntitiesRequest: { 1: one('query', 'EntityQuery') },
  EntityQuery: { 1: one('instanceIdStartsWith', S), 2: one('lastModifiedFrom', T), 3: one('lastModifiedTo', T), 6: one('pageSize', 'Int32Value'), 7: one('continuationToken', S) },
  CleanEntityStorageRequest: { 1: one('continuationToken', S) },
};

/** KEDA's `externalscaler.proto`. */
const KEDA: Record<string, MessageRules> = {
  ScaledObjectRef: { 3: many('scalerMetadata', 'tags', 'StringEntry') },
  GetMetricsRequest: { 1: one('scaledObjectRef', 'ScaledObjectRef') },
};

export const REQUEST_SCHEMA: Readonly<Record<string, MessageRules>> = {
  ...Object.fromEntries([...LEAVES, ...TIME_MESSAGES].map((name) => [name, {}])),
  ...SHARED,
  ...HISTORY,
  ...WORKER,
  ...CLIENT,
  ...KEDA,
};
