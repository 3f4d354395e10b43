import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { OrchestrationStatus } from '../../domain/history-event.ts';
import type { InstanceRecord } from '../../domain/instance.ts';
import { fromFailureDetails, fromStringValue, fromTags, fromTimestamp } from './common-map.ts';
import { proto, type pb } from './load.ts';
import { getInstanceResponseBytes, orchestrationStateToProto } from './state-map.ts';

const full: InstanceRecord = {
  instanceId: 'order-42',
  executionId: 'exec-1',
  name: 'ProcessOrder',
  version: '1.2',
  status: 'FAILED',
  createdAt: 1_700_000_000_001,
  lastUpdatedAt: 1_700_000_000_500,
  completedAt: 1_700_000_000_999,
  scheduledStartAt: 1_700_000_000_000,
  input: '"Hello, 世界!"',
  output: '"🚀"',
  customStatus: '{"step":3}',
  failureDetails: { errorType: 'Error', errorMessage: 'boom', isNonRetriable: false },
  parentInstanceId: 'parent-7',
  tags: { team: 'payments' },
};

function roundTrip(r: InstanceRecord, payloads: boolean): pb.OrchestrationState {
  return proto.OrchestrationState.deserializeBinary(orchestrationStateToProto(r, payloads).serializeBinary());
}

describe('orchestration state', () => {
  it('writes every field when payloads are included', () => {
    const m = roundTrip(full, true);
    assert.equal(m.getInstanceid(), 'order-42');
    assert.equal(m.getName(), 'ProcessOrder');
    assert.equal(fromStringValue(m.getVersion()), '1.2');
    assert.equal(m.getOrchestrationstatus(), proto.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);
    assert.equal(fromTimestamp(m.getScheduledstarttimestamp()), full.scheduledStartAt);
    assert.equal(fromTimestamp(m.getCreatedtimestamp()), full.createdAt);
    assert.equal(fromTimestamp(m.getLastupdatedtimestamp()), full.lastUpdatedAt);
    assert.equal(fromTimestamp(m.getCompletedtimestamp()), full.completedAt);
    assert.equal(fromStringValue(m.getExecutionid()), 'exec-1');
    assert.equal(fromStringValue(m.getParentinstanceid()), 'parent-7');
    assert.deepStrictEqual(fromTags(m.getTagsMap()), { team: 'payments' });
    assert.equal(fromStringValue(m.getInput()), '"Hello, 世界!"');
    assert.equal(fromStringValue(m.getOutput()), '"🚀"');
    assert.equal(fromStringValue(m.getCustomstatus()), '{"step":3}');
    assert.deepStrictEqual(fromFailureDetails(m.getFailuredetails()), full.failureDetails);
  });

  it('leaves payloads out when they were not asked for', () => {
    const m = roundTrip(full, false);
    assert.equal(m.getInstanceid(), 'order-42');
    assert.equal(fromTimestamp(m.getCompletedtimestamp()), full.completedAt);
    assert.deepStrictEqual(fromTags(m.getTagsMap()), { team: 'payments' });
    assert.equal(m.hasInput(), false);
    assert.equal(m.hasOutput(), false);
    assert.equal(m.hasCustomstatus(), false);
    assert.equal(m.hasFailuredetails(), false);
  });

  it('leaves unset optional fields unset', () => {
    const minimal: InstanceRecord = {
      instanceId: 'i', executionId: 'e', name: 'N', status: 'PENDING', createdAt: 1, lastUpdatedAt: 2,
    };
    const m = roundTrip(minimal, true);
    assert.equal(m.getOrchestrationstatus(), proto.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);
    for (const has of [m.hasVersion(), m.hasScheduledstarttimestamp(), m.hasCompletedtimestamp(), m.hasParentinstanceid(),
      m.hasInput(), m.hasOutput(), m.hasCustomstatus(), m.hasFailuredetails()]) {
      assert.equal(has, false);
    }
    assert.equal(m.getTagsMap().getLength(), 0);
    assert.equal(fromTimestamp(m.getCreatedtimestamp()), 1);
  });

  it('writes the GetInstanceResponse bytes of the generated code, with and without payloads', () => {
    const generated = (r: InstanceRecord | undefined, payloads: boolean) => {
      const m = new proto.GetInstanceResponse();
      if (r !== undefined) m.setExists(true).setOrchestrationstate(orchestrationStateToProto(r, payloads));
      return Buffer.from(m.serializeBinary());
    };
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constant(''));
    const optional = fc.option(text, { nil: undefined });
    // Beyond the Timestamp range too: both paths clamp.
    const time = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -1e15, max: 1e15 }));
    const statuses: OrchestrationStatus[] = ['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW', 'FAILED', 'CANCELED', 'TERMINATED', 'PENDING', 'SUSPENDED'];
    const failure = fc.record({ errorType: text, errorMessage: text, stackTrace: optional, isNonRetriable: fc.boolean() }, { requiredKeys: ['errorType', 'errorMessage', 'isNonRetriable'] });
    const instance = fc.record({
      instanceId: text, executionId: text, name: text, status: fc.constantFrom(...statuses), createdAt: time, lastUpdatedAt: time,
      version: optional, completedAt: time, scheduledStartAt: time, input: optional, output: optional, customStatus: optional,
      // No `__proto__` key: google-protobuf's map cannot hold one, so no stored tags have it (common-map.ts).
      failureDetails: failure, parentInstanceId: optional, tags: fc.dictionary(text.filter((k) => k !== '__proto__'), text, { maxKeys: 3 }),
    }, { requiredKeys: ['instanceId', 'executionId', 'name', 'status', 'createdAt', 'lastUpdatedAt'] }) as fc.Arbitrary<InstanceRecord>;
    fc.assert(fc.property(fc.option(instance, { nil: undefined, freq: 20 }), fc.boolean(), (r, payloads) => {
      assert.deepStrictEqual(Buffer.from(getInstanceResponseBytes(r, payloads)), generated(r, payloads));
    }), { numRuns: 2000 });
    assert.deepStrictEqual(Buffer.from(getInstanceResponseBytes(full, true)), generated(full, true));
    assert.equal(getInstanceResponseBytes(undefined, true).length, 0, 'no such instance: exists false, an empty message');
  });
});
