/**
 * Claims and lease renewal, shared by every node: ready rows are picked in batches with
 * `FOR UPDATE SKIP LOCKED` (racing claimers, on this node or another, never wait for each other
 * nor get the same row) and leased in the same transaction. A leased row's `claimable_at`
 * (instances) or `visible_at` (activity tasks) is its lease expiry, so an expired lease makes it
 * claimable by the same index scan, and `nextVisibleAt` also covers lease expiries.
 */
import type { TaskHubName } from '../../domain/instance.ts';
import type { HistoryEvent } from '../../domain/history-event.ts';
import { invariant } from '../../lib/assert.ts';
import type { IdSource } from '../../lib/ids.ts';
import type { ActivityWorkItem, ClaimOptions, ClaimResult, LeaseToken, OrchestrationWorkItem, StoredInboxMessage } from '../store.ts';
import { parseEvent, toActivityTask, toInboxMessage, type ActivityTaskRow, type InboxRow, type InstanceRow } from '../sqlite/rows.ts';
import type { Sql } from './connection.ts';
import { INSTANCE_COLUMNS, instanceOf } from './instance-sql.ts';

function checkOptions(options: ClaimOptions): void {
  invariant(Number.isFinite(options.now), 'claim needs a finite now');
  invariant(Number.isInteger(options.limit) && options.limit >= 0, 'claim limit must be a non-negative integer');
  invariant(Number.isFinite(options.leaseMs) && options.leaseMs > 0, 'claim leaseMs must be positive');
}

type LeasedRow = InstanceRow & { lease_attempt: number };

