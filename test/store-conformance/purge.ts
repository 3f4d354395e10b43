/**
 * Conformance tests for purgeInstances: the status rule, everything an instance owns, its
 * lease, and the hub boundary.
 */
import assert from 'node:assert/strict';
import type { OrchestrationStatus } from '../../src/domain/history-event.ts';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, OTHER_HUB, T0, assertRejectsWithCode, claimActivities, claimOne, claimOrchestrations, completionOf, create, message, newInstance, raised, task,
} from './fixtures.ts';

const TERMINAL: readonly OrchestrationStatus[] = ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED'];

export const purgeTests: ConformanceTests = {
  'purgeInstances: deletes finished instances with history, inbox and activity work; skips the rest': async ({ store }) => {
    await create(store, newInstance('done'));
    const item = await claimOne(store, T0, 'done');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0 + 1, { instance: { ...item.instance, status: 'COMPLETED', completedAt: T0 + 1 }, activities: [task('done', 1)] }), T0 + 1);
    await store.appendInboxMessage(HUB, message('done', raised('late')), T0 + 2);
    await create(store, newInstance('running'));
    const purged = await store.purgeInstances(HUB, { instanceIds: ['done', 'running', 'unknown', 'done'], statuses: TERMINAL }, T0 + 3);
    assert.deepEqual(purged, ['done']);
    assert.equal(await store.getInstance(HUB, 'done'), undefined);
    assert.deepEqual(await store.readHistory(HUB, 'done'), []);
    assert.ok((await store.getInstance(HUB, 'running')) !== undefined, 'a running instance is left alone');
    const claimed = await claimOrchestrations(store, T0 + 4);
    assert.deepEqual(claimed.items.map((i) => i.instance.instanceId), ['running'], 'the purged inbox is gone, the other stays');
    assert.deepEqual((await claimActivities(store, T0 + 4)).items, [], 'the purged activity task is gone');
    assert.deepEqual((await store.queryInstances(HUB, { includePayloads: false, limit: 10 })).instances.map((i) => i.instanceId), ['running']);
  },

  'purgeInstances: purging a running instance changes nothing, its lease stays valid': async ({ store }) => {
    await create(store, newInstance('live'));
    const item = await claimOne(store, T0, 'live');
    assert.deepEqual(await store.purgeInstances(HUB, { instanceIds: ['live'], statuses: TERMINAL }, T0 + 1), []);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0 + 2), T0 + 2);
    assert.equal((await store.getInstance(HUB, 'live'))?.status, 'RUNNING');
    assert.equal((await store.readHistory(HUB, 'live')).length, 1);
  },

  'purgeInstances: the lease of a purged instance is lost; the id can be created again': async ({ store }) => {
    await create(store, newInstance('gone', { record: { status: 'TERMINATED' } }));
    const item = await claimOne(store, T0, 'gone');
    assert.deepEqual(await store.purgeInstances(HUB, { instanceIds: ['gone'], statuses: TERMINAL }, T0 + 1), ['gone']);
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, completionOf(item, T0 + 2), T0 + 2), 'LEASE_LOST');
    await create(store, newInstance('gone'), T0 + 3);
    assert.equal((await claimOne(store, T0 + 3, 'gone')).messages.length, 1);
  },

  'purgeInstances: only touches the addressed hub': async ({ store }) => {
    await create(store, newInstance('twin', { record: { status: 'COMPLETED' } }));
    await create(store, newInstance('twin', { record: { status: 'COMPLETED' } }), T0, OTHER_HUB);
    assert.deepEqual(await store.purgeInstances(OTHER_HUB, { instanceIds: ['twin'], statuses: TERMINAL }, T0), ['twin']);
    assert.ok((await store.getInstance(HUB, 'twin')) !== undefined);
    assert.equal(await store.getInstance(OTHER_HUB, 'twin'), undefined);
  },
};
