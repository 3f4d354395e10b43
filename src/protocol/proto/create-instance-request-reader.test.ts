import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toStringValue, toTimestamp, toTraceContext } from './common-map.ts';
import { readCreateInstanceRequest } from './create-instance-request-reader.ts';
import { proto } from './load.ts';
import { startRequestFromProto } from './start-request-map.ts';

/** The generated decoder and start-request-map.ts: what the server did before, and still does when the reader gives up. */
function generated(bytes: Buffer): unknown {
  try {
    return startRequestFromProto(proto.CreateInstanceRequest.deserializeBinary(bytes));
  } catch {
    return 'refused';
  }
}

/** The reader either gives up or reads exactly what the generated path reads. */
function assertSameOrGivesUp(bytes: Buffer): boolean {
  const read = readCreateInstanceRequest(bytes);
  if (read === undefined) return false;
  assert.deepStrictEqual(read, generated(bytes));
  // The same key order too: anything that serializes the result sees no difference.
  assert.equal(JSON.stringify(read), JSON.stringify(generated(bytes)));
  return true;
}

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constant(''));
const optionalText = fc.option(text, { nil: undefined });
const trace = fc.option(fc.record({ traceParent: text, spanId: text, traceState: optionalText }, { requiredKeys: ['traceParent', 'spanId'] }), { nil: undefined });

const request = fc.record({
  instanceId: text,
  name: text,
  version: optionalText,
  input: optionalText,
  // Start times before 1970 (a negative seconds varint of 10 bytes) or after 3058 (over 5 bytes) are left to the generated path.
  scheduledStartAt: fc.option(fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 32_503_680_000_000 }), weight: 8 },
    { arbitrary: fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), weight: 1 },
  ), { nil: undefined }),
  executionId: optionalText,
  trace,
  tags: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.dictionary(text, text, { minKeys: 1, maxKeys: 2 }), weight: 1 }),
  reusePolicy: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
}).map((a) => {
  const m = new proto.CreateInstanceRequest().setInstanceid(a.instanceId).setName(a.name).setVersion(toStringValue(a.version)).setInput(toStringValue(a.input));
  if (a.scheduledStartAt !== undefined) m.setScheduledstarttimestamp(toTimestamp(a.scheduledStartAt));
  m.setExecutionid(toStringValue(a.executionId)).setParenttracecontext(toTraceContext(a.trace));
  for (const [key, value] of Object.entries(a.tags ?? {})) m.getTagsMap().set(key, value);
  if (a.reusePolicy) m.setOrchestrationidreusepolicy(new proto.OrchestrationIdReusePolicy().setReplaceablestatusList([proto.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED]));
  return Buffer.from(m.serializeBinary());
});

describe('create instance request reader', () => {
  it('reads what the generated decoder and start-request-map.ts read, or gives up', () => {
    let read = 0;
    fc.assert(fc.property(request, (bytes) => {
      if (assertSameOrGivesUp(bytes)) read++;
    }), { numRuns: 2000 });
    assert.ok(read > 1000, `the reader read ${read} of 2000 requests itself`);
  });

  it('reads a start as the Go SDK sends it itself', () => {
    const m = new proto.CreateInstanceRequest().setInstanceid('0b5c6b0e-3c1f-4f7e-9d57-1a2b3c4d5e6f').setName('HelloCities').setInput(toStringValue('"Hello, 世界!"'));
    assert.equal(assertSameOrGivesUp(Buffer.from(m.serializeBinary())), true);
    assert.equal(assertSameOrGivesUp(Buffer.alloc(0)), true, 'an empty request: no id, no name');
  });

  it('gives up on tags and an id reuse policy, which the generated path reads', () => {
    const tagged = new proto.CreateInstanceRequest().setName('n');
    tagged.getTagsMap().set('k', 'v');
    const bytes = Buffer.from(tagged.serializeBinary());
    assert.equal(readCreateInstanceRequest(bytes), undefined);
    assert.deepEqual(generated(bytes), { instanceId: '', name: 'n', tags: { k: 'v' } });
  });

  it('gives up on, or reads the same from, bytes that were cut, flipped or spliced', () => {
    const mutated = fc.tuple(request, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
      .map(([bytes, flips, cut]) => {
        const out = Buffer.from(bytes);
        for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
        return out.subarray(0, bytes.length === 0 ? 0 : bytes.length - (cut % Math.min(bytes.length, 3)));
      });
    fc.assert(fc.property(mutated, (bytes) => {
      assertSameOrGivesUp(bytes);
    }), { numRuns: 3000 });
  });

  it('reads any valid UTF-8 string as the generated decoder does, and gives up on invalid UTF-8', () => {
    // name (field 2) holding raw bytes.
    const withName = (raw: Uint8Array) => Buffer.concat([Buffer.from([0x12, raw.length]), Buffer.from(raw)]);
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (raw) => {
      assert.equal(assertSameOrGivesUp(withName(raw)), isUtf8(raw));
    }), { numRuns: 2000 });
  });
});
