/**
 * Prepared statements for the `entities` table (state and lock of each entity) and the
 * `entity_inbox` table (messages waiting for an entity, FIFO by `seq`). A deferred row keeps its
 * place but is skipped by claims until the engine releases the entity's deferred rows.
 */
import type Database from 'better-sqlite3';
import type { EntityMetadataRecord, EntityQuery } from '../read-model.ts';
import type { EntityMessage, EntityRecord, StoredEntityMessage } from '../work-store.ts';
import { LimitedQuery } from './limited-query.ts';
import { parseEvent } from '../rows.ts';

interface EntityRow {
  instance_id: string;
  state: string | null;
  locked_by: string | null;
  critical_section_id: string | null;
  last_modified_at: number;
}

interface EntityInboxRow {
  seq: number;
  instance_id: string;
  visible_at: number;
  event: string;
}

export interface PendingEntityRow {
  hub: string;
  instance_id: string;
  visible_at: number;
}

export class EntitySql {
  readonly #get: Database.Statement<[string, string], EntityRow>;
  readonly #upsert: Database.Statement<[string, string, string | null, string | null, string | null, number]>;
  readonly #delete: Database.Statement<[string, string]>;
  readonly #backlog: Database.Statement<[string, string], number>;
  readonly #query: Database.Statement<Record<string, unknown>, EntityRow>;
  readonly #insert: Database.Statement<[string, string, number, string]>;
  readonly #readVisible: LimitedQuery<[string, string, number], EntityInboxRow>;
  readonly #minVisibleAt: Database.Statement<[string, string], number | null>;
  readonly #deleteSeq: Database.Statement<[number, string, string]>;
  readonly #deferSeq: Database.Statement<[number, string, string]>;
  readonly #delaySeq: Database.Statement<[number, number, string, string]>;
  readonly #releaseDeferred: Database.Statement<[string, string]>;
  readonly #pending: Database.Statement<[], PendingEntityRow>;

