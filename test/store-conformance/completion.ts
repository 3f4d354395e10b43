/**
 * Conformance tests for completeOrchestrationWork: one atomic write of history, instance row,
 * activity tasks, messages and children, that consumes exactly the given inbox rows and
 * rejects a history append that does not land where the episode started.
 */
import assert from 'node:assert/strict';
import { isServerError } from '../../src/domain/errors.ts';
import { makeEvent } from '../../src/domain/history-event.ts';
import { InvariantError } from '../../src/lib/assert.ts';
import type { OrchestrationStatus } from '../../src/domain/history-event.ts';
import type { ChildInstance, OrchestrationWorkItem } from '../../src/store/work-store.ts';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, T0, appendAt, assertRejectsWithCode, claimActivities, claimOne, claimOrchestrations, completionOf, create, labels, message,
  newInstance, raised, task, timerFired,
} from './fixtures.ts';

export const completionTests: ConformanceTests = {
  'completeOrchestrationWork: appends history at startIndex, writes the instance row and releases the lease': async ({ store }) => {
    await create(store, newInstance('h'));
    const first = await claimOne(store, T0, 'h');
    const started = makeEvent({ kind: 'orchestratorStarted' }, T0);
    const instance = { ...first.instance, status: 'RUNNING' as const, lastUpdatedAt: T0 + 1, customStatus: 'step 1' };
    const history = appendAt(0, [started, ...first.messages.map((m) => m.event)]);
    await store.completeOrchestrationWork(HUB, completionOf(first, T0 + 1, { instance, history }), T0 + 1);
    assert.deepStrictEqual(await store.getInstance(HUB, 'h'), instance);
    assert.equal((await store.readHistory(HUB, 'h')).length, 2);
    await store.appendInboxMessage(HUB, message('h', raised('next')), T0 + 2);
    const second = await claimOne(store, T0 + 2, 'h');
    assert.equal(second.history.length, 2);
    assert.equal(second.lease.attempt, 1);
    await store.completeOrchestrationWork(HUB, completionOf(second, T0 + 3), T0 + 3);
    assert.deepEqual(labels((await store.readHistory(HUB, 'h')).map((event) => ({ event }))), ['orchestratorStarted', 'executionStarted', 'next']);
  },

  'completeOrchestrationWork: the instance row is written as given: fields set, changed, kept and cleared': async ({ store }) => {
    const initial = { version: '1', input: 'in', tags: { team: 'a' }, parentInstanceId: 'parent', scheduledStartAt: T0 };
    await create(store, newInstance('fields', { record: initial }));
    const first = await claimOne(store, T0, 'fields');
    const failureDetails = { errorType: 'E', errorMessage: 'boom', isNonRetriable: false };
    const set = { ...first.instance, status: 'RUNNING' as const, lastUpdatedAt: T0 + 1, customStatus: 'step 1', tags: { team: 'b' }, failureDetails };
    await store.completeOrchestrationWork(HUB, completionOf(first, T0 + 1, { instance: set }), T0 + 1);
    assert.deepStrictEqual(await store.getInstance(HUB, 'fields'), set);
    await store.appendInboxMessage(HUB, message('fields', raised('next')), T0 + 2);
    const second = await claimOne(store, T0 + 2, 'fields');
    assert.deepStrictEqual(second.instance, set);
    const { customStatus: _cleared, failureDetails: _alsoCleared, ...kept } = set;
    const ended = { ...kept, version: '2', status: 'COMPLETED' as const, lastUpdatedAt: T0 + 3, completedAt: T0 + 3, output: 'out' };
    await store.completeOrchestrationWork(HUB, completionOf(second, T0 + 3, { instance: ended }), T0 + 3);
    assert.deepStrictEqual(await store.getInstance(HUB, 'fields'), ended);
  },

  'completeOrchestrationWork: a long append is stored whole and in order, and the next append lands after it': async ({ store }) => {
    await create(store, newInstance('long'));
    const first = await claimOne(store, T0, 'long');
    // 70 events: more than one multi-row insert's worth in a backend that chunks them.
    const events = [...first.messages.map((m) => m.event), ...Array.from({ length: 69 }, (_, i) => raised(`e${i}`, `"${i}"`))];
    await store.completeOrchestrationWork(HUB, completionOf(first, T0, { history: appendAt(0, events) }), T0);
    await store.appendInboxMessage(HUB, message('long', raised('last')), T0 + 1);
    const second = await claimOne(store, T0 + 1, 'long');
    assert.deepStrictEqual(second.history, events);
    await store.completeOrchestrationWork(HUB, completionOf(second, T0 + 1), T0 + 1);
    assert.deepStrictEqual(await store.readHistory(HUB, 'long'), [...events, ...second.messages.map((m) => m.event)]);
  },

  'completeOrchestrationWork: a suspend or resume that lands during the episode keeps its status; an ending episode wins': async ({ store }) => {
    const suspend = { from: ['PENDING', 'RUNNING'] as const, to: 'SUSPENDED' as const };
    /** Completes the episode with `status`, consuming what it was given; returns the stored status. */
    const complete = async (item: OrchestrationWorkItem, status: OrchestrationStatus, now: number) => {
      await store.completeOrchestrationWork(HUB, completionOf(item, now, { instance: { ...item.instance, status, lastUpdatedAt: now } }), now);
      return (await store.getInstance(HUB, item.instance.instanceId))?.status;
    };
    for (const [id, episodeStatus, expected] of [['flicker', 'RUNNING', 'SUSPENDED'], ['ended', 'COMPLETED', 'COMPLETED']] as const) {
      await create(store, newInstance(id));
      const item = await claimOne(store, T0, id);
      await store.appendInboxMessage(HUB, message(id, raised('suspend')), T0 + 1, suspend);
      assert.equal(await complete(item, episodeStatus, T0 + 2), expected, id);
      // The next episode gets the queued suspend; its own status is written again.
      assert.equal(await complete(await claimOne(store, T0 + 3, id), expected, T0 + 3), expected, id);
    }

    // Resumed during an episode that started suspended.
    await create(store, newInstance('resumed'));
    await store.appendInboxMessage(HUB, message('resumed', raised('suspend')), T0, suspend);
    const item = await claimOne(store, T0, 'resumed');
    assert.equal(item.instance.status, 'SUSPENDED');
    await store.appendInboxMessage(HUB, message('resumed', raised('resume')), T0 + 1, { from: ['SUSPENDED'], to: 'RUNNING' });
    assert.equal(await complete(item, 'SUSPENDED', T0 + 2), 'RUNNING');
  },

  'completeOrchestrationWork: consumes only consumedSeqs; the rest is delivered again': async ({ store }) => {
    await create(store, newInstance('cs'));
    for (const name of ['a', 'b', 'c']) await store.appendInboxMessage(HUB, message('cs', raised(name)), T0);
    const item = await claimOne(store, T0, 'cs');
    const [start, a, , c] = item.messages;
    assert.ok(start && a && c);
    const consumed = completionOf(item, T0, { consumedSeqs: [start.seq, a.seq, c.seq], history: appendAt(0, [start.event, a.event, c.event]) });
    await store.completeOrchestrationWork(HUB, consumed, T0);
    const again = await claimOne(store, T0 + 1, 'cs');
    assert.deepEqual(labels(again.messages), ['b']);
  },

  'completeOrchestrationWork: history.reset replaces the history (continue-as-new)': async ({ store }) => {
    await create(store, newInstance('can'));
    const first = await claimOne(store, T0, 'can');
    await store.completeOrchestrationWork(HUB, completionOf(first, T0), T0);
    await store.appendInboxMessage(HUB, message('can', raised('go')), T0 + 1);
    const second = await claimOne(store, T0 + 1, 'can');
    const orchestrationInstance = { instanceId: 'can', executionId: 'exec-2' };
    const restart = makeEvent({ kind: 'executionStarted', name: 'MyOrchestration', orchestrationInstance, input: 'new' }, T0 + 1);
    const instance = { ...second.instance, executionId: 'exec-2', input: 'new', status: 'RUNNING' as const };
    await store.completeOrchestrationWork(HUB, completionOf(second, T0 + 1, { instance, history: appendAt(0, [restart], true) }), T0 + 1);
    assert.deepEqual(await store.readHistory(HUB, 'can'), [restart]);
    assert.equal((await store.getInstance(HUB, 'can'))?.executionId, 'exec-2');
  },

  'completeOrchestrationWork: an append at the wrong startIndex is rejected with InvariantError and nothing is written': async ({ store }) => {
    await create(store, newInstance('w'));
    const first = await claimOne(store, T0, 'w');
    await store.completeOrchestrationWork(HUB, completionOf(first, T0), T0);
    await store.appendInboxMessage(HUB, message('w', raised('m')), T0);
    const item = await claimOne(store, T0, 'w');
    const before = await store.getInstance(HUB, 'w');
    for (const startIndex of [0, 2]) {
      const bad = completionOf(item, T0 + 1, {
        history: appendAt(startIndex, [raised('m')]),
        activities: [task('w', 1)],
        messages: [message('w', raised('self'))],
      });
      await assert.rejects(store.completeOrchestrationWork(HUB, bad, T0 + 1), InvariantError);
    }
    assert.equal((await store.readHistory(HUB, 'w')).length, 1);
    assert.deepStrictEqual(await store.getInstance(HUB, 'w'), before);
    assert.equal((await claimActivities(store, T0 + 1)).items.length, 0);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0 + 1), T0 + 1);
    assert.equal((await store.readHistory(HUB, 'w')).length, 2, 'the lease survived the rejected calls');
    assert.equal((await claimOrchestrations(store, T0 + 2)).items.length, 0, 'the rejected calls queued nothing');
  },

  'completeOrchestrationWork: creates activity tasks that can be claimed': async ({ store }) => {
    await create(store, newInstance('act'));
    const item = await claimOne(store, T0, 'act');
    const tasks = [task('act', 1, { input: 'one' }), task('act', 2, { name: 'Other', version: '2' })];
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: tasks }), T0);
    const claimed = await claimActivities(store, T0);
    assert.deepStrictEqual(claimed.items.map((i) => i.task), tasks);
  },

  'completeOrchestrationWork: messages reach existing instances and are dropped for missing ones': async ({ store }) => {
    await create(store, newInstance('sender'));
    await create(store, newInstance('receiver'));
    const item = await claimOne(store, T0, 'sender');
    await claimOne(store, T0, 'receiver').then((r) => store.completeOrchestrationWork(HUB, completionOf(r, T0), T0));
    const toReceiver = message('receiver', raised('hello'));
    const toMissing = message('missing', raised('lost'));
    const toSelf = message('sender', timerFired(T0 + 100, 1), T0 + 100);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { messages: [toReceiver, toMissing, toSelf] }), T0);
    assert.equal(await store.getInstance(HUB, 'missing'), undefined);
    const claimed = await claimOrchestrations(store, T0 + 100);
    const byId = new Map(claimed.items.map((i) => [i.instance.instanceId, i]));
    assert.deepEqual([...byId.keys()].sort(), ['receiver', 'sender']);
    assert.deepEqual(byId.get('receiver')?.messages.map((m) => m.event), [toReceiver.event]);
    assert.deepEqual(byId.get('sender')?.messages.map((m) => m.event), [toSelf.event]);
  },

  'completeOrchestrationWork: creates children; a child that exists and is not replaceable queues onConflict instead': async ({ store }) => {
    await create(store, newInstance('parent'));
    await create(store, newInstance('taken', { record: { input: 'original' } }));
    const item = await claimOne(store, T0, 'parent');
    await claimOne(store, T0, 'taken').then((t) => store.completeOrchestrationWork(HUB, completionOf(t, T0), T0));
    const child = (id: string, input: string): ChildInstance => ({
      ...newInstance(id, { record: { input, parentInstanceId: 'parent' } }),
      onConflict: message('parent', makeEvent({ kind: 'subOrchestrationInstanceFailed', taskScheduledId: 3 }, T0)),
    });
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { children: [child('kid', 'k'), child('taken', 'new')] }), T0);
    assert.equal((await store.getInstance(HUB, 'kid'))?.parentInstanceId, 'parent');
    assert.equal((await store.getInstance(HUB, 'taken'))?.input, 'original');
    const claimed = await claimOrchestrations(store, T0 + 1);
    const byId = new Map(claimed.items.map((i) => [i.instance.instanceId, i]));
    assert.deepEqual([...byId.keys()].sort(), ['kid', 'parent']);
    assert.deepEqual(labels(byId.get('kid')?.messages ?? []), ['executionStarted']);
    assert.deepEqual(labels(byId.get('parent')?.messages ?? []), ['subOrchestrationInstanceFailed']);
  },

  'completeOrchestrationWork: LEASE_LOST when the lease is not held, and nothing is written': async ({ store }) => {
    await create(store, newInstance('ll'));
    const item = await claimOne(store, T0, 'll');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0), T0);
    const replay = completionOf(item, T0, { activities: [task('ll', 1)], history: appendAt(1, [raised('x')]) });
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, replay, T0), 'LEASE_LOST');
    assert.equal((await store.readHistory(HUB, 'll')).length, 1);
    assert.equal((await claimActivities(store, T0)).items.length, 0);
  },

  'completeOrchestrationWork: an instance with messages left is claimable again after completion': async ({ store }) => {
    await create(store, newInstance('left'));
    for (const name of ['a', 'b']) await store.appendInboxMessage(HUB, message('left', raised(name)), T0);
    const item = await claimOne(store, T0, 'left');
    await store.appendInboxMessage(HUB, message('left', raised('c')), T0);
    const [start] = item.messages;
    assert.ok(start);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { consumedSeqs: [start.seq], history: appendAt(0, [start.event]) }), T0);
    assert.deepEqual(labels((await claimOne(store, T0, 'left')).messages), ['a', 'b', 'c']);
  },

  'group commit: concurrent writes are each atomic; a failing one affects no other': async ({ store }) => {
    for (const id of ['g1', 'g2']) await create(store, newInstance(id));
    const [g1, g2] = (await claimOrchestrations(store, T0)).items;
    assert.ok(g1 && g2);
    const results = await Promise.allSettled([
      store.completeOrchestrationWork(HUB, completionOf(g1, T0, { activities: [task('g1', 1)] }), T0),
      store.completeOrchestrationWork(HUB, completionOf(g1, T0), T0),
      store.completeOrchestrationWork(HUB, completionOf(g2, T0, { history: appendAt(5, [raised('bad')]) }), T0),
      store.createInstance(HUB, newInstance('g3'), T0),
      store.appendInboxMessage(HUB, message('g2', raised('ok')), T0),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    assert.ok(results[1]?.status === 'rejected' && isServerError(results[1].reason, 'LEASE_LOST'));
    assert.ok(results[2]?.status === 'rejected' && results[2].reason instanceof InvariantError);
    assert.equal((await store.readHistory(HUB, 'g1')).length, 1);
    assert.equal((await store.readHistory(HUB, 'g2')).length, 0);
    assert.equal((await claimActivities(store, T0)).items.length, 1);
    await store.completeOrchestrationWork(HUB, completionOf(g2, T0), T0);
    const next = await claimOrchestrations(store, T0);
    assert.deepEqual(next.items.map((i) => i.instance.instanceId).sort(), ['g2', 'g3']);
  },
};
