/**
 * Scale signals and dashboard counts of the PostgreSQL store. Pending work is read through the
 * partial "claimable" indexes the claims use, active work through the lease indexes; per-status
 * instance counts through the (hub, status, created_at, instance_id) index.
 */
import type { OrchestrationStatus } from '../../domain/history-event.ts';
import type { InstanceCountFilter, WorkBacklog, WorkBacklogEntry } from '../read-model.ts';
import type { Sql } from './connection.ts';

interface CountRow {
  pending: string;
  active: string;
  oldest: string | null;
}

const QUEUE_COUNTS = (table: string, at: string): string => `
  SELECT count(*) FILTER (WHERE ${at} <= $2 AND (lease_token IS NULL OR lease_expires_at <= $2)) AS pending,
         count(*) FILTER (WHERE lease_token IS NOT NULL AND lease_expires_at > $2) AS active,
         min(${at}) FILTER (WHERE ${at} <= $2 AND (lease_token IS NULL OR lease_expires_at <= $2)) AS oldest
  FROM ${table} WHERE hub = $1 AND (${at} <= $2 OR lease_token IS NOT NULL)`;

export async function workBacklog(sql: Sql, hub: string, now: number): Promise<WorkBacklog> {
  // One connection runs one query at a time.
  const orchestration = await sql.query<CountRow>(QUEUE_COUNTS('instances', 'claimable_at'), [hub, now]);
  const activity = await sql.query<CountRow>(QUEUE_COUNTS('activity_tasks', 'visible_at'), [hub, now]);
  const entity = await sql.query<CountRow>(QUEUE_COUNTS('entity_queues', 'claimable_at'), [hub, now]);
  return { orchestration: entry(orchestration.rows[0]), activity: entry(activity.rows[0]), entity: entry(entity.rows[0]) };
}

function entry(row: CountRow | undefined): WorkBacklogEntry {
  const result: WorkBacklogEntry = { pending: Number(row?.pending ?? 0), active: Number(row?.active ?? 0) };
  if (result.pending > 0 && row?.oldest != null) result.oldestPendingAt = Number(row.oldest);
  return result;
}

export async function countInstancesByStatus(sql: Sql, hub: string, filter: InstanceCountFilter): Promise<Partial<Record<OrchestrationStatus, number>>> {
  const params: unknown[] = [hub];
  const where = ['hub = $1', ...filterClauses(filter, params)];
  const { rows } = await sql.query<{ status: OrchestrationStatus; n: string }>(
    `SELECT status, count(*) AS n FROM instances WHERE ${where.join(' AND ')} GROUP BY status`,
    params,
  );
  const counts: Partial<Record<OrchestrationStatus, number>> = {};
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** WHERE clauses for the dashboard's filters; values are appended to `params`. */
export function filterClauses(filter: InstanceCountFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const add = (clause: (n: number) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filter.createdFrom !== undefined) add((n) => `created_at >= $${n}`, filter.createdFrom);
  if (filter.createdTo !== undefined) add((n) => `created_at < $${n}`, filter.createdTo);
  if (filter.instanceIdPrefix !== undefined && filter.instanceIdPrefix !== '') add((n) => `starts_with(instance_id, $${n})`, filter.instanceIdPrefix);
  if (filter.nameContains !== undefined && filter.nameContains !== '') add((n) => `strpos(lower(name), $${n}) > 0`, filter.nameContains.toLowerCase());
  if (filter.tagContains !== undefined && filter.tagContains !== '') add((n) => `strpos(lower(tags), $${n}) > 0`, filter.tagContains.toLowerCase());
  return where;
}
