/**
 * Conformance tests for entities: the entity inbox (FIFO, scheduled visibility, one lease per
 * entity, expiry), completion (state row, consumed and deferred messages, release of deferred ones,
 * results to orchestrations, messages to entities, orchestration starts, lost leases), abandon
 * with a retry time and the entity messages of an orchestration completion. The helpers are
 * shared with the read-model tests (entity-queries.ts).
 */
import assert from 'node:assert/strict';
import { makeEvent, type HistoryEvent } from '../../src/domain/history-event.ts';
import type { TaskHubName } from '../../src/domain/instance.ts';
import type { ClaimResult, EntityCompletion, EntityWorkItem } from '../../src/store/work-store.ts';
import type { Store } from '../../src/store/store.ts';
import type { ConformanceTests } from './suite.ts';
import { HUB, LEASE_MS, NON_ASCII, OTHER_HUB, T0, assertRejectsWithCode, claimOne, completionOf, create, newInstance } from './fixtures.ts';

const op = (operation: string, input?: string, timestamp = T0): HistoryEvent =>
  makeEvent({ kind: 'entityOperationSignaled', requestId: `r-${operation}`, operation, ...(input === undefined ? {} : { input }) }, timestamp);

export function signal(store: Store, instanceId: string, operation: string, options: { visibleAt?: number; input?: string; hub?: TaskHubName } = {}): Promise<void> {
  const event = op(operation, options.input);
  return store.appendEntityMessage(options.hub ?? HUB, { instanceId, event, visibleAt: options.visibleAt ?? T0 }, T0);
}

function claimEntities(store: Store, now: number, options: { limit?: number; messagesMax?: number; leaseMs?: number; hub?: TaskHubName } = {}): Promise<ClaimResult<EntityWorkItem>> {
  return store.claimEntityWork(options.hub ?? HUB, { now, limit: options.limit ?? 10, leaseMs: options.leaseMs ?? LEASE_MS, messagesMax: options.messagesMax ?? 100 });
}

const ops = (item: EntityWorkItem) => item.messages.map((m) => (m.event.kind === 'entityOperationSignaled' ? m.event.operation : m.event.kind));

export function done(item: EntityWorkItem, now: number, overrides: Partial<EntityCompletion> = {}): EntityCompletion {
  return {
    lease: item.lease.token,
    consumedSeqs: item.messages.map((m) => m.seq),
    deferredSeqs: [],
    releaseDeferred: false,
    entity: { instanceId: item.instanceId, state: '1', lastModifiedAt: now },
    orchestrationMessages: [],
    entityMessages: [],
    orchestrations: [],
    ...overrides,
  };
}

export async function claimOneEntity(store: Store, now: number, instanceId: string): Promise<EntityWorkItem> {
  const { items } = await claimEntities(store, now, { limit: 1 });
  assert.equal(items.length, 1, `expected one entity work item, got ${items.length}`);
  const item = items[0] as EntityWorkItem;
  assert.equal(item.instanceId, instanceId);
  return item;
}

