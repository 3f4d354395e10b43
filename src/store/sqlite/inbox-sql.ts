/**
 * Prepared statements for the `inbox` table: one row per message waiting for an instance, in
 * FIFO order of `seq`. Claims read only visible rows (`visible_at <= now`) of the chosen
 * instances; the ready index (work-queue.ts) decides which instances to look at.
 */
import type Database from 'better-sqlite3';
import type { InboxMessage, StoredInboxMessage } from '../work-store.ts';
import { LimitedQuery } from './limited-query.ts';
import { toInboxMessage, type InboxRow } from '../rows.ts';

type InsertParams = [string, string, string | null, number, string];

const INBOX_COLUMNS = 'seq, instance_id, execution_id, visible_at, event';

function inboxRow(values: unknown[]): InboxRow {
  return {
    seq: values[0] as number,
    instance_id: values[1] as string,
    execution_id: values[2] as string | null,
    visible_at: values[3] as number,
    event: values[4] as string,
  };
}

export class InboxSql {
  readonly #insert: Database.Statement<InsertParams>;
  readonly #insertIfInstanceExists: Database.Statement<[...InsertParams, string, string]>;
  /** Raw reads (an array per row, in INBOX_COLUMNS' order): no object with keys looked up by name. */
  readonly #readVisible: LimitedQuery<[string, string, number], unknown[]>;
  readonly #readSeq: Database.Statement<[number, string, string], unknown[]>;
  readonly #minVisibleAt: Database.Statement<[string, string], number | null>;
  readonly #deleteSeq: Database.Statement<[number, string, string]>;
  readonly #delaySeq: Database.Statement<[number, number, string, string]>;
  readonly #deleteInstance: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.#insert = db.prepare('INSERT INTO inbox (hub, instance_id, execution_id, visible_at, event) VALUES (?, ?, ?, ?, ?)');
    this.#insertIfInstanceExists = db.prepare(`
      INSERT INTO inbox (hub, instance_id, execution_id, visible_at, event) SELECT ?, ?, ?, ?, ?
      WHERE EXISTS (SELECT 1 FROM instances WHERE hub = ? AND instance_id = ?)`);
    this.#readVisible = new LimitedQuery(db, `
      SELECT ${INBOX_COLUMNS} FROM inbox
      WHERE hub = ? AND instance_id = ? AND visible_at <= ? ORDER BY seq`, { raw: true });
    this.#readSeq = db.prepare<[number, string, string], unknown[]>(`SELECT ${INBOX_COLUMNS} FROM inbox WHERE seq = ? AND hub = ? AND instance_id = ?`).raw();
    this.#minVisibleAt = db
      .prepare<[string, string], number | null>('SELECT min(visible_at) FROM inbox WHERE hub = ? AND instance_id = ?')
      .pluck();
    this.#deleteSeq = db.prepare('DELETE FROM inbox WHERE seq = ? AND hub = ? AND instance_id = ?');
    this.#delaySeq = db.prepare('UPDATE inbox SET visible_at = max(visible_at, ?) WHERE seq = ? AND hub = ? AND instance_id = ?');
    this.#deleteInstance = db.prepare('DELETE FROM inbox WHERE hub = ? AND instance_id = ?');
  }

  insert(hub: string, message: InboxMessage): void {
    this.#insert.run(hub, message.instanceId, message.executionId ?? null, message.visibleAt, JSON.stringify(message.event));
  }

  /** Inserts the message unless its instance does not exist; true when inserted. */
  insertIfInstanceExists(hub: string, message: InboxMessage): boolean {
    const { instanceId } = message;
    const event = JSON.stringify(message.event);
    const info = this.#insertIfInstanceExists.run(hub, instanceId, message.executionId ?? null, message.visibleAt, event, hub, instanceId);
    return info.changes === 1;
  }

  readVisible(hub: string, instanceId: string, now: number, max: number): StoredInboxMessage[] {
    const rows = this.#readVisible.all(max, hub, instanceId, now);
    return rows.map((row) => toInboxMessage(inboxRow(row), `${hub}/${instanceId}`));
  }

  /** The given messages of the instance that still exist, in the order given. */
  readSeqs(hub: string, instanceId: string, seqs: readonly number[]): StoredInboxMessage[] {
    const rows = seqs.map((seq) => this.#readSeq.get(seq, hub, instanceId)).filter((row) => row !== undefined);
    return rows.map((row) => toInboxMessage(inboxRow(row), `${hub}/${instanceId}`));
  }

  /** When the instance's earliest message becomes visible; undefined when its inbox is empty. */
  minVisibleAt(hub: string, instanceId: string): number | undefined {
    return this.#minVisibleAt.get(hub, instanceId) ?? undefined;
  }

  deleteSeqs(hub: string, instanceId: string, seqs: readonly number[]): void {
    for (const seq of seqs) this.#deleteSeq.run(seq, hub, instanceId);
  }

  /** Holds the given messages of the instance back until at least `at`. */
  delaySeqs(hub: string, instanceId: string, seqs: readonly number[], at: number): void {
    for (const seq of seqs) this.#delaySeq.run(at, seq, hub, instanceId);
  }

  deleteInstance(hub: string, instanceId: string): void {
    this.#deleteInstance.run(hub, instanceId);
  }
}
