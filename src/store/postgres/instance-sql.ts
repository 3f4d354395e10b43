/**
 * SQL for instances, their history and their inbox: reads, creation with the id-reuse rule, and
 * queueing a message (which also keeps the instance's `claimable_at`/`ready_seq` in step). Each
 * function runs inside the caller's transaction and records the StoreEvents it causes in `tx`.
 */
import type { HistoryEvent } from '../../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../../domain/instance.ts';
import { InvariantError } from '../../lib/assert.ts';
import type { StoreEvent } from '../store.ts';
import type { CreateInstanceResult, InboxMessage, NewInstance } from '../work-store.ts';
import { instanceParams, parseEvent, toInstanceRecord, type InstanceRow } from '../rows.ts';
import type { Sql } from './connection.ts';

/** A transaction in progress and the events to publish once it commits. */
export interface Tx {
  sql: Sql;
  events: StoreEvent[];
}

export const INSTANCE_COLUMNS = `instance_id, execution_id, name, version, status, created_at, last_updated_at, completed_at,
  scheduled_start_at, input, output, custom_status, failure_details, parent_instance_id, tags`;

/** `col = $n` for the record columns, parameters starting at $3 (after hub and instance id). */
export const SET_RECORD = INSTANCE_COLUMNS.split(',').slice(1).map((c, i) => `${c.trim()} = $${i + 3}`).join(', ');

/** Recomputes when the instance can next be claimed, from its inbox (its lease has ended). */
const NEXT_CLAIMABLE = `(claimable_at, ready_seq) =
  (SELECT visible_at, seq FROM inbox WHERE hub = $1 AND instance_id = $2 ORDER BY visible_at, seq LIMIT 1)`;

export function instanceOf(row: InstanceRow, hub: string): InstanceRecord {
  return toInstanceRecord(row, `instance ${hub}/${row.instance_id}`);
}

export async function getInstance(sql: Sql, hub: string, instanceId: string, lock = false): Promise<InstanceRecord | undefined> {
  const text = `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE hub = $1 AND instance_id = $2${lock ? ' FOR NO KEY UPDATE' : ''}`;
  const { rows } = await sql.query<InstanceRow>(text, [hub, instanceId]);
  return rows[0] === undefined ? undefined : instanceOf(rows[0], hub);
}

export async function readHistory(sql: Sql, hub: string, instanceId: string): Promise<HistoryEvent[]> {
  const { rows } = await sql.query<{ event: string }>('SELECT event FROM history WHERE hub = $1 AND instance_id = $2 ORDER BY seq', [hub, instanceId]);
  return rows.map((row, i) => parseEvent(row.event, `history of ${hub}/${instanceId} at seq ${i}`));
}

/**
 * The CTEs that queue a message ($3 execution id, $4 visible at, $5 event) for instance $2 of hub
 * $1, when `guard` holds: lock the instance row (against a concurrent delete), insert the message,
 * and bring the instance's claimable time forward unless it is leased. `queued` has one row when
 * the message was queued, none when the instance does not exist.
 */
export function queueMessageCtes(guard: string): string {
  return `target AS (
       SELECT hub, instance_id FROM instances WHERE hub = $1 AND instance_id = $2 AND ${guard} FOR NO KEY UPDATE
     ), inserted AS (
       INSERT INTO inbox (hub, instance_id, execution_id, visible_at, event)
       SELECT hub, instance_id, $3, $4, $5 FROM target RETURNING seq, visible_at
     ), queued AS (
       UPDATE instances i SET
         claimable_at = CASE WHEN i.lease_token IS NULL AND (i.claimable_at IS NULL OR n.visible_at < i.claimable_at) THEN n.visible_at ELSE i.claimable_at END,
         ready_seq = CASE WHEN i.lease_token IS NULL AND (i.claimable_at IS NULL OR n.visible_at < i.claimable_at) THEN n.seq ELSE i.ready_seq END
       FROM inserted n WHERE i.hub = $1 AND i.instance_id = $2 RETURNING i.instance_id
     )`;
}

/** The first five parameters of `queueMessageCtes`. */
export function queueMessageParams(hub: string, message: InboxMessage): unknown[] {
  return [hub, message.instanceId, message.executionId ?? null, message.visibleAt, JSON.stringify(message.event)];
}

/**
 * Queues a message for an existing instance; returns false, writing nothing, when the instance
 * does not exist. A message visible before the instance's current claimable time brings it
 * forward, unless the instance is leased.
 */