export const entityTests: ConformanceTests = {
  'claimEntityWork: delivers an entity\'s messages in FIFO order under one lease': async ({ store }) => {
    for (const name of ['a', 'b', 'c']) await signal(store, '@counter@x', name);
    const item = await claimOneEntity(store, T0, '@counter@x');
    assert.deepEqual(ops(item), ['a', 'b', 'c']);
    assert.equal(item.entity, undefined, 'no row before the first completion');
    assert.deepEqual({ expiresAt: item.lease.expiresAt, attempt: item.lease.attempt }, { expiresAt: T0 + LEASE_MS, attempt: 1 });
    await signal(store, '@counter@x', 'd');
    assert.equal((await claimEntities(store, T0)).items.length, 0, 'one batch per entity at a time');
  },

  'claimEntityWork: respects messagesMax, visibility times and hubs': async ({ store }) => {
    for (let i = 0; i < 5; i++) await signal(store, '@e@1', `op${i}`);
    await signal(store, '@e@later', 'late', { visibleAt: T0 + 1000 });
    await signal(store, '@e@other', 'x', { hub: OTHER_HUB });
    const first = await claimEntities(store, T0, { messagesMax: 2 });
    assert.deepEqual(first.items.map((i) => [i.instanceId, ops(i)]), [['@e@1', ['op0', 'op1']]]);
    assert.equal(first.nextVisibleAt, T0 + 1000);
    const later = await claimEntities(store, T0 + 1000);
    assert.deepEqual(later.items.map((i) => i.instanceId), ['@e@later']);
    assert.deepEqual((await claimEntities(store, T0, { hub: OTHER_HUB })).items.map((i) => i.instanceId), ['@e@other']);
  },

  'claimEntityWork: an expired lease makes the entity claimable again with the next attempt': async ({ store }) => {
    await signal(store, '@e@exp', 'a');
    const first = await claimOneEntity(store, T0, '@e@exp');
    const again = await claimOneEntity(store, T0 + LEASE_MS, '@e@exp');
    assert.equal(again.lease.attempt, 2);
    await assertRejectsWithCode(store.completeEntityWork(HUB, done(first, T0 + LEASE_MS), T0 + LEASE_MS), 'LEASE_LOST');
    await store.completeEntityWork(HUB, done(again, T0 + LEASE_MS), T0 + LEASE_MS);
  },

  'completeEntityWork: writes the state row, deletes consumed messages, keeps the rest': async ({ store }) => {
    for (const name of ['a', 'b', 'c']) await signal(store, '@e@s', name);
    const item = await claimOneEntity(store, T0, '@e@s');
    const consumed = item.messages.slice(0, 2).map((m) => m.seq);
    await store.completeEntityWork(HUB, done(item, T0 + 5, { consumedSeqs: consumed, entity: { instanceId: '@e@s', state: NON_ASCII, lastModifiedAt: T0 + 5 } }), T0 + 5);
    assert.deepEqual(await store.getEntity(HUB, '@e@s'), { instanceId: '@e@s', state: NON_ASCII, lastModifiedAt: T0 + 5, backlogQueueSize: 1 });
    const next = await claimOneEntity(store, T0 + 5, '@e@s');
    assert.deepEqual(ops(next), ['c']);
    assert.equal(next.entity?.state, NON_ASCII);
    await store.completeEntityWork(HUB, done(next, T0 + 6, { entity: undefined }), T0 + 6);
    assert.equal(await store.getEntity(HUB, '@e@s'), undefined, 'an undefined entity deletes the row');
  },

  'completeEntityWork: deferred messages wait until released, then come first in their order': async ({ store }) => {
    for (const name of ['a', 'b', 'c']) await signal(store, '@e@lock', name);
    const item = await claimOneEntity(store, T0, '@e@lock');
    const [a, b, c] = item.messages.map((m) => m.seq);
    const locked = { instanceId: '@e@lock', lockedBy: 'orch-1', criticalSectionId: 'cs-1', lastModifiedAt: T0 };
    await store.completeEntityWork(HUB, done(item, T0, { consumedSeqs: [b!], deferredSeqs: [a!, c!], entity: locked }), T0);
    assert.equal((await claimEntities(store, T0)).items.length, 0, 'deferred messages are not delivered');
    assert.deepEqual(await store.getEntity(HUB, '@e@lock'), { ...locked, backlogQueueSize: 2 });
    await signal(store, '@e@lock', 'unlock');
    const unlock = await claimOneEntity(store, T0, '@e@lock');
    assert.deepEqual(ops(unlock), ['unlock']);
    await store.completeEntityWork(HUB, done(unlock, T0, { releaseDeferred: true, entity: undefined }), T0);
    assert.deepEqual(ops(await claimOneEntity(store, T0, '@e@lock')), ['a', 'c']);
  },

  'completeEntityWork: results reach existing orchestrations, signals reach entities, starts create instances': async ({ store }) => {
    await create(store, newInstance('caller'));
    await signal(store, '@e@fx', 'go');
    const item = await claimOneEntity(store, T0, '@e@fx');
    const answer = makeEvent({ kind: 'entityOperationCompleted', requestId: 'r-1', output: '42' }, T0);
    await store.completeEntityWork(HUB, done(item, T0, {
      orchestrationMessages: [{ instanceId: 'caller', event: answer, visibleAt: T0 }, { instanceId: 'nobody', event: answer, visibleAt: T0 }],
      entityMessages: [{ instanceId: '@e@next', event: op('forwarded'), visibleAt: T0 }],
      orchestrations: [newInstance('started-by-entity')],
    }), T0);
    const next = await claimOneEntity(store, T0, '@e@next');
    assert.deepEqual(ops(next), ['forwarded']);
    const caller = await claimOne(store, T0, 'caller');
    assert.deepEqual(caller.messages.map((m) => m.event.kind), ['executionStarted', 'entityOperationCompleted']);
    assert.equal((await store.getInstance(HUB, 'started-by-entity'))?.status, 'PENDING');
    assert.equal(await store.getInstance(HUB, 'nobody'), undefined, 'a message to a missing instance is dropped');
  },

  'abandonEntityWork: holds the delivered messages back until retryAt; LEASE_LOST after': async ({ store }) => {
    await signal(store, '@e@ab', 'a');
    const item = await claimOneEntity(store, T0, '@e@ab');
    await store.abandonEntityWork(HUB, item.lease.token, T0 + 500, T0);
    assert.equal((await claimEntities(store, T0 + 499)).items.length, 0);
    const again = await claimOneEntity(store, T0 + 500, '@e@ab');
    assert.equal(again.lease.attempt, 2);
    await assertRejectsWithCode(store.abandonEntityWork(HUB, item.lease.token, T0, T0), 'LEASE_LOST');
    await assertRejectsWithCode(store.completeEntityWork(OTHER_HUB, done(again, T0 + 500), T0 + 500), 'LEASE_LOST');
  },

  'completeOrchestrationWork: entity messages are queued for their entities': async ({ store }) => {
    await create(store, newInstance('orch'));
    const item = await claimOne(store, T0, 'orch');
    const called = makeEvent({ kind: 'entityOperationCalled', requestId: 'r', operation: 'get', parentInstanceId: 'orch' }, T0);
    await store.completeOrchestrationWork(HUB, completionOf(item, T0, { entityMessages: [{ instanceId: '@e@called', event: called, visibleAt: T0 }] }), T0);
    const entity = await claimOneEntity(store, T0, '@e@called');
    assert.deepEqual(entity.messages.map((m) => m.event), [called]);
  },
};

export const entityDurabilityTests: ConformanceTests = {
  'durability: entity rows and inbox survive a reopen; leases do not': async (fixture) => {
    await signal(fixture.store, '@e@durable', 'a');
    const item = await claimOneEntity(fixture.store, T0, '@e@durable');
    await fixture.store.completeEntityWork(HUB, done(item, T0, { consumedSeqs: [], entity: { instanceId: '@e@durable', state: 's', lastModifiedAt: T0 } }), T0);
    const store = await fixture.reopen();
    const again = await claimOneEntity(store, T0, '@e@durable');
    assert.deepEqual(ops(again), ['a']);
    assert.equal(again.entity?.state, 's');
  },
};
