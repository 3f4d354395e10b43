/**
 * Prepared statements for task hubs as a whole: the `task_hubs` table, deleting every row a hub
 * owns, and the scans that rebuild the in-memory ready indexes when the store opens.
 */
import type Database from 'better-sqlite3';

export interface PendingInstanceRow {
  hub: string;
  instance_id: string;
  visible_at: number;
}

export interface PendingTaskRow {
  hub: string;
  seq: number;
  visible_at: number;
}

export class HubSql {
  readonly #create: Database.Statement<[string, number]>;
  readonly #list: Database.Statement<[], string>;
  readonly #deletes: Database.Statement<[string]>[];
  readonly #pendingInstances: Database.Statement<[], PendingInstanceRow>;
  readonly #pendingTasks: Database.Statement<[], PendingTaskRow>;

  constructor(db: Database.Database) {
    this.#create = db.prepare('INSERT INTO task_hubs (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.#list = db.prepare<[], string>('SELECT name FROM task_hubs ORDER BY name').pluck();
    const targets = [
      'task_hubs WHERE name = ?',
      'instances WHERE hub = ?',
      'history WHERE hub = ?',
      'inbox WHERE hub = ?',
      'activity_tasks WHERE hub = ?',
      'entities WHERE hub = ?',
      'entity_inbox WHERE hub = ?',
    ];
    this.#deletes = targets.map((target) => db.prepare<[string]>(`DELETE FROM ${target}`));
    // Oldest message first, so instances that waited longest are claimed first after a restart.
    this.#pendingInstances = db.prepare(
      'SELECT hub, instance_id, min(visible_at) AS visible_at FROM inbox GROUP BY hub, instance_id ORDER BY min(seq)',
    );
    this.#pendingTasks = db.prepare('SELECT hub, seq, visible_at FROM activity_tasks ORDER BY seq');
  }

  create(hub: string, now: number): void {
    this.#create.run(hub, now);
  }

  list(): string[] {
    return this.#list.all();
  }

  deleteEverything(hub: string): void {
    for (const statement of this.#deletes) statement.run(hub);
  }

  pendingInstances(): IterableIterator<PendingInstanceRow> {
    return this.#pendingInstances.iterate();
  }

  pendingTasks(): IterableIterator<PendingTaskRow> {
    return this.#pendingTasks.iterate();
  }
}
