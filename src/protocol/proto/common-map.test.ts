import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServerError } from '../../domain/errors.ts';
import type { FailureDetails, OrchestrationStatus } from '../../domain/history-event.ts';
import {
  fromFailureDetails,
  fromOrchestrationStatus,
  fromStringValue,
  fromTags,
  fromTimestamp,
  fromTraceContext,
  setTags,
  toFailureDetails,
  toOrchestrationStatus,
  toStringValue,
  toTimestamp,
  toTraceContext,
} from './common-map.ts';
import { proto, StringValue, Struct, Timestamp, Value, type pb } from './load.ts';

function failureRoundTrip(f: FailureDetails): FailureDetails | undefined {
  const bytes = toFailureDetails(f)!.serializeBinary();
  return fromFailureDetails(proto.TaskFailureDetails.deserializeBinary(bytes));
}

describe('timestamps', () => {
  it('round-trips epoch milliseconds, including before 1970', () => {
    for (const ms of [0, 1, 999, 1000, 1_700_000_000_123, -1, -1_500, 253_402_300_799_999]) {
      const bytes = toTimestamp(ms).serializeBinary();
      assert.equal(fromTimestamp(Timestamp.deserializeBinary(bytes)), ms);
    }
  });

  it('truncates sub-millisecond nanos and reads a missing timestamp as undefined', () => {
    const t = new Timestamp();
    t.setSeconds(10);
    t.setNanos(999_999_999);
    assert.equal(fromTimestamp(t), 10_999);
    assert.equal(fromTimestamp(undefined), undefined);
  });
});

describe('string values', () => {
  it('keeps absent, empty and non-ASCII strings apart', () => {
    assert.equal(toStringValue(undefined), undefined);
    assert.equal(fromStringValue(undefined), undefined);
    for (const s of ['', 'Hello, 世界!', '🚀👩‍👩‍👧', 'a\u0000b']) {
      const bytes = toStringValue(s)!.serializeBinary();
      assert.equal(fromStringValue(StringValue.deserializeBinary(bytes)), s);
    }
  });
});

describe('tags', () => {
  it('round-trips entries and reads an empty map as undefined', () => {
    const m = new proto.TaskScheduledEvent();
    assert.equal(fromTags(m.getTagsMap()), undefined);
    setTags(m, { a: '1', 'ключ': '值 🚀', __proto__x: 'y' });
    const back = proto.TaskScheduledEvent.deserializeBinary(m.serializeBinary());
    assert.deepStrictEqual(fromTags(back.getTagsMap()), { a: '1', 'ключ': '值 🚀', __proto__x: 'y' });
  });
});

describe('trace context', () => {
  it('round-trips with and without trace state', () => {
    for (const c of [{ traceParent: 'tp', spanId: 's' }, { traceParent: 'tp', spanId: 's', traceState: 'k=v' }]) {
      const bytes = toTraceContext(c)!.serializeBinary();
      assert.deepStrictEqual(fromTraceContext(proto.TraceContext.deserializeBinary(bytes)), c);
    }
    assert.equal(toTraceContext(undefined), undefined);
  });
});

describe('failure details', () => {
  it('round-trips nested inner failures and JSON properties', () => {
    const f: FailureDetails = {
      errorType: 'Outer',
      errorMessage: 'Hello, 世界! 💥',
      stackTrace: 'at a\nat b',
      isNonRetriable: true,
      properties: { n: -1.25, s: 'ü', b: true, z: null, l: [null, [1], { k: 'v' }], o: { p: { q: [] } } },
      innerFailure: {
        errorType: 'Middle',
        errorMessage: '',
        isNonRetriable: false,
        innerFailure: { errorType: 'Inner', errorMessage: 'root cause', stackTrace: '', isNonRetriable: false },
      },
    };
    assert.deepStrictEqual(failureRoundTrip(f), f);
  });

  it('leaves optional fields absent when unset', () => {
    const f: FailureDetails = { errorType: '', errorMessage: '', isNonRetriable: false };
    assert.deepStrictEqual(failureRoundTrip(f), f);
  });

  it('reads a property value with no kind set as null', () => {
    const m = new proto.TaskFailureDetails();
    m.getPropertiesMap().set('unset', new Value());
    const nested = new Struct();
    nested.getFieldsMap().set('inner', new Value());
    const withStruct = new Value();
    withStruct.setStructValue(nested);
    m.getPropertiesMap().set('nested', withStruct);
    const back = proto.TaskFailureDetails.deserializeBinary(m.serializeBinary());
    assert.deepStrictEqual(fromFailureDetails(back)?.properties, { unset: null, nested: { inner: null } });
  });
});

describe('orchestration status', () => {
  const pairs: [OrchestrationStatus, keyof typeof proto.OrchestrationStatus][] = [
    ['RUNNING', 'ORCHESTRATION_STATUS_RUNNING'],
    ['COMPLETED', 'ORCHESTRATION_STATUS_COMPLETED'],
    ['CONTINUED_AS_NEW', 'ORCHESTRATION_STATUS_CONTINUED_AS_NEW'],
    ['FAILED', 'ORCHESTRATION_STATUS_FAILED'],
    ['CANCELED', 'ORCHESTRATION_STATUS_CANCELED'],
    ['TERMINATED', 'ORCHESTRATION_STATUS_TERMINATED'],
    ['PENDING', 'ORCHESTRATION_STATUS_PENDING'],
    ['SUSPENDED', 'ORCHESTRATION_STATUS_SUSPENDED'],
  ];

  it('maps every status to the generated enum and back', () => {
    assert.equal(Object.keys(proto.OrchestrationStatus).length, pairs.length);
    for (const [status, name] of pairs) {
      assert.equal(toOrchestrationStatus(status), proto.OrchestrationStatus[name]);
      assert.equal(fromOrchestrationStatus(proto.OrchestrationStatus[name]), status);
    }
  });

  it('rejects an unknown status number as INVALID_ARGUMENT', () => {
    assert.throws(
      () => fromOrchestrationStatus(99 as pb.OrchestrationStatus),
      (error) => isServerError(error, 'INVALID_ARGUMENT'),
    );
  });
});
