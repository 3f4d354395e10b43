/**
 * Runs the store conformance suite against SQLite in memory: once as configured by default,
 * and once with one write call per transaction, so batching cannot hide a per-call bug.
 */
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { describeStoreConformance } from './store-conformance/suite.ts';

const skip = {
  'durability: a write that resolved before close is there after reopen':
    'an in-memory database does not outlive its connection; the file runner covers durability',
  'durability: instances, history, inbox and activity tasks survive a reopen; leases do not':
    'an in-memory database does not outlive its connection; the file runner covers durability',
  'durability: entity rows and inbox survive a reopen; leases do not':
    'an in-memory database does not outlive its connection; the file runner covers durability',
};

describeStoreConformance({
  name: 'sqlite (memory)',
  createStore: () => openSqliteStore({ path: ':memory:' }),
  skip,
});

describeStoreConformance({
  name: 'sqlite (memory, one write call per transaction)',
  createStore: () => openSqliteStore({ path: ':memory:', groupCommitCallsMax: 1 }),
  skip,
});
