import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageFrames, type FrameRules } from './message-frames.ts';

const RULES: FrameRules = { method: '/S/M', messageBytesMax: 100, messagesMax: 1 };

function frame(body: number[], flag = 0): number[] {
  return [flag, 0, 0, 0, body.length, ...body];
}

/** Feeds `bytes` one chunk at a time of `chunk` bytes, then ends; the first refusal. */
function run(bytes: number[], rules: Partial<FrameRules & { encoded: boolean }> = {}, chunk = bytes.length || 1): { code: string; message: string } | undefined {
  const { encoded = false, ...rest } = rules;
  const frames = new MessageFrames({ ...RULES, ...rest }, encoded);
  for (let i = 0; i < bytes.length; i += chunk) {
    const error = frames.data(Uint8Array.from(bytes.slice(i, i + chunk)));
    if (error !== undefined) return { code: error.code, message: error.message };
  }
  const error = frames.end();
  return error === undefined ? undefined : { code: error.code, message: error.message };
}

describe('gRPC message frames', () => {
  it('accepts one whole message, however the chunks fall', () => {
    for (const chunk of [1, 2, 3, 7, 100]) assert.equal(run(frame([1, 2, 3, 4, 5]), {}, chunk), undefined, `chunks of ${chunk}`);
    assert.equal(run(frame([])), undefined, 'an empty message');
    assert.equal(run([...frame([1]), ...frame([2])], { messagesMax: 2 }), undefined);
  });

  it('refuses a compressed message without grpc-encoding, and takes it with one', () => {
    assert.deepEqual(run(frame([1, 2], 1)), { code: 'MALFORMED_FRAME', message: 'a /S/M message has its Compressed-Flag set but the request declares no grpc-encoding' });
    assert.equal(run(frame([1, 2], 1), { encoded: true }), undefined);
    assert.match(run(frame([1], 2))?.message ?? '', /Compressed-Flag 2; it must be 0 or 1/);
  });

  it('refuses a message longer than the call allows as soon as its prefix is read', () => {
    const frames = new MessageFrames(RULES, false);
    const error = frames.data(Uint8Array.from([0, 0x7f, 0xff, 0xff, 0xff]));
    assert.equal(error?.code, 'RESOURCE_EXHAUSTED');
    assert.equal(error?.message, 'the /S/M request message is 2147483647 bytes; the maximum for this call is 100 bytes');
    assert.equal(frames.data(Uint8Array.from([1, 2, 3])), undefined, 'nothing more is reported');
  });

  it('refuses a request cut short, a missing message and an extra one', () => {
    assert.match(run(frame([1, 2, 3]).slice(0, 6))?.message ?? '', /ended after 1 of the 3 bytes of a message/);
    assert.match(run([0, 0, 0])?.message ?? '', /ended after 3 of the 5 bytes of a message prefix/);
    assert.deepEqual(run([]), { code: 'MALFORMED_FRAME', message: 'the /S/M request ended without its message' });
    assert.match(run([...frame([1]), ...frame([2])])?.message ?? '', /takes 1 request message; a further one arrived/);
  });
});
