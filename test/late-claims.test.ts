/**
 * A claim that waited long for the store is renewed before its items go out (engine/late-claims.ts),
 * against the real SQLite store with hand-driven time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renewIfLate } from '../src/engine/late-claims.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { claimOrchestrations, create, HUB, newInstance, T0 } from './store-conformance/fixtures.ts';
import { sqliteOptions } from './support/store-options.ts';

const LEASE_MS = 3000;

async function claimedAt(askedAt: number) {
  const store = openSqliteStore(sqliteOptions(':memory:'));
  await store.migrate();
  await create(store, newInstance('late'));
  const { items } = await claimOrchestrations(store, askedAt, { leaseMs: LEASE_MS });
  assert.equal(items.length, 1);
  return { store, items };
}

test('a claim answered after a third of its lease is renewed from the time it arrived', async () => {
  const { store, items } = await claimedAt(T0);
  const arrived = T0 + 2500;
  const kept = await renewIfLate({ store, clock: { now: () => arrived }, leaseMs: LEASE_MS }, HUB, T0, items);
  assert.deepEqual(kept, items);
  assert.equal((await claimOrchestrations(store, T0 + LEASE_MS + 1)).items.length, 0, 'the first lease would have ended here');
  assert.equal((await claimOrchestrations(store, arrived + LEASE_MS + 1)).items.length, 1, 'the renewed one ends a lease after arrival');
  await store.close();
});

test('a prompt claim is not renewed, and a claim whose lease is already gone is dropped', async () => {
  const prompt = await claimedAt(T0);
  await renewIfLate({ store: prompt.store, clock: { now: () => T0 + 100 }, leaseMs: LEASE_MS }, HUB, T0, prompt.items);
  assert.equal((await claimOrchestrations(prompt.store, T0 + LEASE_MS + 1)).items.length, 1, 'its lease ends where it was granted');
  await prompt.store.close();

  const gone = await claimedAt(T0);
  const kept = await renewIfLate({ store: gone.store, clock: { now: () => T0 + LEASE_MS + 10 }, leaseMs: LEASE_MS }, HUB, T0, gone.items);
  assert.deepEqual(kept, [], 'not sent to a worker: another claim may hold it by now');
  await gone.store.close();
});
