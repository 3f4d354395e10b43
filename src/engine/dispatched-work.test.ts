import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskHubName } from '../domain/instance.ts';
import { DispatchedWork } from './dispatched-work.ts';

const hub = 'hub' as TaskHubName;

test('a completion being written keeps its lease among those renewed until the write settles, either way', async () => {
  const work = new DispatchedWork();
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const ok = work.whileWriting(hub, 'a', new Promise<void>((resolve) => (finish = resolve)));
  const refused = work.whileWriting(hub, 'b', new Promise<void>((_, reject) => (fail = reject)));
  assert.deepEqual([...work.writing()], [['a', hub], ['b', hub]]);
  finish();
  await ok;
  assert.deepEqual([...work.writing()], [['b', hub]]);
  fail(new Error('LEASE_LOST'));
  await assert.rejects(refused, /LEASE_LOST/);
  assert.deepEqual([...work.writing()], []);
});
