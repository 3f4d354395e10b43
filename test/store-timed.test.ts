/**
 * The timed store (src/store/timed-store.ts) over the real SQLite store in memory: every call is
 * observed once with its method and outcome, results and errors come through unchanged,
 * `subscribe` and plain properties pass through untimed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store, StoreEvent } from '../src/store/store.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { timedStore } from '../src/store/timed-store.ts';
import { HUB, T0, create, newInstance } from './store-conformance/fixtures.ts';
import { sqliteOptions } from './support/store-options.ts';

type Observed = { method: string; seconds: number; ok: boolean; error?: unknown };

function timed(store: Store): { store: Store; observed: Observed[] } {
  const observed: Observed[] = [];
  return { store: timedStore(store, (method, seconds, ok, error) => observed.push(error === undefined ? { method, seconds, ok } : { method, seconds, ok, error })), observed };
}

test('each call is observed once with its method; results, events and properties come through the real store', async () => {
  const real = openSqliteStore(sqliteOptions(':memory:'));
  const { store, observed } = timed(real);
  const events: StoreEvent[] = [];
  const unsubscribe = store.subscribe((event) => events.push(event));
  assert.deepEqual(store.capabilities, real.capabilities);
  await store.migrate();
  await store.createTaskHub(HUB, T0);
  await create(store, newInstance('timed-1'));
  assert.deepEqual(await store.listTaskHubs(), [HUB]);
  assert.equal((await store.getInstance(HUB, 'timed-1'))?.instanceId, 'timed-1');
  assert.deepEqual(observed.map((o) => [o.method, o.ok]), [['migrate', true], ['createTaskHub', true], ['createInstance', true], ['listTaskHubs', true], ['getInstance', true]]);
  for (const { seconds } of observed) assert.ok(seconds >= 0 && seconds < 60, `a duration in seconds: ${seconds}`);
  assert.ok(events.some((e) => e.type === 'instance' && e.instanceId === 'timed-1'), 'subscribe reaches the real store');
  unsubscribe();
  await store.close();
  const rejected = await store.listTaskHubs().then(() => undefined, (error: unknown) => error);
  assert.ok(rejected !== undefined, 'a call on a closed store rejects');
  assert.deepEqual(observed.slice(-2).map((o) => [o.method, o.ok, o.error]), [['close', true, undefined], ['listTaskHubs', false, rejected]]);
});

test('a synchronous result and a synchronous throw are observed and passed on as they are', () => {
  const failure = new RangeError('no');
  const plain = { size: 3, count: (n: number) => n + 1, refuse: () => { throw failure; }, subscribe: () => () => undefined };
  const { store, observed } = timed(plain as unknown as Store);
  const wrapped = store as unknown as typeof plain;
  assert.equal(wrapped.count(1), 2);
  assert.throws(() => wrapped.refuse(), (error) => error === failure);
  assert.equal(wrapped.size, 3);
  plain.size = 4;
  assert.equal(wrapped.size, 4, 'a plain property is read from the store when read');
  assert.deepEqual(observed.map((o) => [o.method, o.ok, o.error]), [['count', true, undefined], ['refuse', false, failure]]);
});
