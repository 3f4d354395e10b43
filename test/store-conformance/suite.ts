/**
 * The store conformance suite: one list of tests that every `Store` backend must pass, in the
 * shape of Hono's `runTest({ newRouter, skip })`. It uses the `Store` contract only, never a
 * backend's internals, so SQLite and PostgreSQL run the very same tests. A skipped test names
 * itself and gives its reason; a skip that names no test fails the run, so skips cannot rot.
 *
 * Tests control time: every call gets an explicit `now` that the test advances by hand.
 */
import { describe, test } from 'node:test';
import type { Store } from '../../src/store/store.ts';
import { activityWorkTests } from './activity-work.ts';
import { completionTests } from './completion.ts';
import { dashboardSignalTests } from './dashboard-signals.ts';
import { HUB, OTHER_HUB, T0 } from './fixtures.ts';
import { instanceTests } from './instances.ts';
import { entityDurabilityTests, entityTests } from './entities.ts';
import { durabilityTests, lifecycleTests } from './lifecycle.ts';
import { managementTests } from './management.ts';
import { orchestrationWorkTests } from './orchestration-work.ts';
import { randomizedTests } from './randomized.ts';

export interface StoreConformanceOptions {
  name: string;
  /** A new, empty store, not yet migrated. */
  createStore: () => Store | Promise<Store>;
  /** Closes `store` and opens the same database again, not yet migrated. Needed by the durability tests. */
  reopenStore?: (store: Store) => Store | Promise<Store>;
  /** Tests to skip: exact test name -> the reason. */
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

export function describeStoreConformance(options: StoreConformanceOptions): void {
  const skip = options.skip ?? {};
  const groups: [ConformanceTests, { reopen: boolean }][] = [
    [instanceTests, { reopen: false }],
    [orchestrationWorkTests, { reopen: false }],
    [completionTests, { reopen: false }],
    [activityWorkTests, { reopen: false }],
    [lifecycleTests, { reopen: false }],
    [managementTests, { reopen: false }],
    [dashboardSignalTests, { reopen: false }],
    [durabilityTests, { reopen: true }],
    [randomizedTests, { reopen: false }],
    [entityTests, { reopen: false }],
    [entityDurabilityTests, { reopen: true }],
  ];
  const names = groups.flatMap(([tests]) => Object.keys(tests));
  const defined = new Set(names);
  if (defined.size !== names.length) throw new Error('store conformance: two tests have the same name');
  const unknown = Object.keys(skip).filter((name) => !defined.has(name));
  if (unknown.length > 0) throw new Error(`store conformance (${options.name}): skip names unknown tests: ${unknown.join(', ')}`);
  describe(`store conformance: ${options.name}`, () => {
    for (const [tests, needs] of groups) {
      for (const [name, body] of Object.entries(tests)) {
        const reason = skip[name];
        if (reason !== undefined) {
          test(name, { skip: reason }, () => {});
        } else if (needs.reopen && options.reopenStore === undefined) {
          throw new Error(`store conformance (${options.name}): ${JSON.stringify(name)} needs reopenStore; give it or skip the test with a reason`);
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
