/**
 * Write calls for entities: queue a message, complete a batch, abandon a batch. Each runs in
 * the group commit's transaction; index and lease changes happen only after COMMIT. Completing
 * writes, in one transaction: consumed and deferred inbox rows, the entity row, results for
 * orchestrations, messages for entities and the orchestrations the batch starts.
 */
import type { TaskHubName } from '../../domain/instance.ts';
import type { EntityCompletion, EntityMessage, LeaseToken } from '../work-store.ts';
import type { WriteEffects } from './group-commit.ts';
import { createInstanceWrite } from './instance-writes.ts';
import type { StoreState } from './store-state.ts';
import { queueMessage } from './work-writes.ts';

export function queueEntityMessage(state: StoreState, effects: WriteEffects, hub: TaskHubName, message: EntityMessage, now: number): void {
  state.entities.insertMessage(hub, message);
  effects.afterCommit(() => state.queues(hub).entities.offer(message.instanceId, message.visibleAt, now));
  effects.emit({ type: 'work', hub, kind: 'entity', visibleAt: message.visibleAt });
}

export function completeEntityWrite(state: StoreState, effects: WriteEffects, hub: TaskHubName, completion: EntityCompletion, now: number): void {
  const lease = state.heldLease(effects, hub, 'entity', completion.lease, now);
  const instanceId = lease.key as string;
  effects.consumeLease(lease.token);
  state.entities.deleteSeqs(hub, instanceId, completion.consumedSeqs);
  state.entities.deferSeqs(hub, instanceId, completion.deferredSeqs);
  if (completion.releaseDeferred) state.entities.releaseDeferred(hub, instanceId);
  state.entities.put(hub, instanceId, completion.entity);
  for (const create of completion.orchestrations) createInstanceWrite(state, effects, hub, create, now);
  for (const message of completion.orchestrationMessages) queueMessage(state, effects, hub, message, now);
  for (const message of completion.entityMessages) queueEntityMessage(state, effects, hub, message, now);
  effects.afterCommit(() => {
    const visibleAt = state.releaseEntity(lease, 'completed', now);
    if (visibleAt !== undefined) effects.emit({ type: 'work', hub, kind: 'entity', visibleAt });
  });
}

/** The delivered messages are held back until `retryAt`; later ones are not (as for orchestrations). */
export function abandonEntityWrite(state: StoreState, effects: WriteEffects, hub: TaskHubName, token: LeaseToken, retryAt: number, now: number): void {
  const lease = state.heldLease(effects, hub, 'entity', token, now);
  effects.consumeLease(token);
  state.entities.delaySeqs(hub, lease.key as string, lease.seqs, retryAt);
  effects.afterCommit(() => {
    const visibleAt = state.releaseEntity(lease, 'abandoned', now);
    if (visibleAt !== undefined) effects.emit({ type: 'work', hub, kind: 'entity', visibleAt });
  });
}