export async function queueMessage(tx: Tx, hub: TaskHubName, message: InboxMessage): Promise<boolean> {
  const { rows } = await tx.sql.query<{ queued: number }>(
    `WITH ${queueMessageCtes('true')} SELECT count(*)::int AS queued FROM queued`,
    queueMessageParams(hub, message),
  );
  return noteQueued(tx, hub, message, rows[0]?.queued === 1);
}

/** Records the wake-up of a queued message; returns `done`. */
export function noteQueued(tx: Tx, hub: TaskHubName, message: InboxMessage, done: boolean): boolean {
  if (done) tx.events.push({ type: 'work', hub, kind: 'orchestration', visibleAt: message.visibleAt });
  return done;
}

/**
 * Inserts a new instance and queues its start message, in one statement (the message's seq is
 * drawn first, so the row is written claimable at once, as queueMessage would leave it); returns
 * false, writing nothing, when the id exists.
 */
export async function insertInstance(tx: Tx, hub: TaskHubName, create: NewInstance): Promise<boolean> {
  const { instance } = create;
  const params = [hub, ...instanceParams(instance), create.startVisibleAt, JSON.stringify(create.startEvent)];
  const record = params.slice(0, -1).map((_, i) => `$${i + 1}`).join(', ');
  const { rowCount } = await tx.sql.query(
    `WITH created AS (
       INSERT INTO instances (hub, ${INSTANCE_COLUMNS}, claimable_at, ready_seq) VALUES (${record}, nextval('inbox_seq_seq'))
       ON CONFLICT (hub, instance_id) DO NOTHING RETURNING hub, instance_id, claimable_at, ready_seq
     )
     INSERT INTO inbox (seq, hub, instance_id, execution_id, visible_at, event)
     SELECT ready_seq, hub, instance_id, NULL, claimable_at, $${params.length} FROM created`,
    params,
  );
  if (rowCount !== 1) return false;
  noteQueued(tx, hub, { instanceId: instance.instanceId, event: create.startEvent, visibleAt: create.startVisibleAt }, true);
  tx.events.push({ type: 'instance', hub, instanceId: instance.instanceId, status: instance.status });
  return true;
}

/** Creates an instance, or replaces one whose status is replaceable (deleting all it owns). */
export async function createInstance(tx: Tx, hub: TaskHubName, create: NewInstance): Promise<CreateInstanceResult> {
  if (await insertInstance(tx, hub, create)) return { created: true };
  const { instance } = create;
  const existing = await getInstance(tx.sql, hub, instance.instanceId, true);
  if (existing === undefined) throw new InvariantError(`instance ${hub}/${instance.instanceId} vanished during its creation`);
  if (!create.replaceableStatuses.includes(existing.status)) return { created: false, existing };
  await deleteOwnedRows(tx, hub, instance.instanceId);
  await tx.sql.query(
    `UPDATE instances SET ${SET_RECORD}, claimable_at = NULL, ready_seq = NULL, lease_token = NULL, lease_expires_at = NULL,
       lease_seqs = NULL, lease_attempt = 0
     WHERE hub = $1 AND instance_id = $2`,
    [hub, ...instanceParams(instance)],
  );
  await queueMessage(tx, hub, { instanceId: instance.instanceId, event: create.startEvent, visibleAt: create.startVisibleAt });
  tx.events.push({ type: 'instance', hub, instanceId: instance.instanceId, status: instance.status });
  return { created: true };
}

async function deleteOwnedRows(tx: Tx, hub: string, instanceId: string): Promise<void> {
  for (const table of ['history', 'inbox', 'activity_tasks']) {
    await tx.sql.query(`DELETE FROM ${table} WHERE hub = $1 AND instance_id = $2`, [hub, instanceId]);
  }
}

/** Ends the instance's lease without completing it (abandon); attempts keep counting. */
export async function releaseLease(tx: Tx, hub: string, instanceId: string): Promise<number | undefined> {
  const { rows } = await tx.sql.query<{ claimable_at: number | null }>(
    `UPDATE instances SET lease_token = NULL, lease_expires_at = NULL, lease_seqs = NULL, ${NEXT_CLAIMABLE}
     WHERE hub = $1 AND instance_id = $2 RETURNING claimable_at`,
    [hub, instanceId],
  );
  return rows[0]?.claimable_at ?? undefined;
}
