import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServerError } from '../../domain/errors.ts';
import type { HistoryEvent } from '../../domain/history-event.ts';
import type { OrchestratorAction } from '../../domain/orchestrator-action.ts';
import { toFailureDetails, toStringValue as sv, toTimestamp, toTraceContext } from './common-map.ts';
import { historyEventToProto } from './history-event-map.ts';
import { Int32Value, proto, type pb } from './load.ts';
import { activityResponseFromProto, orchestratorResponseFromProto } from './response-map.ts';

const trace = { traceParent: '00-abc-def-01', spanId: 'def', traceState: 'k=v' };
const failure = { errorType: 'Error', errorMessage: 'Hello, 世界!', isNonRetriable: false, innerFailure: { errorType: 'Inner', errorMessage: '💥', isNonRetriable: true } };
const S = proto.OrchestrationStatus;

/** Parses one action after a trip through the wire format. */
function parseAction(action: pb.OrchestratorAction): OrchestratorAction {
  const m = new proto.OrchestratorResponse().setActionsList([action]);
  const back = orchestratorResponseFromProto(proto.OrchestratorResponse.deserializeBinary(m.serializeBinary()));
  assert.equal(back.actions.length, 1);
  return back.actions[0]!;
}

function action(id: number): pb.OrchestratorAction {
  return new proto.OrchestratorAction().setId(id);
}

