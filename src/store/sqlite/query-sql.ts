/**
 * The management reads of the SQLite store: instance queries and completed-instance id lists,
 * both with key-set paging. Statements are built per filter shape (which filters are present)
 * and cached, so each shape is prepared once. Every query walks an index of migration 2; none
 * scans the instances table.
 */
import type Database from 'better-sqlite3';
import type { OrchestrationStatus } from '../../domain/history-event.ts';
import type { CompletedInstanceQuery, InstanceCountFilter, InstanceIdPage, InstancePage, InstanceQuery, InstanceQueryCursor } from '../store.ts';
import { toInstanceRecord, type InstanceRow } from './rows.ts';

const PAYLOAD_COLUMNS = 'input, output, custom_status, failure_details';
const NO_PAYLOAD_COLUMNS = 'NULL AS input, NULL AS output, NULL AS custom_status, NULL AS failure_details';
const BASE_COLUMNS = `instance_id, execution_id, name, version, status, created_at, last_updated_at, completed_at,
  scheduled_start_at, parent_instance_id, tags`;
/** The largest code point: every id that starts with a prefix sorts below prefix + this. */
const MAX_CHAR = '\u{10FFFF}';

interface InstanceShape {
  status: boolean;
  from: boolean;
  to: boolean;
  prefix: boolean;
  after: boolean;
  payloads: boolean;
  name: boolean;
  tag: boolean;
  desc: boolean;
}

export class QuerySql {
  readonly #db: Database.Database;
  readonly #cache = new Map<string, Database.Statement<unknown[], InstanceRow>>();
  readonly #countCache = new Map<string, Database.Statement<unknown[], { status: OrchestrationStatus; n: number }>>();
  readonly #idCache = new Map<string, Database.Statement<unknown[], { instance_id: string; completed_at: number }>>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * Several statuses are read as one ordered range per status and merged here: each range walks
   * the (hub, status, created_at, instance_id) index in order and stops after `limit + 1` rows,
   * so a page costs O(statuses x limit) however many instances match.
   */
  queryInstances(hub: string, query: InstanceQuery): InstancePage {
    const statuses: (OrchestrationStatus | undefined)[] = query.statuses !== undefined && query.statuses.length > 0 ? [...new Set(query.statuses)] : [undefined];
    const rows: InstanceRow[] = [];
    for (const status of statuses) rows.push(...this.#instanceRange(hub, query, status));
    if (statuses.length > 1) rows.sort(query.descending === true ? (a, b) => compareRows(b, a) : compareRows);
    const page = rows.slice(0, query.limit);
    const instances = page.map((row) => toInstanceRecord(row, `instance ${hub}/${row.instance_id}`));
    const last = page[page.length - 1];
    if (rows.length <= query.limit || last === undefined) return { instances };
    return { instances, next: { createdAt: last.created_at, instanceId: last.instance_id } };
  }

  #instanceRange(hub: string, query: InstanceQuery, status: OrchestrationStatus | undefined): InstanceRow[] {
    const shape: InstanceShape = {
      status: status !== undefined,
      from: query.createdFrom !== undefined,
      to: query.createdTo !== undefined,
      prefix: query.instanceIdPrefix !== undefined && query.instanceIdPrefix !== '',
      after: query.after !== undefined,
      payloads: query.includePayloads,
      name: query.nameContains !== undefined && query.nameContains !== '',
      tag: query.tagContains !== undefined && query.tagContains !== '',
      desc: query.descending === true,
    };
    const params: unknown[] = [hub];
    if (status !== undefined) params.push(status);
    if (query.createdFrom !== undefined) params.push(query.createdFrom);
    if (query.createdTo !== undefined) params.push(query.createdTo);
    if (shape.prefix) params.push(query.instanceIdPrefix, `${query.instanceIdPrefix}${MAX_CHAR}`);
    if (shape.name) params.push(query.nameContains?.toLowerCase());
    if (shape.tag) params.push(query.tagContains?.toLowerCase());
    if (query.after !== undefined) params.push(...cursorParams(query.after));
    params.push(query.limit + 1);
    return this.#instanceStatement(shape).all(...params);
  }

