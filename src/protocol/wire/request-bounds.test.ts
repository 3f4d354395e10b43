import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '../../domain/limits.ts';
import { proto, StringValue, Timestamp, Value } from '../proto/load.ts';
import { RequestBounds } from './request-bounds.ts';

const bounds = new RequestBounds(DEFAULT_LIMITS);

function refusal(bytes: Uint8Array, type: string): { code: string; message: string } {
  const error = bounds.check(bytes, type);
  assert.ok(error !== undefined, `${type} was accepted`);
  return { code: error.code, message: error.message };
}

/** `count` copies of `unit`, prefixed by `head`. */
function repeated(unit: number[], count: number, head: number[] = []): Uint8Array {
  const bytes = new Uint8Array(head.length + unit.length * count);
  bytes.set(head);
  for (let i = 0; i < count; i++) bytes.set(unit, head.length + i * unit.length);
  return bytes;
}

function failureChain(levels: number): InstanceType<typeof proto.TaskFailureDetails> {
  let failure = new proto.TaskFailureDetails().setErrortype('E').setErrormessage('level 1');
  for (let i = 1; i < levels; i++) failure = new proto.TaskFailureDetails().setErrortype('E').setInnerfailure(failure);
  return failure;
}

function timestamp(seconds: number, nanos = 0): InstanceType<typeof Timestamp> {
  const t = new Timestamp();
  t.setSeconds(seconds);
  t.setNanos(nanos);
  return t;
}

