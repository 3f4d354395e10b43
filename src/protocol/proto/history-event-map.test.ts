import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServerError } from '../../domain/errors.ts';
import type {
  FailureDetails,
  HistoryEvent,
  HistoryEventBody,
  HistoryEventKind,
  ParentInstance,
  TraceContext,
} from '../../domain/history-event.ts';
import { historyEventFromProto, historyEventToProto } from './history-event-map.ts';
import { proto } from './load.ts';

type Samples = { [K in HistoryEventKind]: Extract<HistoryEventBody, { kind: K }> };

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
const FULL: Samples = {
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
const MINIMAL: Samples = {
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

const CASE = proto.HistoryEvent.EventtypeCase;

function roundTrip(e: HistoryEvent): HistoryEvent {
  const bytes = historyEventToProto(e).serializeBinary();
  return historyEventFromProto(proto.HistoryEvent.deserializeBinary(bytes));
}

function event(body: HistoryEventBody, eventId = 12, timestamp = 1_700_000_000_123): HistoryEvent {
  return { ...body, eventId, timestamp } as HistoryEvent;
}

describe('history event mapping', () => {
  it('covers all 28 event kinds', () => {
    assert.equal(Object.keys(FULL).length, 28);
    assert.equal(Object.values(CASE).filter((n) => n !== CASE.EVENTTYPE_NOT_SET).length, 28);
  });

  for (const [name, samples] of [['every optional field set', FULL], ['no optional field set', MINIMAL]] as const) {
    for (const body of Object.values(samples)) {
      it(`round-trips ${body.kind} with ${name}`, () => {
        const e = event(body);
        assert.deepStrictEqual(roundTrip(e), e);
      });
    }
  }

  it('sets the oneof case that matches the kind', () => {
    for (const body of Object.values(FULL)) {
      const m = historyEventToProto(event(body));
      assert.equal(m.getEventtypeCase(), CASE[body.kind.toUpperCase() as keyof typeof CASE], body.kind);
    }
  });

  it('keeps a present but empty string apart from an absent one', () => {
    const empty = event({ kind: 'eventRaised', name: '', input: '' });
    assert.deepStrictEqual(roundTrip(empty), empty);
    assert.equal('input' in roundTrip(event({ kind: 'eventRaised', name: 'x' })), false);
  });

  it('reads an empty tag map as absent', () => {
    const e = event({ kind: 'taskScheduled', name: 'x', tags: {} });
    assert.equal('tags' in roundTrip(e), false);
  });

  it('keeps event ids, negative ids and millisecond timestamps', () => {
    for (const [eventId, timestamp] of [[-1, 0], [0, 1], [2_147_483_647, 1_700_000_000_999], [5, -1_500]] as const) {
      const e = event({ kind: 'orchestratorStarted' }, eventId, timestamp);
      assert.deepStrictEqual(roundTrip(e), e);
    }
  });

  it('serializes several field-less events that share one sub-message', () => {
    const list = [event({ kind: 'orchestratorStarted' }, -1, 1), event({ kind: 'orchestratorStarted' }, -1, 2)];
    const request = new proto.OrchestratorRequest().setPasteventsList(list.map(historyEventToProto));
    const back = proto.OrchestratorRequest.deserializeBinary(request.serializeBinary());
    assert.deepStrictEqual(back.getPasteventsList().map(historyEventFromProto), list);
  });

  it('does not alias the domain lock set', () => {
    const e = event(FULL.entityLockRequested);
    historyEventToProto(e).getEntitylockrequested()!.addLockset('@c@3');
    assert.deepStrictEqual(e, event(FULL.entityLockRequested));
  });

  it('rejects an event without an event type as INVALID_ARGUMENT', () => {
    const m = new proto.HistoryEvent().setEventid(3);
    assert.throws(() => historyEventFromProto(m), (error) => isServerError(error, 'INVALID_ARGUMENT'));
  });

  it('reads a missing timestamp as the epoch', () => {
    const m = new proto.HistoryEvent().setEventid(-1).setOrchestratorstarted(new proto.OrchestratorStartedEvent());
    assert.deepStrictEqual(historyEventFromProto(m), { kind: 'orchestratorStarted', eventId: -1, timestamp: 0 });
  });
});
