/**
 * Conformance tests for task hubs and instances: create with the id-reuse rule, reads, inbox
 * appends with status changes, payload round trips, hub isolation and hub deletion.
 */
import assert from 'node:assert/strict';
import type { InstanceRecord } from '../../src/domain/instance.ts';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, NON_ASCII, OTHER_HUB, T0, assertRejectsWithCode, claimActivities, claimOne, claimOrchestrations, completionOf, create,
  labels, message, newInstance, raised, record, task,
} from './fixtures.ts';

export const instanceTests: ConformanceTests = {
  'task hubs: createTaskHub is idempotent and listTaskHubs lists each hub once': async ({ store }) => {
    await store.createTaskHub(HUB, T0 + 1);
    assert.deepEqual((await store.listTaskHubs()).sort(), [HUB, OTHER_HUB].sort());
  },

  'migrate: running it again changes nothing': async ({ store }) => {
    await create(store, newInstance('i1'));
    await store.migrate();
    assert.equal((await store.getInstance(HUB, 'i1'))?.instanceId, 'i1');
  },

  'createInstance: getInstance returns every InstanceRecord field as written, non-ASCII included': async ({ store }) => {
    const full: InstanceRecord = {
      instanceId: 'full',
      executionId: 'exec-1',
      name: `Orchestration ${NON_ASCII}`,
      version: 'v1.0-β',
      status: 'RUNNING',
      createdAt: T0,
      lastUpdatedAt: T0 + 5,
      completedAt: T0 + 9,
      scheduledStartAt: T0 + 1,
      input: JSON.stringify({ greeting: NON_ASCII }),
      output: NON_ASCII,
      customStatus: `"${NON_ASCII}"`,
      failureDetails: {
        errorType: 'Error', errorMessage: NON_ASCII, stackTrace: 'at x', isNonRetriable: true,
        innerFailure: { errorType: 'Inner', errorMessage: '内部', isNonRetriable: false }, properties: { n: 1, s: '世界', nested: [null, true] },
      },
      parentInstanceId: 'parent-1',
      tags: { team: '世界', emoji: '🎉', empty: '' },
    };
    await create(store, { instance: full, startEvent: raised('x'), startVisibleAt: T0, replaceableStatuses: [] });
    assert.deepStrictEqual(await store.getInstance(HUB, 'full'), full);
    const minimal = record('minimal');
    await create(store, newInstance('minimal'));
    assert.deepStrictEqual(await store.getInstance(HUB, 'minimal'), minimal);
  },

  'getInstance and readHistory: an unknown instance is undefined with no history': async ({ store }) => {
    assert.equal(await store.getInstance(HUB, 'nope'), undefined);
    assert.deepEqual(await store.readHistory(HUB, 'nope'), []);
  },

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
