/**
 * The entity half of the store contract (`Store` extends it). Entities have a row (state and
 * lock) and a FIFO inbox of messages, claimed with a lease like an orchestration's: at most one
 * batch per entity at a time, and completing or abandoning requires the lease (else LEASE_LOST).
 *
 * The store keeps order and leases and nothing more: which messages run, which wait behind a
 * lock and what a result means is decided by the engine (entity-batch.ts). A message the engine
 * defers keeps its position in the inbox but is not delivered until
 * the engine releases the deferred messages of that entity (when its lock is released).
 */
import type { HistoryEvent } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { ClaimOptions, ClaimResult, InboxMessage, Lease, LeaseToken, NewInstance } from './store.ts';

export interface EntityRecord {
  /** `@name@key`, name lower-cased. */
  instanceId: string;
  /** The serialized state; absent for an entity that holds a lock but has no state. */
  state?: string;
  /** The orchestration instance holding the entity's lock, if any. */
  lockedBy?: string;
  criticalSectionId?: string;
  lastModifiedAt: number;
}

export interface EntityMetadataRecord extends EntityRecord {
  /** Messages waiting in the entity's inbox, deferred ones included. */
  backlogQueueSize: number;
}

/** A message for an entity: an operation, a lock request or an unlock (history event kinds). */
export interface EntityMessage {
  instanceId: string;
  event: HistoryEvent;
  /** Not delivered before this time (scheduled signals, abandon back-off). */
  visibleAt: number;
}

export interface StoredEntityMessage extends EntityMessage {
  seq: number;
}

export interface EntityWorkItem {
  hub: TaskHubName;
  instanceId: string;
  /** Undefined when the entity has no row yet (no state, no lock). */
  entity?: EntityRecord;
  /** Visible, not deferred messages, FIFO, at most `messagesMax`. */
  messages: StoredEntityMessage[];
  lease: Lease;
}

export interface EntityCompletion {
  lease: LeaseToken;
  /** Inbox rows that were handled; deleted. */
  consumedSeqs: readonly number[];
  /** Inbox rows deferred until `releaseDeferred`: they keep their place but are not delivered. */
  deferredSeqs: readonly number[];
  /** Makes every deferred message of the entity deliverable again, in its original order. */
  releaseDeferred: boolean;
  /** The entity row after the batch; undefined deletes the row. */
  entity: EntityRecord | undefined;
  /** Results and lock grants for orchestrations; a message to a missing instance is dropped. */
  orchestrationMessages: readonly InboxMessage[];
  /** Signals and forwarded lock requests for entities (this one included). */
  entityMessages: readonly EntityMessage[];
  /** Orchestrations the batch starts; one whose id exists and is not replaceable is skipped. */
  orchestrations: readonly NewInstance[];
}

export interface EntityQuery {
  instanceIdStartsWith?: string;
  /** Inclusive bounds of `lastModifiedAt`. */
  lastModifiedFrom?: number;
  lastModifiedTo?: number;
  /** When false, entities without state are left out. */
  includeTransient: boolean;
  limit: number;
  /** Entities with an instance id strictly greater than this. */
  after?: string;
}

export interface EntityPage {
  entities: EntityMetadataRecord[];
  /** The last instance id of a full page; absent when this page is the last. */
  next?: string;
}

export interface EntityStore {
  /** Queues one message for an entity; entities exist implicitly, so this never fails for a missing one. */
  appendEntityMessage(hub: TaskHubName, message: EntityMessage, now: number): Promise<void>;
  /** Claims entities with visible, not deferred messages and no live lease. */
  claimEntityWork(hub: TaskHubName, options: ClaimOptions & { messagesMax: number }): Promise<ClaimResult<EntityWorkItem>>;
  /** Applies a batch's result atomically and releases the lease. LEASE_LOST if not held. */
  completeEntityWork(hub: TaskHubName, completion: EntityCompletion, now: number): Promise<void>;
  /** Releases the lease; the claimed messages become visible again at `retryAt`. LEASE_LOST if not held. */
  abandonEntityWork(hub: TaskHubName, lease: LeaseToken, retryAt: number, now: number): Promise<void>;
  getEntity(hub: TaskHubName, instanceId: string): Promise<EntityMetadataRecord | undefined>;
  /** Entity rows matching every filter, in instance id order, at most `limit`. */
  queryEntities(hub: TaskHubName, query: EntityQuery): Promise<EntityPage>;
}
