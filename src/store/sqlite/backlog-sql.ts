/**
 * Scale signals of the SQLite store: pending work per kind counted from the indexes that
 * claims walk, active work from the in-memory leases (store-state.ts). Cost grows with the
 * backlog of one hub, never with the number of instances stored.
 */
import type Database from 'better-sqlite3';
import type { WorkBacklog, WorkBacklogEntry } from '../read-model.ts';
import type { StoreState } from './store-state.ts';
import type { WorkQueue } from './work-queue.ts';

interface CountRow {
  n: number;
}

interface OldestRow {
  k: string | number;
  at: number;
}

interface KindSql {
  count: Database.Statement<[string, number], CountRow>;
  /** The earliest-visible keys; leased ones are skipped, so up to (leases + 1) are read. */
  oldest: Database.Statement<[string, number, number], OldestRow>;
}

export class BacklogSql {
  readonly #orchestrations: KindSql;
  readonly #activities: KindSql;
  readonly #entities: KindSql;

  constructor(db: Database.Database) {
    // Instances and entities count once however many messages wait for them: one work item each.
    const perKey = (table: string, extra: string): KindSql => ({
      count: db.prepare(`SELECT COUNT(DISTINCT instance_id) AS n FROM ${table} WHERE hub = ? ${extra} AND visible_at <= ?`),
      oldest: db.prepare(
        `SELECT instance_id AS k, MIN(visible_at) AS at FROM ${table} WHERE hub = ? ${extra} AND visible_at <= ? GROUP BY instance_id ORDER BY at LIMIT ?`,
      ),
    });
    this.#orchestrations = perKey('inbox', '');
    this.#entities = perKey('entity_inbox', 'AND deferred = 0');
    this.#activities = {
      count: db.prepare('SELECT COUNT(*) AS n FROM activity_tasks WHERE hub = ? AND visible_at <= ?'),
      oldest: db.prepare('SELECT seq AS k, visible_at AS at FROM activity_tasks WHERE hub = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?'),
    };
  }

  backlog(state: StoreState, hub: string, now: number): WorkBacklog {
    const queues = state.existingQueues(hub);
    return {
      orchestration: entry(this.#orchestrations, hub, queues?.orchestrations, now),
      activity: entry(this.#activities, hub, queues?.activities, now),
      entity: entry(this.#entities, hub, queues?.entities, now),
    };
  }
}

/** Leased work is still in its table (until completed), so it is taken out of the visible count. */
function entry(sql: KindSql, hub: string, queue: WorkQueue<string> | WorkQueue<number> | undefined, now: number): WorkBacklogEntry {
  const leases = (queue?.leases ?? new Map()) as Map<string | number, { expiresAt: number }>;
  let active = 0;
  for (const lease of leases.values()) if (lease.expiresAt > now) active++;
  const pending = Math.max(0, (sql.count.get(hub, now)?.n ?? 0) - active);
  const result: WorkBacklogEntry = { pending, active };
  if (pending === 0) return result;
  for (const row of sql.oldest.all(hub, now, active + 1)) {
    const lease = leases.get(row.k);
    if (lease === undefined || lease.expiresAt <= now) return { ...result, oldestPendingAt: row.at };
  }
  return result;
}
