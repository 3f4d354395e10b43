import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proto, StringValue } from './load.ts';

test('a string field that declares more bytes than the message holds fails to decode at once', () => {
  // Field 1 (instanceId), length 2^32 - 1, one byte of content: unbounded, this loops for minutes.
  const declaresFourGigabytes = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
  assert.throws(() => proto.CreateInstanceRequest.deserializeBinary(declaresFourGigabytes), RangeError);
  const oneByteShort = new Uint8Array([0x0a, 0x03, 0x61, 0x62]);
  assert.throws(() => proto.CreateInstanceRequest.deserializeBinary(oneByteShort), /declares 3 bytes but the message has 2 left/);
});

test('strings that fit, nested ones included, still decode', () => {
  const request = new proto.CreateInstanceRequest().setInstanceid('héllo, 世界').setName('Orch');
  const decoded = proto.CreateInstanceRequest.deserializeBinary(request.serializeBinary());
  assert.equal(decoded.getInstanceid(), 'héllo, 世界');
  assert.equal(decoded.getName(), 'Orch');
  const event = new proto.HistoryEvent().setEventid(7);
  event.setTaskcompleted(new proto.TaskCompletedEvent().setTaskscheduledid(3).setResult(new StringValue().setValue('"ok"')));
  const again = proto.HistoryEvent.deserializeBinary(event.serializeBinary());
  assert.equal(again.getTaskcompleted()?.getTaskscheduledid(), 3);
  assert.equal(again.getTaskcompleted()?.getResult()?.getValue(), '"ok"');
});
