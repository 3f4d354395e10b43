/**
 * The read model's conformance suite (src/store/read-model.ts): instance and entity reads,
 * paged instance queries in both orders, counts, the work backlog and completed-instance ids.
 */
import { dashboardSignalTests } from './dashboard-signals.ts';
import { entityQueryTests } from './entity-queries.ts';
import { instanceReadTests } from './instance-reads.ts';
import { managementTests } from './management.ts';
import { describeConformance, type StoreConformanceOptions } from './suite.ts';

export function describeReadModel(options: StoreConformanceOptions): void {
  describeConformance('read model', [
    [instanceReadTests, { reopen: false }],
    [managementTests, { reopen: false }],
    [dashboardSignalTests, { reopen: false }],
    [entityQueryTests, { reopen: false }],
  ], options);
}
