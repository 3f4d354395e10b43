/**
 * Conformance tests for the claimed-work lookups (getClaimedOrchestrationWork,
 * getClaimedActivityWork): the item held under a lease reads back exactly as it was claimed,
 * and nothing reads back once the lease has ended, expired, or is not of that kind or hub.
 */
import assert from 'node:assert/strict';
import type { LeaseToken } from '../../src/store/work-store.ts';
import type { ConformanceTests } from './suite.ts';
import { HUB, OTHER_HUB, T0, claimActivities, claimOne, completionOf, create, message, newInstance, raised, task } from './fixtures.ts';

export const claimedWorkTests: ConformanceTests = {
  'getClaimedOrchestrationWork: the held item reads back as claimed; not after completion, expiry, or in another hub': async ({ store }) => {
    await create(store, newInstance('c'));
    await store.appendInboxMessage(HUB, message('c', raised('e')), T0);
    const item = await claimOne(store, T0, 'c');
    await store.appendInboxMessage(HUB, message('c', raised('later')), T0);
    assert.deepStrictEqual(await store.getClaimedOrchestrationWork(HUB, item.lease.token, T0 + 1), item, 'messages queued after the claim are not part of it');
    assert.equal(await store.getClaimedOrchestrationWork(OTHER_HUB, item.lease.token, T0 + 1), undefined);
    assert.equal(await store.getClaimedOrchestrationWork(HUB, item.lease.token, item.lease.expiresAt), undefined, 'not at expiry');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0 + 1), T0 + 1);
    assert.equal(await store.getClaimedOrchestrationWork(HUB, item.lease.token, T0 + 1), undefined, 'not after completion');
  },

  'getClaimedActivityWork: the held task reads back as claimed; not for an orchestration lease, after abandon, or for an unknown token': async ({ store }) => {
    await create(store, newInstance('a'));
    const item = await claimOne(store, T0, 'a');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: [task('a', 1)] }), T0);
    const [activity] = (await claimActivities(store, T0)).items;
    assert.ok(activity);
    assert.deepStrictEqual(await store.getClaimedActivityWork(HUB, activity.lease.token, T0 + 1), activity);
    assert.equal(await store.getClaimedOrchestrationWork(HUB, activity.lease.token, T0 + 1), undefined, 'an activity lease is no orchestration lease');
    assert.equal(await store.getClaimedActivityWork(HUB, 'unknown' as LeaseToken, T0 + 1), undefined);
    await store.abandonActivityWork(HUB, activity.lease.token, T0 + 5, T0 + 1);
    assert.equal(await store.getClaimedActivityWork(HUB, activity.lease.token, T0 + 1), undefined, 'not after abandon');
  },
};
