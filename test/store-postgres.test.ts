/**
 * Runs the store conformance suites against PostgreSQL: a real server started by this test
 * process from the installed binaries, one fresh database per store. The safety poll is off
 * here (its wake-ups would be extra events in the subscription tests); store-postgres-nodes
 * covers it.
 */
import { after, before } from 'node:test';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { Store } from '../src/store/store.ts';
import { describeReadModel } from './store-conformance/read-model.ts';
import { describeStoreLifecycle } from './store-conformance/store-lifecycle.ts';
import type { StoreConformanceOptions } from './store-conformance/suite.ts';
import { describeWorkContract } from './store-conformance/work-contract.ts';
import { PostgresServer } from './support/postgres-server.ts';
import { postgresOptions } from './support/store-options.ts';

let server: PostgresServer | undefined;
const urls = new WeakMap<Store, string>();

before(async () => {
  server = await PostgresServer.start();
});
after(async () => {
  await server?.dispose();
});

function openAt(url: string): Store {
  const store = openPostgresStore(postgresOptions(url, { safetyPollMs: 0, connectionsMax: 4 }));
  urls.set(store, url);
  return store;
}

const postgres: StoreConformanceOptions = {
  name: 'postgres',
  createStore: async () => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    return openAt(await server.createDatabase());
  },
  reopenStore: async (store) => {
    await store.close();
    return openAt(urls.get(store) as string);
  },
};

describeWorkContract(postgres);
describeReadModel(postgres);
describeStoreLifecycle(postgres);
