/**
 * The work contract: what the engine's hot path needs from durable storage. Instances are
 * created and messages delivered into FIFO inboxes (orchestrations and entities); work is
 * claimed under a lease, completed or abandoned through it, and the lease renewed meanwhile.
 *
 * Every method is one atomic unit: it happens entirely or not at all, and once its promise
 * resolves the change is durable (on disk). Backends may group concurrent calls into one
 * transaction (group commit) as long as each call keeps these guarantees on its own.
 *
 * Work is claimed with a lease: an opaque token plus an expiry. Completing or abandoning a
 * work item succeeds only while its lease is held; otherwise the call rejects with
 * `ServerError('LEASE_LOST')` and changes nothing. An expired lease makes the work claimable
 * again. Per instance the inbox is FIFO, and at most one orchestration lease per instance is
 * held at a time, so at most one episode runs per instance.
 *
 * Entities have a row (state and lock) and a FIFO inbox of messages, claimed with a lease like
 * an orchestration's: at most one batch per entity at a time. Which messages run, which wait
 * behind a lock and what a result means is decided by the engine (entity-batch.ts). A message
 * the engine defers keeps its position in the inbox but is not delivered until the engine
 * releases the deferred messages of that entity (when its lock is released).
 *
 * The store holds no orchestration semantics: it never interprets history events. The engine
 * decides what to write; the store writes it, enforces leases and keeps the order.
 */
import type { HistoryEvent, OrchestrationStatus, TraceContext, Tags } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';

export type LeaseToken = string & { readonly __brand: 'LeaseToken' };

export interface Lease {
  token: LeaseToken;
  expiresAt: number;
  /** 1 on the first claim of this work, +1 on every claim after an abandon or expiry. */
  attempt: number;
}

/** An event waiting in an instance's inbox. */
export interface InboxMessage {
  instanceId: string;
  /** When set, the message is meant for that execution only (the engine drops it otherwise). */
  executionId?: string;
  event: HistoryEvent;
  /** Not dispatched before this time (timers, scheduled starts, abandon back-off). */
  visibleAt: number;
}

export interface StoredInboxMessage extends InboxMessage {
  /** Position in the inbox; FIFO order within an instance. */
  seq: number;
}

export interface NewInstance {
  /** The instance row to write; its status is normally PENDING. */
  instance: InstanceRecord;
  /** The ExecutionStarted event, queued in the new instance's inbox. */
  startEvent: HistoryEvent;
  startVisibleAt: number;
  /**
   * Statuses in which an existing instance with the same id is replaced (its history, inbox,
   * activity work and lease are deleted). Any other existing status makes the creation fail.
   */
  replaceableStatuses: readonly OrchestrationStatus[];
}

export type CreateInstanceResult = { created: true } | { created: false; existing: InstanceRecord };

export interface ActivityTask {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  version?: string;
  input?: string;
  tags?: Tags;
  parentTraceContext?: TraceContext;
}

export interface OrchestrationWorkItem {
  hub: TaskHubName;
  instance: InstanceRecord;
  /** The committed history of the current execution, in order. */
  history: HistoryEvent[];
  /** Visible inbox messages, FIFO, at most `messagesMax`. */
  messages: StoredInboxMessage[];
  lease: Lease;
}

export interface ActivityWorkItem {
  hub: TaskHubName;
  task: ActivityTask;
  lease: Lease;
}

export interface ChildInstance extends NewInstance {
  /** Queued instead when the child cannot be created (an existing, non-replaceable instance). */
  onConflict: InboxMessage;
}

export interface OrchestrationCompletion {
  lease: LeaseToken;
  /** Inbox rows the episode consumed; they are deleted. */
  consumedSeqs: readonly number[];
  /** The instance row after the episode. */
  instance: InstanceRecord;
  /**
   * The instance's status when the work was claimed. When the stored status differs by the time
   * the completion is written (a suspend or resume landed during the episode; its message is still
   * queued) and the episode did not end the orchestration, the stored status is kept
   * (`statusAfterEpisode`): the next episode applies the queued change, and meanwhile readers do
   * not see the status flip back.
   */
  claimedStatus: OrchestrationStatus;
  /**
   * History to write. `startIndex` is the number of events the episode saw; the append must
   * land exactly there (a mismatch is corrupt state). `reset` deletes the old history first
   * (continue-as-new), and then `startIndex` is 0.
   */
  history: { reset: boolean; startIndex: number; append: readonly HistoryEvent[] };
  activities: readonly ActivityTask[];
  /** Messages to this and other instances; a message to an instance that does not exist is dropped. */
  messages: readonly InboxMessage[];
  children: readonly ChildInstance[];
  /** Messages to entities (operations, lock requests, unlocks); entities exist implicitly. */
  entityMessages?: readonly EntityMessage[];
}

