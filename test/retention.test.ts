/**
 * The retention job against the real SQLite store with a manual clock: terminal instances older
 * than their status's retention are purged, younger ones and non-terminal ones never are, other
 * hubs are untouched, and a sweep works in bounded batches.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrchestrationStatus } from '../src/domain/history-event.ts';
import type { TaskHubName } from '../src/domain/instance.ts';
import { RetentionJob, type RetentionTarget } from '../src/engine/retention.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { newInstance, T0 } from './store-conformance/fixtures.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { sqliteOptions } from './support/store-options.ts';

const DAY = 24 * 60 * 60 * 1000;
const HUB = 'sub/rg/sched/hub' as TaskHubName;
const OTHER = 'other' as TaskHubName;

async function openStore(): Promise<Store> {
  const store = openSqliteStore(sqliteOptions(':memory:'));
  await store.migrate();
  await store.createTaskHub(HUB, T0);
  await store.createTaskHub(OTHER, T0);
  return store;
}

async function put(store: Store, id: string, status: OrchestrationStatus, completedAt?: number, hub = HUB): Promise<void> {
  const record = { status, createdAt: T0, lastUpdatedAt: completedAt ?? T0, ...(completedAt === undefined ? {} : { completedAt }) };
  assert.deepEqual(await store.createInstance(hub, newInstance(id, { record }), T0), { created: true });
}

async function existing(store: Store, ids: string[], hub = HUB): Promise<string[]> {
  const found: string[] = [];
  for (const id of ids) if ((await store.getInstance(hub, id)) !== undefined) found.push(id);
  return found;
}

function job(store: Store, clock: ManualClock, targets: RetentionTarget[], batchSize = 100, batchesPerSweepMax = 100): RetentionJob {
  return new RetentionJob({ store, clock, targets: async () => targets, log: silentLogger }, { batchSize, batchesPerSweepMax, intervalMs: 60_000 });
}

test('terminal instances past their retention are purged; younger and non-terminal ones are kept', async () => {
  const store = await openStore();
  const clock = new ManualClock(T0);
  await put(store, 'completed-old', 'COMPLETED', T0);
  await put(store, 'completed-young', 'COMPLETED', T0 + 1.5 * DAY);
  await put(store, 'failed-old', 'FAILED', T0);
  await put(store, 'terminated', 'TERMINATED', T0 + 1.9 * DAY);
  await put(store, 'canceled', 'CANCELED', T0);
  await put(store, 'running', 'RUNNING');
  await put(store, 'pending', 'PENDING');
  await put(store, 'suspended', 'SUSPENDED');
  await put(store, 'other-hub-completed', 'COMPLETED', T0, OTHER);
  const all = ['completed-old', 'completed-young', 'failed-old', 'terminated', 'canceled', 'running', 'pending', 'suspended'];
  // Default 30 days; Completed 1 day; Terminated 0 days; Canceled kept for ever (no rule).
  const targets: RetentionTarget[] = [{ hub: HUB, keepMs: { COMPLETED: 1 * DAY, FAILED: 30 * DAY, TERMINATED: 0 } }];
  const retention = job(store, clock, targets);

  clock.advance(2 * DAY);
  assert.equal(await retention.sweep(), 2);
  assert.deepEqual(await existing(store, all), ['completed-young', 'failed-old', 'canceled', 'running', 'pending', 'suspended']);
  assert.deepEqual(await store.readHistory(HUB, 'completed-old'), []);

  clock.advance(29 * DAY);
  assert.equal(await retention.sweep(), 2);
  assert.deepEqual(await existing(store, all), ['canceled', 'running', 'pending', 'suspended']);

  clock.advance(365 * DAY);
  assert.equal(await retention.sweep(), 0);
  assert.deepEqual(await existing(store, ['other-hub-completed'], OTHER), ['other-hub-completed'], 'hubs without a policy are untouched');
  await store.close();
});

test('a sweep purges in bounded batches and leaves the rest for the next sweep', async () => {
  const store = await openStore();
  const clock = new ManualClock(T0 + 10 * DAY);
  const ids = Array.from({ length: 25 }, (_, i) => `done-${String(i).padStart(2, '0')}`);
  for (const id of ids) await put(store, id, 'COMPLETED', T0);
  await put(store, 'still-running', 'RUNNING');
  const retention = job(store, clock, [{ hub: HUB, keepMs: { COMPLETED: DAY } }], 10, 2);
  assert.equal(await retention.sweep(), 20);
  assert.equal((await existing(store, ids)).length, 5);
  assert.equal(await retention.sweep(), 5);
  assert.deepEqual(await existing(store, [...ids, 'still-running']), ['still-running']);
  await store.close();
});

test('an instance that completes exactly at the cut-off is kept until it is older', async () => {
  const store = await openStore();
  const clock = new ManualClock(T0);
  await put(store, 'edge', 'COMPLETED', T0);
  const retention = job(store, clock, [{ hub: HUB, keepMs: { COMPLETED: DAY } }]);
  clock.advance(DAY);
  assert.equal(await retention.sweep(), 0);
  clock.advance(1);
  assert.equal(await retention.sweep(), 1);
  await store.close();
});
