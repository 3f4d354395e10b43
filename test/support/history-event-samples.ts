/**
 * History events of all 28 kinds, once with every optional field set and once with none: the
 * mapping tests of src/protocol/proto/ run each through their codec.
 */
import type {
  FailureDetails,
  HistoryEventBody,
  HistoryEventKind,
  ParentInstance,
  TraceContext,
} from '../../src/domain/history-event.ts';

export type Samples = { [K in HistoryEventKind]: Extract<HistoryEventBody, { kind: K }> };

const trace: TraceContext = {
  traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  spanId: 'b7ad6b7169203331',
  traceState: 'congo=t61rcWkgMzE',
};
const failure: FailureDetails = {
  errorType: 'TypeError',
  errorMessage: 'Hello, 世界! 💥',
  stackTrace: 'TypeError: boom\n    at main (app.js:1:1)',
  isNonRetriable: true,
  innerFailure: {
    errorType: 'Error',
    errorMessage: 'inner',
    isNonRetriable: false,
    innerFailure: { errorType: 'RangeError', errorMessage: 'innermost', isNonRetriable: true },
  },
  properties: { code: 42, ratio: 0.5, ok: false, none: null, list: [1, 'two', { three: 3 }], nested: { deep: { x: '🚀' } } },
};
const parent: ParentInstance = {
  taskScheduledId: 7,
  name: 'Parent',
  version: '2.0',
  orchestrationInstance: { instanceId: 'parent-1', executionId: 'exec-p' },
};
const tags = { team: 'payments', 'ключ': '值 🚀' };

/** Every optional field set. */
export const FULL: Samples = {
  executionStarted: {
    kind: 'executionStarted',
    name: 'Greeting',
    version: '1.0',
    input: '"Hello, 世界!"',
    orchestrationInstance: { instanceId: 'abc', executionId: 'exec-1' },
    parentInstance: parent,
    scheduledStartTimestamp: 1_700_000_123_456,
    parentTraceContext: trace,
    orchestrationSpanId: 'span-1',
    tags,
  },
  executionCompleted: { kind: 'executionCompleted', orchestrationStatus: 'FAILED', result: '"r"', failureDetails: failure },
  executionTerminated: { kind: 'executionTerminated', input: '"stop 🛑"', recurse: true },
  taskScheduled: { kind: 'taskScheduled', name: 'SayHello', version: '3', input: '"Tokyo"', parentTraceContext: trace, tags },
  taskCompleted: { kind: 'taskCompleted', taskScheduledId: 4, result: '"Hello, Tokyo!"' },
  taskFailed: { kind: 'taskFailed', taskScheduledId: 5, failureDetails: failure },
  subOrchestrationInstanceCreated: {
    kind: 'subOrchestrationInstanceCreated',
    instanceId: 'exec-1:0001',
    name: 'Child',
    version: '1',
    input: '{"a":1}',
    parentTraceContext: trace,
    tags,
  },
  subOrchestrationInstanceCompleted: { kind: 'subOrchestrationInstanceCompleted', taskScheduledId: 1, result: '[1,2]' },
  subOrchestrationInstanceFailed: { kind: 'subOrchestrationInstanceFailed', taskScheduledId: 2, failureDetails: failure },
  timerCreated: { kind: 'timerCreated', fireAt: 1_700_000_999_001 },
  timerFired: { kind: 'timerFired', fireAt: 1_700_000_999_001, timerId: 3 },
  orchestratorStarted: { kind: 'orchestratorStarted' },
  orchestratorCompleted: { kind: 'orchestratorCompleted' },
  eventSent: { kind: 'eventSent', instanceId: 'other', name: 'Approval', input: '"yes ✅"' },
  eventRaised: { kind: 'eventRaised', name: 'Approval', input: '"yes ✅"' },
  genericEvent: { kind: 'genericEvent', data: 'générique' },
  historyState: { kind: 'historyState' },
  continueAsNew: { kind: 'continueAsNew', input: '7' },
  executionSuspended: { kind: 'executionSuspended', input: 'maintenance' },
  executionResumed: { kind: 'executionResumed', input: 'done' },
  entityOperationSignaled: {
    kind: 'entityOperationSignaled',
    requestId: 'req-1',
    operation: 'add',
    scheduledTime: 1_700_000_000_500,
    input: '5',
    targetInstanceId: '@counter@one',
  },
  entityOperationCalled: {
    kind: 'entityOperationCalled',
    requestId: 'req-2',
    operation: 'get',
    scheduledTime: 1_700_000_000_600,
    input: 'null',
    parentInstanceId: 'abc',
    parentExecutionId: 'exec-1',
    targetInstanceId: '@counter@one',
  },
  entityLockRequested: {
    kind: 'entityLockRequested',
    criticalSectionId: 'cs-1',
    lockSet: ['@a@1', '@b@2'],
    position: 1,
    parentInstanceId: 'abc',
  },
  entityOperationCompleted: { kind: 'entityOperationCompleted', requestId: 'req-2', output: '5' },
  entityOperationFailed: { kind: 'entityOperationFailed', requestId: 'req-3', failureDetails: failure },
  entityUnlockSent: { kind: 'entityUnlockSent', criticalSectionId: 'cs-1', parentInstanceId: 'abc', targetInstanceId: '@a@1' },
  entityLockGranted: { kind: 'entityLockGranted', criticalSectionId: 'cs-1' },
  executionRewound: {
    kind: 'executionRewound',
    reason: 'fixed the bug',
    parentExecutionId: 'exec-p',
    instanceId: 'abc',
    parentTraceContext: trace,
    name: 'Greeting',
    version: '1.0',
    input: '"again"',
    parentInstance: parent,
    tags,
  },
};

