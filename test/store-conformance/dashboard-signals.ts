/**
 * Conformance tests for the dashboard and scale-signal reads: queryInstances with the name and
 * tag filters and newest-first paging, countInstancesByStatus, and workBacklog (pending and
 * active work per kind, oldest pending time) as work is queued, claimed and completed.
 */
import assert from 'node:assert/strict';
import type { InstanceRecord } from '../../src/domain/instance.ts';
import { makeEvent } from '../../src/domain/history-event.ts';
import type { InstanceQuery, Store } from '../../src/store/store.ts';
import type { ConformanceTests } from './suite.ts';
import { HUB, OTHER_HUB, T0, claimActivities, claimOne, completionOf, create, newInstance, task } from './fixtures.ts';

async function seed(store: Store, id: string, createdAt: number, overrides: Partial<InstanceRecord> = {}): Promise<void> {
  await create(store, newInstance(id, { record: { createdAt, lastUpdatedAt: createdAt, ...overrides } }), createdAt);
}

async function pages(store: Store, query: Omit<InstanceQuery, 'after'>): Promise<string[]> {
  const ids: string[] = [];
  let after: InstanceQuery['after'];
  for (let n = 0; n < 100; n++) {
    const page = await store.queryInstances(HUB, { ...query, ...(after === undefined ? {} : { after }) });
    ids.push(...page.instances.map((i) => i.instanceId));
    if (page.next === undefined) return ids;
    after = page.next;
  }
  throw new Error('paging did not end');
}

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
