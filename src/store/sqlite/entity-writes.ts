/**
 * Write calls for entities: queue a message, complete a batch, abandon a batch. Each runs in
 * the group commit's transaction; index and lease changes happen only after COMMIT. Completing
 * writes, in one transaction: consumed and deferred inbox rows, the entity row, results for
 * orchestrations, messages for entities and the orchestrations the batch starts.
 */
import type { TaskHubName } from '../../domain/instance.ts';
import type { EntityCompletion, EntityMessage } from '../entity-store.ts';
import type { LeaseToken } from '../store.ts';
import type { WriteScope } from './group-commit.ts';
import { createInstanceWrite } from './instance-writes.ts';
import type { StoreState } from './store-state.ts';
import { queueMessage } from './work-writes.ts';

export function queueEntityMessage(state: StoreState, scope: WriteScope, hub: TaskHubName, message: EntityMessage, now: number): void {
  state.entities.insertMessage(hub, message);
  scope.afterCommit(() => state.queues(hub).entities.offer(message.instanceId, message.visibleAt, now));
  scope.emit({ type: 'work', hub, kind: 'entity', visibleAt: message.visibleAt });
}

export function completeEntityWrite(state: StoreState, scope: WriteScope, hub: TaskHubName, completion: EntityCompletion, now: number): void {
  const lease = state.heldLease(scope, hub, 'entity', completion.lease, now);
  const instanceId = lease.key as string;
  scope.consumeLease(lease.token);
  state.entities.deleteSeqs(hub, instanceId, completion.consumedSeqs);
  state.entities.deferSeqs(hub, instanceId, completion.deferredSeqs);
  if (completion.releaseDeferred) state.entities.releaseDeferred(hub, instanceId);
  state.entities.put(hub, instanceId, completion.entity);
  for (const create of completion.orchestrations) createInstanceWrite(state, scope, hub, create, now);
  for (const message of completion.orchestrationMessages) queueMessage(state, scope, hub, message, now);
  for (const message of completion.entityMessages) queueEntityMessage(state, scope, hub, message, now);
  scope.afterCommit(() => {
    const visibleAt = state.releaseEntity(lease, 'completed', now);
    if (visibleAt !== undefined) scope.emit({ type: 'work', hub, kind: 'entity', visibleAt });
  });
}

/** The delivered messages are held back until `retryAt`; later ones are not (as for orchestrations). */
export function abandonEntityWrite(state: StoreState, scope: WriteScope, hub: TaskHubName, token: LeaseToken, retryAt: number, now: number): void {
  const lease = state.heldLease(scope, hub, 'entity', token, now);
  scope.consumeLease(token);
  state.entities.delaySeqs(hub, lease.key as string, lease.seqs, retryAt);
  scope.afterCommit(() => {
    const visibleAt = state.releaseEntity(lease, 'abandoned', now);
    if (visibleAt !== undefined) scope.emit({ type: 'work', hub, kind: 'entity', visibleAt });
  });
}
