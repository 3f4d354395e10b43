/**
 * Conformance tests for the dashboard and scale-signal reads: queryInstances with the name and
 * tag filters and newest-first paging, queryInstancesByLastUpdate (order, filters, paging both
 * ways, instances moving as they are updated), countInstancesByStatus, and workBacklog (pending and
 * active work per kind, oldest pending time) as work is queued, claimed and completed.
 */
import assert from 'node:assert/strict';
import type { InstanceRecord } from '../../src/domain/instance.ts';
import { makeEvent } from '../../src/domain/history-event.ts';
import type { InstanceQuery, InstanceQueryCursor, LastUpdateCursor, LastUpdateQuery } from '../../src/store/read-model.ts';
import type { Store } from '../../src/store/store.ts';
import type { ConformanceTests } from './suite.ts';
import { HUB, OTHER_HUB, T0, claimActivities, claimOne, completionOf, create, newInstance, raised, task } from './fixtures.ts';

async function seed(store: Store, id: string, createdAt: number, overrides: Partial<InstanceRecord> = {}): Promise<void> {
  await create(store, newInstance(id, { record: { createdAt, lastUpdatedAt: createdAt, ...overrides } }), createdAt);
}

/** Every page from `read`, in order, each at most `limit` long. */
async function allPages<C>(limit: number, read: (after: C | undefined) => Promise<{ instances: InstanceRecord[]; next?: C }>): Promise<string[]> {
  const ids: string[] = [];
  let after: C | undefined;
  for (let n = 0; n < 100; n++) {
    const page = await read(after);
    assert.ok(page.instances.length <= limit);
    ids.push(...page.instances.map((i) => i.instanceId));
    if (page.next === undefined) return ids;
    after = page.next;
  }
  throw new Error('paging did not end');
}

const pages = (store: Store, query: Omit<InstanceQuery, 'after'>) =>
  allPages<InstanceQueryCursor>(query.limit, (after) => store.queryInstances(HUB, { ...query, ...(after === undefined ? {} : { after }) }));
const pagesByLastUpdate = (store: Store, query: Omit<LastUpdateQuery, 'after'>) =>
  allPages<LastUpdateCursor>(query.limit, (after) => store.queryInstancesByLastUpdate(HUB, { ...query, ...(after === undefined ? {} : { after }) }));

