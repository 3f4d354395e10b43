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
import type { ActivityWorkItem, ClaimOptions, ClaimResult, LeaseToken, OrchestrationWorkItem } from '../work-store.ts';
import { parseEvent, toActivityTask, toInboxMessage, type ActivityTaskRow, type InstanceRow } from '../rows.ts';
import type { Sql } from './connection.ts';
import { INSTANCE_COLUMNS, instanceOf } from './instance-sql.ts';

function checkOptions(options: ClaimOptions): void {
  invariant(Number.isFinite(options.now), 'claim needs a finite now');
  invariant(Number.isInteger(options.limit) && options.limit >= 0, 'claim limit must be a non-negative integer');
  invariant(Number.isFinite(options.leaseMs) && options.leaseMs > 0, 'claim leaseMs must be positive');
}

type PickedRow = InstanceRow & { lease_attempt: number };

/**
 * Two statements after BEGIN: the lock (instances picked with SKIP LOCKED), then one statement
 * that reads and leases them. It must start after the lock: a completion that committed while the
 * pick was running is then seen (its history and deleted messages), never an older state.
 */
export async function claimOrchestrations(
  sql: Sql,
  ids: IdSource,
  hub: TaskHubName,
  options: ClaimOptions & { messagesMax: number },
): Promise<ClaimResult<OrchestrationWorkItem>> {
  checkOptions(options);
  invariant(Number.isInteger(options.messagesMax) && options.messagesMax > 0, 'claim messagesMax must be a positive integer');
  const { now, limit } = options;
  if (limit === 0) return { items: [] };
  const { rows } = await sql.query<PickedRow>(
    `SELECT ${INSTANCE_COLUMNS}, lease_attempt FROM instances
     WHERE hub = $1 AND claimable_at <= $2 AND (lease_token IS NULL OR lease_expires_at <= $2)
     ORDER BY claimable_at, ready_seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [hub, now, limit],
  );
  if (rows.length === 0) return withNextVisibleAt([], await nextOrchestrationAt(sql, hub, now));
  const { items, nextVisibleAt } = await leaseInstances(sql, ids, hub, rows, options);
  return withNextVisibleAt(items, items.length < limit ? nextVisibleAt : undefined);
}

interface LeasedRow {
  instance_id: string | null;
  lease_token: string;
  lease_attempt: number;
  seqs: string[];
  execution_ids: (string | null)[];
  visible_ats: string[];
  events: string[];
  history: string[];
  next_at: number | null;
}

/**
 * One statement: leases the picked instances that have visible messages (at most messagesMax
 * each, FIFO) and reads them with their histories; the others had nothing visible after all
 * (their work moved later), so their claimable time is corrected. Also reads when work is next
 * claimable: the parts of one statement do not see each other's writes, so the new leases'
 * expiry and the corrected times are added to what the snapshot shows.
 * $1 hub, $2 picked instance ids, $3 their new tokens, $4 now, $5 lease expiry, $6 messagesMax.
 */
const LEASE_INSTANCES_SQL = `WITH visible AS (
    SELECT seq, instance_id, execution_id, visible_at, event FROM (
      SELECT seq, instance_id, execution_id, visible_at, event, row_number() OVER (PARTITION BY instance_id ORDER BY seq) AS n
      FROM inbox WHERE hub = $1 AND instance_id = ANY($2::text[]) AND visible_at <= $4
    ) m WHERE n <= $6
  ), leased AS (
    UPDATE instances i SET lease_token = u.token, lease_expires_at = $5, claimable_at = $5,
      lease_seqs = ARRAY(SELECT v.seq FROM visible v WHERE v.instance_id = i.instance_id ORDER BY v.seq),
      lease_attempt = i.lease_attempt + 1
    FROM unnest($2::text[], $3::text[]) AS u(instance_id, token)
    WHERE i.hub = $1 AND i.instance_id = u.instance_id AND u.instance_id IN (SELECT instance_id FROM visible)
    RETURNING i.instance_id, i.lease_token, i.lease_attempt
  ), stale AS (
    UPDATE instances i SET (claimable_at, ready_seq) =
      (SELECT visible_at, seq FROM inbox m WHERE m.hub = i.hub AND m.instance_id = i.instance_id ORDER BY visible_at, seq LIMIT 1)
    WHERE i.hub = $1 AND i.instance_id = ANY($2::text[]) AND i.instance_id NOT IN (SELECT instance_id FROM visible)
    RETURNING i.claimable_at
  ), claimed AS (
    SELECT l.instance_id, l.lease_token, l.lease_attempt,
      array_agg(v.seq ORDER BY v.seq) AS seqs, array_agg(v.execution_id ORDER BY v.seq) AS execution_ids,
      array_agg(v.visible_at ORDER BY v.seq) AS visible_ats, array_agg(v.event ORDER BY v.seq) AS events,
      ARRAY(SELECT h.event FROM history h WHERE h.hub = $1 AND h.instance_id = l.instance_id ORDER BY h.seq) AS history
    FROM leased l JOIN visible v ON v.instance_id = l.instance_id
    GROUP BY l.instance_id, l.lease_token, l.lease_attempt
  )
  SELECT c.*, least(${nextOrchestrationAtSql('$4')}, (SELECT min(claimable_at) FROM stale WHERE claimable_at > $4)) AS next_at
  FROM (SELECT 1) one LEFT JOIN claimed c ON true`;

async function leaseInstances(
  sql: Sql,
  ids: IdSource,
  hub: TaskHubName,
  picked: PickedRow[],
  options: ClaimOptions & { messagesMax: number },
): Promise<ClaimResult<OrchestrationWorkItem>> {
  const { now, leaseMs, messagesMax } = options;
  const expiresAt = now + leaseMs;
  const { rows } = await sql.query<LeasedRow>(
    LEASE_INSTANCES_SQL,
    [hub, picked.map((row) => row.instance_id), picked.map(() => ids.token()), now, expiresAt, messagesMax],
  );
  const claimed = new Map(rows.filter((row) => row.instance_id !== null).map((row) => [row.instance_id, row]));
  const items: OrchestrationWorkItem[] = [];
  for (const row of picked) {
    const leased = claimed.get(row.instance_id);
    if (leased !== undefined) items.push(workItemOf(hub, row, leased, expiresAt));
  }
  const nextAt = rows[0]?.next_at ?? undefined;
  return withNextVisibleAt(items, items.length > 0 ? Math.min(nextAt ?? expiresAt, expiresAt) : nextAt);
}

/** The work item of one leased instance: its picked row, and the messages and history the lease statement read. */
function workItemOf(hub: TaskHubName, row: PickedRow, leased: LeasedRow, expiresAt: number): OrchestrationWorkItem {
  const where = `${hub}/${row.instance_id}`;
  return {
    hub,
    instance: instanceOf(row, hub),
    history: leased.history.map((event, i) => parseEvent(event, `history of ${where} at seq ${i}`)),
    messages: leased.seqs.map((seq, i) =>
      toInboxMessage(
        { seq: Number(seq), instance_id: row.instance_id, execution_id: leased.execution_ids[i] ?? null, visible_at: Number(leased.visible_ats[i]), event: leased.events[i] as string },
        where,
      ),
    ),
    lease: { token: leased.lease_token as LeaseToken, expiresAt, attempt: leased.lease_attempt },
  };
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

/** The earliest future time orchestration work (a message or a lease expiry) becomes claimable, after `now`; $1 is the hub. */
function nextOrchestrationAtSql(now: string): string {
  return `(SELECT min(visible_at) FROM inbox WHERE hub = $1 AND visible_at > ${now}),
  (SELECT min(claimable_at) FROM instances WHERE hub = $1 AND claimable_at > ${now})`;
}

async function nextOrchestrationAt(sql: Sql, hub: string, now: number): Promise<number | undefined> {
  const { rows } = await sql.query<{ at: number | null }>(`SELECT least(${nextOrchestrationAtSql('$2')}) AS at`, [hub, now]);
  return rows[0]?.at ?? undefined;
}

/**
 * One statement: picks, leases and reads the tasks, and reads when activity work is next visible
 * (the snapshot does not show the new leases, so their expiry is added to it).
 */
export async function claimActivities(sql: Sql, ids: IdSource, hub: TaskHubName, options: ClaimOptions): Promise<ClaimResult<ActivityWorkItem>> {
  checkOptions(options);
  const { now, limit, leaseMs } = options;
  const expiresAt = now + leaseMs;
  const { rows } = await sql.query<Partial<ActivityTaskRow> & { lease_token: string; lease_attempt: number; was_visible_at: number; next_at: number | null }>(
    `WITH picked AS (
       SELECT seq, visible_at FROM activity_tasks WHERE hub = $1 AND visible_at <= $2
       ORDER BY visible_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE activity_tasks t SET lease_token = $4 || t.seq::text, lease_expires_at = $5, visible_at = $5, lease_attempt = t.lease_attempt + 1
       FROM picked WHERE t.seq = picked.seq
       RETURNING t.seq, t.instance_id, t.execution_id, t.task_id, t.payload, t.visible_at, t.lease_token, t.lease_attempt,
         picked.visible_at AS was_visible_at
     )
     SELECT c.*, (SELECT min(visible_at) FROM activity_tasks WHERE hub = $1 AND visible_at > $2) AS next_at
     FROM (SELECT 1) one LEFT JOIN claimed c ON true`,
    [hub, now, limit, `${ids.token()}.`, expiresAt],
  );
  const claimed = rows.filter((row): row is ActivityTaskRow & (typeof rows)[number] => row.seq !== null);
  claimed.sort((a, b) => a.was_visible_at - b.was_visible_at || a.seq - b.seq);
  const items = claimed.map((row): ActivityWorkItem => ({
    hub,
    task: toActivityTask(row, hub),
    lease: { token: row.lease_token as LeaseToken, expiresAt, attempt: row.lease_attempt },
  }));
  if (items.length === limit) return { items };
  const nextAt = rows[0]?.next_at ?? undefined;
  return withNextVisibleAt(items, items.length > 0 ? Math.min(nextAt ?? expiresAt, expiresAt) : nextAt);
}

function withNextVisibleAt<T>(items: T[], nextVisibleAt: number | undefined): ClaimResult<T> {
  return nextVisibleAt === undefined ? { items } : { items, nextVisibleAt };
}

/**
 * Extends the leases still held at `now` (never shortens one); returns the tokens no longer
 * held. One statement for the three tables: a renewal is a heartbeat, and every round trip it
 * waits for brings the lease nearer to expiring under another node's claim.
 */
export async function renewLeases(sql: Sql, hub: TaskHubName, tokens: readonly LeaseToken[], expiresAt: number, now: number): Promise<LeaseToken[]> {
  if (tokens.length === 0) return [];
  const { rows } = await sql.query<{ lease_token: string }>(
    `WITH i AS (
       UPDATE instances SET lease_expires_at = greatest(lease_expires_at, $3), claimable_at = greatest(lease_expires_at, $3)
       WHERE lease_token = ANY($2::text[]) AND hub = $1 AND lease_expires_at > $4 RETURNING lease_token
     ), a AS (
       UPDATE activity_tasks SET lease_expires_at = greatest(lease_expires_at, $3), visible_at = greatest(lease_expires_at, $3)
       WHERE lease_token = ANY($2::text[]) AND hub = $1 AND lease_expires_at > $4 RETURNING lease_token
     ), e AS (
       UPDATE entity_queues SET lease_expires_at = greatest(lease_expires_at, $3), claimable_at = greatest(lease_expires_at, $3)
       WHERE lease_token = ANY($2::text[]) AND hub = $1 AND lease_expires_at > $4 RETURNING lease_token
     )
     SELECT lease_token FROM i UNION ALL SELECT lease_token FROM a UNION ALL SELECT lease_token FROM e`,
    [hub, tokens, expiresAt, now],
  );
  const held = new Set(rows.map((row) => row.lease_token));
  return tokens.filter((token) => !held.has(token));
}
