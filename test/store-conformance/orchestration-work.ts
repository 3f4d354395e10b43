/**
 * Conformance tests for claiming orchestration work: FIFO delivery, one lease per instance,
 * racing claimers, limits, timers, lease expiry and renewal, and abandon with a retry time.
 */
import assert from 'node:assert/strict';
import type { ConformanceTests } from './suite.ts';
import {
  HUB, LEASE_MS, T0, assertRejectsWithCode, claimOne, claimOrchestrations, completionOf, create, labels, message, newInstance, raised,
  appendAt, timerFired,
} from './fixtures.ts';

export const orchestrationWorkTests: ConformanceTests = {
  'claimOrchestrationWork: a hub without work, or an unknown hub, yields nothing': async ({ store }) => {
    assert.deepEqual((await claimOrchestrations(store, T0)).items, []);
    assert.deepEqual((await claimOrchestrations(store, T0, { hub: 'no-such-hub' as typeof HUB })).items, []);
  },

  'claimOrchestrationWork: delivers the instance, its history and its visible messages under a lease': async ({ store }) => {
    const created = newInstance('c1');
    await create(store, created);
    const item = await claimOne(store, T0 + 10, 'c1');
    assert.equal(item.hub, HUB);
    assert.deepStrictEqual(item.instance, created.instance);
    assert.deepEqual(item.history, []);
    assert.equal(item.messages.length, 1);
    assert.equal(item.messages[0]?.instanceId, 'c1');
    assert.equal(typeof item.messages[0]?.seq, 'number');
    assert.equal(item.lease.expiresAt, T0 + 10 + LEASE_MS);
    assert.equal(item.lease.attempt, 1);
    assert.equal(typeof item.lease.token, 'string');
  },

  'claimOrchestrationWork: messages are delivered in FIFO order across several claims': async ({ store }) => {
    await create(store, newInstance('f'));
    for (let i = 1; i <= 7; i++) await store.appendInboxMessage(HUB, message('f', raised(`m${i}`)), T0);
    const seen: string[] = [];
    for (let now = T0; seen.length < 8; now++) {
      const { items } = await claimOrchestrations(store, now, { messagesMax: 3 });
      assert.equal(items.length, 1);
      const item = items[0]!;
      assert.ok(item.messages.length <= 3);
      const seqs = item.messages.map((m) => m.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seqs ascend');
      seen.push(...labels(item.messages));
      await store.completeOrchestrationWork(HUB, completionOf(item, now), now);
    }
    assert.deepEqual(seen, ['executionStarted', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    assert.deepEqual(labels((await store.readHistory(HUB, 'f')).map((event) => ({ event }))), seen);
  },

  'claimOrchestrationWork: a leased instance is not claimed again; messages arriving meanwhile come in the next claim': async ({ store }) => {
    await create(store, newInstance('l'));
    const first = await claimOne(store, T0, 'l');
    await store.appendInboxMessage(HUB, message('l', raised('during-1')), T0 + 1);
    await store.appendInboxMessage(HUB, message('l', raised('during-2')), T0 + 2);
    assert.equal((await claimOrchestrations(store, T0 + 3)).items.length, 0);
    await store.completeOrchestrationWork(HUB, completionOf(first, T0 + 4), T0 + 4);
    const second = await claimOne(store, T0 + 5, 'l');
    assert.deepEqual(labels(second.messages), ['during-1', 'during-2']);
    assert.equal(second.history.length, 1);
    assert.equal(second.lease.attempt, 1, 'a completed episode does not count as a failed attempt');
    assert.notEqual(second.lease.token, first.lease.token);
  },

  'claimOrchestrationWork: racing claimers never get the same instance': async ({ store }) => {
    for (let i = 0; i < 20; i++) await create(store, newInstance(`r${i}`));
    const results = await Promise.all(Array.from({ length: 8 }, () => claimOrchestrations(store, T0, { limit: 3 })));
    const ids = results.flatMap((r) => r.items.map((item) => item.instance.instanceId));
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20, 'an instance was claimed twice');
    const tokens = results.flatMap((r) => r.items.map((item) => item.lease.token));
    assert.equal(new Set(tokens).size, 20, 'lease tokens must be unique');
  },

  'claimOrchestrationWork: claims at most limit instances, oldest work first': async ({ store }) => {
    for (let i = 0; i < 5; i++) await create(store, newInstance(`n${i}`), T0 + i);
    const first = await claimOrchestrations(store, T0 + 10, { limit: 2 });
    assert.deepEqual(first.items.map((item) => item.instance.instanceId), ['n0', 'n1']);
    const rest = await claimOrchestrations(store, T0 + 10, { limit: 10 });
    assert.deepEqual(rest.items.map((item) => item.instance.instanceId), ['n2', 'n3', 'n4']);
  },

  'claimOrchestrationWork: a timer (future visibleAt) is not claimable before its time': async ({ store }) => {
    await create(store, newInstance('t'));
    const item = await claimOne(store, T0, 't');
    const timer = message('t', timerFired(T0 + 5000, 1), T0 + 5000);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { messages: [timer] }), T0);
    const early = await claimOrchestrations(store, T0 + 4999);
    assert.equal(early.items.length, 0);
    assert.equal(early.nextVisibleAt, T0 + 5000);
    const due = await claimOne(store, T0 + 5000, 't');
    assert.deepEqual(due.messages.map((m) => m.event), [timer.event]);
    assert.equal(due.messages[0]?.visibleAt, T0 + 5000);
  },

  'claimOrchestrationWork: only visible messages are delivered; a later timer stays queued': async ({ store }) => {
    await create(store, newInstance('v'));
    await store.appendInboxMessage(HUB, message('v', raised('later'), T0 + 9000), T0);
    await store.appendInboxMessage(HUB, message('v', raised('now')), T0);
    const item = await claimOne(store, T0, 'v');
    assert.deepEqual(labels(item.messages), ['executionStarted', 'now']);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0), T0);
    const idle = await claimOrchestrations(store, T0 + 1);
    assert.equal(idle.items.length, 0);
    assert.equal(idle.nextVisibleAt, T0 + 9000);
    assert.deepEqual(labels((await claimOne(store, T0 + 9000, 'v')).messages), ['later']);
  },

  'claimOrchestrationWork: a message due before an already waiting one is claimable at its own time': async ({ store }) => {
    await create(store, newInstance('o'));
    await store.completeOrchestrationWork(HUB, completionOf(await claimOne(store, T0, 'o'), T0), T0);
    await store.appendInboxMessage(HUB, message('o', raised('late'), T0 + 40), T0);
    await store.appendInboxMessage(HUB, message('o', raised('early'), T0 + 5), T0);
    const idle = await claimOrchestrations(store, T0 + 4);
    assert.equal(idle.items.length, 0);
    assert.equal(idle.nextVisibleAt, T0 + 5);
    assert.deepEqual(labels((await claimOne(store, T0 + 5, 'o')).messages), ['early']);
  },

  'leases: an expired orchestration lease makes the work claimable again with attempt 2; the old token is LEASE_LOST': async ({ store }) => {
    await create(store, newInstance('x'));
    const first = await claimOne(store, T0, 'x');
    assert.equal((await claimOrchestrations(store, first.lease.expiresAt - 1)).items.length, 0, 'still leased just before expiry');
    const second = await claimOne(store, first.lease.expiresAt, 'x');
    assert.equal(second.lease.attempt, 2);
    assert.deepEqual(second.messages, first.messages);
    const at = first.lease.expiresAt;
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, completionOf(first, at), at), 'LEASE_LOST');
    await assertRejectsWithCode(store.abandonOrchestrationWork(HUB, first.lease.token, at, at), 'LEASE_LOST');
    const third = await claimOne(store, second.lease.expiresAt, 'x');
    assert.equal(third.lease.attempt, 3);
  },

  'leases: completing or abandoning at or after expiresAt is LEASE_LOST even before anyone reclaims': async ({ store }) => {
    await create(store, newInstance('e'));
    const item = await claimOne(store, T0, 'e');
    const at = item.lease.expiresAt;
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, completionOf(item, at), at), 'LEASE_LOST');
    await assertRejectsWithCode(store.abandonOrchestrationWork(HUB, item.lease.token, at, at), 'LEASE_LOST');
    assert.deepEqual(await store.readHistory(HUB, 'e'), []);
    assert.equal((await claimOne(store, at, 'e')).lease.attempt, 2);
  },

  'renewLeases: a renewed lease outlives its original expiry; tokens no longer held are returned': async ({ store }) => {
    await create(store, newInstance('k1'));
    await create(store, newInstance('k2'));
    const [a, b] = (await claimOrchestrations(store, T0, { leaseMs: 1000 })).items;
    assert.ok(a && b);
    await store.completeOrchestrationWork(HUB, completionOf(b, T0), T0);
    const lost = await store.renewLeases(HUB, [a.lease.token, b.lease.token, 'unknown' as typeof a.lease.token], T0 + 10_000, T0 + 500);
    assert.deepEqual(lost.sort(), [b.lease.token, 'unknown'].sort());
    assert.equal((await claimOrchestrations(store, T0 + 5000)).items.length, 0, 'renewed lease still held');
    await store.completeOrchestrationWork(HUB, completionOf(a, T0 + 9999), T0 + 9999);
    assert.equal((await store.readHistory(HUB, a.instance.instanceId)).length, 1);
    assert.equal((await claimOrchestrations(store, T0 + 9999)).items.length, 0);
    await store.appendInboxMessage(HUB, message('k1', raised('again')), T0 + 10_000);
    const c = await claimOne(store, T0 + 10_000, 'k1');
    const expiredRenewal = await store.renewLeases(HUB, [c.lease.token], T0 + 50_000, c.lease.expiresAt);
    assert.deepEqual(expiredRenewal, [c.lease.token], 'an expired lease cannot be renewed');
  },

  'abandonOrchestrationWork: the messages come back at retryAt, not before, with attempt 2': async ({ store }) => {
    await create(store, newInstance('ab'));
    await store.appendInboxMessage(HUB, message('ab', raised('m1')), T0);
    const item = await claimOne(store, T0, 'ab');
    await store.abandonOrchestrationWork(HUB, item.lease.token, T0 + 2000, T0 + 10);
    const early = await claimOrchestrations(store, T0 + 1999);
    assert.equal(early.items.length, 0);
    assert.equal(early.nextVisibleAt, T0 + 2000);
    const again = await claimOne(store, T0 + 2000, 'ab');
    assert.deepEqual(labels(again.messages), ['executionStarted', 'm1']);
    assert.deepEqual(again.messages.map((m) => m.seq), item.messages.map((m) => m.seq));
    assert.equal(again.lease.attempt, 2);
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, completionOf(item, T0 + 2000), T0 + 2000), 'LEASE_LOST');
    await store.completeOrchestrationWork(HUB, completionOf(again, T0 + 2000), T0 + 2000);
    assert.equal((await store.readHistory(HUB, 'ab')).length, 2);
  },

  'abandonOrchestrationWork: only the claimed messages are held back; others stay claimable': async ({ store }) => {
    await create(store, newInstance('bo'));
    const item = await claimOne(store, T0, 'bo');
    await store.appendInboxMessage(HUB, message('bo', raised('during-lease')), T0 + 1);
    await store.abandonOrchestrationWork(HUB, item.lease.token, T0 + 3000, T0 + 2);
    const during = await claimOne(store, T0 + 2, 'bo');
    assert.deepEqual(labels(during.messages), ['during-lease']);
    assert.equal(during.lease.attempt, 2, 'attempts count per instance');
    await store.completeOrchestrationWork(HUB, completionOf(during, T0 + 3, { history: appendAt(0, []) }), T0 + 3);
    await store.appendInboxMessage(HUB, message('bo', raised('after')), T0 + 4);
    assert.deepEqual(labels((await claimOne(store, T0 + 4, 'bo')).messages), ['after']);
    const idle = await claimOrchestrations(store, T0 + 5);
    assert.equal(idle.items.length, 0);
    assert.equal(idle.nextVisibleAt, T0 + 3000);
  },

  'abandonOrchestrationWork: a token that is unknown, of another hub, or already used is LEASE_LOST': async ({ store }) => {
    await create(store, newInstance('u1'));
    const item = await claimOne(store, T0, 'u1');
    await assertRejectsWithCode(store.abandonOrchestrationWork(HUB, 'nope' as typeof item.lease.token, T0, T0), 'LEASE_LOST');
    await assertRejectsWithCode(store.abandonOrchestrationWork('hub-b' as typeof HUB, item.lease.token, T0, T0), 'LEASE_LOST');
    await store.abandonOrchestrationWork(HUB, item.lease.token, T0, T0);
    await assertRejectsWithCode(store.abandonOrchestrationWork(HUB, item.lease.token, T0, T0), 'LEASE_LOST');
    await assertRejectsWithCode(store.completeOrchestrationWork(HUB, completionOf(item, T0), T0), 'LEASE_LOST');
    const again = await claimOne(store, T0, 'u1');
    assert.equal(again.lease.attempt, 2, 'abandon at now makes the work claimable at once');
  },
};
