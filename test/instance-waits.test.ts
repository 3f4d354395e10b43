/**
 * A long-poll wait (engine/client-api.ts) ends with its caller: against the real SQLite store,
 * a caller that goes away mid-wait, or had gone before the wait began, gets CANCELLED and leaves
 * no waiter behind; a wait whose condition comes true returns the instance. The wire's view of
 * the same (RST_STREAM, grpc-timeout) is in test/protocol/grpc-transport.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS } from '../src/domain/limits.ts';
import { ClientApi, type WaitEnd } from '../src/engine/client-api.ts';
import { InstanceWaiters } from '../src/engine/instance-waiters.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { cryptoIdSource } from '../src/lib/ids.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { assertRejectsWithCode, create, HUB, newInstance, T0 } from './store-conformance/fixtures.ts';
import { sqliteOptions } from './support/store-options.ts';

/** A caller that ends when told to, as a call does (transport/grpc-call.ts). */
class Caller implements WaitEnd {
  ended = false;
  #listeners: (() => void)[] = [];
  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.#listeners.push(listener);
  }
  end(): void {
    this.ended = true;
    for (const listener of this.#listeners.splice(0)) listener();
  }
}

async function setUp() {
  const store = openSqliteStore(sqliteOptions(':memory:'));
  await store.migrate();
  await create(store, newInstance('waited'));
  const waiters = new InstanceWaiters();
  const clients = new ClientApi({ store, clock: new ManualClock(T0), ids: cryptoIdSource(), limits: DEFAULT_LIMITS, waiters });
  return { store, waiters, clients };
}

/** Lets the wait read the instance and register. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a wait whose caller ends is CANCELLED and unregisters its waiter', async () => {
  const { store, waiters, clients } = await setUp();
  const caller = new Caller();
  const wait = clients.waitForInstance(HUB, 'waited', 'completion', caller);
  await settle();
  assert.deepEqual(waiters.waited(), [{ hub: HUB, instanceId: 'waited' }]);
  caller.end();
  await assertRejectsWithCode(wait, 'CANCELLED');
  assert.deepEqual(waiters.waited(), []);
  await store.close();
});

test('a wait whose caller had already ended is CANCELLED at once', async () => {
  const { store, waiters, clients } = await setUp();
  const caller = new Caller();
  caller.end();
  await assertRejectsWithCode(clients.waitForInstance(HUB, 'waited', 'start', caller), 'CANCELLED');
  assert.deepEqual(waiters.waited(), []);
  await store.close();
});

test('a wait returns the instance once its condition holds, and a caller ending later changes nothing', async () => {
  const { store, waiters, clients } = await setUp();
  const caller = new Caller();
  let returned = false;
  const wait = clients.waitForInstance(HUB, 'waited', 'start', caller).finally(() => {
    returned = true;
  });
  await settle();
  waiters.notify(HUB, 'waited', 'PENDING');
  await settle();
  assert.equal(returned, false, 'still pending: not started');
  waiters.notify(HUB, 'waited', 'RUNNING');
  const instance = await wait;
  assert.equal(instance?.instanceId, 'waited');
  assert.deepEqual(waiters.waited(), []);
  caller.end();
  await store.close();
});
