import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { FailureDetails } from '../../domain/history-event.ts';
import { mutatedBytes } from '../../../test/support/mutated-bytes.ts';
import { readActivityResponse } from './activity-response-reader.ts';
import { toFailureDetails, toStringValue } from './common-map.ts';
import { proto } from './load.ts';
import { activityResponseFromProto } from './response-map.ts';

/** The generated decoder and response-map.ts: what the server did before, and still does when the reader gives up. */
function generated(bytes: Buffer): unknown {
  try {
    return activityResponseFromProto(proto.ActivityResponse.deserializeBinary(bytes));
  } catch {
    return 'refused';
  }
}

/** The reader either gives up or reads exactly what the generated path reads. */
function assertSameOrGivesUp(bytes: Buffer): boolean {
  const read = readActivityResponse(bytes);
  if (read === undefined) return false;
  assert.deepStrictEqual(read, generated(bytes));
  // The same key order too: anything that serializes the result sees no difference.
  assert.equal(JSON.stringify(read), JSON.stringify(generated(bytes)));
  return true;
}

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constant(''));
const optionalText = fc.option(text, { nil: undefined });

/** Failure details up to three deep; some with properties, which the reader leaves to the generated path. */
const failure: fc.Arbitrary<FailureDetails> = fc.letrec<{ failure: FailureDetails }>((tie) => ({
  failure: fc.record({
    errorType: text,
    errorMessage: text,
    stackTrace: optionalText,
    innerFailure: fc.option(tie('failure'), { nil: undefined, depthSize: 'small' }),
    isNonRetriable: fc.boolean(),
    properties: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 9 },
      { arbitrary: fc.dictionary(text, fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 2 }), weight: 1 },
    ),
  }, { requiredKeys: ['errorType', 'errorMessage', 'isNonRetriable'] }),
})).failure;

const response = fc.record({
  instanceId: text,
  // Task ids are sequence numbers; a negative one (a 10-byte varint) is left to the generated path.
  taskId: fc.oneof({ arbitrary: fc.nat(), weight: 4 }, { arbitrary: fc.integer({ min: -(2 ** 31), max: -1 }), weight: 1 }),
  result: optionalText,
  failureDetails: fc.option(failure, { nil: undefined }),
  completionToken: text,
}).map((r) => {
  const m = new proto.ActivityResponse().setInstanceid(r.instanceId).setTaskid(r.taskId).setResult(toStringValue(r.result));
  m.setFailuredetails(toFailureDetails(r.failureDetails)).setCompletiontoken(r.completionToken);
  return Buffer.from(m.serializeBinary());
});

describe('activity response reader', () => {
  it('reads what the generated decoder and response-map.ts read, or gives up', () => {
    let read = 0;
    fc.assert(fc.property(response, (bytes) => {
      if (assertSameOrGivesUp(bytes)) read++;
    }), { numRuns: 2000 });
    assert.ok(read > 1000, `the reader read ${read} of 2000 responses itself`);
  });

  it('reads a result and a failure as the Go and JavaScript SDKs send them itself', () => {
    const ok = new proto.ActivityResponse().setInstanceid('i').setTaskid(2).setResult(toStringValue('"Hello, 世界!"')).setCompletiontoken('t');
    const failed = new proto.ActivityResponse().setInstanceid('i').setTaskid(0).setCompletiontoken('t').setFailuredetails(toFailureDetails({
      errorType: 'Error', errorMessage: 'boom', stackTrace: 'at x', innerFailure: { errorType: 'Inner', errorMessage: '', isNonRetriable: true }, isNonRetriable: false,
    }));
    for (const m of [ok, failed, new proto.ActivityResponse()]) assert.equal(assertSameOrGivesUp(Buffer.from(m.serializeBinary())), true);
  });

  it('gives up on a field it does not know, and on failure properties', () => {
    const unknown = Buffer.concat([Buffer.from(new proto.ActivityResponse().setInstanceid('i').serializeBinary()), Buffer.from([0x30, 0x01])]);
    assert.equal(readActivityResponse(unknown), undefined);
    assert.deepEqual(generated(unknown), { instanceId: 'i', taskId: 0, completionToken: '' }, 'the generated path skips it');
    const withProperties = Buffer.from(new proto.ActivityResponse().setFailuredetails(toFailureDetails({ errorType: 'E', errorMessage: 'm', isNonRetriable: false, properties: { k: 1 } })).serializeBinary());
    assert.equal(readActivityResponse(withProperties), undefined);
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
  });
});
