import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkDepth, JSON_DEPTH_MAX, readJsonBody } from './json-body.ts';

const post = (body: string | Uint8Array | null, headers: Record<string, string> = {}) => new Request('http://x/', { method: 'POST', body, headers });

it('reads JSON, empty bodies as undefined, and refuses invalid JSON and UTF-8', async () => {
  assert.deepEqual(await readJsonBody(post('{"a":[1,"]]]"]}'), 100), { a: [1, ']]]'] });
  assert.equal(await readJsonBody(post('  '), 100), undefined);
  assert.equal(await readJsonBody(post(null), 100), undefined);
  await assert.rejects(readJsonBody(post('{"a":'), 100), { code: 'INVALID_ARGUMENT', message: /not valid JSON/ });
  await assert.rejects(readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])), 100), { code: 'INVALID_ARGUMENT', message: /UTF-8/ });
});

it('refuses bodies past the size limit, declared or streamed', async () => {
  await assert.rejects(readJsonBody(post('[1]', { 'content-length': '1000' }), 10), { code: 'PAYLOAD_TOO_LARGE' });
  const stream = new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1024)) });
  await assert.rejects(readJsonBody(new Request('http://x/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit), 10_000), { code: 'PAYLOAD_TOO_LARGE' });
});

it('bounds nesting depth before parsing: 100,000 levels is a 400, the limit itself is fine', async () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  await assert.rejects(readJsonBody(post(deep(100_000)), 1_000_000), { code: 'INVALID_ARGUMENT', message: /deeper than 64 levels/ });
  assert.ok(Array.isArray(await readJsonBody(post(deep(JSON_DEPTH_MAX)), 1000)));
  assert.throws(() => checkDepth(`{"a":${deep(JSON_DEPTH_MAX)}}`, JSON_DEPTH_MAX), { code: 'INVALID_ARGUMENT' });
  checkDepth(`["${'['.repeat(1000)}\\"${'{'.repeat(1000)}"]`, 2);
});
