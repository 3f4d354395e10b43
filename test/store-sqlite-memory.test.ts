/**
 * Runs the store conformance suites against SQLite in memory: once as configured by default,
 * and once with one write call per transaction, so batching cannot hide a per-call bug.
 */
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { describeReadModel } from './store-conformance/read-model.ts';
import { describeStoreLifecycle } from './store-conformance/store-lifecycle.ts';
import type { StoreConformanceOptions } from './store-conformance/suite.ts';
import { describeWorkContract } from './store-conformance/work-contract.ts';
import { sqliteOptions } from './support/store-options.ts';

const NO_REOPEN = 'an in-memory database does not outlive its connection; the file runner covers durability';
const lifecycleSkip = {
  'durability: a write that resolved before close is there after reopen': NO_REOPEN,
  'durability: instances, history, inbox and activity tasks survive a reopen; leases do not': NO_REOPEN,
  'durability: entity rows and inbox survive a reopen; leases do not': NO_REOPEN,
};

const runs: StoreConformanceOptions[] = [
  { name: 'sqlite (memory)', createStore: () => openSqliteStore(sqliteOptions(':memory:')) },
  { name: 'sqlite (memory, one write call per transaction)', createStore: () => openSqliteStore(sqliteOptions(':memory:', { groupCommitCallsMax: 1 })) },
];

for (const run of runs) {
  describeWorkContract(run);
  describeReadModel(run);
  describeStoreLifecycle({ ...run, skip: lifecycleSkip });
}
