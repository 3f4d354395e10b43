/**
 * SQL that finishes or gives back claimed work: complete and abandon, for orchestrations and
 * activities, plus re-loading a claimed orchestration by its lease token (for a completion that
 * reaches another node). Every statement is guarded by the lease token and its expiry in the
 * WHERE clause: when no row matches, the lease is not held and the call is LEASE_LOST.
 */
import { ServerError } from '../../domain/errors.ts';
import { statusAfterEpisode, type OrchestrationStatus } from '../../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../../domain/instance.ts';
import { invariant, InvariantError } from '../../lib/assert.ts';
import type { ActivityWorkItem, InboxMessage, LeaseToken, OrchestrationCompletion, OrchestrationWorkItem } from '../work-store.ts';
import {
  activityPayload, instanceParams, toActivityTask, toInboxMessage, type ActivityTaskRow, type InboxRow, type InstanceRow,
} from '../rows.ts';
import { readHistories } from './claim-sql.ts';
import { queueEntityMessage } from './entity-sql.ts';
import type { Sql } from './connection.ts';
import {
  createInstance, INSTANCE_COLUMNS, instanceOf, noteQueued, queueMessage, queueMessageCtes, queueMessageParams, releaseLease, SET_RECORD, type Tx,
} from './instance-sql.ts';

function leaseLost(kind: string): ServerError {
  return new ServerError('LEASE_LOST', `the ${kind} work item lease is no longer held (expired, released or taken by another claim)`);
}

interface HeldInstance {
  instanceId: string;
  seqs: number[];
  status: OrchestrationStatus;
  /** The length of its history (only the lease holder writes it, so the snapshot is current). */
  historyNext: number;
}

/** Locks the instance leased by `token`; LEASE_LOST unless the lease is held at `now`. */
async function heldInstance(sql: Sql, hub: string, token: LeaseToken, now: number): Promise<HeldInstance> {
  const { rows } = await sql.query<{ instance_id: string; lease_seqs: string[] | number[]; status: OrchestrationStatus; history_next: number }>(
    `SELECT instance_id, lease_seqs, status,
       (SELECT coalesce(max(seq) + 1, 0)::int FROM history h WHERE h.hub = i.hub AND h.instance_id = i.instance_id) AS history_next
     FROM instances i WHERE lease_token = $2 AND hub = $1 AND lease_expires_at > $3 FOR UPDATE`,
    [hub, token, now],
  );
  const row = rows[0];
  if (row === undefined) throw leaseLost('orchestration');
  return { instanceId: row.instance_id, seqs: (row.lease_seqs ?? []).map(Number), status: row.status, historyNext: row.history_next };
}

/**
 * Two statements after BEGIN: the lock (heldInstance), then one statement for all the
 * episode's own writes, which must start after the lock so that it sees every message queued
 * before it (the instance's next claimable time is computed from them).
 */
export async function completeOrchestration(tx: Tx, hub: TaskHubName, completion: OrchestrationCompletion, now: number): Promise<void> {
  const held = await heldInstance(tx.sql, hub, completion.lease, now);
  const { instanceId } = held;
  invariant(completion.instance.instanceId === instanceId, `completion for ${completion.instance.instanceId} carries the lease of ${instanceId}`);
  const status = statusAfterEpisode(completion.instance.status, completion.claimedStatus, held.status);
  const { reset, startIndex } = completion.history;
  if (reset) {
    if (startIndex !== 0) throw new InvariantError(`history reset of ${hub}/${instanceId} must start at 0, not ${startIndex}`);
    await tx.sql.query('DELETE FROM history WHERE hub = $1 AND instance_id = $2', [hub, instanceId]);
  } else if (held.historyNext !== startIndex) {
    throw new InvariantError(`history append to ${hub}/${instanceId} at index ${startIndex}, but the history has ${held.historyNext} events`);
  }
  const claimableAt = await writeEpisode(tx.sql, hub, status === completion.instance.status ? completion.instance : { ...completion.instance, status }, completion, now);
  if (claimableAt !== undefined) tx.events.push({ type: 'work', hub, kind: 'orchestration', visibleAt: claimableAt });
  tx.events.push({ type: 'instance', hub, instanceId, status });
  if (completion.activities.length > 0) tx.events.push({ type: 'work', hub, kind: 'activity', visibleAt: now });
  // Children first, so that messages of the same episode can reach a child created by it.
  for (const child of completion.children) {
    const result = await createInstance(tx, hub, child);
    if (!result.created) await queueMessage(tx, hub, child.onConflict);
  }
  for (const message of completion.messages) await queueMessage(tx, hub, message);
  for (const message of completion.entityMessages ?? []) await queueEntityMessage(tx, hub, message);
}

