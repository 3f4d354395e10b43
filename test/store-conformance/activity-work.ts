/**
 * Conformance tests for activity work: claims (FIFO, racing, limits), completion queueing the
 * result for the orchestration, abandon with a retry time, and lease expiry.
 */
import assert from 'node:assert/strict';
import { makeEvent } from '../../src/domain/history-event.ts';
import type { Store } from '../../src/store/store.ts';
import type { OrchestrationWorkItem } from '../../src/store/work-store.ts';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, LEASE_MS, T0, assertRejectsWithCode, claimActivities, claimOne, completionOf, create, labels, message, newInstance, task,
} from './fixtures.ts';

/** Creates instance `id` and completes its first episode with `count` activity tasks. */
async function scheduleTasks(store: Store, id: string, count: number): Promise<OrchestrationWorkItem> {
  await create(store, newInstance(id));
  const item = await claimOne(store, T0, id);
  const tasks = Array.from({ length: count }, (_, i) => task(id, i + 1, { input: `in-${i + 1}` }));
  await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: tasks }), T0);
  return item;
}

const taskCompleted = (taskScheduledId: number, result: string) => makeEvent({ kind: 'taskCompleted', taskScheduledId, result }, T0);

export const activityWorkTests: ConformanceTests = {
  'claimActivityWork: delivers tasks in the order they were scheduled, under a lease': async ({ store }) => {
    await scheduleTasks(store, 'a', 3);
    const first = await claimActivities(store, T0 + 5, { limit: 2 });
    assert.deepEqual(first.items.map((i) => i.task.taskId), [1, 2]);
    const item = first.items[0]!;
    assert.equal(item.hub, HUB);
    assert.deepStrictEqual(item.task, task('a', 1, { input: 'in-1' }));
    assert.deepEqual({ expiresAt: item.lease.expiresAt, attempt: item.lease.attempt }, { expiresAt: T0 + 5 + LEASE_MS, attempt: 1 });
    assert.deepEqual((await claimActivities(store, T0 + 5)).items.map((i) => i.task.taskId), [3]);
    assert.equal((await claimActivities(store, T0 + 5)).items.length, 0);
  },

  'claimActivityWork: racing claimers never get the same task': async ({ store }) => {
    await scheduleTasks(store, 'race', 25);
    const results = await Promise.all(Array.from({ length: 6 }, () => claimActivities(store, T0, { limit: 4 })));
    const ids = results.flatMap((r) => r.items.map((i) => i.task.taskId));
    assert.equal(ids.length, 24);
    assert.equal(new Set(ids).size, 24, 'a task was claimed twice');
    assert.ok(results.every((r) => r.items.length <= 4), 'limit respected');
  },

  'completeActivityWork: deletes the task and queues the result for the orchestration': async ({ store }) => {
    await scheduleTasks(store, 'done', 1);
    const [item] = (await claimActivities(store, T0)).items;
    assert.ok(item);
    const result = { ...message('done', taskCompleted(1, 'ok')), executionId: 'done-exec-1' };
    await store.completeActivityWork(HUB, item.lease.token, result, T0 + 1);
    await assertRejectsWithCode(store.completeActivityWork(HUB, item.lease.token, result, T0 + 1), 'LEASE_LOST');
    assert.equal((await claimActivities(store, item.lease.expiresAt + 1)).items.length, 0, 'the task is gone');
    const orchestration = await claimOne(store, T0 + 1, 'done');
    const delivered = orchestration.messages.map((m) => ({ event: m.event, executionId: m.executionId }));
    assert.deepEqual(delivered, [{ event: result.event, executionId: 'done-exec-1' }]);
  },

  'completeActivityWork: a result for a missing instance is dropped; the task is still deleted': async ({ store }) => {
    await scheduleTasks(store, 'orphan', 1);
    const [item] = (await claimActivities(store, T0)).items;
    assert.ok(item);
    await store.completeActivityWork(HUB, item.lease.token, message('no-such-instance', taskCompleted(1, 'x')), T0);
    assert.equal(await store.getInstance(HUB, 'no-such-instance'), undefined);
    assert.equal((await claimActivities(store, item.lease.expiresAt)).items.length, 0);
  },

  'activity leases: expiry makes the task claimable again with attempt 2; the old token is LEASE_LOST': async ({ store }) => {
    await scheduleTasks(store, 'exp', 1);
    const [first] = (await claimActivities(store, T0, { leaseMs: 1000 })).items;
    assert.ok(first);
    assert.equal((await claimActivities(store, T0 + 999)).items.length, 0);
    const [second] = (await claimActivities(store, T0 + 1000)).items;
    assert.equal(second?.lease.attempt, 2);
    assert.deepStrictEqual(second?.task, first.task);
    const late = message('exp', taskCompleted(1, 'late'));
    await assertRejectsWithCode(store.completeActivityWork(HUB, first.lease.token, late, T0 + 1000), 'LEASE_LOST');
    await assertRejectsWithCode(store.abandonActivityWork(HUB, first.lease.token, T0 + 1000, T0 + 1000), 'LEASE_LOST');
    assert.equal((await claimActivities(store, T0 + 1000 + LEASE_MS - 1)).items.length, 0);
  },

  'activity leases: renewLeases keeps an activity lease alive past its original expiry': async ({ store }) => {
    await scheduleTasks(store, 'ren', 1);
    const [item] = (await claimActivities(store, T0, { leaseMs: 1000 })).items;
    assert.ok(item);
    assert.deepEqual(await store.renewLeases(HUB, [item.lease.token], T0 + 5000, T0 + 900), []);
    assert.equal((await claimActivities(store, T0 + 4999)).items.length, 0);
    await store.completeActivityWork(HUB, item.lease.token, message('ren', taskCompleted(1, 'ok')), T0 + 4999);
    assert.deepEqual(labels((await claimOne(store, T0 + 4999, 'ren')).messages), ['taskCompleted']);
  },

  'abandonActivityWork: the task comes back at retryAt, not before, with attempt 2': async ({ store }) => {
    await scheduleTasks(store, 'aba', 1);
    const [item] = (await claimActivities(store, T0)).items;
    assert.ok(item);
    await store.abandonActivityWork(HUB, item.lease.token, T0 + 700, T0 + 1);
    await assertRejectsWithCode(store.abandonActivityWork(HUB, item.lease.token, T0 + 700, T0 + 1), 'LEASE_LOST');
    const early = await claimActivities(store, T0 + 699);
    assert.equal(early.items.length, 0);
    assert.equal(early.nextVisibleAt, T0 + 700);
    const [again] = (await claimActivities(store, T0 + 700)).items;
    assert.equal(again?.lease.attempt, 2);
    assert.deepStrictEqual(again?.task, item.task);
  },
};
