/**
 * The PostgreSQL backend of the store contract, for several scheduler nodes over one database.
 * Leases live in the rows, claims use `FOR UPDATE SKIP LOCKED`, every call is one transaction
 * on a pooled connection (a hot call that fits one statement sends just it, without BEGIN and
 * COMMIT), and events reach the other nodes by LISTEN/NOTIFY (notifications.ts).
 * Time always comes from the caller's `now`: the database's clock is never read, so nodes agree
 * even when their clocks do not. This file wires the SQL files to the `Store` interface and owns
 * the lifecycle and the subscribers; the SQL itself lives in the `*-sql.ts` files beside it.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ServerError } from '../../domain/errors.ts';
import type { HistoryEvent, OrchestrationStatus } from '../../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../../domain/instance.ts';
import type { IdSource } from '../../lib/ids.ts';
import type * as R from '../read-model.ts';
import type * as S from '../store.ts';
import type * as W from '../work-store.ts';
import type { CatalogStore } from '../catalog.ts';
import { countInstancesByStatus, workBacklog } from './backlog-sql.ts';
import { PostgresCatalog } from './catalog-sql.ts';
import { claimActivities, claimOrchestrations, renewLeases } from './claim-sql.ts';
import { abandonEntity, claimEntities, completeEntity, getEntity, queryEntities, queueEntityMessage } from './entity-sql.ts';
import { checkout, createPool, query, singleStatement, toStoreError, transaction, urgentStatement, type Sql } from './connection.ts';
import { createInstance, getInstance, insertInstance, queueMessage, readHistory, type Tx } from './instance-sql.ts';
import { Listener } from './notifications.ts';
import { listInstanceIds, purgeInstances, queryInstances, queryInstancesByLastUpdate } from './query-sql.ts';
import { migrateSchema } from './schema.ts';
import {
  abandonActivity, abandonOrchestration, claimedActivity, claimedOrchestration, completeActivity, completeOrchestration,
} from './work-sql.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Source of lease tokens; unique and unguessable across nodes. */
  ids: IdSource;
  /** Pooled connections at most (config: --store-connections). */
  connectionsMax: number;
  /** Calls waiting for a pooled connection at most; more fail with UNAVAILABLE (config: storeTuning). */
  callsQueuedMax: number;
  /** Milliseconds between safety polls that wake every hub; 0 turns it off (config: storeTuning). */
  safetyPollMs: number;
  log?: (message: string, error?: unknown) => void;
}

export function openPostgresStore(options: PostgresStoreOptions): S.Store {
  return new PostgresStore(options);
}

/** The store and the control plane's catalog over one pool; `store.migrate()` migrates both. */
export function openPostgresBackend(options: PostgresStoreOptions): { store: S.Store; catalog: CatalogStore } {
  const store = new PostgresStore(options);
  return { store, catalog: store.catalog };
}

const WORK_KINDS = ['orchestration', 'activity', 'entity'] as const;

class PostgresStore implements S.Store {
  readonly capabilities: S.StoreCapabilities = { crossProcessNotifications: true, sharedLeases: true };
  readonly #options: PostgresStoreOptions;
  readonly #ids: IdSource;
  readonly #pool: pg.Pool;
  /** Tells this node's notifications from the others'. */
  readonly #nodeId = randomBytes(9).toString('base64url');
  readonly #listeners = new Set<(event: S.StoreEvent) => void>();
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Leases this store granted and has not seen end; released on close so the work returns at once. */
  readonly #granted = new Set<string>();
  readonly catalog: CatalogStore;
  #listener: Listener | undefined;
  #closed = false;
  #log: (message: string, error?: unknown) => void;