  #instanceStatement(shape: InstanceShape): Database.Statement<unknown[], InstanceRow> {
    const key = JSON.stringify(shape);
    let statement = this.#cache.get(key);
    if (statement !== undefined) return statement;
    const where = ['hub = ?'];
    if (shape.status) where.push('status = ?');
    if (shape.from) where.push('created_at >= ?');
    if (shape.to) where.push('created_at < ?');
    if (shape.prefix) where.push('instance_id >= ? AND instance_id < ?');
    if (shape.name) where.push('instr(lower(name), ?) > 0');
    if (shape.tag) where.push('instr(lower(tags), ?) > 0');
    const cmp = shape.desc ? '<' : '>';
    if (shape.after) where.push(`(created_at ${cmp} ? OR (created_at = ? AND instance_id ${cmp} ?))`);
    const order = shape.desc ? 'created_at DESC, instance_id DESC' : 'created_at, instance_id';
    const columns = `${BASE_COLUMNS}, ${shape.payloads ? PAYLOAD_COLUMNS : NO_PAYLOAD_COLUMNS}`;
    statement = this.#db.prepare<unknown[], InstanceRow>(
      `SELECT ${columns} FROM instances WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    );
    this.#cache.set(key, statement);
    return statement;
  }

  /** One grouped count over the (hub, status, created_at, instance_id) index. */
  countByStatus(hub: string, filter: InstanceCountFilter): Partial<Record<OrchestrationStatus, number>> {
    const where = ['hub = ?'];
    const params: unknown[] = [hub];
    if (filter.createdFrom !== undefined) where.push('created_at >= ?'), params.push(filter.createdFrom);
    if (filter.createdTo !== undefined) where.push('created_at < ?'), params.push(filter.createdTo);
    if (filter.instanceIdPrefix !== undefined && filter.instanceIdPrefix !== '') {
      where.push('instance_id >= ? AND instance_id < ?');
      params.push(filter.instanceIdPrefix, `${filter.instanceIdPrefix}${MAX_CHAR}`);
    }
    if (filter.nameContains !== undefined && filter.nameContains !== '') where.push('instr(lower(name), ?) > 0'), params.push(filter.nameContains.toLowerCase());
    if (filter.tagContains !== undefined && filter.tagContains !== '') where.push('instr(lower(tags), ?) > 0'), params.push(filter.tagContains.toLowerCase());
    const sql = `SELECT status, COUNT(*) AS n FROM instances WHERE ${where.join(' AND ')} GROUP BY status`;
    let statement = this.#countCache.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare<unknown[], { status: OrchestrationStatus; n: number }>(sql);
      this.#countCache.set(sql, statement);
    }
    const counts: Partial<Record<OrchestrationStatus, number>> = {};
    for (const row of statement.all(...params)) counts[row.status] = row.n;
    return counts;
  }

  listInstanceIds(hub: string, query: CompletedInstanceQuery): InstanceIdPage {
    const statuses = query.statuses !== undefined && query.statuses.length > 0 ? [...new Set(query.statuses)] : [];
    const shape = { statuses: statuses.length, from: query.completedFrom !== undefined, to: query.completedTo !== undefined, after: query.after !== undefined };
    const params: unknown[] = [hub];
    if (query.completedFrom !== undefined) params.push(query.completedFrom);
    if (query.completedTo !== undefined) params.push(query.completedTo);
    if (query.after !== undefined) params.push(query.after.completedAt, query.after.completedAt, query.after.instanceId);
    params.push(...statuses, query.limit + 1);
    const rows = this.#idStatement(shape).all(...params);
    const page = rows.slice(0, query.limit);
    const instanceIds = page.map((row) => row.instance_id);
    const last = page[page.length - 1];
    if (rows.length <= query.limit || last === undefined) return { instanceIds };
    return { instanceIds, next: { completedAt: last.completed_at, instanceId: last.instance_id } };
  }

  #idStatement(shape: { statuses: number; from: boolean; to: boolean; after: boolean }) {
    const key = JSON.stringify(shape);
    let statement = this.#idCache.get(key);
    if (statement !== undefined) return statement;
    const where = ['hub = ?', 'completed_at IS NOT NULL'];
    if (shape.from) where.push('completed_at >= ?');
    if (shape.to) where.push('completed_at < ?');
    if (shape.after) where.push('(completed_at > ? OR (completed_at = ? AND instance_id > ?))');
    if (shape.statuses > 0) where.push(`status IN (${new Array(shape.statuses).fill('?').join(', ')})`);
    statement = this.#db.prepare<unknown[], { instance_id: string; completed_at: number }>(
      `SELECT instance_id, completed_at FROM instances WHERE ${where.join(' AND ')} ORDER BY completed_at, instance_id LIMIT ?`,
    );
    this.#idCache.set(key, statement);
    return statement;
  }
}

function cursorParams(after: InstanceQueryCursor): unknown[] {
  return [after.createdAt, after.createdAt, after.instanceId];
}

function compareRows(a: InstanceRow, b: InstanceRow): number {
  if (a.created_at !== b.created_at) return a.created_at - b.created_at;
  return a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0;
}
