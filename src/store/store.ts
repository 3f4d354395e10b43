/**
 * A store: one backend (SQLite, PostgreSQL) offers both contracts, the work contract
 * (work-store.ts, the engine's hot path) and the read model (read-model.ts, queries), plus
 * what belongs to neither: its lifecycle (migrate, close, change events, capabilities) and
 * administration (task hubs, purge). Those are called by the composition root, the engine's
 * start-up and the purge and retention paths, never per work item, so they stay here rather
 * than widen either contract.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { OrchestrationStatus } from '../domain/history-event.ts';
import type { ReadModel } from './read-model.ts';
import type { WorkStore } from './work-store.ts';

export interface PurgeRequest {
  instanceIds: readonly string[];
  /** Only instances in one of these statuses are deleted; the others are skipped. */
  statuses: readonly OrchestrationStatus[];
}

/** Something changed that the engine may want to react to (new work, instance state). */
export type StoreEvent =
  | { type: 'work'; hub: TaskHubName; kind: 'orchestration' | 'activity' | 'entity'; visibleAt: number }
  | { type: 'instance'; hub: TaskHubName; instanceId: string; status: OrchestrationStatus }
  /** Events from other processes may have been lost (a notification connection came back): re-read what is waited for. */
  | { type: 'resync' };

export interface StoreCapabilities {
  /** Events from other processes arrive through `subscribe` (several nodes on one database). */
  crossProcessNotifications: boolean;
  /**
   * Other processes claim work under leases this store can see (several nodes on one database):
   * a completion whose lease this process did not grant may be another node's, to be finished
   * through `getClaimed…Work`. False: every live lease was granted to this process.
   */
  sharedLeases: boolean;
}

export interface Store extends WorkStore, ReadModel {
  readonly capabilities: StoreCapabilities;

  /** Creates or upgrades the schema. Call once before anything else. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Receives events once their changes are committed: 'work' as soon as the work can be claimed,
   * 'instance' only once the change is durable (a waiter told of a status finds it after a crash).
   */
  subscribe(listener: (event: StoreEvent) => void): () => void;

  listTaskHubs(): Promise<TaskHubName[]>;
  /** Idempotent. */
  createTaskHub(hub: TaskHubName, now: number): Promise<void>;
  /** Deletes the hub and every row it owns. Idempotent. */
  deleteTaskHub(hub: TaskHubName): Promise<void>;

  /**
   * Deletes each listed instance whose status is in `statuses`, with everything it owns
   * (history, inbox, activity tasks, leases), atomically. Unknown ids and other statuses are
   * skipped, not errors. Resolves to the ids deleted.
   */
  purgeInstances(hub: TaskHubName, request: PurgeRequest, now: number): Promise<string[]>;
}
