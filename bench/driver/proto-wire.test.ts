import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type * as GoogleProtobuf from 'google-protobuf';
import { proto, StringValue, Timestamp, type pb } from '../../src/protocol/proto/load.ts';
import {
  activityResponseEncoder,
  completeOrchestrationAction,
  createInstanceRequestEncoder,
  decodeWorkItem,
  grpcFrame,
  grpcMessageSplitter,
  orchestratorResponseEncoder,
  scheduleTaskAction,
  varintField,
  WireReader,
} from './proto-wire.ts';

const { BinaryWriter } = createRequire(import.meta.url)('google-protobuf') as typeof GoogleProtobuf;

// Non-ASCII and longer than 127 bytes, so lengths take two varint bytes.
const LONG_ID = `instance-世界-${'x'.repeat(150)}`;
const TOKEN = 'token-👋-42';

function stringValue(value: string): StringValue {
  const v = new StringValue();
  v.setValue(value);
  return v;
}

function historyEvent(fill: (e: pb.HistoryEvent) => void): pb.HistoryEvent {
  const event = new proto.HistoryEvent();
  event.setEventid(-1); // negative int32: a 10-byte varint the reader must skip
  const ts = new Timestamp();
  ts.setSeconds(1_700_000_000);
  ts.setNanos(5);
  event.setTimestamp(ts);
  fill(event);
  return event;
}

function orchestratorWorkItem(newEvents: pb.HistoryEvent[], pastEvents: pb.HistoryEvent[] = []): Uint8Array {
  const request = new proto.OrchestratorRequest();
  request.setInstanceid(LONG_ID);
  request.setExecutionid(stringValue('exec-1'));
  request.setPasteventsList(pastEvents);
  request.setNeweventsList(newEvents);
  request.setRequireshistorystreaming(true);
  const item = new proto.WorkItem();
  item.setOrchestratorrequest(request);
  item.setCompletiontoken(TOKEN);
  return item.serializeBinary();
}

function activityWorkItem(taskId: number): Uint8Array {
  const instance = new proto.OrchestrationInstance();
  instance.setInstanceid(LONG_ID);
  instance.setExecutionid(stringValue('exec-1'));
  const request = new proto.ActivityRequest();
  request.setName('noop');
  request.setVersion(stringValue('1.0'));
  request.setInput(stringValue('null'));
  request.setOrchestrationinstance(instance);
  request.setTaskid(taskId);
  const item = new proto.WorkItem();
  item.setActivityrequest(request);
  item.setCompletiontoken(TOKEN);
  return item.serializeBinary();
}

describe('proto-wire: messages written here, read by the generated classes', () => {
  it('writes an OrchestratorResponse that schedules one task', () => {
    const bytes = orchestratorResponseEncoder(scheduleTaskAction(0, 'noop', 'null'))(LONG_ID, TOKEN);
    const m = proto.OrchestratorResponse.deserializeBinary(bytes);
    assert.equal(m.getInstanceid(), LONG_ID);
    assert.equal(m.getCompletiontoken(), TOKEN);
    assert.equal(m.getActionsList().length, 1);
    const action = m.getActionsList()[0]!;
    assert.equal(action.getId(), 0);
    assert.equal(action.getScheduletask()?.getName(), 'noop');
    assert.equal(action.getScheduletask()?.getInput()?.getValue(), 'null');
  });

  it('writes an OrchestratorResponse that completes the orchestration', () => {
    const completed = proto.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
    const bytes = orchestratorResponseEncoder(completeOrchestrationAction(1, completed, '"ok"'))('i-1', TOKEN);
    const action = proto.OrchestratorResponse.deserializeBinary(bytes).getActionsList()[0]!;
    assert.equal(action.getId(), 1);
    assert.equal(action.getCompleteorchestration()?.getOrchestrationstatus(), completed);
    assert.equal(action.getCompleteorchestration()?.getResult()?.getValue(), '"ok"');
  });

  it('writes an ActivityResponse', () => {
    const m = proto.ActivityResponse.deserializeBinary(activityResponseEncoder('"ok"')(LONG_ID, 300, TOKEN));
    assert.equal(m.getInstanceid(), LONG_ID);
    assert.equal(m.getTaskid(), 300);
    assert.equal(m.getResult()?.getValue(), '"ok"');
    assert.equal(m.getCompletiontoken(), TOKEN);
  });

  it('writes a CreateInstanceRequest', () => {
    const m = proto.CreateInstanceRequest.deserializeBinary(createInstanceRequestEncoder('w4Orchestration', 'null')('w4-abc-7'));
    assert.equal(m.getInstanceid(), 'w4-abc-7');
    assert.equal(m.getName(), 'w4Orchestration');
    assert.equal(m.getInput()?.getValue(), 'null');
  });

  it('refuses varints it cannot write exactly', () => {
    assert.throws(() => varintField(1, -1), RangeError);
    assert.throws(() => varintField(1, 1.5), RangeError);
  });
});