export interface ClaimOptions {
  now: number;
  /** Work items to claim at most. */
  limit: number;
  leaseMs: number;
}

export interface ClaimResult<T> {
  items: T[];
  /** When the earliest not-yet-visible work becomes visible, if any is known. */
  nextVisibleAt?: number;
}

export interface StatusChange {
  from: readonly OrchestrationStatus[];
  to: OrchestrationStatus;
}

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

export interface WorkStore {
  /** Creates an instance, or replaces one whose status is replaceable. */
  createInstance(hub: TaskHubName, create: NewInstance, now: number): Promise<CreateInstanceResult>;
  /**
   * Queues one message for an existing instance, optionally changing its status when it is in
   * one of `statusChange.from`. Resolves to the instance after the change, or undefined (and
   * nothing written) when the instance does not exist.
   */
  appendInboxMessage(
    hub: TaskHubName,
    message: InboxMessage,
    now: number,
    statusChange?: StatusChange,
  ): Promise<InstanceRecord | undefined>;
  /** Queues one message for an entity; entities exist implicitly, so this never fails for a missing one. */
  appendEntityMessage(hub: TaskHubName, message: EntityMessage, now: number): Promise<void>;

  /** Claims instances with visible inbox messages and no live lease. */
  claimOrchestrationWork(
    hub: TaskHubName,
    options: ClaimOptions & { messagesMax: number },
  ): Promise<ClaimResult<OrchestrationWorkItem>>;
  /** Applies an episode's result atomically and releases the lease. LEASE_LOST if not held. */
  completeOrchestrationWork(hub: TaskHubName, completion: OrchestrationCompletion, now: number): Promise<void>;
  /** Releases the lease; the claimed messages become visible again at `retryAt`. LEASE_LOST if not held. */
  abandonOrchestrationWork(hub: TaskHubName, lease: LeaseToken, retryAt: number, now: number): Promise<void>;

  claimActivityWork(hub: TaskHubName, options: ClaimOptions): Promise<ClaimResult<ActivityWorkItem>>;
  /** Deletes the task and queues its result for the orchestration atomically. LEASE_LOST if not held. */
  completeActivityWork(hub: TaskHubName, lease: LeaseToken, result: InboxMessage, now: number): Promise<void>;
  abandonActivityWork(hub: TaskHubName, lease: LeaseToken, retryAt: number, now: number): Promise<void>;

  /** Claims entities with visible, not deferred messages and no live lease. */
  claimEntityWork(hub: TaskHubName, options: ClaimOptions & { messagesMax: number }): Promise<ClaimResult<EntityWorkItem>>;
  /** Applies a batch's result atomically and releases the lease. LEASE_LOST if not held. */
  completeEntityWork(hub: TaskHubName, completion: EntityCompletion, now: number): Promise<void>;
  /** Releases the lease; the claimed messages become visible again at `retryAt`. LEASE_LOST if not held. */
  abandonEntityWork(hub: TaskHubName, lease: LeaseToken, retryAt: number, now: number): Promise<void>;

  /** Extends the leases still held to `expiresAt`; returns the tokens that were no longer held. */
  renewLeases(hub: TaskHubName, tokens: readonly LeaseToken[], expiresAt: number, now: number): Promise<LeaseToken[]>;

  /**
   * The orchestration work item held under `lease` at `now` (its instance, history and the
   * messages claimed with it), or undefined when that lease is not held. With several nodes
   * over one database (`capabilities.sharedLeases`), a completion reaching another node finishes
   * the item through it.
   */
  getClaimedOrchestrationWork(hub: TaskHubName, lease: LeaseToken, now: number): Promise<OrchestrationWorkItem | undefined>;
  /** The activity work item held under `lease` at `now`, or undefined; see getClaimedOrchestrationWork. */
  getClaimedActivityWork(hub: TaskHubName, lease: LeaseToken, now: number): Promise<ActivityWorkItem | undefined>;
}
