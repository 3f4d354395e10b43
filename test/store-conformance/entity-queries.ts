/**
 * Read-model conformance tests for entities: getEntity with its backlog, and queryEntities
 * with its filters and paging.
 */
import assert from 'node:assert/strict';
import type { ConformanceTests } from './suite.ts';
import { HUB, OTHER_HUB, T0 } from './fixtures.ts';
import { claimOneEntity, done, signal } from './entities.ts';

export const entityQueryTests: ConformanceTests = {
  'getEntity: an unknown entity is undefined; backlogQueueSize counts waiting and deferred messages': async ({ store }) => {
    assert.equal(await store.getEntity(HUB, '@e@none'), undefined);
    for (const name of ['a', 'b', 'c']) await signal(store, '@e@b', name);
    const item = await claimOneEntity(store, T0, '@e@b');
    const [first, second] = item.messages.map((m) => m.seq);
    const entity = { instanceId: '@e@b', state: '1', lastModifiedAt: T0 + 1 };
    await store.completeEntityWork(HUB, done(item, T0 + 1, { consumedSeqs: [first as number], deferredSeqs: [second as number], entity }), T0 + 1);
    assert.deepEqual(await store.getEntity(HUB, '@e@b'), { ...entity, backlogQueueSize: 2 });
    assert.equal(await store.getEntity(OTHER_HUB, '@e@b'), undefined);
  },

  'queryEntities: filters by prefix, time and transience, and pages in id order': async ({ store }) => {
    const ids = ['@a@1', '@a@2', '@a@3', '@b@1', '@a@lockonly'];
    for (const [i, id] of ids.entries()) {
      await signal(store, id, 'set');
      const item = await claimOneEntity(store, T0, id);
      const entity = id.endsWith('lockonly')
        ? { instanceId: id, lockedBy: 'o', criticalSectionId: 'cs', lastModifiedAt: T0 + i }
        : { instanceId: id, state: `"${id}"`, lastModifiedAt: T0 + i };
      await store.completeEntityWork(HUB, done(item, T0 + i, { entity }), T0 + i);
    }
    const page1 = await store.queryEntities(HUB, { instanceIdStartsWith: '@a@', includeTransient: false, limit: 2 });
    assert.deepEqual(page1.entities.map((e) => e.instanceId), ['@a@1', '@a@2']);
    assert.equal(page1.next, '@a@2');
    const page2 = await store.queryEntities(HUB, { instanceIdStartsWith: '@a@', includeTransient: false, limit: 2, after: page1.next! });
    assert.deepEqual(page2.entities.map((e) => e.instanceId), ['@a@3']);
    assert.equal(page2.next, undefined);
    const transient = await store.queryEntities(HUB, { instanceIdStartsWith: '@a@', includeTransient: true, limit: 10 });
    assert.deepEqual(transient.entities.map((e) => e.instanceId), ['@a@1', '@a@2', '@a@3', '@a@lockonly']);
    const window = await store.queryEntities(HUB, { lastModifiedFrom: T0 + 1, lastModifiedTo: T0 + 3, includeTransient: false, limit: 10 });
    assert.deepEqual(window.entities.map((e) => e.instanceId), ['@a@2', '@a@3', '@b@1']);
    assert.deepEqual((await store.queryEntities(OTHER_HUB, { includeTransient: true, limit: 10 })).entities, []);
  },
};