/** No optional field set. */
export const MINIMAL: Samples = {
  executionStarted: { kind: 'executionStarted', name: 'Greeting', orchestrationInstance: { instanceId: 'abc' } },
  executionCompleted: { kind: 'executionCompleted', orchestrationStatus: 'RUNNING' },
  executionTerminated: { kind: 'executionTerminated', recurse: false },
  taskScheduled: { kind: 'taskScheduled', name: 'SayHello' },
  taskCompleted: { kind: 'taskCompleted', taskScheduledId: 0 },
  taskFailed: { kind: 'taskFailed', taskScheduledId: 0 },
  subOrchestrationInstanceCreated: { kind: 'subOrchestrationInstanceCreated', instanceId: 'c', name: 'Child' },
  subOrchestrationInstanceCompleted: { kind: 'subOrchestrationInstanceCompleted', taskScheduledId: 0 },
  subOrchestrationInstanceFailed: { kind: 'subOrchestrationInstanceFailed', taskScheduledId: 0 },
  timerCreated: { kind: 'timerCreated', fireAt: 0 },
  timerFired: { kind: 'timerFired', fireAt: 0, timerId: 0 },
  orchestratorStarted: { kind: 'orchestratorStarted' },
  orchestratorCompleted: { kind: 'orchestratorCompleted' },
  eventSent: { kind: 'eventSent', instanceId: 'other', name: 'Approval' },
  eventRaised: { kind: 'eventRaised', name: 'Approval' },
  genericEvent: { kind: 'genericEvent' },
  historyState: { kind: 'historyState' },
  continueAsNew: { kind: 'continueAsNew' },
  executionSuspended: { kind: 'executionSuspended' },
  executionResumed: { kind: 'executionResumed' },
  entityOperationSignaled: { kind: 'entityOperationSignaled', requestId: 'r', operation: 'add' },
  entityOperationCalled: { kind: 'entityOperationCalled', requestId: 'r', operation: 'get' },
  entityLockRequested: { kind: 'entityLockRequested', criticalSectionId: 'cs', lockSet: [], position: 0 },
  entityOperationCompleted: { kind: 'entityOperationCompleted', requestId: 'r' },
  entityOperationFailed: { kind: 'entityOperationFailed', requestId: 'r' },
  entityUnlockSent: { kind: 'entityUnlockSent', criticalSectionId: 'cs' },
  entityLockGranted: { kind: 'entityLockGranted', criticalSectionId: 'cs' },
  executionRewound: { kind: 'executionRewound' },
};
