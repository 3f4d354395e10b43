/**
 * Read-model conformance tests for the management reads: queryInstances (every filter, key-set
 * paging stable under concurrent creation, payloads on request) and listInstanceIds
 * (completion-time order and paging).
 */
import assert from 'node:assert/strict';
import type { InstanceRecord } from '../../src/domain/instance.ts';
import type { InstanceQuery } from '../../src/store/read-model.ts';
import type { Store } from '../../src/store/store.ts';
import type { ConformanceTests } from './suite.ts';
import { HUB, NON_ASCII, OTHER_HUB, T0, create, newInstance } from './fixtures.ts';

async function seed(store: Store, id: string, createdAt: number, overrides: Partial<InstanceRecord> = {}): Promise<void> {
  await create(store, newInstance(id, { record: { createdAt, lastUpdatedAt: createdAt, ...overrides } }), createdAt);
}

async function queryAll(store: Store, query: Omit<InstanceQuery, 'after'>): Promise<string[]> {
  const ids: string[] = [];
  let after: InstanceQuery['after'];
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.queryInstances(HUB, { ...query, ...(after === undefined ? {} : { after }) });
    assert.ok(page.instances.length <= query.limit);
    ids.push(...page.instances.map((i) => i.instanceId));
    if (page.next === undefined) return ids;
    after = page.next;
  }
  throw new Error('paging did not end');
}

export const managementTests: ConformanceTests = {
  'queryInstances: pages in (createdAt, instanceId) order with no repeats or gaps': async ({ store }) => {
    for (let i = 0; i < 25; i++) await seed(store, `q-${String(i).padStart(2, '0')}`, T0 + Math.floor(i / 3));
    const ids = await queryAll(store, { includePayloads: false, limit: 4 });
    assert.deepEqual(ids, Array.from({ length: 25 }, (_, i) => `q-${String(i).padStart(2, '0')}`));
    const whole = await store.queryInstances(HUB, { includePayloads: false, limit: 25 });
    assert.equal(whole.instances.length, 25);
    assert.equal(whole.next, undefined, 'an exactly full last page has no next cursor');
  },

  'queryInstances: filters by statuses, created window and instance id prefix, together': async ({ store }) => {
    await seed(store, 'order-1', T0, { status: 'COMPLETED' });
    await seed(store, 'order-2', T0 + 10, { status: 'FAILED' });
    await seed(store, 'order-3', T0 + 20, { status: 'RUNNING' });
    await seed(store, 'other-1', T0 + 10, { status: 'COMPLETED' });
    await seed(store, 'ord', T0 + 10, { status: 'COMPLETED' });
    const ids = (q: Partial<InstanceQuery>) => queryAll(store, { includePayloads: false, limit: 2, ...q });
    assert.deepEqual(await ids({ statuses: ['COMPLETED', 'FAILED'] }), ['order-1', 'ord', 'order-2', 'other-1']);
    assert.deepEqual(await ids({ createdFrom: T0 + 10, createdTo: T0 + 20 }), ['ord', 'order-2', 'other-1']);
    assert.deepEqual(await ids({ instanceIdPrefix: 'order-' }), ['order-1', 'order-2', 'order-3']);
    assert.deepEqual(await ids({ instanceIdPrefix: 'order', statuses: ['COMPLETED'], createdFrom: T0 }), ['order-1']);
    assert.deepEqual(await ids({ statuses: ['SUSPENDED'] }), []);
    assert.deepEqual(await store.queryInstances(OTHER_HUB, { includePayloads: false, limit: 10 }), { instances: [] });
  },

  'queryInstances: paging is stable while instances are created between pages': async ({ store }) => {
    for (let i = 0; i < 6; i++) await seed(store, `s-${i}`, T0 + i);
    const first = await store.queryInstances(HUB, { includePayloads: false, limit: 3 });
    await seed(store, 'a-late', T0 + 100);
    await seed(store, 'a-early', T0 - 100);
    const second = await store.queryInstances(HUB, { includePayloads: false, limit: 10, ...(first.next ? { after: first.next } : {}) });
    assert.deepEqual(first.instances.map((i) => i.instanceId), ['s-0', 's-1', 's-2']);
    assert.deepEqual(second.instances.map((i) => i.instanceId), ['s-3', 's-4', 's-5', 'a-late']);
  },

  'queryInstances: payloads only when asked, non-ASCII intact': async ({ store }) => {
    const failureDetails = { errorType: 'E', errorMessage: NON_ASCII, isNonRetriable: false };
    await seed(store, 'p', T0, { input: `"${NON_ASCII}"`, output: '1', customStatus: '"c"', failureDetails, status: 'FAILED' });
    const [withPayloads] = (await store.queryInstances(HUB, { includePayloads: true, limit: 1 })).instances;
    assert.deepEqual(withPayloads, await store.getInstance(HUB, 'p'));
    const [without] = (await store.queryInstances(HUB, { includePayloads: false, limit: 1 })).instances;
    assert.equal(without?.input, undefined);
    assert.equal(without?.failureDetails, undefined);
    assert.equal(without?.status, 'FAILED');
  },

  'listInstanceIds: completed instances only, by completion time, with filters and paging': async ({ store }) => {
    await seed(store, 'c-3', T0, { status: 'COMPLETED', completedAt: T0 + 30 });
    await seed(store, 'c-1', T0, { status: 'FAILED', completedAt: T0 + 10 });
    await seed(store, 'c-2b', T0, { status: 'COMPLETED', completedAt: T0 + 20 });
    await seed(store, 'c-2a', T0, { status: 'COMPLETED', completedAt: T0 + 20 });
    await seed(store, 'running', T0);
    const ids: string[] = [];
    let page = await store.listInstanceIds(HUB, { limit: 3 });
    ids.push(...page.instanceIds);
    assert.ok(page.next !== undefined);
    page = await store.listInstanceIds(HUB, { limit: 3, after: page.next });
    ids.push(...page.instanceIds);
    assert.equal(page.next, undefined);
    assert.deepEqual(ids, ['c-1', 'c-2a', 'c-2b', 'c-3']);
    assert.deepEqual((await store.listInstanceIds(HUB, { limit: 10, statuses: ['COMPLETED'], completedFrom: T0 + 20, completedTo: T0 + 30 })).instanceIds, ['c-2a', 'c-2b']);
  },
};
