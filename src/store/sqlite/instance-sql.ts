/**
 * Prepared statements for the `instances` and `history` tables. History rows are keyed by
 * (hub, instance, seq) with seq = position in the current execution's history, so an append
 * that does not land exactly after the last event is detected before anything is written.
 */
import type Database from 'better-sqlite3';
import type { HistoryEvent, OrchestrationStatus } from '../../domain/history-event.ts';
import type { InstanceRecord } from '../../domain/instance.ts';
import { InvariantError, invariant } from '../../lib/assert.ts';
import { instanceParams, parseEvent, toInstanceRecord, type InstanceRow } from '../rows.ts';

const INSTANCE_COLUMNS = `instance_id, execution_id, name, version, status, created_at, last_updated_at, completed_at,
  scheduled_start_at, input, output, custom_status, failure_details, parent_instance_id, tags`;

/** Positions in INSTANCE_COLUMNS (and in `instanceParams`). */
const INSTANCE_COLUMN_NAMES = INSTANCE_COLUMNS.split(',').map((name) => name.trim());
const STATUS_COLUMN = INSTANCE_COLUMN_NAMES.indexOf('status');
const LAST_UPDATED_COLUMN = INSTANCE_COLUMN_NAMES.indexOf('last_updated_at');

/** Distinct sets of changed columns kept prepared; an episode changes one of a few sets. */
const UPDATE_STATEMENTS_MAX = 32;

/** Rows of one history insert at most (4 parameters each, far below SQLite's limit). */
const HISTORY_ROWS_PER_INSERT = 32;