export const dashboardSignalTests: ConformanceTests = {
  'queryInstances: name and tag substring filters (case-insensitive) and newest-first paging': async ({ store }) => {
    await seed(store, 'a', T0, { name: 'ProcessOrder', tags: { team: 'Billing' } });
    await seed(store, 'b', T0 + 1, { name: 'ship', status: 'COMPLETED' });
    await seed(store, 'c', T0 + 1, { name: 'processRefund', tags: { region: 'eu' }, status: 'FAILED' });
    await seed(store, 'd', T0 + 2, { name: 'Other' });
    const ids = (q: Partial<InstanceQuery>) => pages(store, { includePayloads: false, limit: 1, ...q });
    assert.deepEqual(await ids({ nameContains: 'PROCESS' }), ['a', 'c']);
    assert.deepEqual(await ids({ tagContains: 'billing' }), ['a']);
    assert.deepEqual(await ids({ tagContains: 'REGION' }), ['c']);
    assert.deepEqual(await ids({ descending: true }), ['d', 'c', 'b', 'a']);
    assert.deepEqual(await ids({ descending: true, statuses: ['COMPLETED', 'FAILED', 'PENDING'] }), ['d', 'c', 'b', 'a']);
    assert.deepEqual(await ids({ descending: true, nameContains: 'process' }), ['c', 'a']);
  },

  'queryInstancesByLastUpdate: pages in (lastUpdatedAt, instanceId) order both ways, with every filter': async ({ store }) => {
    // Created in one order, last updated in another; u-b and u-c share a time (the id breaks the tie).
    await seed(store, 'u-a', T0, { lastUpdatedAt: T0 + 30, name: 'Process', status: 'COMPLETED' });
    await seed(store, 'u-b', T0 + 1, { lastUpdatedAt: T0 + 10, status: 'RUNNING', tags: { team: 'Blue' } });
    await seed(store, 'u-c', T0 + 2, { lastUpdatedAt: T0 + 10, name: 'process', status: 'FAILED' });
    await seed(store, 'u-d', T0 + 3, { lastUpdatedAt: T0 + 20, status: 'PENDING' });
    await seed(store, 'v-e', T0 + 4, { lastUpdatedAt: T0 + 5, status: 'COMPLETED' });
    const ids = (q: Partial<LastUpdateQuery>) => pagesByLastUpdate(store, { includePayloads: false, limit: 2, ...q });
    assert.deepEqual(await ids({}), ['v-e', 'u-b', 'u-c', 'u-d', 'u-a']);
    assert.deepEqual(await ids({ descending: true }), ['u-a', 'u-d', 'u-c', 'u-b', 'v-e']);
    assert.deepEqual(await ids({ descending: true, limit: 1 }), ['u-a', 'u-d', 'u-c', 'u-b', 'v-e']);
    assert.deepEqual(await ids({ statuses: ['COMPLETED', 'FAILED'] }), ['v-e', 'u-c', 'u-a']);
    assert.deepEqual(await ids({ descending: true, statuses: ['COMPLETED'] }), ['u-a', 'v-e']);
    assert.deepEqual(await ids({ instanceIdPrefix: 'u-', createdFrom: T0 + 1, createdTo: T0 + 3 }), ['u-b', 'u-c']);
    assert.deepEqual(await ids({ nameContains: 'PROCESS', descending: true }), ['u-a', 'u-c']);
    assert.deepEqual(await ids({ tagContains: 'blue' }), ['u-b']);
    assert.deepEqual(await ids({ statuses: ['SUSPENDED'] }), []);
    assert.deepEqual(await store.queryInstancesByLastUpdate(OTHER_HUB, { includePayloads: false, limit: 10 }), { instances: [] });
    const whole = await store.queryInstancesByLastUpdate(HUB, { includePayloads: true, limit: 5 });
    assert.equal(whole.instances.length, 5);
    assert.equal(whole.next, undefined, 'an exactly full last page has no next cursor');
  },

  'queryInstancesByLastUpdate: an update moves the instance to the newest end': async ({ store }) => {
    await seed(store, 'm-1', T0);
    await seed(store, 'm-2', T0 + 1);
    await seed(store, 'm-3', T0 + 2);
    const newest = async () => (await store.queryInstancesByLastUpdate(HUB, { includePayloads: false, limit: 10, descending: true })).instances.map((i) => i.instanceId);
    assert.deepEqual(await newest(), ['m-3', 'm-2', 'm-1']);
    const item = await claimOne(store, T0 + 10, 'm-1');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0 + 11), T0 + 11);
    assert.deepEqual(await newest(), ['m-1', 'm-3', 'm-2']);
    await store.appendInboxMessage(HUB, { instanceId: 'm-2', event: raised('e'), visibleAt: T0 + 12 }, T0 + 12, { from: ['PENDING'], to: 'SUSPENDED' });
    assert.deepEqual(await newest(), ['m-2', 'm-1', 'm-3']);
    const page = await store.queryInstancesByLastUpdate(HUB, { includePayloads: false, limit: 1, descending: true, statuses: ['SUSPENDED', 'RUNNING'] });
    assert.deepEqual(page.instances.map((i) => [i.instanceId, i.status, i.lastUpdatedAt]), [['m-2', 'SUSPENDED', T0 + 12]]);
    assert.deepEqual(page.next, { lastUpdatedAt: T0 + 12, instanceId: 'm-2' });
  },

  'countInstancesByStatus: counts per status under the same filters': async ({ store }) => {
    await seed(store, 'x-1', T0, { name: 'Alpha' });
    await seed(store, 'x-2', T0 + 5, { name: 'alpha', status: 'COMPLETED' });
    await seed(store, 'x-3', T0 + 10, { name: 'beta', status: 'COMPLETED' });
    await seed(store, 'y-1', T0 + 10, { name: 'beta', status: 'FAILED', tags: { k: 'v' } });
    assert.deepEqual(await store.countInstancesByStatus(HUB, {}), { PENDING: 1, COMPLETED: 2, FAILED: 1 });
    assert.deepEqual(await store.countInstancesByStatus(HUB, { nameContains: 'ALPHA' }), { PENDING: 1, COMPLETED: 1 });
    assert.deepEqual(await store.countInstancesByStatus(HUB, { instanceIdPrefix: 'x-', createdFrom: T0 + 5, createdTo: T0 + 10 }), { COMPLETED: 1 });
    assert.deepEqual(await store.countInstancesByStatus(HUB, { tagContains: 'k' }), { FAILED: 1 });
    assert.deepEqual(await store.countInstancesByStatus(OTHER_HUB, {}), {});
  },

  'workBacklog: pending, active and oldest pending per kind follow claims and completions': async ({ store }) => {
    const empty = { pending: 0, active: 0 };
    assert.deepEqual(await store.workBacklog(HUB, T0), { orchestration: empty, activity: empty, entity: empty });
    await create(store, newInstance('w-1'), T0);
    await create(store, newInstance('w-2', { record: { createdAt: T0 + 5 } }), T0 + 5);
    await create(store, newInstance('w-later', { visibleAt: T0 + 60_000 }), T0);
    let backlog = await store.workBacklog(HUB, T0 + 10);
    assert.deepEqual(backlog.orchestration, { pending: 2, active: 0, oldestPendingAt: T0 });
    const item = await claimOne(store, T0 + 10, 'w-1');
    backlog = await store.workBacklog(HUB, T0 + 10);
    assert.deepEqual(backlog.orchestration, { pending: 1, active: 1, oldestPendingAt: T0 + 5 });
    await store.completeOrchestrationWork(HUB, completionOf(item, T0 + 11, { activities: [task('w-1', 0), task('w-1', 1)] }), T0 + 11);
    backlog = await store.workBacklog(HUB, T0 + 12);
    assert.deepEqual(backlog.orchestration, { pending: 1, active: 0, oldestPendingAt: T0 + 5 });
    assert.equal(backlog.activity.pending, 2);
    assert.equal(backlog.activity.active, 0);
    const claimed = await claimActivities(store, T0 + 12, { limit: 1 });
    assert.equal(claimed.items.length, 1);
    backlog = await store.workBacklog(HUB, T0 + 12);
    assert.equal(backlog.activity.pending, 1);
    assert.equal(backlog.activity.active, 1);
    assert.equal((await store.workBacklog(HUB, T0 + 60_000)).orchestration.pending, 2, 'scheduled work counts once visible');
    const event = makeEvent({ kind: 'entityOperationSignaled', requestId: 'r1', operation: 'add' }, T0);
    await store.appendEntityMessage(HUB, { instanceId: '@c@1', event, visibleAt: T0 }, T0);
    await store.appendEntityMessage(HUB, { instanceId: '@c@1', event, visibleAt: T0 }, T0);
    assert.deepEqual((await store.workBacklog(HUB, T0 + 12)).entity, { pending: 1, active: 0, oldestPendingAt: T0 });
    assert.deepEqual((await store.workBacklog(OTHER_HUB, T0 + 12)).orchestration, empty);
  },
};
