/**
 * The management half of the client API: bulk reads (instance-queries.ts), purge
 * (instance-purge.ts), restart, rewind and forced termination. Rewind is worker-assisted:
 * this file only re-opens the failed instance and queues an ExecutionRewound event; the worker
 * answers with a rewindOrchestration action that rewind.ts applies.
 */
import { ServerError, isServerError } from '../domain/errors.ts';
import { isTerminal, makeEvent, type HistoryEvent, type OrchestrationStatus } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import { validatePayload } from '../domain/validate.ts';
import type { Clock } from '../lib/clock.ts';
import { compact } from '../lib/compact.ts';
import type { ReadModel } from '../store/read-model.ts';
import type { Store } from '../store/store.ts';
import type { WorkStore } from '../store/work-store.ts';
import type { ClientApi, StartInstanceRequest } from './client-api.ts';
import * as queries from './instance-queries.ts';
import { INSTANCE_BATCH_MAX, InstancePurge, type PurgeFilter, type PurgeResult } from './instance-purge.ts';

export interface ManagementDeps {
  store: WorkStore & ReadModel & Pick<Store, 'purgeInstances'>;
  clock: Clock;
  limits: Limits;
  clients: ClientApi;
}

const NOT_TERMINAL: readonly OrchestrationStatus[] = ['RUNNING', 'PENDING', 'SUSPENDED', 'CONTINUED_AS_NEW'];

export class ManagementApi {
  readonly #d: ManagementDeps;
  readonly #purge: InstancePurge;

  constructor(deps: ManagementDeps) {
    this.#d = deps;
    this.#purge = new InstancePurge(deps.store, deps.clock);
  }

  queryInstances(hub: TaskHubName, req: queries.QueryInstancesRequest) {
    return queries.queryInstances(this.#d.store, this.#d.limits, hub, req);
  }

  listInstanceIds(hub: TaskHubName, req: queries.ListInstanceIdsRequest) {
    return queries.listInstanceIds(this.#d.store, hub, req);
  }

  historyChunks(hub: TaskHubName, instanceId: string): Promise<HistoryEvent[][]> {
    return queries.historyChunks(this.#d.store, hub, instanceId);
  }

  purgeInstance(hub: TaskHubName, instanceId: string, recursive: boolean): Promise<PurgeResult> {
    return this.#purge.purgeBatch(hub, [instanceId], recursive);
  }

  purgeBatch(hub: TaskHubName, instanceIds: readonly string[], recursive: boolean): Promise<PurgeResult> {
    return this.#purge.purgeBatch(hub, instanceIds, recursive);
  }

  purgeByFilter(hub: TaskHubName, filter: PurgeFilter, recursive: boolean): Promise<PurgeResult> {
    return this.#purge.purgeByFilter(hub, filter, recursive);
  }

  /**
   * Starts the instance again with its name, version, input and tags: under the same id (only
   * once it has finished) or under a new generated id. Resolves to the id of the new run.
   */
  async restartInstance(hub: TaskHubName, instanceId: string, withNewInstanceId: boolean): Promise<string> {
    const existing = await this.#get(hub, instanceId);
    if (!withNewInstanceId && !isTerminal(existing.status)) {
      throw new ServerError('FAILED_PRECONDITION', `the orchestration instance '${instanceId}' is ${existing.status}; only a finished instance can be restarted under its own id`);
    }
    const start: StartInstanceRequest = compact({ name: existing.name, version: existing.version, input: existing.input, tags: existing.tags });
    if (withNewInstanceId) return this.#d.clients.startInstance(hub, start);
    try {
      return await this.#d.clients.startInstance(hub, { ...start, instanceId });
    } catch (error) {
      // It was started again between the read and the write: not finished any more.
      if (isServerError(error, 'INSTANCE_ALREADY_EXISTS')) throw new ServerError('FAILED_PRECONDITION', error.message, { cause: error });
      throw error;
    }
  }

  /** Re-opens a FAILED instance (status RUNNING at once) and asks a worker to rewind it. */
  async rewindInstance(hub: TaskHubName, instanceId: string, reason: string | undefined): Promise<void> {
    validatePayload(reason, this.#d.limits, 'reason');
    const existing = await this.#get(hub, instanceId);
    if (existing.status !== 'FAILED') throw notFailed(instanceId, existing.status);
    const now = this.#d.clock.now();
    const event = makeEvent(compact({ kind: 'executionRewound' as const, reason }), now);
    const updated = await this.#d.store.appendInboxMessage(hub, { instanceId, event, visibleAt: now }, now, { from: ['FAILED'], to: 'RUNNING' });
    if (updated === undefined) throw notFound(instanceId);
    if (updated.status !== 'RUNNING') throw notFailed(instanceId, updated.status);
  }

  /**
   * Forces each instance to TERMINATED without running its orchestrator: the status changes at
   * once, and the server-side termination episode (episode-plan.ts) then records the history
   * and notifies the parent. Returns the ids that were unknown or already finished.
   */
  async skipGracefulTerminations(hub: TaskHubName, instanceIds: readonly string[], reason: string | undefined): Promise<string[]> {
    if (instanceIds.length > INSTANCE_BATCH_MAX) {
      throw new ServerError('INVALID_ARGUMENT', `instanceBatch holds ${instanceIds.length} ids; the maximum is ${INSTANCE_BATCH_MAX}`);
    }
    validatePayload(reason, this.#d.limits, 'reason');
    const unterminated: string[] = [];
    for (const instanceId of new Set(instanceIds)) {
      const now = this.#d.clock.now();
      const event = makeEvent(compact({ kind: 'executionTerminated' as const, recurse: false, input: reason }), now);
      const existing = await this.#d.store.getInstance(hub, instanceId);
      if (existing === undefined || isTerminal(existing.status)) {
        unterminated.push(instanceId);
        continue;
      }
      const updated = await this.#d.store.appendInboxMessage(hub, { instanceId, event, visibleAt: now }, now, { from: NOT_TERMINAL, to: 'TERMINATED' });
      if (updated === undefined || updated.status !== 'TERMINATED') unterminated.push(instanceId);
    }
    return unterminated;
  }

  async #get(hub: TaskHubName, instanceId: string): Promise<InstanceRecord> {
    const instance = await this.#d.store.getInstance(hub, instanceId);
    if (instance === undefined) throw notFound(instanceId);
    return instance;
  }
}

function notFound(instanceId: string): ServerError {
  return new ServerError('INSTANCE_NOT_FOUND', `no orchestration instance has the id '${instanceId}'`);
}

function notFailed(instanceId: string, status: OrchestrationStatus): ServerError {
  return new ServerError('FAILED_PRECONDITION', `the orchestration instance '${instanceId}' is ${status}; only a FAILED instance can be rewound`);
}
