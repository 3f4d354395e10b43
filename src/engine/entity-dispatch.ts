/**
 * Dispatch of entity work: claims entities with deliverable messages, plans each batch
 * (entity-batch.ts), settles server-only batches (locks, unlocks) at once and pushes batches
 * with operations to a stream that can take entity work (entity-support.ts). One batch per
 * entity is out at a time, because the batch holds the entity's lease.
 */
import { parseEntityId } from '../domain/entity.ts';
import { isTerminal } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import type { ReadModel } from '../store/read-model.ts';
import type { EntityWorkItem, WorkStore } from '../store/work-store.ts';
import type { DispatchedWork } from './dispatched-work.ts';
import { orchestrationsToCheck, planEntityBatch } from './entity-batch.ts';
import { settleEntityBatch } from './entity-completion.ts';
import { balanceEntityTakers, findEntityTakers, type EntityProbes } from './entity-support.ts';
import { renewIfLate } from './late-claims.ts';
import type { WorkerStreams } from './worker-streams.ts';

/** How long an entity batch no stream with room accepts (filters) waits before it is claimed again. */
const NO_TAKER_RETRY_MS = 1000;

/** Operations in one batch at most; the SDKs run a batch sequentially, so keep it modest. */
export const ENTITY_OPERATIONS_PER_BATCH_MAX = 100;

export interface EntityDispatchDeps {
  store: WorkStore & Pick<ReadModel, 'getInstance' | 'workBacklog'>;
  clock: Clock;
  streams: WorkerStreams;
  work: DispatchedWork;
  probes: EntityProbes;
  leaseMs: number;
  claimBatchSizeMax: number;
  messagesMax: number;
}

export class EntityDispatch {
  readonly #d: EntityDispatchDeps;
  /**
   * Per hub, the undecided streams (ids and support) for which the entity backlog was last
   * looked at and nothing could be done; asked again only when they change or entity work
   * arrives, so a hub without entities costs no backlog query per wake.
   */
  readonly #looked = new Map<string, string>();
  /** Counts entity work notices, so a look that raced with one is not remembered. */
  #notices = 0;

  constructor(deps: EntityDispatchDeps) {
    this.#d = deps;
  }

  /** Entity work was queued in `hub`, or became visible. */
  noteWork(hub: TaskHubName): void {
    this.#notices++;
    this.#looked.delete(hub);
  }

  /** Claims and delivers one batch of entities; true when it was full (more may be ready). */
  async claimOnce(hub: TaskHubName, scheduleAt: (at: number, now: number) => void): Promise<boolean> {
    const { store, clock, streams } = this.#d;
    const undecided = balanceEntityTakers(streams.of(hub));
    let limit = streams.totalRoom(hub, 'entity', this.#d.claimBatchSizeMax);
    if (limit === 0 && undecided && (await this.#foundTakers(hub))) limit = streams.totalRoom(hub, 'entity', this.#d.claimBatchSizeMax);
    if (limit === 0) return false;
    const now = clock.now();
    const result = await store.claimEntityWork(hub, { now, limit, leaseMs: this.#d.leaseMs, messagesMax: this.#d.messagesMax });
    if (result.nextVisibleAt !== undefined) scheduleAt(result.nextVisibleAt, now);
    const items = await renewIfLate({ store, clock, leaseMs: this.#d.leaseMs }, hub, now, result.items);
    await Promise.all(items.map((item) => this.#deliver(hub, item)));
    return result.items.length === limit;
  }

  /** No stream takes entities: look for one only if the hub has entity work (entity-support.ts). */
  async #foundTakers(hub: TaskHubName): Promise<boolean> {
    const { store, clock, streams, probes } = this.#d;
    const open = streams.of(hub).filter((s) => !s.closed);
    const signature = (): string => open.map((s) => `${s.id}:${s.entitySupport}`).join(',');
    if (this.#looked.get(hub) === signature()) return false;
    const notices = this.#notices;
    const found = (await store.workBacklog(hub, clock.now())).entity.pending > 0 && findEntityTakers(open, probes);
    // Remembered with the supports as they are now (a probe changes them).
    if (!found && notices === this.#notices) this.#looked.set(hub, signature());
    return found;
  }

  async #deliver(hub: TaskHubName, item: EntityWorkItem): Promise<void> {
    const { store, clock, streams, work } = this.#d;
    const endedOrchestrations = await this.#ended(hub, orchestrationsToCheck(item));
    const now = clock.now();
    const plan = planEntityBatch(item, { now, operationsMax: ENTITY_OPERATIONS_PER_BATCH_MAX, endedOrchestrations });
    if (plan.operations.length === 0) {
      await store.completeEntityWork(hub, settleEntityBatch(item, plan, now), now);
      return;
    }
    const stream = streams.pick(hub, 'entity', { kind: 'entity', name: parseEntityId(item.instanceId)?.name ?? '' });
    if (stream === undefined) {
      // Every stream with room filters this entity out: try again shortly, not in a tight loop.
      await store.abandonEntityWork(hub, item.lease.token, now + NO_TAKER_RETRY_MS, now);
      return;
    }
    const token = item.lease.token;
    work.add({ kind: 'entity', hub, token, stream, item, plan });
    const message = { kind: 'entity' as const, completionToken: token, instanceId: item.instanceId, operations: plan.operations };
    stream.deliver(token, 'entity', item.entity?.state === undefined ? message : { ...message, state: item.entity.state });
  }

  async #ended(hub: TaskHubName, instanceIds: readonly string[]): Promise<Set<string>> {
    const ended = new Set<string>();
    for (const id of instanceIds) {
      const instance = await this.#d.store.getInstance(hub, id);
      if (instance === undefined || isTerminal(instance.status)) ended.add(id);
    }
    return ended;
  }
}
