/**
 * What only a shared database has, tested with several PostgreSQL stores (nodes) over one
 * database: concurrent migration, events of one node reaching the others by NOTIFY, the safety
 * poll, leases seen by every node, re-loading a claimed item by its lease on another node,
 * leases released when a store closes, and a database restart surfacing as UNAVAILABLE and
 * then healing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isServerError } from '../src/domain/errors.ts';
import { openPostgresStore, type PostgresStoreOptions } from '../src/store/postgres/postgres-store.ts';
import type { Store, StoreEvent } from '../src/store/store.ts';
import { HUB, T0, claimActivities, claimOne, claimOrchestrations, completionOf, create, newInstance, task } from './store-conformance/fixtures.ts';
import { PostgresServer } from './support/postgres-server.ts';
import { eventually } from './support/wait.ts';
import { postgresOptions } from './support/store-options.ts';

let server: PostgresServer | undefined;
const open: Store[] = [];

before(async () => {
  server = await PostgresServer.start();
});
after(async () => {
  await Promise.allSettled(open.map((s) => s.close()));
  await server?.dispose();
});

async function nodes(count: number, options: Partial<PostgresStoreOptions> = {}): Promise<Store[]> {
  if (server === undefined) throw new Error('PostgreSQL did not start');
  const url = await server.createDatabase('nodes');
  const stores = Array.from({ length: count }, () => openPostgresStore(postgresOptions(url, { safetyPollMs: 0, connectionsMax: 3, log: () => undefined, ...options })));
  open.push(...stores);
  await Promise.all(stores.map((s) => s.migrate()));
  await stores[0]?.createTaskHub(HUB, T0);
  return stores;
}

test('several nodes migrate the same new database at once', async () => {
  const stores = await nodes(4);
  assert.deepEqual(await stores[3]?.listTaskHubs(), [HUB]);
});

test("one node's writes reach the other nodes' subscribers; its own are not delivered twice", async () => {
  const [a, b] = (await nodes(2)) as [Store, Store];
  const atA: StoreEvent[] = [];
  const atB: StoreEvent[] = [];
  a.subscribe((e) => atA.push(e));
  b.subscribe((e) => atB.push(e));
  await create(a, newInstance('x'));
  await eventually('the event at node b', async () => (atB.some((e) => e.type === 'instance' && e.instanceId === 'x') ? true : undefined), 5000, 10);
  assert.ok(atB.some((e) => e.type === 'work' && e.kind === 'orchestration' && e.visibleAt === T0));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(atA.filter((e) => e.type === 'instance').length, 1, 'node a saw its own event once');
});

test('the safety poll wakes every hub even without notifications', async () => {
  const [a] = (await nodes(1, { safetyPollMs: 100 })) as [Store];
  const events: StoreEvent[] = [];
  a.subscribe((e) => events.push(e));
  await eventually('poll wake-ups', async () => (events.some((e) => e.type === 'work' && e.hub === HUB && e.kind === 'activity') ? true : undefined), 5000, 20);
});

test('a lease taken on one node holds on the others; another node can re-load and complete the claimed item', async () => {
  const [a, b] = (await nodes(2)) as [Store, Store];
  await create(a, newInstance('r'));
  const item = await claimOne(a, T0, 'r');
  assert.equal((await claimOrchestrations(b, T0 + 1)).items.length, 0, 'leased for node b too');
  const reloaded = await b.getClaimedOrchestrationWork(HUB, item.lease.token, T0 + 1);
  assert.deepStrictEqual(reloaded, item);
  await b.completeOrchestrationWork(HUB, completionOf(item, T0 + 1, { activities: [task('r', 1)] }), T0 + 1);
  assert.deepEqual(await a.renewLeases(HUB, [item.lease.token], T0 + 99_999, T0 + 2), [item.lease.token], 'node a sees the lease gone');
  const [activity] = (await claimActivities(a, T0 + 2)).items;
  assert.ok(activity);
  assert.deepStrictEqual(await b.getClaimedActivityWork(HUB, activity.lease.token, T0 + 2), activity);
  assert.equal(await b.getClaimedActivityWork(HUB, activity.lease.token, activity.lease.expiresAt), undefined, 'not after expiry');
});

test('a store that closes releases its leases: another node claims the work at once', async () => {
  const [a, b] = (await nodes(2)) as [Store, Store];
  await create(a, newInstance('c'));
  const item = await claimOne(a, T0, 'c');
  await a.close();
  const again = await claimOne(b, T0 + 1, 'c');
  assert.equal(again.lease.attempt, 2);
  assert.deepEqual(again.messages, item.messages);
});

test('a database restart fails calls with UNAVAILABLE, then the pool reconnects', async () => {
  const [a] = (await nodes(1)) as [Store];
  await create(a, newInstance('d'));
  await server?.stop();
  await assert.rejects(a.getInstance(HUB, 'd'), (e) => isServerError(e, 'UNAVAILABLE'));
  await assert.rejects(a.createInstance(HUB, newInstance('e'), T0), (e) => isServerError(e, 'UNAVAILABLE'));
  await server?.restart();
  const instance = await eventually('the store to reconnect', async () => a.getInstance(HUB, 'd').catch(() => undefined), 10_000, 100);
  assert.equal(instance.instanceId, 'd');
});
