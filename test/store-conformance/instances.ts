/**
 * Work-contract conformance tests for instances: create with the id-reuse rule, inbox appends
 * with status changes, payload round trips.
 */
import assert from 'node:assert/strict';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, NON_ASCII, T0, assertRejectsWithCode, claimActivities, claimOne, claimOrchestrations, completionOf, create,
  labels, message, newInstance, raised, record, task,
} from './fixtures.ts';

export const instanceTests: ConformanceTests = {
  'createInstance: queues the start event, claimable from startVisibleAt': async ({ store }) => {
    const scheduled = newInstance('later', { visibleAt: T0 + 60_000 });
    await create(store, scheduled);
    const early = await claimOrchestrations(store, T0 + 59_999);
    assert.equal(early.items.length, 0);
    assert.equal(early.nextVisibleAt, T0 + 60_000);
    const item = await claimOne(store, T0 + 60_000, 'later');
    assert.deepEqual(item.messages.map((m) => m.event), [scheduled.startEvent]);
    assert.equal(item.messages[0]?.visibleAt, T0 + 60_000);
    assert.deepEqual(item.history, []);
  },

  'createInstance: an existing instance whose status is not replaceable is returned unchanged': async ({ store }) => {
    const first = newInstance('dup', { record: { input: 'first' } });
    await create(store, first);
    const second = newInstance('dup', { record: { input: 'second', executionId: 'other' }, replaceable: ['COMPLETED', 'FAILED'] });
    assert.deepStrictEqual(await store.createInstance(HUB, second, T0 + 1), { created: false, existing: first.instance });
    assert.deepStrictEqual(await store.getInstance(HUB, 'dup'), first.instance);
    const item = await claimOne(store, T0 + 1, 'dup');
    assert.equal(item.messages.length, 1, 'the second start event must not be queued');
  },

  'createInstance: a replaceable instance is replaced; its history, inbox, activity tasks and lease are gone': async ({ store }) => {
    await create(store, newInstance('re'));
    const item = await claimOne(store, T0, 're');
    const completed = completionOf(item, T0, { activities: [task('re', 1)], instance: { ...item.instance, status: 'COMPLETED' } });
    await store.completeOrchestrationWork(HUB, completed, T0);
    await store.appendInboxMessage(HUB, message('re', raised('late')), T0);
    const late = await claimOne(store, T0 + 1, 're');
    const replacement = newInstance('re', { record: { executionId: 'exec-2', input: 'again', createdAt: T0 + 2 }, replaceable: ['COMPLETED'] });
    assert.deepEqual(await store.createInstance(HUB, replacement, T0 + 2), { created: true });
    assert.deepStrictEqual(await store.getInstance(HUB, 're'), replacement.instance);
    assert.deepEqual(await store.readHistory(HUB, 're'), []);
    assert.equal((await claimActivities(store, T0 + 2)).items.length, 0, 'the old activity task is gone');
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, completionOf(late, T0 + 2), T0 + 2), 'LEASE_LOST');
    const fresh = await claimOne(store, T0 + 2, 're');
    assert.deepEqual(fresh.messages.map((m) => m.event), [replacement.startEvent]);
    assert.equal(fresh.lease.attempt, 1);
  },

  'appendInboxMessage: to a missing instance resolves undefined and writes nothing': async ({ store }) => {
    assert.equal(await store.appendInboxMessage(HUB, message('ghost', raised('e')), T0, { from: ['PENDING'], to: 'RUNNING' }), undefined);
    assert.equal(await store.getInstance(HUB, 'ghost'), undefined);
    assert.equal((await claimOrchestrations(store, T0 + 1)).items.length, 0);
  },

  'appendInboxMessage: changes the status only when the current status is in from': async ({ store }) => {
    await create(store, newInstance('s'));
    const unchanged = await store.appendInboxMessage(HUB, message('s', raised('a')), T0 + 1, { from: ['RUNNING'], to: 'SUSPENDED' });
    assert.deepStrictEqual(unchanged, record('s'));
    const changed = await store.appendInboxMessage(HUB, message('s', raised('b')), T0 + 2, { from: ['PENDING', 'RUNNING'], to: 'SUSPENDED' });
    assert.deepStrictEqual(changed, record('s', { status: 'SUSPENDED', lastUpdatedAt: T0 + 2 }));
    assert.deepStrictEqual(await store.getInstance(HUB, 's'), changed);
    const plain = await store.appendInboxMessage(HUB, message('s', raised('c')), T0 + 3);
    assert.deepStrictEqual(plain, changed);
    const item = await claimOne(store, T0 + 3, 's');
    assert.deepEqual(labels(item.messages), ['executionStarted', 'a', 'b', 'c']);
  },

  'payloads: non-ASCII text round-trips in events, messages and activity tasks': async ({ store }) => {
    await create(store, newInstance('u', { record: { input: NON_ASCII, tags: { 世界: NON_ASCII } } }));
    await store.appendInboxMessage(HUB, { instanceId: 'u', executionId: 'u-exec-1', event: raised(NON_ASCII, NON_ASCII), visibleAt: T0 }, T0);
    const item = await claimOne(store, T0, 'u');
    assert.equal(item.instance.input, NON_ASCII);
    assert.deepEqual(item.instance.tags, { 世界: NON_ASCII });
    assert.deepEqual(item.messages[1]?.event, raised(NON_ASCII, NON_ASCII));
    assert.equal(item.messages[1]?.executionId, 'u-exec-1');
    const parentTraceContext = { traceParent: '00-abc-def-01', spanId: 'def', traceState: 'x=世界' };
    const activity = task('u', 7, { name: NON_ASCII, version: 'β', input: NON_ASCII, tags: { k: '🎉' }, parentTraceContext });
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: [activity] }), T0);
    assert.deepEqual(await store.readHistory(HUB, 'u'), item.messages.map((m) => m.event));
    const claimed = await claimActivities(store, T0);
    assert.deepStrictEqual(claimed.items[0]?.task, activity);
  },

  'payloads: a 16 MiB payload round-trips in the instance row, an event and an activity task': async ({ store }) => {
    const big = 'x'.repeat(16 * 1024 * 1024 - 8) + '世界🎉';
    await create(store, newInstance('big', { record: { input: big } }));
    await store.appendInboxMessage(HUB, message('big', raised('payload', big)), T0);
    const item = await claimOne(store, T0, 'big');
    assert.ok(item.instance.input === big, 'instance input differs');
    const event = item.messages[1]?.event;
    assert.ok(event?.kind === 'eventRaised' && event.input === big, 'event input differs');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: [task('big', 1, { input: big })] }), T0);
    const history = await store.readHistory(HUB, 'big');
    assert.ok(history[1]?.kind === 'eventRaised' && history[1].input === big, 'history input differs');
    const claimed = await claimActivities(store, T0);
    assert.ok(claimed.items[0]?.task.input === big, 'activity input differs');
  },
};
