/**
 * What workers do with entity work items: complete a batch (`CompleteEntityTask`) or give it
 * back (`AbandonTaskEntityWorkItem`). Entity results carry no instance id, so a result is found
 * by its completion token alone; a token of a capability probe marks its stream as able to take
 * entity work (entity-support.ts).
 */
import type { EntityBatchResult } from '../domain/entity.ts';
import { ServerError } from '../domain/errors.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import { backoffMs } from '../lib/backoff.ts';
import type { Clock } from '../lib/clock.ts';
import type { IdSource } from '../lib/ids.ts';
import type { WorkStore } from '../store/work-store.ts';
import type { DispatchedEntity, DispatchedWork } from './dispatched-work.ts';
import type { Dispatcher } from './dispatcher.ts';
import { completeEntityBatch } from './entity-completion.ts';
import type { EntityProbes } from './entity-support.ts';

export interface EntityWorkerDeps {
  store: WorkStore;
  clock: Clock;
  ids: IdSource;
  limits: Limits;
  work: DispatchedWork;
  dispatcher: Dispatcher;
  probes: EntityProbes;
  abandonBackoff: { baseMs: number; maxMs: number };
}

export class EntityWorkerApi {
  readonly #d: EntityWorkerDeps;

  constructor(deps: EntityWorkerDeps) {
    this.#d = deps;
  }

  async completeEntity(hub: TaskHubName, result: EntityBatchResult): Promise<void> {
    const probed = this.#d.probes.answer(result.completionToken);
    if (probed !== undefined) {
      this.#d.dispatcher.wake(probed.hub, 'entity');
      return;
    }
    const d = this.#find(hub, result.completionToken);
    this.#release(d);
    const { clock, store, ids, limits, abandonBackoff } = this.#d;
    const now = clock.now();
    if (result.failureDetails !== undefined) {
      // A batch-level failure (the SDK itself failed): nothing applies; retry after a back-off.
      await this.#d.dispatcher.abandon(d, now + backoffMs(d.item.lease.attempt, abandonBackoff.baseMs, abandonBackoff.maxMs), now);
      return;
    }
    const completion = completeEntityBatch(d.item, d.plan, result, { now, uuid: () => ids.uuid(), executionId: () => ids.executionId(), limits });
    await this.#d.work.whileWriting(hub, d.token, store.completeEntityWork(hub, completion, now));
  }

  async abandonEntity(hub: TaskHubName, completionToken: string): Promise<void> {
    const d = this.#find(hub, completionToken);
    this.#release(d);
    const now = this.#d.clock.now();
    const { baseMs, maxMs } = this.#d.abandonBackoff;
    await this.#d.dispatcher.abandon(d, now + backoffMs(d.item.lease.attempt, baseMs, maxMs), now);
  }

  #find(hub: TaskHubName, completionToken: string): DispatchedEntity {
    const d = completionToken === '' ? undefined : this.#d.work.get(completionToken);
    if (d === undefined || d.kind !== 'entity' || d.hub !== hub) {
      const why = completionToken === '' ? 'it carries no completion token' : 'it was already completed, or its lease expired and it was dispatched again';
      throw new ServerError('WORK_ITEM_NOT_FOUND', `no entity work item is awaiting this completion; ${why}`);
    }
    return d;
  }

  #release(d: DispatchedEntity): void {
    this.#d.work.remove(d);
    d.stream.release(d.token);
    this.#d.dispatcher.wake(d.hub, 'entity');
  }
}
