/**
 * The entity scheduler, pure: decides what happens to the messages claimed for one entity.
 * Lock requests and unlocks are handled here on the server; operations go to a worker in one
 * batch; operations that another orchestration's lock blocks are deferred: they keep their place.
 *
 * Order is FIFO per entity. Server-handled messages are only taken before the first operation
 * of a batch (so an operation never runs under a lock state that did not exist when it was
 * queued), and processing stops right after an unlock, so deferred messages, which are older,
 * are delivered before anything newer.
 */
import { makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { EntityMessage, EntityRecord, EntityWorkItem, InboxMessage, StoredEntityMessage } from '../store/work-store.ts';

export interface EntityLock {
  lockedBy?: string;
  criticalSectionId?: string;
}

export interface EntityBatchPlan {
  /** entityOperationSignaled / entityOperationCalled events for the worker, in order. */
  operations: HistoryEvent[];
  operationSeqs: number[];
  /** Messages handled on the server (locks, unlocks, stale or dead requests). */
  consumedSeqs: number[];
  deferredSeqs: number[];
  releaseDeferred: boolean;
  /** The lock after the server-handled messages. */
  lock: EntityLock;
  lockChanged: boolean;
  /** Lock grants for orchestrations. */
  orchestrationMessages: InboxMessage[];
  /** Lock requests forwarded to the next entity of a lock set. */
  entityMessages: EntityMessage[];
}

export interface PlanContext {
  now: number;
  operationsMax: number;
  /** Orchestrations (among lock holders and requesters) that are finished or gone. */
  endedOrchestrations: ReadonlySet<string>;
}

export function planEntityBatch(item: EntityWorkItem, ctx: PlanContext): EntityBatchPlan {
  const plan: EntityBatchPlan = {
    operations: [],
    operationSeqs: [],
    consumedSeqs: [],
    deferredSeqs: [],
    releaseDeferred: false,
    lock: lockOf(item.entity),
    lockChanged: false,
    orchestrationMessages: [],
    entityMessages: [],
  };
  const holder = plan.lock.lockedBy;
  if (holder !== undefined && ctx.endedOrchestrations.has(holder)) {
    // The holder ended without unlocking (or its unlock overtook its lock request): release,
    // and let the deferred messages go first.
    unlock(plan);
    return plan;
  }
  for (const m of item.messages) {
    if (!step(plan, m, ctx)) break;
  }
  return plan;
}

/** Handles one message; false stops the scan (the rest stays queued, in order). */
function step(plan: EntityBatchPlan, m: StoredEntityMessage, ctx: PlanContext): boolean {
  const e = m.event;
  switch (e.kind) {
    case 'entityOperationSignaled':
    case 'entityOperationCalled': {
      const caller = e.kind === 'entityOperationCalled' ? e.parentInstanceId : undefined;
      if (plan.lock.lockedBy !== undefined && caller !== plan.lock.lockedBy) {
        plan.deferredSeqs.push(m.seq);
        return true;
      }
      plan.operations.push(e);
      plan.operationSeqs.push(m.seq);
      return plan.operations.length < ctx.operationsMax;
    }
    case 'entityLockRequested':
      if (plan.operations.length > 0) return false;
      return lockRequested(plan, m, e, ctx);
    case 'entityUnlockSent':
      if (plan.operations.length > 0) return false;
      plan.consumedSeqs.push(m.seq);
      if (plan.lock.criticalSectionId === undefined || plan.lock.criticalSectionId !== e.criticalSectionId) return true;
      unlock(plan);
      return false;
    default:
      // Not an entity message: corrupt input from an old writer; drop it rather than loop on it.
      plan.consumedSeqs.push(m.seq);
      return true;
  }
}

function lockRequested(
  plan: EntityBatchPlan,
  m: StoredEntityMessage,
  e: Extract<HistoryEvent, { kind: 'entityLockRequested' }>,
  ctx: PlanContext,
): boolean {
  const owner = e.parentInstanceId ?? '';
  if (owner === '' || ctx.endedOrchestrations.has(owner)) {
    plan.consumedSeqs.push(m.seq);
    return true;
  }
  if (plan.lock.lockedBy !== undefined && plan.lock.criticalSectionId !== e.criticalSectionId) {
    plan.deferredSeqs.push(m.seq);
    return true;
  }
  plan.consumedSeqs.push(m.seq);
  if (plan.lock.criticalSectionId === e.criticalSectionId) return true; // a duplicate
  plan.lock = { lockedBy: owner, criticalSectionId: e.criticalSectionId };
  plan.lockChanged = true;
  const next = e.lockSet[e.position + 1];
  if (next !== undefined) {
    plan.entityMessages.push({ instanceId: next, event: makeEvent({ ...e, position: e.position + 1 }, ctx.now), visibleAt: ctx.now });
  } else {
    plan.orchestrationMessages.push({
      instanceId: owner,
      event: makeEvent({ kind: 'entityLockGranted', criticalSectionId: e.criticalSectionId }, ctx.now),
      visibleAt: ctx.now,
    });
  }
  return true;
}

function unlock(plan: EntityBatchPlan): void {
  plan.lock = {};
  plan.lockChanged = true;
  plan.releaseDeferred = true;
}

function lockOf(entity: EntityRecord | undefined): EntityLock {
  const lock: EntityLock = {};
  if (entity?.lockedBy !== undefined) lock.lockedBy = entity.lockedBy;
  if (entity?.criticalSectionId !== undefined) lock.criticalSectionId = entity.criticalSectionId;
  return lock;
}

/** The entity row with `state` and `lock`; undefined (no row) when it has neither. */
export function entityRow(instanceId: string, state: string | undefined, lock: EntityLock, now: number): EntityRecord | undefined {
  if (state === undefined && lock.lockedBy === undefined) return undefined;
  const row: EntityRecord = { instanceId, lastModifiedAt: now };
  if (state !== undefined) row.state = state;
  if (lock.lockedBy !== undefined) row.lockedBy = lock.lockedBy;
  if (lock.criticalSectionId !== undefined) row.criticalSectionId = lock.criticalSectionId;
  return row;
}

/** The ids whose orchestration status the plan needs: the lock holder and lock requesters. */
export function orchestrationsToCheck(item: EntityWorkItem): string[] {
  const ids = new Set<string>();
  if (item.entity?.lockedBy !== undefined) ids.add(item.entity.lockedBy);
  for (const m of item.messages) {
    if (m.event.kind === 'entityLockRequested' && m.event.parentInstanceId !== undefined) ids.add(m.event.parentInstanceId);
  }
  return [...ids];
}
