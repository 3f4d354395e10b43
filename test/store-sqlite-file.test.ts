/**
 * Runs the store conformance suites against SQLite on a file, plus what only a file backend has:
 * one process owns the file, and corrupt stored state is reported loudly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { isServerError } from '../src/domain/errors.ts';
import type { TaskHubName } from '../src/domain/instance.ts';
import { InvariantError } from '../src/lib/assert.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/store.ts';
import { describeReadModel } from './store-conformance/read-model.ts';
import { describeStoreLifecycle } from './store-conformance/store-lifecycle.ts';
import type { StoreConformanceOptions } from './store-conformance/suite.ts';
import { describeWorkContract } from './store-conformance/work-contract.ts';
import { claimOne, completionOf, create, newInstance, T0 } from './store-conformance/fixtures.ts';
import { sqliteOptions } from './support/store-options.ts';

const dir = mkdtempSync(join(tmpdir(), 'dts-store-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const paths = new WeakMap<Store, string>();

function openAt(path: string): Store {
  const store = openSqliteStore(sqliteOptions(path));
  paths.set(store, path);
  return store;
}

const file: StoreConformanceOptions = {
  name: 'sqlite (file)',
  createStore: () => openAt(join(dir, `store-${++files}.db`)),
  reopenStore: async (store) => {
    await store.close();
    return openAt(paths.get(store) as string);
  },
};

describeWorkContract(file);
describeReadModel(file);
describeStoreLifecycle(file);

describe('sqlite (file): ownership and corruption', () => {
  const HUB = 'hub-a' as TaskHubName;

  test('a second store on the same file fails to open while the first is open', async () => {
    const path = join(dir, 'owned.db');
    const first = openAt(path);
    await first.migrate();
    assert.throws(() => openAt(path), (error) => isServerError(error, 'UNAVAILABLE') && error.message.includes(path));
    await first.close();
    const second = openAt(path);
    await second.migrate();
    await second.close();
  });

  test('corrupt JSON in the database is reported with InvariantError, never skipped', async () => {
    const path = join(dir, 'corrupt.db');
    const store = openAt(path);
    await store.migrate();
    await create(store, newInstance('c'));
    const item = await claimOne(store, T0, 'c');
    await store.completeOrchestrationWork(HUB, completionOf(item, T0), T0);
    await store.close();
    const raw = new Database(path);
    raw.prepare("UPDATE history SET event = '{\"kind\": ' WHERE instance_id = 'c'").run();
    raw.close();
    const reopened = openAt(path);
    await reopened.migrate();
    await assert.rejects(reopened.readHistory(HUB, 'c'), InvariantError);
    await reopened.close();
  });

  test('a database whose schema is newer than this server is refused', async () => {
    const path = join(dir, 'newer.db');
    const store = openAt(path);
    await store.migrate();
    await store.close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_version (version, breaking) VALUES (999, 1)').run();
    raw.close();
    const newer = openAt(path);
    await assert.rejects(newer.migrate(), (error) => isServerError(error, 'FAILED_PRECONDITION'));
    await newer.close();
  });
});
