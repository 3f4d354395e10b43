/**
 * What clients do to entities: signal one (`SignalEntity`), read one (`GetEntity`), list them
 * (`QueryEntities`) and clean up (`CleanEntityStorage`). Inputs are validated against the limits;
 * each call is a few store calls.
 */
import { normalizeEntityId, type EntityMetadata, type EntityMetadataPage } from '../domain/entity.ts';
import { ServerError } from '../domain/errors.ts';
import { isTerminal, makeEvent } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import { validateName, validatePayload } from '../domain/validate.ts';
import type { Clock } from '../lib/clock.ts';
import { compact } from '../lib/compact.ts';
import type { IdSource } from '../lib/ids.ts';
import type { EntityMetadataRecord, ReadModel } from '../store/read-model.ts';
import type { WorkStore } from '../store/work-store.ts';

export interface SignalEntityRequest {
  instanceId: string;
  operation: string;
  input?: string;
  requestId?: string;
  scheduledTime?: number;
}

export interface EntityQueryRequest {
  instanceIdStartsWith?: string;
  lastModifiedFrom?: number;
  lastModifiedTo?: number;
  includeTransient: boolean;
  pageSize?: number;
  continuationToken?: string;
}

export interface CleanEntityStorageResult {
  continuationToken?: string;
  emptyEntitiesRemoved: number;
  orphanedLocksReleased: number;
}

export const ENTITY_PAGE_SIZE_DEFAULT = 100;
export const ENTITY_PAGE_SIZE_MAX = 1000;

export interface EntityClientDeps {
  store: Pick<WorkStore, 'appendEntityMessage'> & ReadModel;
  clock: Clock;
  ids: IdSource;
  limits: Limits;
}

export class EntityClientApi {
  readonly #d: EntityClientDeps;

  constructor(deps: EntityClientDeps) {
    this.#d = deps;
  }

  async signalEntity(hub: TaskHubName, req: SignalEntityRequest): Promise<void> {
    const { limits, clock, ids, store } = this.#d;
    const instanceId = normalizeEntityId(req.instanceId, limits);
    validateName(req.operation, limits, 'name');
    validatePayload(req.input, limits, 'input');
    if (req.requestId !== undefined && req.requestId.length > limits.instanceIdLengthMax) {
      throw new ServerError('INVALID_ARGUMENT', `requestId is longer than ${limits.instanceIdLengthMax} characters`);
    }
    const now = clock.now();
    const scheduledTime = req.scheduledTime !== undefined && req.scheduledTime > now ? req.scheduledTime : undefined;
    const event = makeEvent(
      compact({
        kind: 'entityOperationSignaled',
        requestId: req.requestId === undefined || req.requestId === '' ? ids.uuid() : req.requestId,
        operation: req.operation,
        targetInstanceId: instanceId,
        input: req.input,
        scheduledTime,
      }),
      now,
    );
    await store.appendEntityMessage(hub, { instanceId, event, visibleAt: scheduledTime ?? now }, now);
  }

  /**
   * The entity, or undefined when it has neither state nor lock (it never existed, or was
   * deleted). A locked entity without state is returned, so its `lockedBy` can be seen.
   */
  async getEntity(hub: TaskHubName, instanceId: string): Promise<EntityMetadata | undefined> {
    const record = await this.#d.store.getEntity(hub, normalizeEntityId(instanceId, this.#d.limits));
    return record === undefined ? undefined : entityMetadataOf(record);
  }

  async queryEntities(hub: TaskHubName, req: EntityQueryRequest): Promise<EntityMetadataPage> {
    const pageSize = req.pageSize ?? ENTITY_PAGE_SIZE_DEFAULT;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > ENTITY_PAGE_SIZE_MAX) {
      throw new ServerError('INVALID_ARGUMENT', `pageSize must be between 1 and ${ENTITY_PAGE_SIZE_MAX}`);
    }
    for (const [field, value] of [['instanceIdStartsWith', req.instanceIdStartsWith], ['continuationToken', req.continuationToken]] as const) {
      if (value !== undefined && value.length > this.#d.limits.instanceIdLengthMax + 1) {
        throw new ServerError('INVALID_ARGUMENT', `${field} is longer than ${this.#d.limits.instanceIdLengthMax + 1} characters`);
      }
    }
    const page = await this.#d.store.queryEntities(hub, compact({
      instanceIdStartsWith: req.instanceIdStartsWith === '' ? undefined : req.instanceIdStartsWith,
      lastModifiedFrom: req.lastModifiedFrom,
      lastModifiedTo: req.lastModifiedTo,
      after: req.continuationToken === '' ? undefined : req.continuationToken,
      includeTransient: req.includeTransient,
      limit: pageSize,
    }));
    return compact({ entities: page.entities.map(entityMetadataOf), next: page.next });
  }

  /**
   * One page of clean-up. A lock held by an orchestration that is finished or gone is released
   * by queueing the unlock that orchestration would have sent, so the release goes through the
   * entity's own FIFO and never races a running batch. Entities without state and lock have no
   * row in this server's store, so there are never empty entities to remove.
   */
  async cleanEntityStorage(hub: TaskHubName, releaseOrphanedLocks: boolean, continuationToken: string | undefined): Promise<CleanEntityStorageResult> {
    const page = await this.queryEntities(hub, compact({ includeTransient: true, pageSize: ENTITY_PAGE_SIZE_DEFAULT, continuationToken }));
    let released = 0;
    if (releaseOrphanedLocks) {
      for (const entity of page.entities) {
        if (await this.#releaseIfOrphaned(hub, entity)) released++;
      }
    }
    return compact({ continuationToken: page.next, emptyEntitiesRemoved: 0, orphanedLocksReleased: released });
  }

  async #releaseIfOrphaned(hub: TaskHubName, entity: EntityMetadata): Promise<boolean> {
    const { lockedBy, criticalSectionId } = entity;
    if (lockedBy === undefined || criticalSectionId === undefined) return false;
    const owner = await this.#d.store.getInstance(hub, lockedBy);
    if (owner !== undefined && !isTerminal(owner.status)) return false;
    const now = this.#d.clock.now();
    const event = makeEvent({ kind: 'entityUnlockSent', criticalSectionId, parentInstanceId: lockedBy, targetInstanceId: entity.instanceId }, now);
    await this.#d.store.appendEntityMessage(hub, { instanceId: entity.instanceId, event, visibleAt: now }, now);
    return true;
  }
}

/** The store's entity row as the domain's entity, field by field: the store's record stays behind the seam. */
function entityMetadataOf(record: EntityMetadataRecord): EntityMetadata {
  const { instanceId, state, lockedBy, criticalSectionId, lastModifiedAt, backlogQueueSize } = record;
  return {
    instanceId,
    ...(state === undefined ? {} : { state }),
    ...(lockedBy === undefined ? {} : { lockedBy }),
    ...(criticalSectionId === undefined ? {} : { criticalSectionId }),
    lastModifiedAt,
    backlogQueueSize,
  };
}
