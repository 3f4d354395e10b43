/**
 * The read model: what clients, the dashboard, scale signals and retention read. Instance rows
 * and histories, paged instance queries in the orders the backends keep indexes for, counts,
 * the work backlog, completed-instance listings and entity rows. Reads change nothing and are
 * served from indexes, never by scanning every instance.
 */
import type { HistoryEvent, OrchestrationStatus } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import type { EntityRecord } from './work-store.ts';

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

export interface EntityMetadataRecord extends EntityRecord {
  /** Messages waiting in the entity's inbox, deferred ones included. */
  backlogQueueSize: number;
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

export interface ReadModel {
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

  getEntity(hub: TaskHubName, instanceId: string): Promise<EntityMetadataRecord | undefined>;
  /** Entity rows matching every filter, in instance id order, at most `limit`. */
  queryEntities(hub: TaskHubName, query: EntityQuery): Promise<EntityPage>;
}