describe('orchestrator actions', () => {
  it('reads scheduleTask with all fields, and with none', () => {
    const x = new proto.ScheduleTaskAction().setName('SayHello').setVersion(sv('1')).setInput(sv('"世界"'));
    x.setParenttracecontext(toTraceContext(trace)).getTagsMap().set('t', 'v');
    assert.deepStrictEqual(parseAction(action(1).setScheduletask(x)), {
      id: 1, kind: 'scheduleTask', name: 'SayHello', version: '1', input: '"世界"', tags: { t: 'v' }, parentTraceContext: trace,
    });
    const bare = parseAction(action(0).setScheduletask(new proto.ScheduleTaskAction().setName('A')));
    assert.deepStrictEqual(bare, { id: 0, kind: 'scheduleTask', name: 'A' });
  });

  it('reads createSubOrchestration', () => {
    const x = new proto.CreateSubOrchestrationAction().setInstanceid('child').setName('Child').setVersion(sv('2'));
    x.setInput(sv('{}')).setParenttracecontext(toTraceContext(trace)).getTagsMap().set('a', 'b');
    assert.deepStrictEqual(parseAction(action(2).setCreatesuborchestration(x)), {
      id: 2, kind: 'createSubOrchestration', instanceId: 'child', name: 'Child', version: '2', input: '{}', parentTraceContext: trace, tags: { a: 'b' },
    });
    const bare = parseAction(action(3).setCreatesuborchestration(new proto.CreateSubOrchestrationAction().setName('C')));
    assert.deepStrictEqual(bare, { id: 3, kind: 'createSubOrchestration', instanceId: '', name: 'C' });
  });

  it('reads createTimer', () => {
    const x = new proto.CreateTimerAction().setFireat(toTimestamp(1_700_000_000_250));
    assert.deepStrictEqual(parseAction(action(4).setCreatetimer(x)), { id: 4, kind: 'createTimer', fireAt: 1_700_000_000_250 });
  });

  it('reads sendEvent', () => {
    const instance = new proto.OrchestrationInstance().setInstanceid('other').setExecutionid(sv('e'));
    const x = new proto.SendEventAction().setInstance(instance).setName('Approval').setData(sv('"✅"'));
    assert.deepStrictEqual(parseAction(action(5).setSendevent(x)), { id: 5, kind: 'sendEvent', instanceId: 'other', name: 'Approval', data: '"✅"' });
  });

  it('reads completeOrchestration with carryover events and failure details', () => {
    const carried: HistoryEvent = { kind: 'eventRaised', name: 'E', input: '1', eventId: -1, timestamp: 1_000 };
    const x = new proto.CompleteOrchestrationAction().setOrchestrationstatus(S.ORCHESTRATION_STATUS_CONTINUED_AS_NEW);
    x.setResult(sv('"next"')).setDetails(sv('d')).setNewversion(sv('2.0')).setCarryovereventsList([historyEventToProto(carried)]);
    x.setFailuredetails(toFailureDetails(failure)).getTagsMap().set('k', 'v');
    assert.deepStrictEqual(parseAction(action(6).setCompleteorchestration(x)), {
      id: 6, kind: 'completeOrchestration', orchestrationStatus: 'CONTINUED_AS_NEW', result: '"next"', details: 'd',
      newVersion: '2.0', carryoverEvents: [carried], failureDetails: failure, tags: { k: 'v' },
    });
    const failed = parseAction(action(-1).setCompleteorchestration(new proto.CompleteOrchestrationAction().setOrchestrationstatus(S.ORCHESTRATION_STATUS_FAILED)));
    assert.deepStrictEqual(failed, { id: -1, kind: 'completeOrchestration', orchestrationStatus: 'FAILED', carryoverEvents: [] });
  });

  it('reads terminateOrchestration', () => {
    const x = new proto.TerminateOrchestrationAction().setInstanceid('t').setReason(sv('why')).setRecurse(true);
    assert.deepStrictEqual(parseAction(action(7).setTerminateorchestration(x)), { id: 7, kind: 'terminateOrchestration', instanceId: 't', reason: 'why', recurse: true });
  });

  it('reads the four sendEntityMessage variants', () => {
    const signaled = new proto.EntityOperationSignaledEvent().setRequestid('r1').setOperation('add').setInput(sv('1'))
      .setScheduledtime(toTimestamp(5_000)).setTargetinstanceid(sv('@c@1'));
    const called = new proto.EntityOperationCalledEvent().setRequestid('r2').setOperation('get').setParentinstanceid(sv('p'))
      .setParentexecutionid(sv('pe')).setTargetinstanceid(sv('@c@1'));
    const lock = new proto.EntityLockRequestedEvent().setCriticalsectionid('cs').setLocksetList(['@a@1', '@b@2']).setPosition(0)
      .setParentinstanceid(sv('p'));
    const unlock = new proto.EntityUnlockSentEvent().setCriticalsectionid('cs').setParentinstanceid(sv('p')).setTargetinstanceid(sv('@a@1'));
    const messages = [
      new proto.SendEntityMessageAction().setEntityoperationsignaled(signaled),
      new proto.SendEntityMessageAction().setEntityoperationcalled(called),
      new proto.SendEntityMessageAction().setEntitylockrequested(lock),
      new proto.SendEntityMessageAction().setEntityunlocksent(unlock),
    ];
    const parsed = messages.map((m, i) => parseAction(action(10 + i).setSendentitymessage(m)));
    assert.deepStrictEqual(parsed, [
      { id: 10, kind: 'sendEntityMessage', message: { kind: 'entityOperationSignaled', requestId: 'r1', operation: 'add', scheduledTime: 5_000, input: '1', targetInstanceId: '@c@1' } },
      { id: 11, kind: 'sendEntityMessage', message: { kind: 'entityOperationCalled', requestId: 'r2', operation: 'get', parentInstanceId: 'p', parentExecutionId: 'pe', targetInstanceId: '@c@1' } },
      { id: 12, kind: 'sendEntityMessage', message: { kind: 'entityLockRequested', criticalSectionId: 'cs', lockSet: ['@a@1', '@b@2'], position: 0, parentInstanceId: 'p' } },
      { id: 13, kind: 'sendEntityMessage', message: { kind: 'entityUnlockSent', criticalSectionId: 'cs', parentInstanceId: 'p', targetInstanceId: '@a@1' } },
    ]);
  });

  it('reads a sendEntityMessage with no variant set as unknown', () => {
    const parsed = parseAction(action(14).setSendentitymessage(new proto.SendEntityMessageAction()));
    assert.deepStrictEqual(parsed, { id: 14, kind: 'unknown', caseNumber: 8 });
  });

  it('reads rewindOrchestration with its new history', () => {
    const history: HistoryEvent[] = [
      { kind: 'orchestratorStarted', eventId: -1, timestamp: 1 },
      { kind: 'executionStarted', name: 'O', orchestrationInstance: { instanceId: 'i', executionId: 'new' }, eventId: -1, timestamp: 2 },
    ];
    const x = new proto.RewindOrchestrationAction().setNewhistoryList(history.map(historyEventToProto));
    assert.deepStrictEqual(parseAction(action(-1).setRewindorchestration(x)), { id: -1, kind: 'rewindOrchestration', newHistory: history });
  });

  it('reads an action with no oneof set as unknown case 0', () => {
    assert.deepStrictEqual(parseAction(action(9)), { id: 9, kind: 'unknown', caseNumber: 0 });
  });

  it('rejects an unknown orchestration status', () => {
    const x = new proto.CompleteOrchestrationAction().setOrchestrationstatus(42 as pb.OrchestrationStatus);
    const m = new proto.OrchestratorResponse().setActionsList([action(1).setCompleteorchestration(x)]);
    assert.throws(() => orchestratorResponseFromProto(m), (error) => isServerError(error, 'INVALID_ARGUMENT'));
  });
});

