/**
 * The state the SQLite store keeps besides its tables: prepared statements, the per-hub ready
 * indexes, and the leases.
 *
 * Leases live in memory, not in the database. The database file is owned by this one process
 * (locking_mode=EXCLUSIVE), so a lease never needs to outlive the process: a crash ends every
 * lease and all work is claimable again at restart, which is exactly what lease expiry would
 * do. Keeping them here makes a claim cost no disk write and no fsync, which matters when a
 * whole orchestration must finish in a few milliseconds. Expiry is judged against the `now`
 * each call passes in, never the wall clock, so tests and simulations control time.
 */
import type Database from 'better-sqlite3';
import { ServerError } from '../../domain/errors.ts';
import type { IdSource } from '../../lib/ids.ts';
import type { LeaseToken } from '../work-store.ts';
import { ActivitySql } from './activity-sql.ts';
import type { WriteEffects } from './group-commit.ts';
import { HubSql } from './hub-sql.ts';
import { InboxSql } from './inbox-sql.ts';
import { EntitySql } from './entity-sql.ts';
import { InstanceSql } from './instance-sql.ts';
import { QuerySql } from './query-sql.ts';
import { WorkQueue, type LeaseEntry, type WorkKind } from './work-queue.ts';

export interface HubQueues {
  orchestrations: WorkQueue<string>;
  activities: WorkQueue<number>;
  entities: WorkQueue<string>;
}

export class StoreState {
  readonly instances: InstanceSql;
  readonly inbox: InboxSql;
  readonly activities: ActivitySql;
  readonly hubs: HubSql;
  readonly queries: QuerySql;
  readonly entities: EntitySql;
  readonly ids: IdSource;
  readonly #queues = new Map<string, HubQueues>();
  /** Every live lease of every hub, by token. */
  readonly #leases = new Map<string, LeaseEntry>();

  constructor(db: Database.Database, ids: IdSource) {
    this.instances = new InstanceSql(db);
    this.inbox = new InboxSql(db);
    this.activities = new ActivitySql(db);
    this.hubs = new HubSql(db);
    this.queries = new QuerySql(db);
    this.entities = new EntitySql(db);
    this.ids = ids;
  }

  /** Rebuilds the ready indexes from the tables; all work starts unleased and delayed until claimed. */
  loadIndexes(): void {
    for (const row of this.hubs.pendingInstances()) {
      this.queues(row.hub).orchestrations.offer(row.instance_id, row.visible_at, Number.NEGATIVE_INFINITY);
    }
    for (const row of this.hubs.pendingTasks()) {
      this.queues(row.hub).activities.offer(row.seq, row.visible_at, Number.NEGATIVE_INFINITY);
    }
    for (const row of this.entities.pendingEntities()) {
      this.queues(row.hub).entities.offer(row.instance_id, row.visible_at, Number.NEGATIVE_INFINITY);
    }
  }

  queues(hub: string): HubQueues {
    let queues = this.#queues.get(hub);
    if (queues === undefined) {
      queues = {
        orchestrations: new WorkQueue<string>(hub, 'orchestration'),
        activities: new WorkQueue<number>(hub, 'activity'),
        entities: new WorkQueue<string>(hub, 'entity'),
      };
      this.#queues.set(hub, queues);
    }
    return queues;
  }

  existingQueues(hub: string): HubQueues | undefined {
    return this.#queues.get(hub);
  }

  /** All leases of the hub, for deleting it. */
  hubLeases(hub: string): LeaseEntry[] {
    const queues = this.#queues.get(hub);
    if (queues === undefined) return [];
    return [...queues.orchestrations.leases.values(), ...queues.activities.leases.values(), ...queues.entities.leases.values()];
  }

  dropHub(hub: string): void {
    for (const entry of this.hubLeases(hub)) this.#leases.delete(entry.token);
    this.#queues.delete(hub);
  }

  grantLease<K extends string | number>(queue: WorkQueue<K>, key: K, expiresAt: number, seqs: readonly number[] = []): LeaseEntry<K> {
    const entry = queue.lease(key, this.ids.token() as LeaseToken, expiresAt, seqs);
    this.#leases.set(entry.token, entry);
    return entry;
  }

  /** The lease, if `token` is held in `hub` for `kind` work at `now`; else LEASE_LOST. */
  heldLease(effects: WriteEffects, hub: string, kind: WorkKind, token: LeaseToken, now: number): LeaseEntry {
    const entry = this.#leases.get(token);
    if (entry === undefined || entry.hub !== hub || entry.kind !== kind || entry.expiresAt <= now || effects.isLeaseConsumed(token)) {
      throw new ServerError('LEASE_LOST', `the ${kind} work item lease is no longer held (expired, released or taken by another claim)`);
    }
    return entry;
  }

  /** The lease if held at `now`, for renewal. */
  liveLease(hub: string, token: LeaseToken, now: number): LeaseEntry | undefined {
    const entry = this.#leases.get(token);
    return entry !== undefined && entry.hub === hub && entry.expiresAt > now ? entry : undefined;
  }

  /** Ends an orchestration lease and re-indexes the instance; returns when its work is visible. */
  releaseOrchestration(entry: LeaseEntry, outcome: 'completed' | 'abandoned' | 'expired', now: number): number | undefined {
    this.#leases.delete(entry.token);
    this.queues(entry.hub).orchestrations.release(entry as LeaseEntry<string>, outcome);
    return this.reofferInstance(entry.hub, entry.key as string, now);
  }

  /** Ends an entity lease and re-indexes the entity; returns when its work is visible. */
  releaseEntity(entry: LeaseEntry, outcome: 'completed' | 'abandoned' | 'expired', now: number): number | undefined {
    this.#leases.delete(entry.token);
    this.queues(entry.hub).entities.release(entry as LeaseEntry<string>, outcome);
    return this.reofferEntity(entry.hub, entry.key as string, now);
  }

  /** Re-indexes an entity from its inbox; returns when its work becomes visible, if it has any. */
  reofferEntity(hub: string, instanceId: string, now: number): number | undefined {
    const visibleAt = this.entities.minVisibleAt(hub, instanceId);
    if (visibleAt !== undefined) this.queues(hub).entities.offer(instanceId, visibleAt, now);
    return visibleAt;
  }

  releaseActivity(entry: LeaseEntry, outcome: 'completed' | 'abandoned' | 'expired'): void {
    this.#leases.delete(entry.token);
    this.queues(entry.hub).activities.release(entry as LeaseEntry<number>, outcome);
  }

  /** Re-indexes an instance from its inbox; returns when its work becomes visible, if it has any. */
  reofferInstance(hub: string, instanceId: string, now: number): number | undefined {
    const visibleAt = this.inbox.minVisibleAt(hub, instanceId);
    if (visibleAt !== undefined) this.queues(hub).orchestrations.offer(instanceId, visibleAt, now);
    return visibleAt;
  }

  /** Forgets an instance and its activity tasks (they were deleted); their leases end. */
  forgetInstance(hub: string, instanceId: string, taskSeqs: readonly number[]): void {
    const queues = this.queues(hub);
    const lease = queues.orchestrations.forget(instanceId);
    if (lease !== undefined) this.#leases.delete(lease.token);
    for (const seq of taskSeqs) {
      const taskLease = queues.activities.forget(seq);
      if (taskLease !== undefined) this.#leases.delete(taskLease.token);
    }
  }
}
