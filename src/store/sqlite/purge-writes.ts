/**
 * The purge write: deletes instances in one of the given statuses with everything they own.
 * Runs inside the group commit's transaction like every write; leases of deleted work end for
 * the rest of the batch and, after COMMIT, in memory.
 */
import type { TaskHubName } from '../../domain/instance.ts';
import type { PurgeRequest } from '../store.ts';
import type { WriteEffects } from './group-commit.ts';
import { deleteInstanceRows } from './instance-writes.ts';
import type { StoreState } from './store-state.ts';

export function purgeInstancesWrite(state: StoreState, effects: WriteEffects, hub: TaskHubName, request: PurgeRequest): string[] {
  const purged: string[] = [];
  for (const instanceId of new Set(request.instanceIds)) {
    const instance = state.instances.get(hub, instanceId);
    if (instance === undefined || !request.statuses.includes(instance.status)) continue;
    deleteInstanceRows(state, effects, hub, instanceId);
    purged.push(instanceId);
  }
  return purged;
}