describe('orchestrator response', () => {
  it('reads every top-level field', () => {
    const m = new proto.OrchestratorResponse().setInstanceid('i').setCustomstatus(sv('{"p":50}')).setCompletiontoken('tok')
      .setNumeventsprocessed(new Int32Value().setValue(3)).setRequireshistory(true).setIspartial(true)
      .setChunkindex(new Int32Value().setValue(0));
    const back = orchestratorResponseFromProto(proto.OrchestratorResponse.deserializeBinary(m.serializeBinary()));
    assert.deepStrictEqual(back, {
      instanceId: 'i', actions: [], customStatus: '{"p":50}', completionToken: 'tok', numEventsProcessed: 3,
      requiresHistory: true, isPartial: true, chunkIndex: 0,
    });
  });

  it('leaves absent wrappers absent and keeps an empty custom status', () => {
    assert.deepStrictEqual(orchestratorResponseFromProto(new proto.OrchestratorResponse()), {
      instanceId: '', actions: [], completionToken: '', requiresHistory: false, isPartial: false,
    });
    const empty = orchestratorResponseFromProto(new proto.OrchestratorResponse().setCustomstatus(sv('')));
    assert.equal(empty.customStatus, '');
  });

  it('keeps the order of several actions', () => {
    const m = new proto.OrchestratorResponse().setActionsList([
      action(0).setCreatetimer(new proto.CreateTimerAction().setFireat(toTimestamp(1))),
      action(1).setScheduletask(new proto.ScheduleTaskAction().setName('A')),
    ]);
    assert.deepStrictEqual(orchestratorResponseFromProto(m).actions.map((a) => [a.id, a.kind]), [[0, 'createTimer'], [1, 'scheduleTask']]);
  });
});

describe('activity response', () => {
  it('reads a result', () => {
    const m = new proto.ActivityResponse().setInstanceid('i').setTaskid(4).setResult(sv('"Hello, 世界!"')).setCompletiontoken('t');
    const back = activityResponseFromProto(proto.ActivityResponse.deserializeBinary(m.serializeBinary()));
    assert.deepStrictEqual(back, { instanceId: 'i', taskId: 4, result: '"Hello, 世界!"', completionToken: 't' });
  });

  it('reads a failure, and a response with neither result nor failure', () => {
    const m = new proto.ActivityResponse().setInstanceid('i').setTaskid(5).setFailuredetails(toFailureDetails(failure));
    assert.deepStrictEqual(activityResponseFromProto(m), { instanceId: 'i', taskId: 5, failureDetails: failure, completionToken: '' });
    assert.deepStrictEqual(activityResponseFromProto(new proto.ActivityResponse()), { instanceId: '', taskId: 0, completionToken: '' });
  });
});