/**
 * Deletes the consumed messages, appends the history, schedules the activities and writes the
 * instance row with its lease ended; returns when the instance is next claimable. The parts of
 * one statement do not see each other's writes, so the next claimable time skips the consumed
 * messages by their seqs.
 */
async function writeEpisode(sql: Sql, hub: string, record: InstanceRecord, completion: OrchestrationCompletion, now: number): Promise<number | undefined> {
  const params = [hub, ...instanceParams(record)];
  const at = (value: unknown): string => `$${params.push(value)}`;
  const consumed = at(completion.consumedSeqs);
  const tasks = completion.activities;
  const { rows } = await sql.query<{ claimable_at: number | null }>(
    `WITH consumed AS (
       DELETE FROM inbox WHERE hub = $1 AND instance_id = $2 AND seq = ANY(${consumed}::bigint[])
     ), appended AS (
       INSERT INTO history (hub, instance_id, seq, event)
       SELECT $1, $2, ${at(completion.history.startIndex)}::int + ord - 1, event
       FROM unnest(${at(completion.history.append.map((event) => JSON.stringify(event)))}::text[]) WITH ORDINALITY AS e(event, ord)
     ), scheduled AS (
       INSERT INTO activity_tasks (hub, instance_id, execution_id, task_id, payload, visible_at)
       SELECT $1, instance_id, execution_id, task_id, payload, ${at(now)}::bigint
       FROM unnest(${at(tasks.map((t) => t.instanceId))}::text[], ${at(tasks.map((t) => t.executionId))}::text[],
         ${at(tasks.map((t) => t.taskId))}::int[], ${at(tasks.map(activityPayload))}::text[])
         WITH ORDINALITY AS t(instance_id, execution_id, task_id, payload, ord) ORDER BY ord
     )
     UPDATE instances SET ${SET_RECORD}, lease_token = NULL, lease_expires_at = NULL, lease_seqs = NULL, lease_attempt = 0,
       (claimable_at, ready_seq) = (SELECT visible_at, seq FROM inbox
         WHERE hub = $1 AND instance_id = $2 AND seq <> ALL(${consumed}::bigint[]) ORDER BY visible_at, seq LIMIT 1)
     WHERE hub = $1 AND instance_id = $2 RETURNING claimable_at`,
    params,
  );
  return rows[0]?.claimable_at ?? undefined;
}

/**
 * The messages delivered with the lease are held back until `retryAt` (never brought forward);
 * messages that arrived during the lease, or arrive later, are not.
 */
export async function abandonOrchestration(tx: Tx, hub: TaskHubName, token: LeaseToken, retryAt: number, now: number): Promise<void> {
  const { instanceId, seqs } = await heldInstance(tx.sql, hub, token, now);
  if (seqs.length > 0) {
    await tx.sql.query(
      'UPDATE inbox SET visible_at = greatest(visible_at, $4) WHERE hub = $1 AND instance_id = $2 AND seq = ANY($3::bigint[])',
      [hub, instanceId, seqs, retryAt],
    );
  }
  const claimableAt = await releaseLease(tx, hub, instanceId);
  if (claimableAt !== undefined) tx.events.push({ type: 'work', hub, kind: 'orchestration', visibleAt: claimableAt });
}

