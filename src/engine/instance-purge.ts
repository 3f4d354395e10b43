/**
 * PurgeInstances: by id, by batch and by filter, optionally recursive. Only finished instances
 * are purged; asking to purge a running one purges nothing and is not an error. Recursion
 * follows the SubOrchestrationInstanceCreated events of each purged instance's history, which
 * must be read before the instance (and its history) is deleted.
 */
import { ServerError } from '../domain/errors.ts';
import { TERMINAL_STATUSES, type OrchestrationStatus } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import { compact } from '../lib/compact.ts';
import type { ReadModel } from '../store/read-model.ts';
import type { Store } from '../store/store.ts';

/** Ids in one purge batch (PurgeInstances and SkipGracefulOrchestrationTerminations). */
export const INSTANCE_BATCH_MAX = 500;
/** Instances read and purged per step of a purge by filter. */
const FILTER_PAGE_SIZE = 500;
/** Sub-orchestration levels followed by a recursive purge; deeper ones are left. */
const RECURSION_DEPTH_MAX = 32;

const TERMINAL: readonly OrchestrationStatus[] = [...TERMINAL_STATUSES];

export interface PurgeFilter {
  createdFrom?: number;
  createdTo?: number;
  statuses: readonly OrchestrationStatus[];
  /** Stop after this long and report `isComplete: false`. */
  timeoutMs?: number;
}

export interface PurgeResult {
  deletedInstanceCount: number;
  isComplete: boolean;
}

export class InstancePurge {
  readonly #store: ReadModel & Pick<Store, 'purgeInstances'>;
  readonly #clock: Clock;

  constructor(store: ReadModel & Pick<Store, 'purgeInstances'>, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async purgeBatch(hub: TaskHubName, instanceIds: readonly string[], recursive: boolean): Promise<PurgeResult> {
    if (instanceIds.length > INSTANCE_BATCH_MAX) {
      throw new ServerError('INVALID_ARGUMENT', `instanceBatch holds ${instanceIds.length} ids; the maximum is ${INSTANCE_BATCH_MAX}`);
    }
    const count = await this.#purgeIds(hub, instanceIds, recursive, 0);
    return { deletedInstanceCount: count, isComplete: true };
  }

  async purgeByFilter(hub: TaskHubName, filter: PurgeFilter, recursive: boolean): Promise<PurgeResult> {
    const requested = filter.statuses.length === 0 ? TERMINAL : filter.statuses;
    const statuses = requested.filter((s) => TERMINAL_STATUSES.has(s));
    if (statuses.length === 0) return { deletedInstanceCount: 0, isComplete: true };
    const deadline = filter.timeoutMs === undefined ? Number.POSITIVE_INFINITY : this.#clock.now() + filter.timeoutMs;
    let count = 0;
    let after: { createdAt: number; instanceId: string } | undefined;
    for (;;) {
      if (this.#clock.now() >= deadline) return { deletedInstanceCount: count, isComplete: false };
      const page = await this.#store.queryInstances(hub, compact({
        statuses,
        createdFrom: filter.createdFrom,
        createdTo: filter.createdTo,
        includePayloads: false,
        limit: FILTER_PAGE_SIZE,
        after,
      }));
      count += await this.#purgeIds(hub, page.instances.map((i) => i.instanceId), recursive, 0);
      if (page.next === undefined) return { deletedInstanceCount: count, isComplete: true };
      after = page.next;
    }
  }

  /** Purges the finished instances among `ids` and, when recursive, their finished children. */
  async #purgeIds(hub: TaskHubName, ids: readonly string[], recursive: boolean, depth: number): Promise<number> {
    if (ids.length === 0) return 0;
    const children = recursive && depth < RECURSION_DEPTH_MAX ? await this.#childrenOf(hub, ids) : [];
    const purged = await this.#store.purgeInstances(hub, { instanceIds: ids, statuses: TERMINAL }, this.#clock.now());
    let count = purged.length;
    for (let i = 0; i < children.length; i += INSTANCE_BATCH_MAX) {
      count += await this.#purgeIds(hub, children.slice(i, i + INSTANCE_BATCH_MAX), recursive, depth + 1);
    }
    return count;
  }

  async #childrenOf(hub: TaskHubName, ids: readonly string[]): Promise<string[]> {
    const children = new Set<string>();
    for (const id of ids) {
      const instance = await this.#store.getInstance(hub, id);
      if (instance === undefined || !TERMINAL_STATUSES.has(instance.status)) continue;
      for (const event of await this.#store.readHistory(hub, id)) {
        if (event.kind === 'subOrchestrationInstanceCreated' && event.instanceId !== id) children.add(event.instanceId);
      }
    }
    return [...children];
  }
}
