/**
 * The management reads of the SQLite store: instance queries and completed-instance id lists,
 * both with key-set paging. Statements are built per filter shape (which filters are present)
 * and cached, so each shape is prepared once. Every query walks an index of migration 2 or 5;
 * none scans the instances table.
 */
import type Database from 'better-sqlite3';
import { ORCHESTRATION_STATUSES, type OrchestrationStatus } from '../../domain/history-event.ts';
import type { CompletedInstanceQuery, InstanceCountFilter, InstanceIdPage, InstancePage, InstanceQuery, LastUpdatePage, LastUpdateQuery } from '../read-model.ts';
import { toInstanceRecord, type InstanceRow } from '../rows.ts';

const PAYLOAD_COLUMNS = 'input, output, custom_status, failure_details';
const NO_PAYLOAD_COLUMNS = 'NULL AS input, NULL AS output, NULL AS custom_status, NULL AS failure_details';
const BASE_COLUMNS = `instance_id, execution_id, name, version, status, created_at, last_updated_at, completed_at,
  scheduled_start_at, parent_instance_id, tags`;
/** The largest code point: every id that starts with a prefix sorts below prefix + this. */
const MAX_CHAR = '\u{10FFFF}';

/** Which key orders a query: (created_at, instance_id) or (last_updated_at, instance_id). */
type OrderKey = 'created_at' | 'last_updated_at';

interface InstanceShape {
  key: OrderKey;
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
    const after = query.after === undefined ? undefined : { key: query.after.createdAt, instanceId: query.after.instanceId };
    const { instances, last } = this.#ordered(hub, query, 'created_at', query.statuses ?? [], after);
    return last === undefined ? { instances } : { instances, next: { createdAt: last.created_at, instanceId: last.instance_id } };
  }

  /** As queryInstances over the (hub, status, last_updated_at, instance_id) index: every status is a range of its own. */
  queryInstancesByLastUpdate(hub: string, query: LastUpdateQuery): LastUpdatePage {
    const after = query.after === undefined ? undefined : { key: query.after.lastUpdatedAt, instanceId: query.after.instanceId };
    const statuses = query.statuses !== undefined && query.statuses.length > 0 ? query.statuses : ORCHESTRATION_STATUSES;
    const { instances, last } = this.#ordered(hub, query, 'last_updated_at', statuses, after);
    return last === undefined ? { instances } : { instances, next: { lastUpdatedAt: last.last_updated_at, instanceId: last.instance_id } };
  }

  /** One page in `key` order; `last` is the page's last row when more rows follow it. */
  #ordered(hub: string, query: Omit<InstanceQuery, 'after'>, key: OrderKey, statuses: readonly OrchestrationStatus[], after: Cursor | undefined) {
    const ranges: (OrchestrationStatus | undefined)[] = statuses.length > 0 ? [...new Set(statuses)] : [undefined];
    const rows: InstanceRow[] = [];
    for (const status of ranges) rows.push(...this.#instanceRange(hub, query, key, status, after));
    if (ranges.length > 1) {
      const compare = compareRows(key);
      rows.sort(query.descending === true ? (a, b) => compare(b, a) : compare);
    }
    const page = rows.slice(0, query.limit);
    const instances = page.map((row) => toInstanceRecord(row, `instance ${hub}/${row.instance_id}`));
    return { instances, last: rows.length > query.limit ? page[page.length - 1] : undefined };
  }

  #instanceRange(hub: string, query: Omit<InstanceQuery, 'after'>, key: OrderKey, status: OrchestrationStatus | undefined, after: Cursor | undefined): InstanceRow[] {
    const shape: InstanceShape = {
      key,
      status: status !== undefined,
      from: query.createdFrom !== undefined,
      to: query.createdTo !== undefined,
      prefix: query.instanceIdPrefix !== undefined && query.instanceIdPrefix !== '',
      after: after !== undefined,
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
    if (after !== undefined) params.push(after.key, after.instanceId);
    params.push(query.limit + 1);
    return this.#instanceStatement(shape).all(...params);
  }

  #instanceStatement(shape: InstanceShape): Database.Statement<unknown[], InstanceRow> {
    const cacheKey = JSON.stringify(shape);
    let statement = this.#cache.get(cacheKey);
    if (statement !== undefined) return statement;
    const { key } = shape;
    // With a cursor in creation order, the cursor is the index bound on its side of the created
    // window; a unary + keeps SQLite from seeking to the window's bound instead (and walking
    // every row from there to the cursor).
    const cursorSide = (lower: boolean) => (shape.after && key === 'created_at' && lower !== shape.desc ? '+' : '');
    const where = ['hub = ?'];
    if (shape.status) where.push('status = ?');
    if (shape.from) where.push(`${cursorSide(true)}created_at >= ?`);
    if (shape.to) where.push(`${cursorSide(false)}created_at < ?`);
    if (shape.prefix) where.push('instance_id >= ? AND instance_id < ?');
    if (shape.name) where.push('instr(lower(name), ?) > 0');
    if (shape.tag) where.push('instr(lower(tags), ?) > 0');
    // A row value, not `key < ? OR (key = ? AND id < ?)`: SQLite seeks the index to a row-value
    // bound, while the OR form is only a filter, and every page would walk all the rows before it.
    if (shape.after) where.push(`(${key}, instance_id) ${shape.desc ? '<' : '>'} (?, ?)`);
    const order = shape.desc ? `${key} DESC, instance_id DESC` : `${key}, instance_id`;
    const columns = `${BASE_COLUMNS}, ${shape.payloads ? PAYLOAD_COLUMNS : NO_PAYLOAD_COLUMNS}`;
    statement = this.#db.prepare<unknown[], InstanceRow>(
      `SELECT ${columns} FROM instances INDEXED BY ${indexOf(shape)} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    );
    this.#cache.set(cacheKey, statement);
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
    if (query.after !== undefined) params.push(query.after.completedAt, query.after.instanceId);
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
    // As in #instanceStatement: the cursor, not completedFrom, is the index's lower bound.
    if (shape.from) where.push(`${shape.after ? '+' : ''}completed_at >= ?`);
    if (shape.to) where.push('completed_at < ?');
    if (shape.after) where.push('(completed_at, instance_id) > (?, ?)');
    if (shape.statuses > 0) where.push(`status IN (${new Array(shape.statuses).fill('?').join(', ')})`);
    statement = this.#db.prepare<unknown[], { instance_id: string; completed_at: number }>(
      `SELECT instance_id, completed_at FROM instances WHERE ${where.join(' AND ')} ORDER BY completed_at, instance_id LIMIT ?`,
    );
    this.#idCache.set(key, statement);
    return statement;
  }
}

/**
 * The index that serves a shape in its order. Named, because without table statistics SQLite
 * may prefer the created-time index for a status range and filter the other statuses out.
 */
function indexOf(shape: InstanceShape): string {
  if (shape.key === 'last_updated_at') return 'instances_by_status_updated';
  return shape.status ? 'instances_by_status_created_id' : 'instances_by_created_id';
}

/** A key-set position: the order key's value and the instance id. */
interface Cursor {
  key: number;
  instanceId: string;
}

function compareRows(key: OrderKey): (a: InstanceRow, b: InstanceRow) => number {
  return (a, b) => {
    if (a[key] !== b[key]) return a[key] - b[key];
    return a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0;
  };
}
