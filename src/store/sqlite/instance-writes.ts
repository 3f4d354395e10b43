/**
 * Write calls about instances and task hubs: create (with the id-reuse rule), append an inbox
 * message, create and delete task hubs. Each runs inside the group commit's transaction; its
 * in-memory effects are registered on the call's `WriteEffects` and happen only after COMMIT.
 */
import type { OrchestrationStatus } from '../../domain/history-event.ts';
import type { InstanceRecord } from '../../domain/instance.ts';
import { invariant } from '../../lib/assert.ts';
import type { CreateInstanceResult, InboxMessage, NewInstance, StatusChange } from '../work-store.ts';
import type { WriteEffects } from './group-commit.ts';
import type { StoreState } from './store-state.ts';
import type { TaskHubName } from '../../domain/instance.ts';

export function createInstanceWrite(state: StoreState, effects: WriteEffects, hub: TaskHubName, create: NewInstance, now: number): CreateInstanceResult {
  const { instance } = create;
  const instanceId = instance.instanceId;
  // A new id is one statement; an existing one is decided by its status alone, and the whole
  // row is read only for a conflict.
  if (!state.instances.insertIfAbsent(hub, instance)) {
    const existingStatus = state.instances.status(hub, instanceId) as OrchestrationStatus;
    if (!create.replaceableStatuses.includes(existingStatus)) {
      return { created: false, existing: state.instances.get(hub, instanceId) as InstanceRecord };
    }
    deleteInstanceRows(state, effects, hub, instanceId);
    invariant(state.instances.insertIfAbsent(hub, instance), `instance ${hub}/${instanceId} still exists after its rows were deleted`);
  }
  state.inbox.insert(hub, { instanceId, event: create.startEvent, visibleAt: create.startVisibleAt });
  effects.afterCommit(() => state.queues(hub).orchestrations.offer(instanceId, create.startVisibleAt, now));
  effects.emit({ type: 'instance', hub, instanceId, status: instance.status });
  effects.emit({ type: 'work', hub, kind: 'orchestration', visibleAt: create.startVisibleAt });
  return { created: true };
}

/** Deletes an instance being replaced: its row, history, inbox, activity tasks and leases. */
export function deleteInstanceRows(state: StoreState, effects: WriteEffects, hub: TaskHubName, instanceId: string): void {
  const taskSeqs = state.activities.seqsOfInstance(hub, instanceId);
  const queues = state.existingQueues(hub);
  const orchestrationLease = queues?.orchestrations.leases.get(instanceId);
  if (orchestrationLease !== undefined) effects.consumeLease(orchestrationLease.token);
  for (const seq of taskSeqs) {
    const taskLease = queues?.activities.leases.get(seq);
    if (taskLease !== undefined) effects.consumeLease(taskLease.token);
  }
  state.instances.delete(hub, instanceId);
  state.inbox.deleteInstance(hub, instanceId);
  state.activities.deleteInstance(hub, instanceId);
  effects.afterCommit(() => state.forgetInstance(hub, instanceId, taskSeqs));
}

export function appendInboxMessageWrite(
  state: StoreState,
  effects: WriteEffects,
  hub: TaskHubName,
  message: InboxMessage,
  now: number,
  statusChange: StatusChange | undefined,
): InstanceRecord | undefined {
  const { instanceId } = message;
  const record = state.instances.get(hub, instanceId);
  if (record === undefined) return undefined;
  state.inbox.insert(hub, message);
  effects.afterCommit(() => state.queues(hub).orchestrations.offer(instanceId, message.visibleAt, now));
  effects.emit({ type: 'work', hub, kind: 'orchestration', visibleAt: message.visibleAt });
  if (statusChange === undefined || !statusChange.from.includes(record.status)) return record;
  state.instances.setStatus(hub, instanceId, statusChange.to, now);
  effects.emit({ type: 'instance', hub, instanceId, status: statusChange.to });
  return { ...record, status: statusChange.to, lastUpdatedAt: now };
}

export function createTaskHubWrite(state: StoreState, hub: TaskHubName, now: number): void {
  state.hubs.create(hub, now);
}

/** Deletes every row of the hub; its leases are lost for the rest of the batch and after. */
export function deleteTaskHubWrite(state: StoreState, effects: WriteEffects, hub: TaskHubName): void {
  for (const entry of state.hubLeases(hub)) effects.consumeLease(entry.token);
  state.hubs.deleteEverything(hub);
  effects.afterCommit(() => state.dropHub(hub));
}