describe('request bounds', () => {
  it('accepts ordinary requests of every shape', () => {
    const start = new proto.CreateInstanceRequest().setInstanceid('i').setName('n').setInput(new StringValue().setValue('{}')).setScheduledstarttimestamp(timestamp(1_700_000_000, 5));
    for (let i = 0; i < 64; i++) start.getTagsMap().set(`k${i}`, 'v');
    assert.equal(bounds.check(start.serializeBinary(), 'CreateInstanceRequest'), undefined);
    const response = new proto.OrchestratorResponse().setInstanceid('i');
    for (let i = 0; i < 1000; i++) response.addActions(new proto.OrchestratorAction().setId(i).setScheduletask(new proto.ScheduleTaskAction().setName('a')));
    assert.equal(bounds.check(response.serializeBinary(), 'OrchestratorResponse'), undefined);
    const activity = new proto.ActivityResponse().setFailuredetails(failureChain(32));
    activity.getFailuredetails()!.getPropertiesMap().set('p', Value.fromJavaScript({ a: [1, { b: 'c' }] }));
    assert.equal(bounds.check(activity.serializeBinary(), 'ActivityResponse'), undefined);
    assert.equal(bounds.check(new Uint8Array(0), 'Empty'), undefined);
  });

  it('refuses the 101st thousand empty action at once, naming the field and the limit', () => {
    const { code, message } = refusal(repeated([0x12, 0x00], 1_000_000), 'OrchestratorResponse');
    assert.equal(code, 'RESOURCE_EXHAUSTED');
    assert.equal(message, 'OrchestratorResponse.actions has more than 100000 entries; the maximum is 100000');
  });

  it('refuses a 65th tag with the code of the tag rule', () => {
    const start = new proto.CreateInstanceRequest().setInstanceid('i').setName('n');
    for (let i = 0; i < 65; i++) start.getTagsMap().set(`k${i}`, 'v');
    assert.deepEqual(refusal(start.serializeBinary(), 'CreateInstanceRequest'), {
      code: 'INVALID_ARGUMENT',
      message: 'CreateInstanceRequest.tags has more than 64 entries; the maximum is 64',
    });
  });

  it('counts the elements of all fields together', () => {
    const small = new RequestBounds({ ...DEFAULT_LIMITS, requestElementsMax: 9 });
    const policy = new proto.OrchestrationIdReusePolicy().setReplaceablestatusList([1, 2, 3, 4, 5]);
    const start = new proto.CreateInstanceRequest().setOrchestrationidreusepolicy(policy).setVersion(new StringValue()).setInput(new StringValue()).setExecutionid(new StringValue());
    assert.equal(small.check(start.serializeBinary(), 'CreateInstanceRequest'), undefined, '9 elements');
    start.setParenttracecontext(new proto.TraceContext());
    assert.match(small.check(start.serializeBinary(), 'CreateInstanceRequest')?.message ?? '', /^CreateInstanceRequest\.parentTraceContext takes the message past 9 elements/);
  });

  it('refuses failure details nested past 32 levels, and messages nested past 64', () => {
    const deep = refusal(new proto.ActivityResponse().setFailuredetails(failureChain(33)).serializeBinary(), 'ActivityResponse');
    assert.equal(deep.code, 'INVALID_ARGUMENT');
    assert.equal(deep.message, 'ActivityResponse.failureDetails.innerFailure(x32) nests failure details (innerFailure) more than 32 levels deep; the maximum is 32');
    let value = Value.fromJavaScript('leaf');
    for (let i = 0; i < 40; i++) value = Value.fromJavaScript([value.toJavaScript()]);
    const activity = new proto.ActivityResponse().setFailuredetails(new proto.TaskFailureDetails());
    activity.getFailuredetails()!.getPropertiesMap().set('p', value);
    assert.match(refusal(activity.serializeBinary(), 'ActivityResponse').message, /^ActivityResponse\.failureDetails\.properties\.value\.listValue\.values\.listValue.* nests messages more than 64 levels deep/);
  });

  it('refuses every Timestamp and Duration outside the protocol range, wherever it is', () => {
    const start = (t: InstanceType<typeof Timestamp>) => new proto.CreateInstanceRequest().setScheduledstarttimestamp(t).serializeBinary();
    assert.equal(bounds.check(start(timestamp(-62_135_596_800)), 'CreateInstanceRequest'), undefined);
    assert.equal(bounds.check(start(timestamp(253_402_300_799, 999_999_999)), 'CreateInstanceRequest'), undefined);
    for (const [seconds, nanos, problem] of [[1e15, 0, 'seconds 1000000000000000'], [-62_135_596_801, 0, 'seconds -62135596801'], [0, -1, 'nanos -1'], [0, 1e9, 'nanos 1000000000']] as const) {
      const { code, message } = refusal(start(timestamp(seconds, nanos)), 'CreateInstanceRequest');
      assert.equal(code, 'INVALID_ARGUMENT');
      assert.ok(message.startsWith(`CreateInstanceRequest.scheduledStartTimestamp has ${problem}`), message);
    }
    const timer = new proto.OrchestratorResponse();
    timer.addActions(new proto.OrchestratorAction().setCreatetimer(new proto.CreateTimerAction().setFireat(timestamp(-1e13))));
    assert.match(refusal(timer.serializeBinary(), 'OrchestratorResponse').message, /^OrchestratorResponse\.actions\.createTimer\.fireAt has seconds -10000000000000/);
    const query = new proto.QueryInstancesRequest().setQuery(new proto.InstanceQuery().setCreatedtimefrom(timestamp(0, 2e9)));
    assert.match(refusal(query.serializeBinary(), 'QueryInstancesRequest').message, /^QueryInstancesRequest\.query\.createdTimeFrom has nanos/);
    // nanos as a 9-byte varint whose low 32 bits are all ones: the decoder reads -1.
    const nanosHigh = [0x10, 0xff, 0xff, 0xff, 0xff, 0x8f, 0x80, 0x80, 0x80, 0x10];
    assert.match(refusal(Uint8Array.from([0x2a, nanosHigh.length, ...nanosHigh]), 'CreateInstanceRequest').message, /scheduledStartTimestamp has nanos -1/);
    // Duration: seconds 1, nanos -1 (signs differ), as raw fields: {4: {1: 1, 2: -1}} inside PurgeInstanceFilter.
    const minusOne = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const duration = [0x08, 0x01, 0x10, ...minusOne];
    const filter = [0x22, duration.length, ...duration];
    assert.match(refusal(Uint8Array.from([0x12, filter.length, ...filter]), 'PurgeInstancesRequest').message, /^PurgeInstancesRequest\.purgeInstanceFilter\.timeout has nanos -1; a Duration's nanos/);
  });

  it('refuses broken wire format before the decoder sees it', () => {
    const cases: [string, number[], RegExp][] = [
      ['cut-short length', [0x12, 0x05, 0x00], /OrchestratorResponse\.actions declares 5 bytes but only 1 are left/],
      ['message field as a varint', [0x10, 0x01], /OrchestratorResponse\.actions is a message, so its wire type must be 2, not 0/],
      ['group', [0x53, 0x54], /has field 10 with wire type 3: a group/],
      ['wire type 7', [0x0f], /wire type 7: not a protobuf wire type/],
      ['field 0', [0x00, 0x01], /field numbered 0/],
      ['tag past 32 bits', [0x92, 0x80, 0x80, 0x80, 0x10, 0x00], /tag wider than 32 bits/],
      ['varint of 11 bytes', [0x08, ...new Array<number>(10).fill(0x80), 0x01], /varint longer than 10 bytes/],
      ['fixed64 past the end', [0x09, 1, 2, 3], /cut short inside field 1/],
    ];
    for (const [what, bytes, expected] of cases) {
      const { code, message } = refusal(Uint8Array.from(bytes), 'OrchestratorResponse');
      assert.equal(code, 'INVALID_ARGUMENT', what);
      assert.match(message, expected, what);
    }
  });

  it('counts packed and unpacked repeated numbers alike', () => {
    const packed = [0x0a, 9, ...new Array<number>(9).fill(1)];
    assert.match(refusal(Uint8Array.from(packed), 'OrchestrationIdReusePolicy').message, /replaceableStatus has more than 8 entries/);
    assert.match(refusal(repeated([0x08, 0x01], 9), 'OrchestrationIdReusePolicy').message, /replaceableStatus has more than 8 entries/);
    assert.equal(bounds.check(repeated([0x08, 0x01], 8), 'OrchestrationIdReusePolicy'), undefined);
  });
});
