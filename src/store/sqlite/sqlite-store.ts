/**
 * The SQLite backend of the store contract: one database file owned by one process, writes
 * grouped into one fsynced transaction (group-commit.ts), leases and ready indexes in memory
 * (store-state.ts, work-queue.ts). This file wires those parts to the `Store` interface and
 * owns the lifecycle (open, migrate, close) and the subscribers; it holds no SQL itself.
 */
import Database from 'better-sqlite3';
import { ServerError } from '../../domain/errors.ts';
import type { HistoryEvent, OrchestrationStatus } from '../../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../../domain/instance.ts';
import { invariant } from '../../lib/assert.ts';
import type { IdSource } from '../../lib/ids.ts';
import type { CatalogStore } from '../catalog.ts';
import type * as R from '../read-model.ts';
import type * as S from '../store.ts';
import type * as W from '../work-store.ts';
import { BacklogSql } from './backlog-sql.ts';
import { SqliteCatalog } from './catalog-sql.ts';
import { claimActivityWork, claimedActivityWork, claimedOrchestrationWork, claimOrchestrationWork, renewLeases } from './claims.ts';
import { Durability } from './durability.ts';
import { GroupCommit, type WriteEffects } from './group-commit.ts';
import { appendInboxMessageWrite, createInstanceWrite, createTaskHubWrite, deleteTaskHubWrite } from './instance-writes.ts';
import { purgeInstancesWrite } from './purge-writes.ts';
import { claimEntityWork, getEntity, queryEntities } from './entity-claims.ts';
import { abandonEntityWrite, completeEntityWrite, queueEntityMessage } from './entity-writes.ts';
import { configureConnection, migrateSchema } from './schema.ts';
import { StoreState } from './store-state.ts';
import { abandonActivityWrite, abandonOrchestrationWrite, completeActivityWrite, completeOrchestrationWrite } from './work-writes.ts';

export interface SqliteStoreOptions {
  /** Database file path, or ':memory:' for a database that lives and dies with the store. */
  path: string;
  /** Source of lease tokens; they must be unique and unguessable. */
  ids: IdSource;
  /** Write calls committed together in one transaction at most (config: storeTuning). */
  groupCommitCallsMax: number;
  /** Called when a subscriber throws; the store carries on. Default: logs to stderr. */
  onListenerError?: (error: unknown, event: S.StoreEvent) => void;
}

/**
 * Opens (and locks) the database. Throws `ServerError('UNAVAILABLE')` when another process,
 * or another store in this one, has the file open. Call `migrate()` before anything else.
 */
export function openSqliteStore(options: SqliteStoreOptions): S.Store {
  return new SqliteStore(options);
}

/** The data-plane store and the control plane's catalog on the same connection (one owner per file). */
export function openSqliteBackend(options: SqliteStoreOptions): { store: S.Store; catalog: CatalogStore } {
  const store = new SqliteStore(options);
  return { store, catalog: store.catalog };
}

class SqliteStore implements S.Store {
  readonly capabilities: S.StoreCapabilities = { crossProcessNotifications: false, sharedLeases: false };
  readonly #db: Database.Database;
  readonly #options: SqliteStoreOptions;
  readonly #listeners = new Set<(event: S.StoreEvent) => void>();
  #state: StoreState | undefined;
  #commit: GroupCommit | undefined;
  #durability: Durability | undefined;
  #closed = false;
  #backlog: BacklogSql | undefined;
  readonly catalog: CatalogStore;