describe('proto-wire: work items written by the generated classes, read here', () => {
  it('reads an orchestration item that starts an instance', () => {
    const started = historyEvent((e) => {
      const s = new proto.ExecutionStartedEvent();
      s.setName('w4Orchestration');
      s.setInput(stringValue('null'));
      e.setExecutionstarted(s);
    });
    const orchestratorStarted = historyEvent((e) => e.setOrchestratorstarted(new proto.OrchestratorStartedEvent()));
    const item = decodeWorkItem(orchestratorWorkItem([orchestratorStarted, started]));
    assert.deepEqual(item, { kind: 'orchestrator', completionToken: TOKEN, instanceId: LONG_ID, taskId: 0, executionStarted: true, taskCompleted: false });
  });

  it('reads an orchestration item with a TaskCompleted among its new events only', () => {
    const taskCompleted = () => historyEvent((e) => {
      const c = new proto.TaskCompletedEvent();
      c.setTaskscheduledid(0);
      c.setResult(stringValue('"ok"'));
      e.setTaskcompleted(c);
    });
    const fresh = decodeWorkItem(orchestratorWorkItem([taskCompleted()]));
    assert.equal(fresh.taskCompleted, true);
    assert.equal(fresh.executionStarted, false);
    const old = decodeWorkItem(orchestratorWorkItem([], [taskCompleted()]));
    assert.equal(old.taskCompleted, false, 'pastEvents are not new events');
  });

  it('reads an activity item, including a negative task id', () => {
    assert.deepEqual(decodeWorkItem(activityWorkItem(7)), { kind: 'activity', completionToken: TOKEN, instanceId: LONG_ID, taskId: 7, executionStarted: false, taskCompleted: false });
    assert.equal(decodeWorkItem(activityWorkItem(-5)).taskId, -5);
  });

  it('reads a health ping as neither kind', () => {
    const item = new proto.WorkItem();
    item.setHealthping(new proto.HealthPing());
    assert.equal(decodeWorkItem(item.serializeBinary()).kind, 'other');
  });

  it('skips unknown fields of every wire type', () => {
    const writer = new BinaryWriter();
    writer.writeFixed32(99, 0xdeadbeef);
    writer.writeFixed64(98, 12345);
    writer.writeInt64(97, -2);
    writer.writeString(96, 'unknown');
    const bytes = Buffer.concat([writer.getResultBuffer(), activityWorkItem(3)]);
    assert.equal(decodeWorkItem(bytes).taskId, 3);
    assert.equal(decodeWorkItem(bytes).completionToken, TOKEN);
  });

  it('throws on truncated input rather than reading past it', () => {
    const bytes = activityWorkItem(3);
    assert.throws(() => decodeWorkItem(bytes.subarray(0, bytes.length - 3)), RangeError);
    assert.throws(() => new WireReader(Uint8Array.of(0x80)).varint(), RangeError);
  });
});

describe('proto-wire: gRPC message framing', () => {
  const messages = [Buffer.from('a'), Buffer.alloc(0), Buffer.from(LONG_ID), Buffer.alloc(70_000, 7)];
  const body = Buffer.concat(messages.map((m) => grpcFrame(m)));

  it('prefixes a message with flag 0 and its big-endian length', () => {
    assert.deepEqual([...grpcFrame(Buffer.from('abc'))], [0, 0, 0, 0, 3, 97, 98, 99]);
  });

  for (const chunkBytes of [1, 3, 4096, body.length]) {
    it(`splits messages out of ${chunkBytes}-byte chunks`, () => {
      const seen: Buffer[] = [];
      const split = grpcMessageSplitter((m) => seen.push(Buffer.from(m)));
      for (let offset = 0; offset < body.length; offset += chunkBytes) split(body.subarray(offset, offset + chunkBytes));
      assert.deepEqual(seen, messages);
    });
  }

  it('refuses a compressed message', () => {
    const split = grpcMessageSplitter(() => {});
    assert.throws(() => split(Buffer.from([1, 0, 0, 0, 0])), /compressed/);
  });
});