export async function claimOrchestrations(
  sql: Sql,
  ids: IdSource,
  hub: TaskHubName,
  options: ClaimOptions & { messagesMax: number },
): Promise<ClaimResult<OrchestrationWorkItem>> {
  checkOptions(options);
  invariant(Number.isInteger(options.messagesMax) && options.messagesMax > 0, 'claim messagesMax must be a positive integer');
  const { now, limit, leaseMs } = options;
  const items: OrchestrationWorkItem[] = [];
  if (limit > 0) {
    const { rows } = await sql.query<LeasedRow>(
      `SELECT ${INSTANCE_COLUMNS}, lease_attempt FROM instances
       WHERE hub = $1 AND claimable_at <= $2 AND (lease_token IS NULL OR lease_expires_at <= $2)
       ORDER BY claimable_at, ready_seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [hub, now, limit],
    );
    if (rows.length > 0) items.push(...(await leaseInstances(sql, ids, hub, rows, options)));
  }
  return withNextVisibleAt(items, items.length < limit ? await nextOrchestrationAt(sql, hub, now) : undefined);
}

async function leaseInstances(
  sql: Sql,
  ids: IdSource,
  hub: TaskHubName,
  rows: LeasedRow[],
  options: ClaimOptions & { messagesMax: number },
): Promise<OrchestrationWorkItem[]> {
  const { now, leaseMs, messagesMax } = options;
  const instanceIds = rows.map((row) => row.instance_id);
  const messages = await readVisibleMessages(sql, hub, instanceIds, now, messagesMax);
  const histories = await readHistories(sql, hub, instanceIds);
  const expiresAt = now + leaseMs;
  const leased: { row: LeasedRow; token: LeaseToken; messages: StoredInboxMessage[] }[] = [];
  const stale: string[] = [];
  for (const row of rows) {
    const visible = messages.get(row.instance_id) ?? [];
    if (visible.length === 0) stale.push(row.instance_id);
    else leased.push({ row, token: ids.token() as LeaseToken, messages: visible });
  }
  if (stale.length > 0) {
    // Nothing visible after all (its work moved later): correct its claimable time, skip it.
    await sql.query(
      `UPDATE instances i SET (claimable_at, ready_seq) =
         (SELECT visible_at, seq FROM inbox m WHERE m.hub = i.hub AND m.instance_id = i.instance_id ORDER BY visible_at, seq LIMIT 1)
       WHERE i.hub = $1 AND i.instance_id = ANY($2::text[])`,
      [hub, stale],
    );
  }
  if (leased.length === 0) return [];
  await sql.query(
    `UPDATE instances i SET lease_token = u.token, lease_expires_at = $3, claimable_at = $3,
       lease_seqs = u.seqs::bigint[], lease_attempt = i.lease_attempt + 1
     FROM unnest($2::text[], $4::text[], $5::text[]) AS u(instance_id, token, seqs)
     WHERE i.hub = $1 AND i.instance_id = u.instance_id`,
    [
      hub,
      leased.map((l) => l.row.instance_id),
      expiresAt,
      leased.map((l) => l.token),
      leased.map((l) => `{${l.messages.map((m) => m.seq).join(',')}}`),
    ],
  );
  return leased.map(({ row, token, messages: visible }) => ({
    hub,
    instance: instanceOf(row, hub),
    history: histories.get(row.instance_id) ?? [],
    messages: visible,
    lease: { token, expiresAt, attempt: row.lease_attempt + 1 },
  }));
}

export async function readVisibleMessages(
  sql: Sql,
  hub: string,
  instanceIds: readonly string[],
  now: number,
  max: number,
): Promise<Map<string, StoredInboxMessage[]>> {
  const { rows } = await sql.query<InboxRow>(
    `SELECT seq, instance_id, execution_id, visible_at, event FROM (
       SELECT seq, instance_id, execution_id, visible_at, event, row_number() OVER (PARTITION BY instance_id ORDER BY seq) AS n
       FROM inbox WHERE hub = $1 AND instance_id = ANY($2::text[]) AND visible_at <= $3
     ) m WHERE n <= $4 ORDER BY instance_id, seq`,
    [hub, instanceIds, now, max],
  );
  return groupBy(rows, (row) => row.instance_id, (row) => toInboxMessage(row, `${hub}/${row.instance_id}`));
}

export async function readHistories(sql: Sql, hub: string, instanceIds: readonly string[]): Promise<Map<string, HistoryEvent[]>> {
  const { rows } = await sql.query<{ instance_id: string; seq: number; event: string }>(
    'SELECT instance_id, seq, event FROM history WHERE hub = $1 AND instance_id = ANY($2::text[]) ORDER BY instance_id, seq',
    [hub, instanceIds],
  );
  return groupBy(rows, (row) => row.instance_id, (row) => parseEvent(row.event, `history of ${hub}/${row.instance_id} at seq ${row.seq}`));
}

function groupBy<R, V>(rows: readonly R[], key: (row: R) => string, value: (row: R) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list === undefined) groups.set(key(row), [value(row)]);
    else list.push(value(row));
  }
  return groups;
}

/** The earliest future time orchestration work (a message or a lease expiry) becomes claimable. */
async function nextOrchestrationAt(sql: Sql, hub: string, now: number): Promise<number | undefined> {
  const { rows } = await sql.query<{ at: number | null }>(
    `SELECT least((SELECT min(visible_at) FROM inbox WHERE hub = $1 AND visible_at > $2),
                  (SELECT min(claimable_at) FROM instances WHERE hub = $1 AND claimable_at > $2)) AS at`,
    [hub, now],
  );
  return rows[0]?.at ?? undefined;
}

export async function claimActivities(sql: Sql, ids: IdSource, hub: TaskHubName, options: ClaimOptions): Promise<ClaimResult<ActivityWorkItem>> {
  checkOptions(options);
  const { now, limit, leaseMs } = options;
  const expiresAt = now + leaseMs;
  const items: ActivityWorkItem[] = [];
  if (limit > 0) {
    const { rows } = await sql.query<ActivityTaskRow & { lease_token: string; lease_attempt: number; was_visible_at: number }>(
      `WITH picked AS (
         SELECT seq, visible_at FROM activity_tasks WHERE hub = $1 AND visible_at <= $2
         ORDER BY visible_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED
       )
       UPDATE activity_tasks t SET lease_token = $4 || t.seq::text, lease_expires_at = $5, visible_at = $5, lease_attempt = t.lease_attempt + 1
       FROM picked WHERE t.seq = picked.seq
       RETURNING t.seq, t.instance_id, t.execution_id, t.task_id, t.payload, t.visible_at, t.lease_token, t.lease_attempt,
         picked.visible_at AS was_visible_at`,
      [hub, now, limit, `${ids.token()}.`, expiresAt],
    );
    rows.sort((a, b) => a.was_visible_at - b.was_visible_at || a.seq - b.seq);
    for (const row of rows) {
      const lease = { token: row.lease_token as LeaseToken, expiresAt, attempt: row.lease_attempt };
      items.push({ hub, task: toActivityTask(row, hub), lease });
    }
  }
  if (items.length === limit) return { items };
  const { rows } = await sql.query<{ at: number | null }>('SELECT min(visible_at) AS at FROM activity_tasks WHERE hub = $1 AND visible_at > $2', [hub, now]);
  return withNextVisibleAt(items, rows[0]?.at ?? undefined);
}

function withNextVisibleAt<T>(items: T[], nextVisibleAt: number | undefined): ClaimResult<T> {
  return nextVisibleAt === undefined ? { items } : { items, nextVisibleAt };
}

/** Extends the leases still held at `now` (never shortens one); returns the tokens no longer held. */
export async function renewLeases(sql: Sql, hub: TaskHubName, tokens: readonly LeaseToken[], expiresAt: number, now: number): Promise<LeaseToken[]> {
  if (tokens.length === 0) return [];
  const params = [hub, tokens, expiresAt, now];
  const instances = await sql.query<{ lease_token: string }>(
    `UPDATE instances SET lease_expires_at = greatest(lease_expires_at, $3), claimable_at = greatest(lease_expires_at, $3)
     WHERE lease_token = ANY($2::text[]) AND hub = $1 AND lease_expires_at > $4 RETURNING lease_token`,
    params,
  );
  const tasks = await sql.query<{ lease_token: string }>(
    `UPDATE activity_tasks SET lease_expires_at = greatest(lease_expires_at, $3), visible_at = greatest(lease_expires_at, $3)
     WHERE lease_token = ANY($2::text[]) AND hub = $1 AND lease_expires_at > $4 RETURNING lease_token`,
    params,
  );
  const entities = await sql.query<{ lease_token: string }>(
    `UPDATE entity_queues SET lease_expires_at = greatest(lease_expires_at, $3), claimable_at = greatest(lease_expires_at, $3)
     WHERE lease_token = ANY($2::text[]) AND hub = $1 AND lease_expires_at > $4 RETURNING lease_token`,
    params,
  );
  const held = new Set([...instances.rows, ...tasks.rows, ...entities.rows].map((row) => row.lease_token));
  return tokens.filter((token) => !held.has(token));
}
