/**
 * Prepared statements for the `activity_tasks` table: one row per activity waiting to run or
 * running. The row is deleted when the activity's result is queued for its orchestration.
 */
import type Database from 'better-sqlite3';
import type { ActivityTask } from '../work-store.ts';
import { activityPayload, toActivityTask, type ActivityTaskRow } from '../rows.ts';

export class ActivitySql {
  readonly #insert: Database.Statement<[string, string, string, number, string, number]>;
  /** Raw (an array per row): no object with keys looked up by name. */
  readonly #get: Database.Statement<[number, string], unknown[]>;
  readonly #delete: Database.Statement<[number, string]>;
  readonly #setVisibleAt: Database.Statement<[number, number, string]>;
  readonly #seqsOfInstance: Database.Statement<[string, string], number>;
  readonly #deleteInstance: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.#insert = db.prepare(
      'INSERT INTO activity_tasks (hub, instance_id, execution_id, task_id, payload, visible_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#get = db
      .prepare<[number, string], unknown[]>('SELECT seq, instance_id, execution_id, task_id, payload, visible_at FROM activity_tasks WHERE seq = ? AND hub = ?')
      .raw();
    this.#delete = db.prepare('DELETE FROM activity_tasks WHERE seq = ? AND hub = ?');
    this.#setVisibleAt = db.prepare('UPDATE activity_tasks SET visible_at = ? WHERE seq = ? AND hub = ?');
    this.#seqsOfInstance = db.prepare<[string, string], number>('SELECT seq FROM activity_tasks WHERE hub = ? AND instance_id = ?').pluck();
    this.#deleteInstance = db.prepare('DELETE FROM activity_tasks WHERE hub = ? AND instance_id = ?');
  }

  /** Returns the task's seq, its key in the ready index. */
  insert(hub: string, task: ActivityTask, visibleAt: number): number {
    const info = this.#insert.run(hub, task.instanceId, task.executionId, task.taskId, activityPayload(task), visibleAt);
    return Number(info.lastInsertRowid);
  }

  get(hub: string, seq: number): { task: ActivityTask; visibleAt: number } | undefined {
    const values = this.#get.get(seq, hub);
    if (values === undefined) return undefined;
    const row: ActivityTaskRow = {
      seq: values[0] as number,
      instance_id: values[1] as string,
      execution_id: values[2] as string,
      task_id: values[3] as number,
      payload: values[4] as string,
      visible_at: values[5] as number,
    };
    return { task: toActivityTask(row, hub), visibleAt: row.visible_at };
  }

  /** True when the task existed. */
  delete(hub: string, seq: number): boolean {
    return this.#delete.run(seq, hub).changes === 1;
  }

  setVisibleAt(hub: string, seq: number, visibleAt: number): void {
    this.#setVisibleAt.run(visibleAt, seq, hub);
  }

  seqsOfInstance(hub: string, instanceId: string): number[] {
    return this.#seqsOfInstance.all(hub, instanceId);
  }

  deleteInstance(hub: string, instanceId: string): void {
    this.#deleteInstance.run(hub, instanceId);
  }
}