  constructor(options: SqliteStoreOptions) {
    invariant(Number.isInteger(options.groupCommitCallsMax) && options.groupCommitCallsMax > 0, 'groupCommitCallsMax must be a positive integer');
    this.#options = options;
    // No busy wait: the file is ours alone, so contention means a second owner, reported at once.
    this.#db = new Database(options.path, { timeout: 0 });
    try {
      configureConnection(this.#db, options.path);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.catalog = new SqliteCatalog(this.#db, options.ids, () => void this.#ready(), () => this.#durability?.syncNow());
  }

  async migrate(): Promise<void> {
    this.#checkOpen();
    if (this.#state !== undefined) return;
    migrateSchema(this.#db);
    const durability = new Durability(this.#db, isInMemory(this.#options.path) ? undefined : this.#options.path);
    durability.syncedCheckpoint();
    this.#durability = durability;
    const state = new StoreState(this.#db, this.#options.ids);
    state.loadIndexes();
    this.#commit = new GroupCommit(this.#db, {
      callsMax: this.#options.groupCommitCallsMax,
      publish: (events) => this.#publish(events),
      durability,
    });
    this.#state = state;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#commit?.flush();
    await this.#durability?.drain();
    this.#durability?.close();
    // Closing checkpoints the WAL into the database file; that one must be synced.
    if (this.#db.open) this.#db.pragma('synchronous = FULL');
    this.#db.close();
  }

  subscribe(listener: (event: S.StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async listTaskHubs(): Promise<TaskHubName[]> {
    return this.#ready().hubs.list() as TaskHubName[];
  }

  createTaskHub(hub: TaskHubName, now: number): Promise<void> {
    return this.#write((state) => createTaskHubWrite(state, hub, now));
  }

  deleteTaskHub(hub: TaskHubName): Promise<void> {
    return this.#write((state, effects) => deleteTaskHubWrite(state, effects, hub));
  }

  createInstance(hub: TaskHubName, create: W.NewInstance, now: number): Promise<W.CreateInstanceResult> {
    return this.#write((state, effects) => createInstanceWrite(state, effects, hub, create, now));
  }

  appendInboxMessage(hub: TaskHubName, message: W.InboxMessage, now: number, statusChange?: W.StatusChange): Promise<InstanceRecord | undefined> {
    return this.#write((state, effects) => appendInboxMessageWrite(state, effects, hub, message, now, statusChange));
  }

  async getInstance(hub: TaskHubName, instanceId: string): Promise<InstanceRecord | undefined> {
    return this.#ready().instances.get(hub, instanceId);
  }

  async readHistory(hub: TaskHubName, instanceId: string): Promise<HistoryEvent[]> {
    return this.#ready().instances.readHistory(hub, instanceId);
  }

  async queryInstances(hub: TaskHubName, query: R.InstanceQuery): Promise<R.InstancePage> {
    return this.#ready().queries.queryInstances(hub, query);
  }

  async queryInstancesByLastUpdate(hub: TaskHubName, query: R.LastUpdateQuery): Promise<R.LastUpdatePage> {
    return this.#ready().queries.queryInstancesByLastUpdate(hub, query);
  }

  async countInstancesByStatus(hub: TaskHubName, filter: R.InstanceCountFilter): Promise<Partial<Record<OrchestrationStatus, number>>> {
    return this.#ready().queries.countByStatus(hub, filter);
  }

  async workBacklog(hub: TaskHubName, now: number): Promise<R.WorkBacklog> {
    const state = this.#ready();
    this.#backlog ??= new BacklogSql(this.#db);
    return this.#backlog.backlog(state, hub, now);
  }

  async listInstanceIds(hub: TaskHubName, query: R.CompletedInstanceQuery): Promise<R.InstanceIdPage> {
    return this.#ready().queries.listInstanceIds(hub, query);
  }

  purgeInstances(hub: TaskHubName, request: S.PurgeRequest, _now: number): Promise<string[]> {
    return this.#write((state, effects) => purgeInstancesWrite(state, effects, hub, request));
  }

  async claimOrchestrationWork(hub: TaskHubName, options: W.ClaimOptions & { messagesMax: number }): Promise<W.ClaimResult<W.OrchestrationWorkItem>> {
    return claimOrchestrationWork(this.#ready(), hub, options);
  }

  completeOrchestrationWork(hub: TaskHubName, completion: W.OrchestrationCompletion, now: number): Promise<void> {
    return this.#write((state, effects) => completeOrchestrationWrite(state, effects, hub, completion, now));
  }

  abandonOrchestrationWork(hub: TaskHubName, lease: W.LeaseToken, retryAt: number, now: number): Promise<void> {
    return this.#write((state, effects) => abandonOrchestrationWrite(state, effects, hub, lease, retryAt, now));
  }

  async claimActivityWork(hub: TaskHubName, options: W.ClaimOptions): Promise<W.ClaimResult<W.ActivityWorkItem>> {
    return claimActivityWork(this.#ready(), hub, options);
  }

  completeActivityWork(hub: TaskHubName, lease: W.LeaseToken, result: W.InboxMessage, now: number): Promise<void> {
    return this.#write((state, effects) => completeActivityWrite(state, effects, hub, lease, result, now));
  }

  abandonActivityWork(hub: TaskHubName, lease: W.LeaseToken, retryAt: number, now: number): Promise<void> {
    return this.#write((state, effects) => abandonActivityWrite(state, effects, hub, lease, retryAt, now));
  }

  appendEntityMessage(hub: TaskHubName, message: W.EntityMessage, now: number): Promise<void> {
    return this.#write((state, effects) => queueEntityMessage(state, effects, hub, message, now));
  }

  async claimEntityWork(hub: TaskHubName, options: W.ClaimOptions & { messagesMax: number }): Promise<W.ClaimResult<W.EntityWorkItem>> {
    return claimEntityWork(this.#ready(), hub, options);
  }

  completeEntityWork(hub: TaskHubName, completion: W.EntityCompletion, now: number): Promise<void> {
    return this.#write((state, effects) => completeEntityWrite(state, effects, hub, completion, now));
  }

  abandonEntityWork(hub: TaskHubName, lease: W.LeaseToken, retryAt: number, now: number): Promise<void> {
    return this.#write((state, effects) => abandonEntityWrite(state, effects, hub, lease, retryAt, now));
  }

  async getEntity(hub: TaskHubName, instanceId: string): Promise<R.EntityMetadataRecord | undefined> {
    return getEntity(this.#ready(), hub, instanceId);
  }

  async queryEntities(hub: TaskHubName, query: R.EntityQuery): Promise<R.EntityPage> {
    return queryEntities(this.#ready(), hub, query);
  }

  async renewLeases(hub: TaskHubName, tokens: readonly W.LeaseToken[], expiresAt: number, now: number): Promise<W.LeaseToken[]> {
    return renewLeases(this.#ready(), hub, tokens, expiresAt, now);
  }

  async getClaimedOrchestrationWork(hub: TaskHubName, lease: W.LeaseToken, now: number): Promise<W.OrchestrationWorkItem | undefined> {
    return claimedOrchestrationWork(this.#ready(), hub, lease, now);
  }

  async getClaimedActivityWork(hub: TaskHubName, lease: W.LeaseToken, now: number): Promise<W.ActivityWorkItem | undefined> {
    return claimedActivityWork(this.#ready(), hub, lease, now);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ServerError('UNAVAILABLE', 'the store is closed');
  }

  #ready(): StoreState {
    this.#checkOpen();
    invariant(this.#state !== undefined, 'store used before migrate()');
    return this.#state;
  }

  #write<T>(run: (state: StoreState, effects: WriteEffects) => T): Promise<T> {
    try {
      const state = this.#ready();
      return (this.#commit as GroupCommit).run((effects) => run(state, effects));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #publish(events: S.StoreEvent[]): void {
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.#reportListenerError(error, event);
        }
      }
    }
  }

  #reportListenerError(error: unknown, event: S.StoreEvent): void {
    if (this.#options.onListenerError !== undefined) this.#options.onListenerError(error, event);
    else console.error('store: a StoreEvent listener threw; the store carries on', { event, error });
  }
}

function isInMemory(path: string): boolean {
  return path === ':memory:' || path === '';
}
