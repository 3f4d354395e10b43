import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent, HistoryEventBody } from '../../domain/history-event.ts';
import { TIMESTAMP_SECONDS_MIN } from '../../domain/time-range.ts';
import { FULL, MINIMAL } from '../../../test/support/history-event-samples.ts';
import { fromStringValue, fromTags, fromTraceContext, setTags, toOrchestrationInstance, toStringValue, toTraceContext } from './common-map.ts';
import { historyEventFromProto, historyEventToProto } from './history-event-map.ts';
import { proto, type pb } from './load.ts';
import {
  activityWorkItem,
  encodePastEventEntries,
  healthPingWorkItem,
  orchestrationWorkItem,
  orchestrationWorkItemSpliced,
  type ActivityWorkItemArgs,
  type OrchestrationWorkItemArgs,
} from './work-item-map.ts';

const CASE = proto.WorkItem.RequestCase;

function roundTrip(bytes: Uint8Array): pb.WorkItem {
  return proto.WorkItem.deserializeBinary(bytes);
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
    const m = roundTrip(orchestrationWorkItem({ instanceId: 'i', executionId: 'e', pastEvents, newEvents, completionToken: 'tok-1' }));
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
    const m = roundTrip(activityWorkItem({
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
    const m = roundTrip(activityWorkItem({ name: 'A', instanceId: 'i', executionId: 'e', taskId: 0, completionToken: 't' }));
    const request = m.getActivityrequest()!;
    assert.equal(request.hasVersion(), false);
    assert.equal(request.hasInput(), false);
    assert.equal(request.hasParenttracecontext(), false);
    assert.equal(request.getTagsMap().getLength(), 0);
  });
});


/**
 * The reference: the same messages built as google-protobuf objects and serialized by the SDK's
 * generated code, as the server wrote them before work-item-map.ts wrote bytes itself.
 */
function generatedEntries(events: readonly HistoryEvent[]): Buffer {
  return Buffer.from(new proto.OrchestratorRequest().setPasteventsList(events.map(historyEventToProto)).serializeBinary());
}

function generatedOrchestration(args: OrchestrationWorkItemArgs): Buffer {
  const request = new proto.OrchestratorRequest().setInstanceid(args.instanceId).setExecutionid(toStringValue(args.executionId));
  request.setPasteventsList(args.pastEvents.map(historyEventToProto)).setNeweventsList(args.newEvents.map(historyEventToProto));
  request.setRequireshistorystreaming(args.requiresHistoryStreaming ?? false);
  return Buffer.from(new proto.WorkItem().setOrchestratorrequest(request).setCompletiontoken(args.completionToken).serializeBinary());
}

function generatedActivity(args: ActivityWorkItemArgs): Buffer {
  const request = new proto.ActivityRequest().setName(args.name).setVersion(toStringValue(args.version)).setInput(toStringValue(args.input));
  request.setOrchestrationinstance(toOrchestrationInstance({ instanceId: args.instanceId, executionId: args.executionId }));
  request.setTaskid(args.taskId).setParenttracecontext(toTraceContext(args.parentTraceContext));
  setTags(request, args.tags);
  return Buffer.from(new proto.WorkItem().setActivityrequest(request).setCompletiontoken(args.completionToken).serializeBinary());
}

function event(body: HistoryEventBody, eventId: number, timestamp: number): HistoryEvent {
  return { ...body, eventId, timestamp } as HistoryEvent;
}

/** Every kind in both shapes, with ids and times at the edges of their encodings. */
const EVENTS: HistoryEvent[] = [...Object.values(FULL), ...Object.values(MINIMAL)].flatMap((body, i) => [
  event(body, -1, 1_700_000_000_123 + i),
  event(body, 0, 0),
  event(body, 2 ** 31 - 1, TIMESTAMP_SECONDS_MIN * 1000 - 5),
  event(body, 300, -1_500),
]);

function orchestration(pastEvents: HistoryEvent[], overrides: Partial<OrchestrationWorkItemArgs> = {}): OrchestrationWorkItemArgs {
  return { instanceId: 'i-世界', executionId: 'e', pastEvents, newEvents: EVENTS.slice(0, 9), completionToken: 'tok-1', ...overrides };
}


describe('work item bytes', () => {
  it('writes every event kind as the generated serializer does', () => {
    for (const e of EVENTS) {
      assert.deepStrictEqual(Buffer.from(encodePastEventEntries([e])), generatedEntries([e]), `${e.kind} ${e.eventId} ${e.timestamp}`);
    }
  });

  it('writes an orchestration work item as the generated serializer does', () => {
    for (const args of [
      orchestration(EVENTS),
      orchestration([], { executionId: '', completionToken: '', newEvents: [], requiresHistoryStreaming: true }),
    ]) {
      const expected = generatedOrchestration(args);
      assert.deepStrictEqual(Buffer.from(orchestrationWorkItem(args)), expected);
      assert.deepStrictEqual(orchestrationWorkItemSpliced(args, encodePastEventEntries(args.pastEvents)), expected);
    }
  });

  it('writes an activity work item as the generated serializer does, with every field and with none', () => {
    const trace = { traceParent: '00-a-b-01', spanId: 'b', traceState: '' };
    for (const args of [
      { name: 'SayHello', version: '', input: '"Tokyo 🗼"', instanceId: 'i', executionId: 'e', taskId: -3, tags: { k: 'v', '': '' }, parentTraceContext: trace, completionToken: 'tok-2' },
      { name: '', instanceId: '', executionId: '', taskId: 0, completionToken: '' },
    ]) {
      assert.deepStrictEqual(Buffer.from(activityWorkItem(args)), generatedActivity(args));
    }
  });

  it('writes the health ping', () => {
    const m = proto.WorkItem.deserializeBinary(healthPingWorkItem());
    assert.equal(m.getRequestCase(), proto.WorkItem.RequestCase.HEALTHPING);
    assert.equal(healthPingWorkItem(), healthPingWorkItem());
  });
});
