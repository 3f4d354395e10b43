/**
 * The conformance suite of what `Store` adds to its two contracts (src/store/store.ts): change
 * events, close, migrate, task hubs, purge, and durability across a reopen.
 */
import { entityDurabilityTests } from './entities.ts';
import { durabilityTests, lifecycleTests } from './lifecycle.ts';
import { purgeTests } from './purge.ts';
import { describeConformance, type StoreConformanceOptions } from './suite.ts';
import { taskHubTests } from './task-hubs.ts';

export function describeStoreLifecycle(options: StoreConformanceOptions): void {
  describeConformance('store lifecycle', [
    [lifecycleTests, { reopen: false }],
    [taskHubTests, { reopen: false }],
    [purgeTests, { reopen: false }],
    [durabilityTests, { reopen: true }],
    [entityDurabilityTests, { reopen: true }],
  ], options);
}
