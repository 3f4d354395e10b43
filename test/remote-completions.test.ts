/**
 * Remote completions (engine/remote-completion.ts) are the fallback for work another node
 * dispatched. On a store no other process shares (SQLite: `capabilities.sharedLeases` false)
 * every live lease is this process's own, so a token the registry does not know is stale and
 * the fallback never touches the store, even when the store could re-load the item. The
 * PostgreSQL side, where it must, is test/e2e/ms-sdk-postgres-nodes.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS } from '../src/domain/limits.ts';
import { RemoteCompletions } from '../src/engine/remote-completion.ts';
import { cryptoIdSource } from '../src/lib/ids.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { HUB, T0, claimActivities, claimOne, completionOf, create, newInstance, task } from './store-conformance/fixtures.ts';
import { sqliteOptions } from './support/store-options.ts';

test('on SQLite a completion or abandon with a token unknown to the registry is not finished through the store', async () => {
  const store = openSqliteStore(sqliteOptions(':memory:'));
  await store.migrate();
  await store.createTaskHub(HUB, T0);
  await create(store, newInstance('r'));
  const item = await claimOne(store, T0, 'r');
  await store.completeOrchestrationWork(HUB, completionOf(item, T0, { activities: [task('r', 1)] }), T0);
  const [activity] = (await claimActivities(store, T0)).items;
  assert.ok(activity);
  const remote = new RemoteCompletions({
    store, clock: { now: () => T0 + 1 }, ids: cryptoIdSource(), limits: DEFAULT_LIMITS, abandonBackoff: { baseMs: 1000, maxMs: 1000 },
  });
  const token = activity.lease.token;
  assert.equal(await remote.completeActivity(HUB, { instanceId: 'r', taskId: 1, result: '"x"', completionToken: token }), false);
  assert.equal(await remote.abandon(HUB, 'activity', token), false);
  assert.deepStrictEqual(await store.getClaimedActivityWork(HUB, token, T0 + 1), activity, 'the lease is still held, the task untouched');
  await store.close();
});
