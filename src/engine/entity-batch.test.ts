/** Unit tests of the pure entity scheduler: locks, deferral, unlock ordering, batch bounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { EntityWorkItem, LeaseToken, StoredEntityMessage } from '../store/work-store.ts';
import { planEntityBatch } from './entity-batch.ts';

const T = 1000;
const call = (op: string, from: string): HistoryEvent => makeEvent({ kind: 'entityOperationCalled', requestId: op, operation: op, parentInstanceId: from }, T);
const sig = (op: string): HistoryEvent => makeEvent({ kind: 'entityOperationSignaled', requestId: op, operation: op }, T);
const lock = (cs: string, owner: string, lockSet: string[], position = 0): HistoryEvent =>
  makeEvent({ kind: 'entityLockRequested', criticalSectionId: cs, lockSet, position, parentInstanceId: owner }, T);
const unlock = (cs: string, owner: string): HistoryEvent => makeEvent({ kind: 'entityUnlockSent', criticalSectionId: cs, parentInstanceId: owner, targetInstanceId: '@e@1' }, T);

function item(events: HistoryEvent[], locked?: { by: string; cs: string }): EntityWorkItem {
  const messages: StoredEntityMessage[] = events.map((event, i) => ({ seq: i + 1, instanceId: '@e@1', event, visibleAt: T }));
  const w: EntityWorkItem = { hub: 'h' as never, instanceId: '@e@1', messages, lease: { token: 't' as LeaseToken, expiresAt: T + 1, attempt: 1 } };
  if (locked !== undefined) w.entity = { instanceId: '@e@1', lockedBy: locked.by, criticalSectionId: locked.cs, lastModifiedAt: T };
  return w;
}

const ctx = (ended: string[] = [], operationsMax = 100) => ({ now: T, operationsMax, endedOrchestrations: new Set(ended) });

test('a lock request locks, then forwards to the next entity of the lock set', () => {
  const plan = planEntityBatch(item([lock('cs', 'o1', ['@e@1', '@e@2']), call('a', 'o1'), sig('s')]), ctx());
  assert.deepEqual(plan.lock, { lockedBy: 'o1', criticalSectionId: 'cs' });
  assert.deepEqual(plan.consumedSeqs, [1]);
  assert.deepEqual(plan.operationSeqs, [2], "the owner's call runs");
  assert.deepEqual(plan.deferredSeqs, [3], 'a signal waits while locked');
  assert.equal(plan.entityMessages[0]?.instanceId, '@e@2');
  assert.equal(plan.orchestrationMessages.length, 0);
});

test('the last entity of a lock set grants the lock to the orchestration', () => {
  const plan = planEntityBatch(item([lock('cs', 'o1', ['@e@0', '@e@1'], 1)]), ctx());
  assert.equal(plan.orchestrationMessages[0]?.instanceId, 'o1');
  assert.equal(plan.orchestrationMessages[0]?.event.kind, 'entityLockGranted');
});

test('other callers and other lock requests are deferred while locked; an unlock releases and stops the scan', () => {
  const plan = planEntityBatch(item([call('x', 'o2'), lock('cs2', 'o2', ['@e@1']), unlock('cs', 'o1'), sig('later')], { by: 'o1', cs: 'cs' }), ctx());
  assert.deepEqual(plan.deferredSeqs, [1, 2]);
  assert.deepEqual(plan.consumedSeqs, [3]);
  assert.equal(plan.releaseDeferred, true);
  assert.deepEqual(plan.lock, {});
  assert.deepEqual(plan.operationSeqs, [], 'newer messages wait for the deferred ones');
});

test('lock messages after an operation wait for the next batch; batches are bounded', () => {
  const plan = planEntityBatch(item([sig('a'), lock('cs', 'o1', ['@e@1']), sig('b')]), ctx());
  assert.deepEqual(plan.operationSeqs, [1]);
  assert.deepEqual(plan.consumedSeqs, []);
  const bounded = planEntityBatch(item([sig('a'), sig('b'), sig('c')]), ctx([], 2));
  assert.deepEqual(bounded.operationSeqs, [1, 2]);
});

test('a lock held or requested by an ended orchestration is released or ignored', () => {
  const held = planEntityBatch(item([sig('a')], { by: 'gone', cs: 'cs' }), ctx(['gone']));
  assert.equal(held.releaseDeferred, true);
  assert.deepEqual(held.operationSeqs, [], 'deferred messages go first');
  const requested = planEntityBatch(item([lock('cs', 'gone', ['@e@1']), sig('a')]), ctx(['gone']));
  assert.deepEqual(requested.lock, {});
  assert.deepEqual(requested.consumedSeqs, [1]);
  assert.deepEqual(requested.operationSeqs, [2]);
});