export class InstanceSql {
  readonly #db: Database.Database;
  /** Raw (an array per row): better-sqlite3 builds no object with 15 keys looked up by name. */
  readonly #get: Database.Statement<[string, string], unknown[]>;
  readonly #status: Database.Statement<[string, string], OrchestrationStatus>;
  readonly #insert: Database.Statement<unknown[]>;
  /** Updates of the instance row by the set of columns they write (a bit per column). */
  readonly #updates = new Map<number, Database.Statement<unknown[]>>();
  readonly #setStatus: Database.Statement<[string, number, string, string]>;
  readonly #delete: Database.Statement<[string, string]>;
  readonly #readHistory: Database.Statement<[string, string], string>;
  /** Multi-row history inserts by row count: one statement per append instead of one per event. */
  readonly #insertHistory = new Map<number, Database.Statement<unknown[]>>();
  readonly #deleteHistory: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#get = db.prepare<[string, string], unknown[]>(`SELECT ${INSTANCE_COLUMNS} FROM instances WHERE hub = ? AND instance_id = ?`).raw();
    this.#status = db.prepare<[string, string], OrchestrationStatus>('SELECT status FROM instances WHERE hub = ? AND instance_id = ?').pluck();
    this.#insert = db.prepare(`
      INSERT INTO instances (hub, ${INSTANCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (hub, instance_id) DO NOTHING`);
    this.#setStatus = db.prepare('UPDATE instances SET status = ?, last_updated_at = ? WHERE hub = ? AND instance_id = ?');
    this.#delete = db.prepare('DELETE FROM instances WHERE hub = ? AND instance_id = ?');
    this.#readHistory = db.prepare<[string, string], string>('SELECT event FROM history WHERE hub = ? AND instance_id = ? ORDER BY seq').pluck();
    this.#deleteHistory = db.prepare('DELETE FROM history WHERE hub = ? AND instance_id = ?');
  }

  status(hub: string, instanceId: string): OrchestrationStatus | undefined {
    return this.#status.get(hub, instanceId);
  }

  get(hub: string, instanceId: string): InstanceRecord | undefined {
    return this.getWithColumns(hub, instanceId)?.record;
  }

  /** The record and the row's columns as stored (for `updateChanged`). */
  getWithColumns(hub: string, instanceId: string): { record: InstanceRecord; columns: unknown[] } | undefined {
    const columns = this.#get.get(hub, instanceId);
    if (columns === undefined) return undefined;
    return { record: toInstanceRecord(instanceRow(columns), `instance ${hub}/${instanceId}`), columns };
  }

  /** Inserts the row unless the instance exists; true when inserted. */
  insertIfAbsent(hub: string, record: InstanceRecord): boolean {
    return this.#insert.run(hub, ...instanceParams(record)).changes === 1;
  }

  /**
   * Writes `record` over the row, setting only the columns that differ from `claimed` (the
   * columns read when the work was claimed) or, for status, from `storedStatus`. Columns left out
   * keep their index entries untouched. Only status and last_updated_at may change under a lease
   * (`setStatus`), so status is compared with the stored value and last_updated_at always written.
   */
  updateChanged(hub: string, record: InstanceRecord, claimed: readonly unknown[], storedStatus: OrchestrationStatus): void {
    const params = instanceParams(record);
    const values: unknown[] = [];
    let columns = 0;
    for (let i = 1; i < params.length; i++) {
      const previous = i === STATUS_COLUMN ? storedStatus : claimed[i];
      if (i !== LAST_UPDATED_COLUMN && params[i] === previous) continue;
      columns |= 1 << i;
      values.push(params[i]);
    }
    values.push(hub, params[0]);
    const changes = this.#update(columns).run(values).changes;
    invariant(changes === 1, `instance ${hub}/${record.instanceId} has no row to update`);
  }

  setStatus(hub: string, instanceId: string, status: OrchestrationStatus, now: number): void {
    this.#setStatus.run(status, now, hub, instanceId);
  }

  /** Deletes the instance row and its history. */
  delete(hub: string, instanceId: string): void {
    this.#delete.run(hub, instanceId);
    this.#deleteHistory.run(hub, instanceId);
  }

  readHistory(hub: string, instanceId: string): HistoryEvent[] {
    const texts = this.#readHistory.all(hub, instanceId);
    const events: HistoryEvent[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      events[i] = parseEvent(texts[i] as string, `history of ${hub}/${instanceId} at seq ${i}`);
    }
    return events;
  }

  /**
   * Appends events at `startIndex`, which must be the current history length (`length`, known
   * to the caller from its claim; 0 after a reset): anything else means the engine and the store
   * disagree about the history, which is corrupt state. The primary key refuses an overlap.
   */
  appendHistory(hub: string, instanceId: string, startIndex: number, events: readonly HistoryEvent[], reset: boolean, length: number): void {
    if (reset) {
      if (startIndex !== 0) throw new InvariantError(`history reset of ${hub}/${instanceId} must start at 0, not ${startIndex}`);
      this.#deleteHistory.run(hub, instanceId);
    } else if (startIndex !== length) {
      throw new InvariantError(`history append to ${hub}/${instanceId} at index ${startIndex}, but the history has ${length} events`);
    }
    for (let from = 0; from < events.length; from += HISTORY_ROWS_PER_INSERT) {
      const rows = Math.min(HISTORY_ROWS_PER_INSERT, events.length - from);
      const params: unknown[] = new Array(rows * 4);
      for (let i = 0; i < rows; i++) {
        params[i * 4] = hub;
        params[i * 4 + 1] = instanceId;
        params[i * 4 + 2] = startIndex + from + i;
        params[i * 4 + 3] = JSON.stringify(events[from + i]);
      }
      this.#historyInsert(rows).run(params);
    }
  }

  #update(columns: number): Database.Statement<unknown[]> {
    let statement = this.#updates.get(columns);
    if (statement === undefined) {
      const set = INSTANCE_COLUMN_NAMES.filter((_, i) => (columns & (1 << i)) !== 0).map((name) => `${name} = ?`);
      if (this.#updates.size >= UPDATE_STATEMENTS_MAX) this.#updates.clear();
      statement = this.#db.prepare(`UPDATE instances SET ${set.join(', ')} WHERE hub = ? AND instance_id = ?`);
      this.#updates.set(columns, statement);
    }
    return statement;
  }

  #historyInsert(rows: number): Database.Statement<unknown[]> {
    let statement = this.#insertHistory.get(rows);
    if (statement === undefined) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ');
      statement = this.#db.prepare(`INSERT INTO history (hub, instance_id, seq, event) VALUES ${values}`);
      this.#insertHistory.set(rows, statement);
    }
    return statement;
  }
}

/** The row of a raw read of INSTANCE_COLUMNS, in their order. */
function instanceRow(values: unknown[]): InstanceRow {
  return {
    instance_id: values[0] as string,
    execution_id: values[1] as string,
    name: values[2] as string,
    version: values[3] as string | null,
    status: values[4] as string,
    created_at: values[5] as number,
    last_updated_at: values[6] as number,
    completed_at: values[7] as number | null,
    scheduled_start_at: values[8] as number | null,
    input: values[9] as string | null,
    output: values[10] as string | null,
    custom_status: values[11] as string | null,
    failure_details: values[12] as string | null,
    parent_instance_id: values[13] as string | null,
    tags: values[14] as string | null,
  };
}
