/**
 * The management reads cost O(page), not O(instances): every statement that queryInstances,
 * queryInstancesByLastUpdate and listInstanceIds send is planned by the real database (SQLite
 * in memory, a real PostgreSQL) and must walk an index in its order, seek to a key-set cursor
 * rather than filter up to it, and sort nothing but the merge of one range per status.
 * Conformance (test/store-conformance/) proves what the queries answer; this proves how.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { TaskHubName } from '../src/domain/instance.ts';
import { listInstanceIds, queryInstances, queryInstancesByLastUpdate } from '../src/store/postgres/query-sql.ts';
import { migrateSchema as migratePostgres } from '../src/store/postgres/schema.ts';
import { QuerySql } from '../src/store/sqlite/query-sql.ts';
import { migrateSchema as migrateSqlite } from '../src/store/sqlite/schema.ts';
import type { ReadModel } from '../src/store/read-model.ts';
import { PostgresServer, postgresUnavailableReason } from './support/postgres-server.ts';

const HUB = 'hub' as TaskHubName;
const T = Date.UTC(2026, 0, 1);

/** Every shape of the three reads: filters, both directions, with and without a cursor. */
async function runShapes(store: Pick<ReadModel, 'queryInstances' | 'queryInstancesByLastUpdate' | 'listInstanceIds'>): Promise<void> {
  const filters = [{}, { statuses: ['RUNNING'] as const }, { statuses: ['RUNNING', 'FAILED'] as const }, { createdFrom: T, createdTo: T + 1 },
    { instanceIdPrefix: 'order-', nameContains: 'x', tagContains: 'y' }];
  for (const filter of filters) {
    for (const descending of [false, true]) {
      const base = { ...filter, statuses: filter.statuses === undefined ? [] : [...filter.statuses], descending, includePayloads: false, limit: 10 };
      await store.queryInstances(HUB, base);
      await store.queryInstances(HUB, { ...base, after: { createdAt: T, instanceId: 'i' } });
      await store.queryInstancesByLastUpdate(HUB, base);
      await store.queryInstancesByLastUpdate(HUB, { ...base, after: { lastUpdatedAt: T, instanceId: 'i' } });
    }
  }
  await store.listInstanceIds(HUB, { limit: 10 });
  await store.listInstanceIds(HUB, { statuses: ['COMPLETED'], completedFrom: T, limit: 10, after: { completedAt: T, instanceId: 'i' } });
}

test('SQLite: each management read searches an index in order and seeks to its cursor', async () => {
  const db = new Database(':memory:');
  migrateSqlite(db);
  const statements = new Set<string>();
  const recording = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => (statements.add(sql), target.prepare(sql));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const sql = new QuerySql(recording);
  await runShapes({
    queryInstances: async (hub, q) => sql.queryInstances(hub, q),
    queryInstancesByLastUpdate: async (hub, q) => sql.queryInstancesByLastUpdate(hub, q),
    listInstanceIds: async (hub, q) => sql.listInstanceIds(hub, q),
  });
  assert.ok(statements.size >= 30, `${statements.size} statements`);
  for (const text of statements) {
    const params = new Array((text.match(/\?/g) ?? []).length).fill(1);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params).map((row) => (row as { detail: string }).detail);
    const where = `${text}\n  planned as: ${plan.join(' | ')}`;
    assert.equal(plan.length, 1, where);
    assert.match(plan[0] as string, /^SEARCH instances USING (COVERING )?INDEX instances_by_/, where);
    if (/status = \?/.test(text)) assert.match(plan[0] as string, /INDEX instances_by_status_/, where);
    if (/\) [<>] \(\?, \?\)/.test(text)) assert.match(plan[0] as string, /,instance_id\)[<>]\(\?,\?\)/, `the cursor is not an index bound: ${where}`);
  }
  db.close();
});

const pgSkip = postgresUnavailableReason() ?? false;
let server: PostgresServer | undefined;
before(async () => {
  if (pgSkip === false) server = await PostgresServer.start();
});
after(async () => {
  await server?.dispose();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

test('PostgreSQL: each management read scans an index in order and seeks to its cursor', { skip: pgSkip }, async () => {
  const client = new pg.Client({ connectionString: await (server as PostgresServer).createDatabase() });
  await client.connect();
  try {
    await migratePostgres(client as unknown as pg.PoolClient);
    const statements: [string, unknown[]][] = [];
    const recording = { query: (text: string, params: unknown[]) => (statements.push([text, params]), client.query(text, params)) } as unknown as pg.PoolClient;
    await runShapes({
      queryInstances: (hub, q) => queryInstances(recording, hub, q),
      queryInstancesByLastUpdate: (hub, q) => queryInstancesByLastUpdate(recording, hub, q),
      listInstanceIds: (hub, q) => listInstanceIds(recording, hub, q),
    });
    // With no rows a sequential scan or a sort would be the cheapest plan; make them cost what they do on a large table.
    await client.query('SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off');
    for (const [text, params] of statements) {
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
      const plan = (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
      const all = nodes(plan);
      const where = `${text}\n  planned as: ${JSON.stringify(plan)}`;
      const scans = all.filter((n) => n['Relation Name'] === 'instances');
      assert.ok(scans.length > 0 && scans.every((n) => /^Index (Only )?Scan$/.test(n['Node Type'])), where);
      // The one sort allowed merges the per-status ranges (a nested loop over them), never a scan's rows.
      for (const sort of all.filter((n) => n['Node Type'] === 'Sort')) assert.equal(sort.Plans?.[0]?.['Node Type'], 'Nested Loop', where);
      if (/status = s\.status/.test(text)) assert.ok(scans.every((n) => n['Index Name'] === 'instances_by_status_updated'), where);
      if (/\) [<>] \(\$\d+, \$\d+\)/.test(text)) assert.ok(scans.every((n) => /ROW\(/.test(n['Index Cond'] ?? '')), `the cursor is not an index bound: ${where}`);
    }
    assert.ok(statements.length >= 40, `${statements.length} statements`);
  } finally {
    await client.end();
  }
});
