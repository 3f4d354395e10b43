import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServerError } from '../domain/errors.ts';
import { STORE_TUNING } from '../config/config.ts';
import { systemClock } from '../lib/clock.ts';
import { cryptoIdSource } from '../lib/ids.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { TaskHubs } from './task-hubs.ts';

async function hubs(dynamic: boolean): Promise<TaskHubs> {
  const store = openSqliteStore({ path: ':memory:', ids: cryptoIdSource(), groupCommitCallsMax: STORE_TUNING.groupCommitCallsMax });
  await store.migrate();
  const taskHubs = new TaskHubs(store, systemClock, { initial: ['main'], defaultHub: 'main', dynamic });
  await taskHubs.load();
  await taskHubs.create('b', 'a');
  return taskHubs;
}

test('known finds an existing hub at once, as resolve does: the default without a header, a scheduler\'s own hubs', async () => {
  const taskHubs = await hubs(false);
  for (const [header, scheduler, hub] of [[undefined, undefined, 'main'], ['', undefined, 'main'], ['main', undefined, 'main'], ['b', 'a', 'a/b']] as const) {
    assert.equal(taskHubs.known(header, scheduler), hub);
    assert.equal(await taskHubs.resolve(header, scheduler), hub);
  }
});

test('known is undefined for any other hub, and resolve refuses it: unknown, another scheduler\'s, or an invalid name', async () => {
  const taskHubs = await hubs(false);
  // 'a/b' exists as scheduler a's hub b: a header of the default scheduler must not reach it.
  for (const [header, scheduler] of [['other', undefined], ['a/b', undefined], ['main', 'a'], [undefined, 'a'], ['b/../b', 'a']] as const) {
    assert.equal(taskHubs.known(header, scheduler), undefined, `${String(header)} at ${String(scheduler)}`);
    await assert.rejects(taskHubs.resolve(header, scheduler), (error) => isServerError(error) && ['TASK_HUB_NOT_FOUND', 'INVALID_ARGUMENT'].includes(error.code));
  }
});

test('with dynamic hubs, resolve makes a hub the first request names, which known then finds', async () => {
  const taskHubs = await hubs(true);
  assert.equal(taskHubs.known('fresh'), undefined);
  assert.equal(await taskHubs.resolve('fresh'), 'fresh');
  assert.equal(taskHubs.known('fresh'), 'fresh');
  await assert.rejects(taskHubs.resolve('a/b'), (error) => isServerError(error) && error.code === 'INVALID_ARGUMENT');
});
