/**
 * The store conformance suites: one list of tests per contract that every backend must pass,
 * in the shape of Hono's `runTest({ newRouter, skip })`. work-contract.ts checks the work
 * contract, read-model.ts the read model, store-lifecycle.ts what the `Store` adds (lifecycle,
 * task hubs, purge, durability). They use the contracts only, never a backend's internals, so
 * SQLite and PostgreSQL run the very same tests. A skipped test names itself and gives its
 * reason; a skip that names no test of that suite fails the run, so skips cannot rot.
 *
 * Tests control time: every call gets an explicit `now` that the test advances by hand. Every
 * test gets a whole store: reads need writes to read back, and writes are checked by reads.
 */
import { describe, test } from 'node:test';
import type { Store } from '../../src/store/store.ts';
import { HUB, OTHER_HUB, T0 } from './fixtures.ts';

export interface StoreConformanceOptions {
  name: string;
  /** A new, empty store, not yet migrated. */
  createStore: () => Store | Promise<Store>;
  /** Closes `store` and opens the same database again, not yet migrated. Needed by the durability tests. */
  reopenStore?: (store: Store) => Store | Promise<Store>;
  /** Tests of this suite to skip: exact test name -> the reason. */
  skip?: Readonly<Record<string, string>>;
}

export interface StoreFixture {
  /** Migrated; the hubs HUB and OTHER_HUB exist. Closed after the test. */
  store: Store;
  /** Closes the store and opens the same database again (migrated); `store` is replaced. */
  reopen(): Promise<Store>;
}

/** Tests by name; the name is what a `skip` entry refers to. */
export type ConformanceTests = Readonly<Record<string, (fixture: StoreFixture) => Promise<void>>>;

/** A suite's test groups; a group that needs `reopen` runs only where the backend can reopen. */
export type ConformanceGroups = readonly (readonly [ConformanceTests, { reopen: boolean }])[];

export function describeConformance(suite: string, groups: ConformanceGroups, options: StoreConformanceOptions): void {
  const skip = options.skip ?? {};
  const names = groups.flatMap(([tests]) => Object.keys(tests));
  const defined = new Set(names);
  if (defined.size !== names.length) throw new Error(`${suite} conformance: two tests have the same name`);
  const unknown = Object.keys(skip).filter((name) => !defined.has(name));
  if (unknown.length > 0) throw new Error(`${suite} conformance (${options.name}): skip names unknown tests: ${unknown.join(', ')}`);
  describe(`${suite} conformance: ${options.name}`, () => {
    for (const [tests, needs] of groups) {
      for (const [name, body] of Object.entries(tests)) {
        const reason = skip[name];
        if (reason !== undefined) {
          test(name, { skip: reason }, () => {});
        } else if (needs.reopen && options.reopenStore === undefined) {
          throw new Error(`${suite} conformance (${options.name}): ${JSON.stringify(name)} needs reopenStore; give it or skip the test with a reason`);
        } else {
          test(name, () => runWithFixture(options, body));
        }
      }
    }
  });
}

async function runWithFixture(options: StoreConformanceOptions, body: (fixture: StoreFixture) => Promise<void>): Promise<void> {
  const migrated = async (store: Store): Promise<Store> => {
    await store.migrate();
    return store;
  };
  const fixture: StoreFixture = {
    store: await migrated(await options.createStore()),
    async reopen() {
      const reopenStore = options.reopenStore;
      if (reopenStore === undefined) throw new Error('reopenStore not given');
      fixture.store = await migrated(await reopenStore(fixture.store));
      return fixture.store;
    },
  };
  try {
    await fixture.store.createTaskHub(HUB, T0);
    await fixture.store.createTaskHub(OTHER_HUB, T0);
    await body(fixture);
  } finally {
    await fixture.store.close();
  }
}