  constructor(options: PostgresStoreOptions) {
    this.#options = options;
    this.#ids = options.ids;
    this.#log = options.log ?? ((message, error) => console.error(`dts: ${message}`, ...(error === undefined ? [] : [error])));
    this.#pool = createPool({
      url: options.url,
      connectionsMax: options.connectionsMax,
      callsQueuedMax: options.callsQueuedMax,
      onError: (error) => this.#log('store: an idle PostgreSQL connection failed; the pool replaces it', error),
    });
    this.catalog = new PostgresCatalog(this.#pool, this.#ids, () => this.#checkOpen());
  }

  async migrate(): Promise<void> {
    this.#checkOpen();
    if (this.#listener !== undefined) return;
    await transaction(this.#pool, migrateSchema);
    const listener = new Listener({
      url: this.#options.url,
      nodeId: this.#nodeId,
      pollMs: this.#options.safetyPollMs,
      hubs: () => this.listTaskHubs(),
      kinds: WORK_KINDS,
      deliver: (events) => this.#publish(events),
      log: this.#log,
    });
    await listener.start();
    this.#listener = listener;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    await this.#listener?.stop();
    await this.#releaseGranted().catch((error: unknown) => this.#log('store: could not release leases on close; they expire', error));
    await this.#pool.end();
  }

  subscribe(listener: (event: S.StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  listTaskHubs(): Promise<TaskHubName[]> {
    return this.#read(async () => (await query<{ name: string }>(this.#pool, 'SELECT name FROM task_hubs ORDER BY name', [])).map((r) => r.name as TaskHubName));
  }

  createTaskHub(hub: TaskHubName, now: number): Promise<void> {
    return this.#write(async (tx) => {
      await tx.sql.query('INSERT INTO task_hubs (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [hub, now]);
    });
  }

  deleteTaskHub(hub: TaskHubName): Promise<void> {
    return this.#write(async (tx) => {
      await tx.sql.query('DELETE FROM task_hubs WHERE name = $1', [hub]);
      for (const table of ['instances', 'history', 'inbox', 'activity_tasks', 'entities', 'entity_queues', 'entity_inbox']) {
        await tx.sql.query(`DELETE FROM ${table} WHERE hub = $1`, [hub]);
      }
    });
  }

  async createInstance(hub: TaskHubName, create: W.NewInstance, _now: number): Promise<W.CreateInstanceResult> {
    // The id is new nearly always: one statement. Otherwise the reuse rule needs a transaction.
    if (await this.#writeStatement((tx) => insertInstance(tx, hub, create))) return { created: true };
    return this.#write((tx) => createInstance(tx, hub, create));
  }

  appendInboxMessage(hub: TaskHubName, message: W.InboxMessage, now: number, change?: W.StatusChange): Promise<InstanceRecord | undefined> {
    return this.#write(async (tx) => {
      const record = await getInstance(tx.sql, hub, message.instanceId, true);
      if (record === undefined) return undefined;
      await queueMessage(tx, hub, message);
      if (change === undefined || !change.from.includes(record.status)) return record;
      await tx.sql.query('UPDATE instances SET status = $3, last_updated_at = $4 WHERE hub = $1 AND instance_id = $2', [hub, message.instanceId, change.to, now]);
      tx.events.push({ type: 'instance', hub, instanceId: message.instanceId, status: change.to });
      return { ...record, status: change.to, lastUpdatedAt: now };
    });
  }

  getInstance(hub: TaskHubName, instanceId: string): Promise<InstanceRecord | undefined> {
    return this.#read(() => this.#withClient((sql) => getInstance(sql, hub, instanceId)));
  }

  readHistory(hub: TaskHubName, instanceId: string): Promise<HistoryEvent[]> {
    return this.#read(() => this.#withClient((sql) => readHistory(sql, hub, instanceId)));
  }

  queryInstances(hub: TaskHubName, query: R.InstanceQuery): Promise<R.InstancePage> {
    return this.#read(() => this.#withClient((sql) => queryInstances(sql, hub, query)));
  }

  queryInstancesByLastUpdate(hub: TaskHubName, query: R.LastUpdateQuery): Promise<R.LastUpdatePage> {
    return this.#read(() => this.#withClient((sql) => queryInstancesByLastUpdate(sql, hub, query)));
  }

  countInstancesByStatus(hub: TaskHubName, filter: R.InstanceCountFilter): Promise<Partial<Record<OrchestrationStatus, number>>> {
    return this.#read(() => this.#withClient((sql) => countInstancesByStatus(sql, hub, filter)));
  }

  workBacklog(hub: TaskHubName, now: number): Promise<R.WorkBacklog> {
    return this.#read(() => this.#withClient((sql) => workBacklog(sql, hub, now)));
  }

  listInstanceIds(hub: TaskHubName, query: R.CompletedInstanceQuery): Promise<R.InstanceIdPage> {
    return this.#read(() => this.#withClient((sql) => listInstanceIds(sql, hub, query)));
  }

  purgeInstances(hub: TaskHubName, request: S.PurgeRequest, _now: number): Promise<string[]> {
    return this.#write((tx) => purgeInstances(tx, hub, request));
  }

  async claimOrchestrationWork(hub: TaskHubName, options: W.ClaimOptions & { messagesMax: number }): Promise<W.ClaimResult<W.OrchestrationWorkItem>> {
    const result = await this.#write((tx) => claimOrchestrations(tx.sql, this.#ids, hub, options));
    for (const item of result.items) this.#granted.add(item.lease.token);
    return result;
  }

  completeOrchestrationWork(hub: TaskHubName, completion: W.OrchestrationCompletion, now: number): Promise<void> {
    return this.#write((tx) => completeOrchestration(tx, hub, completion, now), completion.lease);
  }

  abandonOrchestrationWork(hub: TaskHubName, lease: W.LeaseToken, retryAt: number, now: number): Promise<void> {
    return this.#write((tx) => abandonOrchestration(tx, hub, lease, retryAt, now), lease);
  }

  async claimActivityWork(hub: TaskHubName, options: W.ClaimOptions): Promise<W.ClaimResult<W.ActivityWorkItem>> {
    const result = await this.#writeStatement((tx) => claimActivities(tx.sql, this.#ids, hub, options));
    for (const item of result.items) this.#granted.add(item.lease.token);
    return result;
  }

  completeActivityWork(hub: TaskHubName, lease: W.LeaseToken, result: W.InboxMessage, now: number): Promise<void> {
    return this.#writeStatement((tx) => completeActivity(tx, hub, lease, result, now), lease);
  }

  abandonActivityWork(hub: TaskHubName, lease: W.LeaseToken, retryAt: number, now: number): Promise<void> {
    return this.#write((tx) => abandonActivity(tx, hub, lease, retryAt, now), lease);
  }

  async renewLeases(hub: TaskHubName, tokens: readonly W.LeaseToken[], expiresAt: number, now: number): Promise<W.LeaseToken[]> {
    const lost = await this.#track(() => urgentStatement(this.#pool, (sql) => renewLeases(sql, hub, tokens, expiresAt, now)));
    for (const token of lost) this.#granted.delete(token);
    return lost;
  }

  appendEntityMessage(hub: TaskHubName, message: W.EntityMessage, _now: number): Promise<void> {
    return this.#write((tx) => queueEntityMessage(tx, hub, message));
  }

  async claimEntityWork(hub: TaskHubName, options: W.ClaimOptions & { messagesMax: number }): Promise<W.ClaimResult<W.EntityWorkItem>> {
    const result = await this.#write((tx) => claimEntities(tx.sql, this.#ids, hub, options));
    for (const item of result.items) this.#granted.add(item.lease.token);
    return result;
  }

  completeEntityWork(hub: TaskHubName, completion: W.EntityCompletion, now: number): Promise<void> {
    return this.#write((tx) => completeEntity(tx, hub, completion, now), completion.lease);
  }

  abandonEntityWork(hub: TaskHubName, lease: W.LeaseToken, retryAt: number, now: number): Promise<void> {
    return this.#write((tx) => abandonEntity(tx, hub, lease, retryAt, now), lease);
  }

  getEntity(hub: TaskHubName, instanceId: string): Promise<R.EntityMetadataRecord | undefined> {
    return this.#read(() => this.#withClient((sql) => getEntity(sql, hub, instanceId)));
  }

  queryEntities(hub: TaskHubName, query: R.EntityQuery): Promise<R.EntityPage> {
    return this.#read(() => this.#withClient((sql) => queryEntities(sql, hub, query)));
  }

  getClaimedOrchestrationWork(hub: TaskHubName, lease: W.LeaseToken, now: number): Promise<W.OrchestrationWorkItem | undefined> {
    return this.#read(() => this.#withClient((sql) => claimedOrchestration(sql, hub, lease, now)));
  }

  getClaimedActivityWork(hub: TaskHubName, lease: W.LeaseToken, now: number): Promise<W.ActivityWorkItem | undefined> {
    return this.#read(() => this.#withClient((sql) => claimedActivity(sql, hub, lease, now)));
  }

  #checkOpen(): void {
    if (this.#closed) throw new ServerError('UNAVAILABLE', 'the store is closed');
  }

  /** Tracks the call so close() waits for it; rejects at once once closed. */
  #track<T>(run: () => Promise<T>): Promise<T> {
    try {
      this.#checkOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    const promise = run();
    this.#inFlight.add(promise);
    const forget = (): void => {
      this.#inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  #read<T>(run: () => Promise<T>): Promise<T> {
    return this.#track(run);
  }

  async #withClient<T>(run: (sql: Sql) => Promise<T>): Promise<T> {
    const { client, release } = await checkout(this.#pool);
    let broken: Error | undefined;
    try {
      return await run(client);
    } catch (error) {
      const mapped = toStoreError(error);
      if (mapped !== error) broken = error as Error;
      throw mapped;
    } finally {
      release(broken);
    }
  }

  /** One transaction; after COMMIT its events are published here and sent to the other nodes. */
  #write<T>(run: (tx: Tx) => Promise<T>, endsLease?: string): Promise<T> {
    return this.#commit(transaction, run, endsLease);
  }

  /** As #write, for a call that is one statement (atomic without BEGIN and COMMIT). */
  #writeStatement<T>(run: (tx: Tx) => Promise<T>, endsLease?: string): Promise<T> {
    return this.#commit(singleStatement, run, endsLease);
  }

  #commit<T>(runner: typeof transaction, run: (tx: Tx) => Promise<T>, endsLease: string | undefined): Promise<T> {
    return this.#track(async () => {
      const { value, events } = await runner(this.#pool, async (sql) => {
        const tx: Tx = { sql, events: [] };
        return { value: await run(tx), events: tx.events };
      });
      if (endsLease !== undefined) this.#granted.delete(endsLease);
      this.#listener?.send(events);
      this.#publish(events);
      return value;
    });
  }

  #publish(events: readonly S.StoreEvent[]): void {
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.#log('store: a StoreEvent listener threw; the store carries on', error);
        }
      }
    }
  }

  /** Ends the leases this store still holds: their work is claimable at once by any node. */
  async #releaseGranted(): Promise<void> {
    const tokens = [...this.#granted];
    this.#granted.clear();
    if (tokens.length === 0) return;
    await transaction(this.#pool, async (sql) => {
      await sql.query(
        `UPDATE instances i SET lease_token = NULL, lease_expires_at = NULL, lease_seqs = NULL, (claimable_at, ready_seq) =
           (SELECT visible_at, seq FROM inbox m WHERE m.hub = i.hub AND m.instance_id = i.instance_id ORDER BY visible_at, seq LIMIT 1)
         WHERE lease_token = ANY($1::text[])`,
        [tokens],
      );
      await sql.query(
        `UPDATE entity_queues q SET lease_token = NULL, lease_expires_at = NULL, lease_seqs = NULL, (claimable_at, ready_seq) =
           (SELECT visible_at, seq FROM entity_inbox m WHERE m.hub = q.hub AND m.instance_id = q.instance_id AND NOT m.deferred
            ORDER BY visible_at, seq LIMIT 1)
         WHERE lease_token = ANY($1::text[])`,
        [tokens],
      );
      // The task's visibility before the claim is not kept; 0 is before any caller's now.
      await sql.query('UPDATE activity_tasks SET lease_token = NULL, lease_expires_at = NULL, visible_at = 0 WHERE lease_token = ANY($1::text[])', [tokens]);
    });
  }
}