/** One statement: the task is deleted under its lease and, only then, its result queued. */
export async function completeActivity(tx: Tx, hub: TaskHubName, token: LeaseToken, result: InboxMessage, now: number): Promise<void> {
  const { rows } = await tx.sql.query<{ done: number; queued: number }>(
    `WITH done AS (
       DELETE FROM activity_tasks WHERE lease_token = $6 AND hub = $1 AND lease_expires_at > $7 RETURNING seq
     ), ${queueMessageCtes('EXISTS (SELECT 1 FROM done)')}
     SELECT (SELECT count(*) FROM done)::int AS done, (SELECT count(*) FROM queued)::int AS queued`,
    [...queueMessageParams(hub, result), token, now],
  );
  const row = rows[0];
  if (row === undefined || row.done === 0) throw leaseLost('activity');
  invariant(row.done === 1, `activity lease ${token} held by ${row.done} tasks`);
  noteQueued(tx, hub, result, row.queued === 1);
}

export async function abandonActivity(tx: Tx, hub: TaskHubName, token: LeaseToken, retryAt: number, now: number): Promise<void> {
  const { rowCount } = await tx.sql.query(
    `UPDATE activity_tasks SET lease_token = NULL, lease_expires_at = NULL, visible_at = $4
     WHERE lease_token = $2 AND hub = $1 AND lease_expires_at > $3`,
    [hub, token, now, retryAt],
  );
  if (rowCount !== 1) throw leaseLost('activity');
  tx.events.push({ type: 'work', hub, kind: 'activity', visibleAt: retryAt });
}

/** The orchestration work item leased by `token`, as it was claimed; undefined when the lease is not held. */
export async function claimedOrchestration(sql: Sql, hub: TaskHubName, token: LeaseToken, now: number): Promise<OrchestrationWorkItem | undefined> {
  const { rows } = await sql.query<InstanceRow & { lease_seqs: number[] | null; lease_expires_at: number; lease_attempt: number }>(
    `SELECT ${INSTANCE_COLUMNS}, lease_seqs, lease_expires_at, lease_attempt FROM instances
     WHERE lease_token = $2 AND hub = $1 AND lease_expires_at > $3`,
    [hub, token, now],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const seqs = (row.lease_seqs ?? []).map(Number);
  const messages = await sql.query<InboxRow>(
    'SELECT seq, instance_id, execution_id, visible_at, event FROM inbox WHERE hub = $1 AND instance_id = $2 AND seq = ANY($3::bigint[]) ORDER BY seq',
    [hub, row.instance_id, seqs],
  );
  const histories = await readHistories(sql, hub, [row.instance_id]);
  return {
    hub,
    instance: instanceOf(row, hub),
    history: histories.get(row.instance_id) ?? [],
    messages: messages.rows.map((m) => toInboxMessage(m, `${hub}/${row.instance_id}`)),
    lease: { token, expiresAt: row.lease_expires_at, attempt: row.lease_attempt },
  };
}

/** The activity work item leased by `token`; undefined when the lease is not held. */
export async function claimedActivity(sql: Sql, hub: TaskHubName, token: LeaseToken, now: number): Promise<ActivityWorkItem | undefined> {
  const { rows } = await sql.query<ActivityTaskRow & { lease_expires_at: number; lease_attempt: number }>(
    `SELECT seq, instance_id, execution_id, task_id, payload, visible_at, lease_expires_at, lease_attempt FROM activity_tasks
     WHERE lease_token = $2 AND hub = $1 AND lease_expires_at > $3`,
    [hub, token, now],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return { hub, task: toActivityTask(row, hub), lease: { token, expiresAt: row.lease_expires_at, attempt: row.lease_attempt } };
}
