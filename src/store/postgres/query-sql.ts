/**
 * The management SQL of the PostgreSQL store: instance queries and completed-instance id lists
 * with key-set paging, and purging finished instances with everything they own. Ids compare
 * byte-wise (`COLLATE "C"`), as SQLite does, so paging order does not depend on the database's
 * locale. Every query walks an index of migration 2 or 7, and a page's key-set bound is a row
 * comparison, which PostgreSQL seeks the index to (the equivalent `a < x OR (a = x AND b < y)`
 * is only a filter: every page would walk all the rows before it).
 */
import type { InstanceRecord, TaskHubName } from '../../domain/instance.ts';
import { ORCHESTRATION_STATUSES } from '../../domain/history-event.ts';
import type { CompletedInstanceQuery, InstanceIdPage, InstancePage, InstanceQuery, LastUpdatePage, LastUpdateQuery } from '../read-model.ts';
import type { PurgeRequest } from '../store.ts';
import type { InstanceRow } from '../rows.ts';
import { filterClauses } from './backlog-sql.ts';
import type { Sql } from './connection.ts';
import { instanceOf, type Tx } from './instance-sql.ts';

const BASE_COLUMNS = `instance_id, execution_id, name, version, status, created_at, last_updated_at, completed_at,
  scheduled_start_at, parent_instance_id, tags`;
const PAYLOAD_COLUMNS = 'input, output, custom_status, failure_details';
const NO_PAYLOAD_COLUMNS = 'NULL AS input, NULL AS output, NULL AS custom_status, NULL AS failure_details';

export async function queryInstances(sql: Sql, hub: string, query: InstanceQuery): Promise<InstancePage> {
  const params: unknown[] = [hub];
  const where = ['hub = $1'];
  const add = (clause: (n: number) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (query.statuses !== undefined && query.statuses.length > 0) add((n) => `status = ANY($${n}::text[])`, [...new Set(query.statuses)]);
  where.push(...filterClauses(query, params));
  if (query.after !== undefined) {
    params.push(query.after.createdAt, query.after.instanceId);
    const n = params.length;
    const cmp = query.descending === true ? '<' : '>';
    where.push(`(created_at, instance_id COLLATE "C") ${cmp} ($${n - 1}, $${n})`);
  }
  params.push(query.limit + 1);
  const order = query.descending === true ? 'created_at DESC, instance_id COLLATE "C" DESC' : 'created_at, instance_id COLLATE "C"';
  const columns = `${BASE_COLUMNS}, ${query.includePayloads ? PAYLOAD_COLUMNS : NO_PAYLOAD_COLUMNS}`;
  const { rows } = await sql.query<InstanceRow>(
    `SELECT ${columns} FROM instances WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`,
    params,
  );
  const { instances, last } = pageOf(rows, query.limit, hub);
  return last === undefined ? { instances } : { instances, next: { createdAt: last.created_at, instanceId: last.instance_id } };
}

/**
 * In (last_updated_at, instance_id) order: one ordered range of the (hub, status,
 * last_updated_at, instance_id) index per status (a LATERAL subquery each, `limit + 1` rows at
 * most), merged by the outer ORDER BY, so a page costs O(statuses x limit).
 */
export async function queryInstancesByLastUpdate(sql: Sql, hub: string, query: LastUpdateQuery): Promise<LastUpdatePage> {
  const statuses = query.statuses !== undefined && query.statuses.length > 0 ? [...new Set(query.statuses)] : ORCHESTRATION_STATUSES;
  const params: unknown[] = [hub, statuses];
  const where = ['hub = $1', 'status = s.status', ...filterClauses(query, params)];
  const cmp = query.descending === true ? '<' : '>';
  if (query.after !== undefined) {
    params.push(query.after.lastUpdatedAt, query.after.instanceId);
    const n = params.length;
    where.push(`(last_updated_at, instance_id COLLATE "C") ${cmp} ($${n - 1}, $${n})`);
  }
  params.push(query.limit + 1);
  const dir = query.descending === true ? 'DESC' : 'ASC';
  const order = (table: string) => `${table}last_updated_at ${dir}, ${table}instance_id COLLATE "C" ${dir}`;
  const columns = `${BASE_COLUMNS}, ${query.includePayloads ? PAYLOAD_COLUMNS : NO_PAYLOAD_COLUMNS}`;
  const { rows } = await sql.query<InstanceRow>(
    `SELECT x.* FROM unnest($2::text[]) AS s(status) CROSS JOIN LATERAL (
       SELECT ${columns} FROM instances WHERE ${where.join(' AND ')} ORDER BY ${order('')} LIMIT $${params.length}
     ) x ORDER BY ${order('x.')} LIMIT $${params.length}`,
    params,
  );
  const { instances, last } = pageOf(rows, query.limit, hub);
  return last === undefined ? { instances } : { instances, next: { lastUpdatedAt: last.last_updated_at, instanceId: last.instance_id } };
}

/** The first `limit` of `limit + 1` rows read, and the last of them when the extra row shows that more follow. */
function pageOf(rows: InstanceRow[], limit: number, hub: string): { instances: InstanceRecord[]; last?: InstanceRow } {
  const page = rows.slice(0, limit);
  const instances = page.map((row) => instanceOf(row, hub));
  const last = page[page.length - 1];
  return rows.length > limit && last !== undefined ? { instances, last } : { instances };
}

export async function listInstanceIds(sql: Sql, hub: string, query: CompletedInstanceQuery): Promise<InstanceIdPage> {
  const params: unknown[] = [hub];
  const where = ['hub = $1', 'completed_at IS NOT NULL'];
  const add = (clause: (n: number) => string, value: unknown): void => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (query.statuses !== undefined && query.statuses.length > 0) add((n) => `status = ANY($${n}::text[])`, [...new Set(query.statuses)]);
  if (query.completedFrom !== undefined) add((n) => `completed_at >= $${n}`, query.completedFrom);
  if (query.completedTo !== undefined) add((n) => `completed_at < $${n}`, query.completedTo);
  if (query.after !== undefined) {
    params.push(query.after.completedAt, query.after.instanceId);
    const n = params.length;
    where.push(`(completed_at, instance_id COLLATE "C") > ($${n - 1}, $${n})`);
  }
  params.push(query.limit + 1);
  const { rows } = await sql.query<{ instance_id: string; completed_at: number }>(
    `SELECT instance_id, completed_at FROM instances WHERE ${where.join(' AND ')}
     ORDER BY completed_at, instance_id COLLATE "C" LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const instanceIds = page.map((row) => row.instance_id);
  if (rows.length <= query.limit || last === undefined) return { instanceIds };
  return { instanceIds, next: { completedAt: last.completed_at, instanceId: last.instance_id } };
}

/** Deletes the listed instances whose status is one of `statuses`, with everything they own (their leases end). */
export async function purgeInstances(tx: Tx, hub: TaskHubName, request: PurgeRequest): Promise<string[]> {
  const { rows } = await tx.sql.query<{ instance_id: string }>(
    `DELETE FROM instances WHERE hub = $1 AND instance_id = ANY($2::text[]) AND status = ANY($3::text[]) RETURNING instance_id`,
    [hub, [...new Set(request.instanceIds)], [...request.statuses]],
  );
  const purged = rows.map((row) => row.instance_id);
  if (purged.length === 0) return [];
  for (const table of ['history', 'inbox', 'activity_tasks']) {
    await tx.sql.query(`DELETE FROM ${table} WHERE hub = $1 AND instance_id = ANY($2::text[])`, [hub, purged]);
  }
  const order = new Map(request.instanceIds.map((id, i) => [id, i]));
  return purged.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
