/**
 * SQL that finishes or gives back claimed work: complete and abandon, for orchestrations and
 * activities, plus re-loading a claimed orchestration by its lease token (for a completion that
 * reaches another node). Every statement is guarded by the lease token and its expiry in the
 * WHERE clause: when no row matches, the lease is not held and the call is LEASE_LOST.
 */
import { ServerError } from '../../domain/errors.ts';
import { statusAfterEpisode, type OrchestrationStatus } from '../../domain/history-event.ts';
import type { TaskHubName } from '../../domain/instance.ts';
import { invariant } from '../../lib/assert.ts';
import type { ActivityWorkItem, InboxMessage, LeaseToken, OrchestrationCompletion, OrchestrationWorkItem } from '../store.ts';
import { toActivityTask, toInboxMessage, type ActivityTaskRow, type InboxRow, type InstanceRow } from '../sqlite/rows.ts';
import { readHistories } from './claim-sql.ts';
import { queueEntityMessage } from './entity-sql.ts';
import type { Sql } from './connection.ts';
import {
  appendHistory, createInstance, INSTANCE_COLUMNS, instanceOf, queueMessage, releaseLease, writeInstanceAndRelease, type Tx,
} from './instance-sql.ts';
import { activityPayload } from '../sqlite/rows.ts';

function leaseLost(kind: string): ServerError {
  return new ServerError('LEASE_LOST', `the ${kind} work item lease is no longer held (expired, released or taken by another claim)`);
}

/** Locks the instance leased by `token`; LEASE_LOST unless the lease is held at `now`. */
async function heldInstance(sql: Sql, hub: string, token: LeaseToken, now: number): Promise<{ instanceId: string; seqs: number[]; status: OrchestrationStatus }> {
  const { rows } = await sql.query<{ instance_id: string; lease_seqs: string[] | number[]; status: OrchestrationStatus }>(
    'SELECT instance_id, lease_seqs, status FROM instances WHERE lease_token = $2 AND hub = $1 AND lease_expires_at > $3 FOR UPDATE',
    [hub, token, now],
  );
  const row = rows[0];
  if (row === undefined) throw leaseLost('orchestration');
  return { instanceId: row.instance_id, seqs: (row.lease_seqs ?? []).map(Number), status: row.status };
}

export async function completeOrchestration(tx: Tx, hub: TaskHubName, completion: OrchestrationCompletion, now: number): Promise<void> {
  const held = await heldInstance(tx.sql, hub, completion.lease, now);
  const { instanceId } = held;
  invariant(completion.instance.instanceId === instanceId, `completion for ${completion.instance.instanceId} carries the lease of ${instanceId}`);
  const status = statusAfterEpisode(completion.instance.status, completion.claimedStatus, held.status);
  if (completion.consumedSeqs.length > 0) {
    await tx.sql.query('DELETE FROM inbox WHERE hub = $1 AND instance_id = $2 AND seq = ANY($3::bigint[])', [hub, instanceId, completion.consumedSeqs]);
  }
  await appendHistory(tx.sql, hub, instanceId, completion.history);
  const claimableAt = await writeInstanceAndRelease(tx, hub, status === completion.instance.status ? completion.instance : { ...completion.instance, status });
  if (claimableAt !== undefined) tx.events.push({ type: 'work', hub, kind: 'orchestration', visibleAt: claimableAt });
  tx.events.push({ type: 'instance', hub, instanceId, status });
  if (completion.activities.length > 0) {
    const tasks = completion.activities;
    await tx.sql.query(
      `INSERT INTO activity_tasks (hub, instance_id, execution_id, task_id, payload, visible_at)
       SELECT $1, instance_id, execution_id, task_id, payload, $2 FROM unnest($3::text[], $4::text[], $5::int[], $6::text[])
         WITH ORDINALITY AS t(instance_id, execution_id, task_id, payload, ord) ORDER BY ord`,
      [hub, now, tasks.map((t) => t.instanceId), tasks.map((t) => t.executionId), tasks.map((t) => t.taskId), tasks.map(activityPayload)],
    );
    tx.events.push({ type: 'work', hub, kind: 'activity', visibleAt: now });
  }
  // Children first, so that messages of the same episode can reach a child created by it.
  for (const child of completion.children) {
    const result = await createInstance(tx, hub, child);
    if (!result.created) await queueMessage(tx, hub, child.onConflict);
  }
  for (const message of completion.messages) await queueMessage(tx, hub, message);
  for (const message of completion.entityMessages ?? []) await queueEntityMessage(tx, hub, message);
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

export async function completeActivity(tx: Tx, hub: TaskHubName, token: LeaseToken, result: InboxMessage, now: number): Promise<void> {
  const { rowCount } = await tx.sql.query('DELETE FROM activity_tasks WHERE lease_token = $2 AND hub = $1 AND lease_expires_at > $3', [hub, token, now]);
  if (rowCount !== 1) throw leaseLost('activity');
  await queueMessage(tx, hub, result);
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
