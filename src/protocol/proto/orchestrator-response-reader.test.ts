import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mutatedBytes } from '../../../test/support/mutated-bytes.ts';
import { toFailureDetails, toStringValue, toTimestamp, toTraceContext } from './common-map.ts';
import { Int32Value, proto, type pb } from './load.ts';
import { readOrchestratorResponse } from './orchestrator-response-reader.ts';
import { orchestratorResponseFromProto } from './response-map.ts';

/** The generated decoder and response-map.ts: what the server did before, and still does when the reader gives up. */
function generated(bytes: Buffer): unknown {
  try {
    return orchestratorResponseFromProto(proto.OrchestratorResponse.deserializeBinary(bytes));
  } catch {
    return 'refused';
  }
}

/** The reader either gives up or reads exactly what the generated path reads. */
function assertSameOrGivesUp(bytes: Buffer): boolean {
  const read = readOrchestratorResponse(bytes);
  if (read === undefined) return false;
  assert.deepStrictEqual(read, generated(bytes));
  // The same key order too: anything that serializes the result sees no difference.
  assert.equal(JSON.stringify(read), JSON.stringify(generated(bytes)));
  return true;
}

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constant(''));
const optionalText = fc.option(text, { nil: undefined });
const trace = fc.option(fc.record({ traceParent: text, spanId: text, traceState: optionalText }, { requiredKeys: ['traceParent', 'spanId'] }), { nil: undefined });

const scheduleTask = fc.record({ name: text, version: optionalText, input: optionalText, trace }).map((a) => {
  const x = new proto.ScheduleTaskAction().setName(a.name).setVersion(toStringValue(a.version)).setInput(toStringValue(a.input));
  return new proto.OrchestratorAction().setScheduletask(x.setParenttracecontext(toTraceContext(a.trace)));
});
const createTimer = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }).map((ms) =>
  new proto.OrchestratorAction().setCreatetimer(new proto.CreateTimerAction().setFireat(toTimestamp(ms))));
const sendEvent = fc.record({ instanceId: fc.option(text, { nil: undefined }), executionId: optionalText, name: text, data: optionalText }).map((a) => {
  const x = new proto.SendEventAction().setName(a.name).setData(toStringValue(a.data));
  if (a.instanceId !== undefined) x.setInstance(new proto.OrchestrationInstance().setInstanceid(a.instanceId).setExecutionid(toStringValue(a.executionId)));
  return new proto.OrchestratorAction().setSendevent(x);
});
const complete = fc.record({ status: fc.integer({ min: 0, max: 9 }), result: optionalText, details: optionalText, newVersion: optionalText, failed: fc.boolean() }).map((a) => {
  const x = new proto.CompleteOrchestrationAction().setOrchestrationstatus(a.status as pb.OrchestrationStatus).setResult(toStringValue(a.result));
  x.setDetails(toStringValue(a.details)).setNewversion(toStringValue(a.newVersion));
  if (a.failed) x.setFailuredetails(toFailureDetails({ errorType: 'E', errorMessage: 'm', isNonRetriable: false }));
  return new proto.OrchestratorAction().setCompleteorchestration(x);
});
function taggedTask(): pb.ScheduleTaskAction {
  const x = new proto.ScheduleTaskAction().setName('t');
  x.getTagsMap().set('k', 'v');
  return x;
}

/** Kinds the reader leaves to the generated path. */
const other = fc.constantFrom(
  new proto.OrchestratorAction().setTerminateorchestration(new proto.TerminateOrchestrationAction().setInstanceid('x')),
  new proto.OrchestratorAction().setScheduletask(taggedTask()),
  new proto.OrchestratorAction(),
);
const action = fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.oneof(scheduleTask, scheduleTask, createTimer, sendEvent, complete, other)).map(([id, a]) => a.setId(id));

const response = fc.record({
  instanceId: text,
  actions: fc.array(action, { maxLength: 4 }),
  customStatus: optionalText,
  completionToken: text,
  numEventsProcessed: fc.option(fc.integer({ min: -5, max: 1000 }), { nil: undefined }),
  requiresHistory: fc.boolean(),
  isPartial: fc.boolean(),
  chunkIndex: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
}).map((r) => {
  const m = new proto.OrchestratorResponse().setInstanceid(r.instanceId).setActionsList(r.actions).setCustomstatus(toStringValue(r.customStatus));
  m.setCompletiontoken(r.completionToken).setRequireshistory(r.requiresHistory).setIspartial(r.isPartial);
  if (r.numEventsProcessed !== undefined) m.setNumeventsprocessed(new Int32Value().setValue(r.numEventsProcessed));
  if (r.chunkIndex !== undefined) m.setChunkindex(new Int32Value().setValue(r.chunkIndex));
  return Buffer.from(m.serializeBinary());
});

describe('orchestrator response reader', () => {
  it('reads what the generated decoder and response-map.ts read, or gives up', () => {
    let read = 0;
    fc.assert(fc.property(response, (bytes) => {
      if (assertSameOrGivesUp(bytes)) read++;
    }), { numRuns: 2000 });
    assert.ok(read > 500, `the reader read ${read} of 2000 responses itself`);
  });

  it('reads a W4 completion and a hello sequence step itself', () => {
    for (const a of [
      new proto.OrchestratorAction().setId(0).setScheduletask(new proto.ScheduleTaskAction().setName('SayHello').setInput(toStringValue('"w4"'))),
      new proto.OrchestratorAction().setId(1).setCompleteorchestration(new proto.CompleteOrchestrationAction().setOrchestrationstatus(1).setResult(toStringValue('"ok"'))),
    ]) {
      const bytes = Buffer.from(new proto.OrchestratorResponse().setInstanceid('i').setActionsList([a]).setCompletiontoken('t').serializeBinary());
      assert.equal(assertSameOrGivesUp(bytes), true);
    }
  });

  it('gives up on, or reads the same from, bytes that were cut, flipped or spliced', () => {
    fc.assert(fc.property(mutatedBytes(response), (bytes) => {
      assertSameOrGivesUp(bytes);
    }), { numRuns: 3000 });
  });

  it('reads any valid UTF-8 string as the generated decoder does, and gives up on invalid UTF-8', () => {
    // instanceId (field 1) holding raw bytes.
    const withId = (raw: Uint8Array) => Buffer.concat([Buffer.from([0x0a, raw.length]), Buffer.from(raw)]);
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (raw) => {
      assert.equal(assertSameOrGivesUp(withId(raw)), isUtf8(raw));
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
      assert.equal(assertSameOrGivesUp(withId(Buffer.from(s))), true);
    }), { numRuns: 2000 });
  });
});
