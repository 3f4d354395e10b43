/**
 * Long-poll waiters (WaitForInstanceCompletion / WaitForInstanceStart) on PostgreSQL when the
 * notification of the change they wait for is lost: the engine of node A waits, node B (another
 * store over the same database) completes the instance while A's notification connection is cut
 * and cannot come back (the database refuses new connections; A's pooled connections stay), so
 * B's NOTIFY never reaches A. The waiter must still return: by its periodic re-read, or, with
 * that off, at once when A's notification connection is back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { DEFAULT_LIMITS } from '../src/domain/limits.ts';
import type { InstanceRecord } from '../src/domain/instance.ts';
import { Engine } from '../src/engine/engine.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { cryptoIdSource } from '../src/lib/ids.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { Store } from '../src/store/store.ts';
import { HUB, T0, claimOne, completionOf, create, newInstance } from './store-conformance/fixtures.ts';
import { PostgresServer } from './support/postgres-server.ts';
import { eventually, sleep } from './support/wait.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { postgresOptions } from './support/store-options.ts';

let server: PostgresServer | undefined;
const stores: Store[] = [];
const engines: Engine[] = [];

before(async () => {
  server = await PostgresServer.start();
});
after(async () => {
  await Promise.allSettled(engines.map((e) => e.stop()));
  await Promise.allSettled(stores.map((s) => s.close()));
  await server?.dispose();
});

/** Runs `sql` on the maintenance database (not the one under test). */
async function admin(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: server?.url() });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** Two nodes' stores over a new database, and an engine on node A with `waitRecheckMs`. */
async function setUp(waitRecheckMs: number): Promise<{ database: string; a: Store; b: Store; engine: Engine }> {
  if (server === undefined) throw new Error('PostgreSQL did not start');
  const url = await server.createDatabase('waiters');
  const [a, b] = [0, 1].map(() => openPostgresStore(postgresOptions(url, { safetyPollMs: 0, connectionsMax: 3, log: () => undefined }))) as [Store, Store];
  stores.push(a, b);
  await a.migrate();
  await b.migrate();
  // Open every pooled connection now: while notifications are cut, no new connection is allowed.
  await Promise.all([a, a, a, b, b, b].map((s) => s.listTaskHubs()));
  const engine = new Engine(
    { store: a, clock: new ManualClock(T0), ids: cryptoIdSource(), log: silentLogger },
    {
      taskHubs: { initial: [HUB], defaultHub: HUB, dynamic: false },
      limits: DEFAULT_LIMITS,
      leaseMs: 30_000,
      claimBatchSizeMax: 50,
      messagesPerEpisodeMax: 100,
      historyStreamingEventsMin: 1000,
      healthPingIntervalMs: 30_000,
      streamInFlightMaxDefault: { orchestration: 10, activity: 10, entity: 10 },
      streamStallMs: 30_000,
      fanIn: { outstandingMin: 100, windowMsMax: 1000, instancesMax: 100 },
      abandonBackoff: { baseMs: 1000, maxMs: 10_000 },
      waitRecheckMs,
    },
  );
  engines.push(engine);
  await engine.start();
  return { database: new URL(url).pathname.slice(1), a, b, engine };
}

/** Cuts every notification connection to `database` and keeps new connections out until the returned function runs. */
async function cutNotifications(database: string): Promise<() => Promise<void>> {
  await admin(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
  const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'dts-listen'`;
  await admin(`SELECT pg_terminate_backend(pid) FROM (${listeners}) l`, [database]);
  await eventually('the notification connections to end', async () => ((await admin(listeners, [database])).rowCount === 0 ? true : undefined), 10_000, 20);
  return async () => {
    await admin(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
  };
}

/** Node B runs the instance's first episode and completes the orchestration. */
async function completeOnB(b: Store, instanceId: string): Promise<void> {
  const item = await claimOne(b, T0 + 1, instanceId);
  await b.completeOrchestrationWork(HUB, completionOf(item, T0 + 1, { instance: { ...item.instance, status: 'COMPLETED', lastUpdatedAt: T0 + 1 } }), T0 + 1);
}

function waitOnA(engine: Engine, instanceId: string): { result: Promise<InstanceRecord | undefined>; settled: () => boolean } {
  let done = false;
  const result = engine.clients.waitForInstance(HUB, instanceId, 'completion', { ended: false, onEnd: () => undefined }).finally(() => {
    done = true;
  });
  return { result, settled: () => done };
}

test('a waiter whose completion notification was lost returns by its periodic re-read', async () => {
  const { database, a, b, engine } = await setUp(100);
  await create(b, newInstance('lost-1'));
  const waiter = waitOnA(engine, 'lost-1');
  const restore = await cutNotifications(database);
  try {
    await completeOnB(b, 'lost-1');
    const record = await waiter.result;
    assert.equal(record?.status, 'COMPLETED');
  } finally {
    await restore();
  }
});

test('with the periodic re-read off, a waiter re-reads as soon as the notification connection is back', async () => {
  const { database, b, engine } = await setUp(0);
  await create(b, newInstance('lost-2'));
  const waiter = waitOnA(engine, 'lost-2');
  const restore = await cutNotifications(database);
  try {
    await completeOnB(b, 'lost-2');
    // Had the notification arrived, the waiter would be done within milliseconds; it is not.
    await sleep(300);
    assert.equal(waiter.settled(), false, 'the NOTIFY of the completion was lost');
  } finally {
    await restore();
  }
  const record = await waiter.result;
  assert.equal(record?.status, 'COMPLETED');
});
