import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent } from '../../domain/history-event.ts';
import { fromStringValue, fromTags, fromTraceContext } from './common-map.ts';
import { historyEventFromProto } from './history-event-map.ts';
import { proto, type pb } from './load.ts';
import { activityWorkItemToProto, healthPingWorkItem, orchestrationWorkItemToProto } from './work-item-map.ts';

const CASE = proto.WorkItem.RequestCase;

function roundTrip(m: pb.WorkItem): pb.WorkItem {
  return proto.WorkItem.deserializeBinary(m.serializeBinary());
}

const pastEvents: HistoryEvent[] = [
  { kind: 'orchestratorStarted', eventId: -1, timestamp: 1_000 },
  { kind: 'executionStarted', name: 'Greet', input: '"世界"', orchestrationInstance: { instanceId: 'i', executionId: 'e' }, eventId: -1, timestamp: 1_000 },
  { kind: 'taskScheduled', name: 'SayHello', input: '"世界"', eventId: 0, timestamp: 1_001 },
];
const newEvents: HistoryEvent[] = [
  { kind: 'orchestratorStarted', eventId: -1, timestamp: 2_000 },
  { kind: 'taskCompleted', taskScheduledId: 0, result: '"Hello, 世界! 👋"', eventId: -1, timestamp: 2_000 },
];

describe('work items', () => {
  it('writes an orchestration work item with its history and completion token', () => {
    const m = roundTrip(orchestrationWorkItemToProto({ instanceId: 'i', executionId: 'e', pastEvents, newEvents, completionToken: 'tok-1' }));
    assert.equal(m.getRequestCase(), CASE.ORCHESTRATORREQUEST);
    assert.equal(m.getCompletiontoken(), 'tok-1');
    const request = m.getOrchestratorrequest()!;
    assert.equal(request.getInstanceid(), 'i');
    assert.equal(fromStringValue(request.getExecutionid()), 'e');
    assert.deepStrictEqual(request.getPasteventsList().map(historyEventFromProto), pastEvents);
    assert.deepStrictEqual(request.getNeweventsList().map(historyEventFromProto), newEvents);
    assert.equal(request.getRequireshistorystreaming(), false);
  });

  it('writes an activity work item with every field', () => {
    const trace = { traceParent: '00-a-b-01', spanId: 'b' };
    const m = roundTrip(activityWorkItemToProto({
      name: 'SayHello', version: '2', input: '"Tokyo 🗼"', instanceId: 'i', executionId: 'e', taskId: 3,
      tags: { k: 'v' }, parentTraceContext: trace, completionToken: 'tok-2',
    }));
    assert.equal(m.getRequestCase(), CASE.ACTIVITYREQUEST);
    assert.equal(m.getCompletiontoken(), 'tok-2');
    const request = m.getActivityrequest()!;
    assert.equal(request.getName(), 'SayHello');
    assert.equal(fromStringValue(request.getVersion()), '2');
    assert.equal(fromStringValue(request.getInput()), '"Tokyo 🗼"');
    assert.equal(request.getOrchestrationinstance()!.getInstanceid(), 'i');
    assert.equal(fromStringValue(request.getOrchestrationinstance()!.getExecutionid()), 'e');
    assert.equal(request.getTaskid(), 3);
    assert.deepStrictEqual(fromTags(request.getTagsMap()), { k: 'v' });
    assert.deepStrictEqual(fromTraceContext(request.getParenttracecontext()), trace);
  });

  it('writes an activity work item without optional fields', () => {
    const m = roundTrip(activityWorkItemToProto({ name: 'A', instanceId: 'i', executionId: 'e', taskId: 0, completionToken: 't' }));
    const request = m.getActivityrequest()!;
    assert.equal(request.hasVersion(), false);
    assert.equal(request.hasInput(), false);
    assert.equal(request.hasParenttracecontext(), false);
    assert.equal(request.getTagsMap().getLength(), 0);
  });

  it('writes a health ping, one shared instance', () => {
    const m = roundTrip(healthPingWorkItem());
    assert.equal(m.getRequestCase(), CASE.HEALTHPING);
    assert.equal(m.getCompletiontoken(), '');
    assert.equal(healthPingWorkItem(), healthPingWorkItem());
  });
});
