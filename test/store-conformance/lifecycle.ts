/**
 * Conformance tests for the store's lifecycle and notifications: subscribers see events only
 * after the change is durable, close flushes and then refuses calls, and (for backends that can
 * reopen their database) everything but leases survives a close and reopen.
 */
import assert from 'node:assert/strict';
import { isServerError } from '../../src/domain/errors.ts';
import type { StoreEvent } from '../../src/store/store.ts';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, T0, assertRejectsWithCode, claimActivities, claimOne, claimOrchestrations, completionOf, create, labels, message, newInstance, raised, task,
} from './fixtures.ts';

export const lifecycleTests: ConformanceTests = {
  'subscribe: work and instance events arrive after the change they describe is readable': async ({ store }) => {
    const events: StoreEvent[] = [];
    const reads: Promise<unknown>[] = [];
    const unsubscribe = store.subscribe((event) => {
      events.push(event);
      if (event.type === 'instance') reads.push(store.getInstance(event.hub, event.instanceId).then((r) => assert.equal(r?.status, event.status)));
    });
    await create(store, newInstance('ev'));
    assert.ok(events.some((e) => e.type === 'work' && e.kind === 'orchestration' && e.hub === HUB && e.visibleAt === T0));
    assert.ok(events.some((e) => e.type === 'instance' && e.instanceId === 'ev' && e.status === 'PENDING'));
    const item = await claimOne(store, T0, 'ev');
    events.length = 0;
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: [task('ev', 1)] }), T0);
    assert.ok(events.some((e) => e.type === 'work' && e.kind === 'activity' && e.visibleAt <= T0));
    assert.ok(events.some((e) => e.type === 'instance' && e.instanceId === 'ev' && e.status === 'RUNNING'));
    events.length = 0;
    await store.appendInboxMessage(HUB, message('ev', raised('later'), T0 + 500), T0);
    assert.deepEqual(events.filter((e) => e.type === 'work'), [{ type: 'work', hub: HUB, kind: 'orchestration', visibleAt: T0 + 500 }]);
    await Promise.all(reads);
    unsubscribe();
    events.length = 0;
    await create(store, newInstance('quiet'));
    assert.deepEqual(events, []);
  },

  'subscribe: a listener that throws breaks neither the store nor other listeners': async ({ store }) => {
    let calls = 0;
    store.subscribe(() => {
      throw new Error('listener failure (expected by this test)');
    });
    store.subscribe(() => calls++);
    await create(store, newInstance('t1'));
    assert.ok(calls > 0);
    assert.equal((await claimOne(store, T0, 't1')).instance.instanceId, 't1');
  },

  'subscribe: events are not emitted for a rejected write': async ({ store }) => {
    const events: StoreEvent[] = [];
    store.subscribe((event) => events.push(event));
    await assertRejectsWithCode(store.abandonOrchestrationWork(HUB, 'nope' as never, T0, T0), 'LEASE_LOST');
    assert.equal(await store.appendInboxMessage(HUB, message('ghost', raised('x')), T0), undefined);
    assert.deepEqual(events, []);
  },

  'close: writes issued before close are flushed; calls after close reject with UNAVAILABLE': async ({ store }) => {
    const pending = store.createInstance(HUB, newInstance('flushed'), T0);
    await store.close();
    assert.deepEqual(await pending, { created: true });
    await assertRejectsWithCode(store.getInstance(HUB, 'flushed'), 'UNAVAILABLE');
    await assertRejectsWithCode(store.createInstance(HUB, newInstance('late'), T0), 'UNAVAILABLE');
    await assertRejectsWithCode(claimOrchestrations(store, T0), 'UNAVAILABLE');
    await assertRejectsWithCode(store.renewLeases(HUB, [], T0, T0), 'UNAVAILABLE');
    await store.close();
  },
};

/** Tests that close the store and open the same database again; they need `reopenStore`. */
export const durabilityTests: ConformanceTests = {
  'durability: a write that resolved before close is there after reopen': async ({ store, reopen }) => {
    const pending = store.createInstance(HUB, newInstance('flushed'), T0);
    await store.close();
    assert.deepEqual(await pending, { created: true });
    const reopened = await reopen();
    assert.equal((await reopened.getInstance(HUB, 'flushed'))?.instanceId, 'flushed');
    assert.equal((await claimOne(reopened, T0, 'flushed')).messages.length, 1);
  },

  'durability: instances, history, inbox and activity tasks survive a reopen; leases do not': async ({ store, reopen }) => {
    await create(store, newInstance('p', { record: { input: '世界' } }));
    const item = await claimOne(store, T0, 'p');
    const timer = message('p', raised('timer'), T0 + 60_000);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: [task('p', 1), task('p', 2)], messages: [timer] }), T0);
    await store.appendInboxMessage(HUB, message('p', raised('waiting')), T0 + 1);
    const leased = await claimOne(store, T0 + 1, 'p');
    const [taskLease] = (await claimActivities(store, T0 + 1, { limit: 1 })).items;
    assert.ok(taskLease);
    const instanceBefore = await store.getInstance(HUB, 'p');
    const reopened = await reopen();
    assert.deepStrictEqual(await reopened.getInstance(HUB, 'p'), instanceBefore);
    assert.deepEqual(await reopened.readHistory(HUB, 'p'), item.messages.map((m) => m.event));
    assert.deepEqual(await reopened.listTaskHubs().then((h) => h.includes(HUB)), true);
    await assert.rejects(reopened.completeOrchestrationWork(HUB, completionOf(leased, T0 + 2), T0 + 2), (e) => isServerError(e, 'LEASE_LOST'));
    const again = await claimOne(reopened, T0 + 2, 'p');
    assert.deepEqual(labels(again.messages), ['waiting'], 'the lease is gone, the timer still waits');
    const tasks = await claimActivities(reopened, T0 + 2);
    assert.deepEqual(tasks.items.map((i) => i.task.taskId), [1, 2]);
    await reopened.completeOrchestrationWork(HUB, completionOf(again, T0 + 3), T0 + 3);
    const idle = await claimOrchestrations(reopened, T0 + 4);
    assert.equal(idle.items.length, 0);
    assert.equal(idle.nextVisibleAt, T0 + 60_000);
    assert.deepEqual(labels((await claimOne(reopened, T0 + 60_000, 'p')).messages), ['timer']);
  },
};
