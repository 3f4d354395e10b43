/**
 * Conformance tests for the store's administration of task hubs: creation is idempotent, hubs
 * are isolated from each other, deleting one deletes every row it owns; migrate is idempotent.
 */
import assert from 'node:assert/strict';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, OTHER_HUB, T0, assertRejectsWithCode, claimActivities, claimOne, claimOrchestrations, completionOf, create, message, newInstance, raised, task,
} from './fixtures.ts';

export const taskHubTests: ConformanceTests = {
  'task hubs: createTaskHub is idempotent and listTaskHubs lists each hub once': async ({ store }) => {
    await store.createTaskHub(HUB, T0 + 1);
    assert.deepEqual((await store.listTaskHubs()).sort(), [HUB, OTHER_HUB].sort());
  },

  'migrate: running it again changes nothing': async ({ store }) => {
    await create(store, newInstance('i1'));
    await store.migrate();
    assert.equal((await store.getInstance(HUB, 'i1'))?.instanceId, 'i1');
  },

  'task hubs: hubs are isolated, the same instance id lives in both independently': async ({ store }) => {
    await create(store, newInstance('same', { record: { input: 'a' } }), T0, HUB);
    await create(store, newInstance('same', { record: { input: 'b' } }), T0, OTHER_HUB);
    assert.equal((await store.getInstance(HUB, 'same'))?.input, 'a');
    assert.equal((await store.getInstance(OTHER_HUB, 'same'))?.input, 'b');
    const inA = await claimOne(store, T0, 'same', HUB);
    await assertRejectsWithCode(store.completeOrchestrationWork(OTHER_HUB, completionOf(inA, T0), T0), 'LEASE_LOST');
    const inB = await claimOne(store, T0, 'same', OTHER_HUB);
    await store.completeOrchestrationWork(HUB, completionOf(inA, T0, { activities: [task('same', 1)] }), T0);
    assert.equal((await store.readHistory(OTHER_HUB, 'same')).length, 0);
    assert.equal((await claimActivities(store, T0, { hub: OTHER_HUB })).items.length, 0);
    assert.equal((await store.renewLeases(HUB, [inB.lease.token], T0 + 60_000, T0)).length, 1, 'a lease of another hub is not held here');
    await store.deleteTaskHub(OTHER_HUB);
    assert.equal((await store.getInstance(HUB, 'same'))?.input, 'a');
    assert.equal((await claimActivities(store, T0)).items.length, 1);
  },

  'task hubs: deleteTaskHub deletes the hub and every row it owns, and is idempotent': async ({ store }) => {
    await create(store, newInstance('d1'));
    await create(store, newInstance('d2', { visibleAt: T0 + 1000 }));
    const item = await claimOne(store, T0, 'd1');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: [task('d1', 1)] }), T0);
    await store.appendInboxMessage(HUB, message('d1', raised('x')), T0);
    const leased = await claimOne(store, T0, 'd1');
    await store.deleteTaskHub(HUB);
    await store.deleteTaskHub(HUB);
    assert.deepEqual(await store.listTaskHubs(), [OTHER_HUB]);
    assert.equal(await store.getInstance(HUB, 'd1'), undefined);
    assert.deepEqual(await store.readHistory(HUB, 'd1'), []);
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, completionOf(leased, T0), T0), 'LEASE_LOST');
    assert.equal((await claimOrchestrations(store, T0 + 5000)).items.length, 0);
    assert.equal((await claimActivities(store, T0 + 5000)).items.length, 0);
    await store.createTaskHub(HUB, T0 + 1);
    await create(store, newInstance('d1'), T0 + 1);
    assert.equal((await claimOne(store, T0 + 1, 'd1')).messages.length, 1);
  },
};
