/**
 * Entity claims and reads. A claim takes candidate entities from the in-memory ready index,
 * reads their deliverable messages (visible, not deferred) and records the lease in memory, as
 * orchestration claims do (claims.ts): no disk write, cost O(items claimed).
 */
import type { TaskHubName } from '../../domain/instance.ts';
import { invariant } from '../../lib/assert.ts';
import type { EntityMetadataRecord, EntityPage, EntityQuery } from '../read-model.ts';
import type { ClaimOptions, ClaimResult, EntityWorkItem } from '../work-store.ts';
import type { StoreState } from './store-state.ts';

export function claimEntityWork(
  state: StoreState,
  hub: TaskHubName,
  options: ClaimOptions & { messagesMax: number },
): ClaimResult<EntityWorkItem> {
  const { now, limit } = options;
  invariant(Number.isFinite(now) && Number.isInteger(limit) && limit >= 0, 'claimEntityWork needs a finite now and a non-negative limit');
  invariant(Number.isInteger(options.messagesMax) && options.messagesMax > 0, 'claim messagesMax must be a positive integer');
  invariant(Number.isFinite(options.leaseMs) && options.leaseMs > 0, 'claim leaseMs must be positive');
  const queues = state.existingQueues(hub);
  if (queues === undefined) return { items: [] };
  const queue = queues.entities;
  for (const entry of queue.expiredLeases(now)) state.releaseEntity(entry, 'expired', now);
  const items: EntityWorkItem[] = [];
  while (items.length < limit) {
    const instanceId = queue.takeCandidate(now);
    if (instanceId === undefined) break;
    const messages = state.entities.readVisible(hub, instanceId, now, options.messagesMax);
    if (messages.length === 0) {
      state.reofferEntity(hub, instanceId, now);
      continue;
    }
    const entity = state.entities.get(hub, instanceId);
    const lease = state.grantLease(queue, instanceId, now + options.leaseMs, messages.map((m) => m.seq));
    const item: EntityWorkItem = { hub, instanceId, messages, lease: { token: lease.token, expiresAt: lease.expiresAt, attempt: lease.attempt } };
    if (entity !== undefined) item.entity = entity;
    items.push(item);
  }
  const nextVisibleAt = queue.nextVisibleAt();
  return nextVisibleAt === undefined ? { items } : { items, nextVisibleAt };
}

export function getEntity(state: StoreState, hub: TaskHubName, instanceId: string): EntityMetadataRecord | undefined {
  return state.entities.getWithBacklog(hub, instanceId);
}

export function queryEntities(state: StoreState, hub: TaskHubName, query: EntityQuery): EntityPage {
  invariant(Number.isInteger(query.limit) && query.limit > 0, 'queryEntities limit must be a positive integer');
  const entities = state.entities.query(hub, query);
  const last = entities[entities.length - 1];
  return entities.length === query.limit && last !== undefined ? { entities, next: last.instanceId } : { entities };
}
