/**
 * Runs the store conformance suite against PostgreSQL: a real server started by this test
 * process from the installed binaries, one fresh database per store. The safety poll is off
 * here (its wake-ups would be extra events in the subscription tests); store-postgres-nodes
 * covers it.
 */
import { after, before } from 'node:test';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { Store } from '../src/store/store.ts';
import { describeStoreConformance } from './store-conformance/suite.ts';
import { PostgresServer } from './support/postgres-server.ts';

let server: PostgresServer | undefined;
const urls = new WeakMap<Store, string>();

before(async () => {
  server = await PostgresServer.start();
});
after(async () => {
  await server?.dispose();
});

function openAt(url: string): Store {
  const store = openPostgresStore({ url, safetyPollMs: 0, connectionsMax: 4 }) as Store;
  urls.set(store, url);
  return store;
}

describeStoreConformance({
  name: 'postgres',
  createStore: async () => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    return openAt(await server.createDatabase());
  },
  reopenStore: async (store) => {
    await store.close();
    return openAt(urls.get(store) as string);
  },
});