  constructor(db: Database.Database) {
    const columns = 'instance_id, state, locked_by, critical_section_id, last_modified_at';
    this.#get = db.prepare(`SELECT ${columns} FROM entities WHERE hub = ? AND instance_id = ?`);
    this.#upsert = db.prepare(`
      INSERT INTO entities (hub, instance_id, state, locked_by, critical_section_id, last_modified_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (hub, instance_id) DO UPDATE SET state = excluded.state, locked_by = excluded.locked_by,
        critical_section_id = excluded.critical_section_id, last_modified_at = excluded.last_modified_at`);
    this.#delete = db.prepare('DELETE FROM entities WHERE hub = ? AND instance_id = ?');
    this.#backlog = db.prepare<[string, string], number>('SELECT count(*) FROM entity_inbox WHERE hub = ? AND instance_id = ?').pluck();
    // Key-set paging by instance id; the prefix is a range so the primary key serves it.
    this.#query = db.prepare(`
      SELECT ${columns} FROM entities
      WHERE hub = $hub AND instance_id > $after AND ($prefix IS NULL OR (instance_id >= $prefix AND substr(instance_id, 1, length($prefix)) = $prefix))
        AND ($from IS NULL OR last_modified_at >= $from) AND ($to IS NULL OR last_modified_at <= $to)
        AND ($transient = 1 OR state IS NOT NULL)
      ORDER BY instance_id LIMIT $limit`);
    this.#insert = db.prepare('INSERT INTO entity_inbox (hub, instance_id, visible_at, deferred, event) VALUES (?, ?, ?, 0, ?)');
    this.#readVisible = new LimitedQuery(db, `
      SELECT seq, instance_id, visible_at, event FROM entity_inbox
      WHERE hub = ? AND instance_id = ? AND deferred = 0 AND visible_at <= ? ORDER BY seq`, { raw: false });
    this.#minVisibleAt = db
      .prepare<[string, string], number | null>('SELECT min(visible_at) FROM entity_inbox WHERE hub = ? AND instance_id = ? AND deferred = 0')
      .pluck();
    this.#deleteSeq = db.prepare('DELETE FROM entity_inbox WHERE seq = ? AND hub = ? AND instance_id = ?');
    this.#deferSeq = db.prepare('UPDATE entity_inbox SET deferred = 1 WHERE seq = ? AND hub = ? AND instance_id = ?');
    this.#delaySeq = db.prepare('UPDATE entity_inbox SET visible_at = max(visible_at, ?) WHERE seq = ? AND hub = ? AND instance_id = ?');
    this.#releaseDeferred = db.prepare('UPDATE entity_inbox SET deferred = 0 WHERE hub = ? AND instance_id = ? AND deferred = 1');
    this.#pending = db.prepare(`
      SELECT hub, instance_id, min(visible_at) AS visible_at FROM entity_inbox WHERE deferred = 0
      GROUP BY hub, instance_id ORDER BY min(seq)`);
  }

  get(hub: string, instanceId: string): EntityRecord | undefined {
    const row = this.#get.get(hub, instanceId);
    return row === undefined ? undefined : toEntityRecord(row);
  }

  getWithBacklog(hub: string, instanceId: string): EntityMetadataRecord | undefined {
    const entity = this.get(hub, instanceId);
    return entity === undefined ? undefined : { ...entity, backlogQueueSize: this.#backlog.get(hub, instanceId) ?? 0 };
  }

  /** Writes the row, or deletes it when `entity` is undefined. */
  put(hub: string, instanceId: string, entity: EntityRecord | undefined): void {
    if (entity === undefined) {
      this.#delete.run(hub, instanceId);
      return;
    }
    this.#upsert.run(hub, instanceId, entity.state ?? null, entity.lockedBy ?? null, entity.criticalSectionId ?? null, entity.lastModifiedAt);
  }

  query(hub: string, q: EntityQuery): EntityMetadataRecord[] {
    const rows = this.#query.all({
      hub,
      after: q.after ?? '',
      prefix: q.instanceIdStartsWith ?? null,
      from: q.lastModifiedFrom ?? null,
      to: q.lastModifiedTo ?? null,
      transient: q.includeTransient ? 1 : 0,
      limit: q.limit,
    });
    return rows.map((row) => ({ ...toEntityRecord(row), backlogQueueSize: this.#backlog.get(hub, row.instance_id) ?? 0 }));
  }

  insertMessage(hub: string, message: EntityMessage): void {
    this.#insert.run(hub, message.instanceId, message.visibleAt, JSON.stringify(message.event));
  }

  readVisible(hub: string, instanceId: string, now: number, max: number): StoredEntityMessage[] {
    return this.#readVisible.all(max, hub, instanceId, now).map((row) => ({
      seq: row.seq,
      instanceId: row.instance_id,
      visibleAt: row.visible_at,
      event: parseEvent(row.event, `${hub}/${instanceId} entity inbox seq ${row.seq}`),
    }));
  }

  /** When the entity's earliest deliverable message becomes visible; undefined when there is none. */
  minVisibleAt(hub: string, instanceId: string): number | undefined {
    return this.#minVisibleAt.get(hub, instanceId) ?? undefined;
  }

  deleteSeqs(hub: string, instanceId: string, seqs: readonly number[]): void {
    for (const seq of seqs) this.#deleteSeq.run(seq, hub, instanceId);
  }

  deferSeqs(hub: string, instanceId: string, seqs: readonly number[]): void {
    for (const seq of seqs) this.#deferSeq.run(seq, hub, instanceId);
  }

  delaySeqs(hub: string, instanceId: string, seqs: readonly number[], at: number): void {
    for (const seq of seqs) this.#delaySeq.run(at, seq, hub, instanceId);
  }

  releaseDeferred(hub: string, instanceId: string): void {
    this.#releaseDeferred.run(hub, instanceId);
  }

  pendingEntities(): IterableIterator<PendingEntityRow> {
    return this.#pending.iterate();
  }
}

function toEntityRecord(row: EntityRow): EntityRecord {
  const entity: EntityRecord = { instanceId: row.instance_id, lastModifiedAt: row.last_modified_at };
  if (row.state !== null) entity.state = row.state;
  if (row.locked_by !== null) entity.lockedBy = row.locked_by;
  if (row.critical_section_id !== null) entity.criticalSectionId = row.critical_section_id;
  return entity;
}
