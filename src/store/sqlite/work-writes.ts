/**
 * Write calls that finish or give back claimed work: complete and abandon, for orchestrations
 * and activities. Each first checks that the caller's lease is held (else LEASE_LOST and
 * nothing is written), marks it used up for the rest of the batch, and releases it after COMMIT.
 */
import type { TaskHubName } from '../../domain/instance.ts';
import { statusAfterEpisode } from '../../domain/history-event.ts';
import { invariant } from '../../lib/assert.ts';
import type { InboxMessage, LeaseToken, OrchestrationCompletion } from '../work-store.ts';
import type { WriteEffects } from './group-commit.ts';
import { queueEntityMessage } from './entity-writes.ts';
import { createInstanceWrite } from './instance-writes.ts';
import type { StoreState } from './store-state.ts';

export function completeOrchestrationWrite(
  state: StoreState,
  effects: WriteEffects,
  hub: TaskHubName,
  completion: OrchestrationCompletion,
  now: number,
): void {
  const lease = state.heldLease(effects, hub, 'orchestration', completion.lease, now);
  const instanceId = lease.key as string;
  invariant(completion.instance.instanceId === instanceId, `completion for ${completion.instance.instanceId} carries the lease of ${instanceId}`);
  const { claimed } = lease;
  invariant(claimed !== undefined, `the orchestration lease of ${hub}/${instanceId} carries no claimed row`);
  effects.consumeLease(lease.token);
  const { history } = completion;
  state.inbox.deleteSeqs(hub, instanceId, completion.consumedSeqs);
  state.instances.appendHistory(hub, instanceId, history.startIndex, history.append, history.reset, claimed.historyLength);
  const stored = state.instances.status(hub, instanceId);
  invariant(stored !== undefined, `instance ${hub}/${instanceId} holds a lease but has no row`);
  const status = statusAfterEpisode(completion.instance.status, completion.claimedStatus, stored);
  const instance = status === completion.instance.status ? completion.instance : { ...completion.instance, status };
  state.instances.updateChanged(hub, instance, claimed.columns, stored);
  writeActivityTasks(state, effects, hub, completion, now);
  // Children first, so that messages of the same episode can reach a child created by it.
  for (const child of completion.children) {
    const result = createInstanceWrite(state, effects, hub, child, now);
    if (!result.created) queueMessage(state, effects, hub, child.onConflict, now);
  }
  for (const message of completion.messages) queueMessage(state, effects, hub, message, now);
  for (const message of completion.entityMessages ?? []) queueEntityMessage(state, effects, hub, message, now);
  effects.emit({ type: 'instance', hub, instanceId, status });
  effects.afterCommit(() => {
    const visibleAt = state.releaseOrchestration(lease, 'completed', now);
    if (visibleAt !== undefined) effects.emit({ type: 'work', hub, kind: 'orchestration', visibleAt });
  });
}

function writeActivityTasks(state: StoreState, effects: WriteEffects, hub: TaskHubName, completion: OrchestrationCompletion, now: number): void {
  if (completion.activities.length === 0) return;
  const seqs = completion.activities.map((task) => state.activities.insert(hub, task, now));
  effects.afterCommit(() => {
    const queue = state.queues(hub).activities;
    for (const seq of seqs) queue.offer(seq, now, now);
  });
  effects.emit({ type: 'work', hub, kind: 'activity', visibleAt: now });
}

/** Queues a message for an existing instance; a message to a missing instance is dropped. */
export function queueMessage(state: StoreState, effects: WriteEffects, hub: TaskHubName, message: InboxMessage, now: number): void {
  if (!state.inbox.insertIfInstanceExists(hub, message)) return;
  effects.afterCommit(() => state.queues(hub).orchestrations.offer(message.instanceId, message.visibleAt, now));
  effects.emit({ type: 'work', hub, kind: 'orchestration', visibleAt: message.visibleAt });
}

/**
 * The messages delivered with the lease are held back until `retryAt` (never brought forward).
 * Messages that arrived during the lease, or arrive later, are not: they may be claimed at once.
 * The engine relies on this, e.g. a termination must not wait behind events it deferred.
 */
export function abandonOrchestrationWrite(
  state: StoreState,
  effects: WriteEffects,
  hub: TaskHubName,
  token: LeaseToken,
  retryAt: number,
  now: number,
): void {
  const lease = state.heldLease(effects, hub, 'orchestration', token, now);
  effects.consumeLease(token);
  state.inbox.delaySeqs(hub, lease.key as string, lease.seqs, retryAt);
  effects.afterCommit(() => {
    const visibleAt = state.releaseOrchestration(lease, 'abandoned', now);
    if (visibleAt !== undefined) effects.emit({ type: 'work', hub, kind: 'orchestration', visibleAt });
  });
}

export function completeActivityWrite(
  state: StoreState,
  effects: WriteEffects,
  hub: TaskHubName,
  token: LeaseToken,
  result: InboxMessage,
  now: number,
): void {
  const lease = state.heldLease(effects, hub, 'activity', token, now);
  effects.consumeLease(token);
  const deleted = state.activities.delete(hub, lease.key as number);
  invariant(deleted, `activity task ${hub}/${lease.key} is leased but has no row`);
  queueMessage(state, effects, hub, result, now);
  effects.afterCommit(() => state.releaseActivity(lease, 'completed'));
}

export function abandonActivityWrite(state: StoreState, effects: WriteEffects, hub: TaskHubName, token: LeaseToken, retryAt: number, now: number): void {
  const lease = state.heldLease(effects, hub, 'activity', token, now);
  effects.consumeLease(token);
  const seq = lease.key as number;
  state.activities.setVisibleAt(hub, seq, retryAt);
  effects.afterCommit(() => {
    state.releaseActivity(lease, 'abandoned');
    state.queues(hub).activities.offer(seq, retryAt, now);
  });
  effects.emit({ type: 'work', hub, kind: 'activity', visibleAt: retryAt });
}
