/**
 * The work contract's conformance suite (src/store/work-store.ts): create and deliver, claims
 * under leases, completion, abandon, renewal and the claimed-work lookups, for orchestrations,
 * activities and entities, plus randomized runs against a model.
 */
import { activityWorkTests } from './activity-work.ts';
import { claimedWorkTests } from './claimed-work.ts';
import { completionTests } from './completion.ts';
import { entityTests } from './entities.ts';
import { instanceTests } from './instances.ts';
import { orchestrationWorkTests } from './orchestration-work.ts';
import { randomizedTests } from './randomized.ts';
import { describeConformance, type StoreConformanceOptions } from './suite.ts';

export function describeWorkContract(options: StoreConformanceOptions): void {
  describeConformance('work contract', [
    [instanceTests, { reopen: false }],
    [orchestrationWorkTests, { reopen: false }],
    [completionTests, { reopen: false }],
    [activityWorkTests, { reopen: false }],
    [entityTests, { reopen: false }],
    [claimedWorkTests, { reopen: false }],
    [randomizedTests, { reopen: false }],
  ], options);
}
