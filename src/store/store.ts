/**
 * The store contract: what the engine needs from durable storage, and nothing more.
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
 * The store holds no orchestration semantics: it never interprets history events. The engine
 * decides what to write; the store writes it, enforces leases and keeps the order.
 */
import type { HistoryEvent, OrchestrationStatus, TraceContext, Tags } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import type { EntityMessage, EntityStore } from './entity-store.ts';

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

/** Something changed that the engine may want to react to (new work, instance state). */
export type StoreEvent =
  | { type: 'work'; hub: TaskHubName; kind: 'orchestration' | 'activity' | 'entity'; visibleAt: number }
  | { type: 'instance'; hub: TaskHubName; instanceId: string; status: OrchestrationStatus }
  /** Events from other processes may have been lost (a notification connection came back): re-read what is waited for. */
  | { type: 'resync' };

/** Key-set position in `queryInstances` order: (createdAt, instanceId), ascending. */
export interface InstanceQueryCursor {
  createdAt: number;
  instanceId: string;
}

export interface InstanceQuery {
  /** Absent or empty: every status. */
  statuses?: readonly OrchestrationStatus[];
  /** Inclusive lower and exclusive upper bound of `createdAt`. */
  createdFrom?: number;
  createdTo?: number;
  instanceIdPrefix?: string;
  /** Case-insensitive substring of the orchestration name (dashboard filter). */
  nameContains?: string;
  /** Case-insensitive substring of any tag key or value (dashboard filter). */
  tagContains?: string;
  /** Newest first: (createdAt, instanceId) descending, and `after` means "older than". */
  descending?: boolean;
  /** When false, input, output, custom status and failure details are left out. */
  includePayloads: boolean;
  limit: number;
  /** Instances strictly after this position. */
  after?: InstanceQueryCursor;
}

export interface InstancePage {
  instances: InstanceRecord[];
  /** Where the next page starts; absent when this page is the last. */
  next?: InstanceQueryCursor;
}

/** Key-set position in `queryInstancesByLastUpdate` order: (lastUpdatedAt, instanceId), ascending. */
export interface LastUpdateCursor {
  lastUpdatedAt: number;
  instanceId: string;
}

/** The filters and paging of InstanceQuery, in (lastUpdatedAt, instanceId) order. */
export type LastUpdateQuery = Omit<InstanceQuery, 'after'> & { after?: LastUpdateCursor };

export interface LastUpdatePage {
  instances: InstanceRecord[];
  next?: LastUpdateCursor;
}

/** Key-set position in `listInstanceIds` order: (completedAt, instanceId), ascending. */
export interface CompletedCursor {
  completedAt: number;
  instanceId: string;
}

export interface CompletedInstanceQuery {
  statuses?: readonly OrchestrationStatus[];
  /** Inclusive lower and exclusive upper bound of `completedAt`. */
  completedFrom?: number;
  completedTo?: number;
  limit: number;
  after?: CompletedCursor;
}

export interface InstanceIdPage {
  instanceIds: string[];
  next?: CompletedCursor;
}

export interface PurgeRequest {
  instanceIds: readonly string[];
  /** Only instances in one of these statuses are deleted; the others are skipped. */
  statuses: readonly OrchestrationStatus[];
}

/** The filters of `countInstancesByStatus`: those of InstanceQuery except status and paging. */
export type InstanceCountFilter = Pick<InstanceQuery, 'createdFrom' | 'createdTo' | 'instanceIdPrefix' | 'nameContains' | 'tagContains'>;

/** Work of one kind in a hub: visible and unleased (pending), leased (active). */
export interface WorkBacklogEntry {
  pending: number;
  active: number;
  /** When the oldest visible work became visible; absent when nothing is pending. */
  oldestPendingAt?: number;
}

export type WorkBacklog = Record<'orchestration' | 'activity' | 'entity', WorkBacklogEntry>;

export interface StoreCapabilities {
  /** Events from other processes arrive through `subscribe` (several nodes on one database). */
  crossProcessNotifications: boolean;
}

export interface Store extends EntityStore {
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
  getInstance(hub: TaskHubName, instanceId: string): Promise<InstanceRecord | undefined>;
  readHistory(hub: TaskHubName, instanceId: string): Promise<HistoryEvent[]>;

  /**
   * Instances of the hub matching every given filter, in (createdAt, instanceId) order, at most
   * `limit`. Served from indexes; paging by cursor is stable while instances are created.
   */
  queryInstances(hub: TaskHubName, query: InstanceQuery): Promise<InstancePage>;
  /**
   * The same as `queryInstances`, in (lastUpdatedAt, instanceId) order: one ordered index range
   * per status, so a page costs O(statuses x limit). The key changes with every update, so an
   * instance updated between two pages moves: it may show on both or on neither.
   */
  queryInstancesByLastUpdate(hub: TaskHubName, query: LastUpdateQuery): Promise<LastUpdatePage>;
  /** Instances of the hub matching the filter, counted per status (statuses with none are absent). */
  countInstancesByStatus(hub: TaskHubName, filter: InstanceCountFilter): Promise<Partial<Record<OrchestrationStatus, number>>>;
  /** Pending and active work per kind at `now`, for scale signals; read from indexes, not table scans. */
  workBacklog(hub: TaskHubName, now: number): Promise<WorkBacklog>;
  /** Ids of instances with a completion time, in (completedAt, instanceId) order. */
  listInstanceIds(hub: TaskHubName, query: CompletedInstanceQuery): Promise<InstanceIdPage>;
  /**
   * Deletes each listed instance whose status is in `statuses`, with everything it owns
   * (history, inbox, activity tasks, leases), atomically. Unknown ids and other statuses are
   * skipped, not errors. Resolves to the ids deleted.
   */
  purgeInstances(hub: TaskHubName, request: PurgeRequest, now: number): Promise<string[]>;

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

  /** Extends the leases still held to `expiresAt`; returns the tokens that were no longer held. */
  renewLeases(hub: TaskHubName, tokens: readonly LeaseToken[], expiresAt: number, now: number): Promise<LeaseToken[]>;

  /**
   * The orchestration work item held under `lease` at `now` (its instance, history and the
   * messages claimed with it), or undefined when that lease is not held. Offered by stores whose
   * leases live in the database, so that a completion reaching another node can finish the item.
   */
  getClaimedOrchestrationWork?(hub: TaskHubName, lease: LeaseToken, now: number): Promise<OrchestrationWorkItem | undefined>;
  /** The activity work item held under `lease` at `now`, or undefined; see getClaimedOrchestrationWork. */
  getClaimedActivityWork?(hub: TaskHubName, lease: LeaseToken, now: number): Promise<ActivityWorkItem | undefined>;
}
