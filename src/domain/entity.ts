/**
 * Durable entity ids and records as plain data. An entity instance id is `@<name>@<key>` with
 * the name lower-cased (the SDKs build ids this way and match names case-insensitively); the key
 * is kept as given. This module validates and normalizes ids; it knows nothing of storage.
 */
import { ServerError } from './errors.ts';
import type { FailureDetails } from './history-event.ts';
import type { Limits } from './limits.ts';

export interface EntityId {
  name: string;
  key: string;
}

/** True for ids in the entity id space (they start with '@'; orchestration ids never do). */
export function isEntityId(instanceId: string): boolean {
  return instanceId.startsWith('@');
}

/** Splits `@name@key`; undefined when the id is not a well-formed entity id. */
export function parseEntityId(instanceId: string): EntityId | undefined {
  if (!instanceId.startsWith('@')) return undefined;
  const separator = instanceId.indexOf('@', 1);
  if (separator <= 1) return undefined;
  return { name: instanceId.slice(1, separator), key: instanceId.slice(separator + 1) };
}

/**
 * Checks an entity id against the limits and returns it normalized (name lower-cased).
 * INVALID_ARGUMENT names the field and the rule.
 */
export function normalizeEntityId(instanceId: string, limits: Limits, field = 'instanceId'): string {
  const id = parseEntityId(instanceId);
  if (id === undefined) {
    throw new ServerError('INVALID_ARGUMENT', `${field} '${instanceId.slice(0, 120)}' is not an entity id; the form is '@name@key'`);
  }
  if (instanceId.length > limits.instanceIdLengthMax) {
    throw new ServerError('INVALID_ARGUMENT', `${field} is ${instanceId.length} characters long; the maximum is ${limits.instanceIdLengthMax}`);
  }
  if (id.name.length > limits.nameLengthMax) {
    throw new ServerError('INVALID_ARGUMENT', `the entity name in ${field} is longer than ${limits.nameLengthMax} characters`);
  }
  // Control characters would make ids unprintable in logs and the dashboard.
  if (/[\u0000-\u001f\u007f]/.test(instanceId)) {
    throw new ServerError('INVALID_ARGUMENT', `${field} must not contain control characters`);
  }
  return `@${id.name.toLowerCase()}@${id.key}`;
}

/** The outcome of one operation of a batch, as the worker reports it. */
export type OperationResult =
  | { kind: 'success'; result?: string }
  | { kind: 'failure'; failureDetails: FailureDetails };

/** Side effects an entity batch asks for. */
export type EntityOperationAction =
  | { kind: 'sendSignal'; instanceId: string; name: string; input?: string; scheduledTime?: number }
  | { kind: 'startNewOrchestration'; instanceId: string; name: string; version?: string; input?: string; scheduledTime?: number };

/** An entity as clients see it (GetEntity, QueryEntities, the dashboard). */
export interface EntityMetadata {
  /** `@name@key`, name lower-cased. */
  instanceId: string;
  /** The serialized state; absent for an entity that holds a lock but has no state. */
  state?: string;
  /** The orchestration instance holding the entity's lock, if any. */
  lockedBy?: string;
  criticalSectionId?: string;
  lastModifiedAt: number;
  /** Messages waiting for the entity, deferred ones included. */
  backlogQueueSize: number;
}

/** Entities in instance id order; `next` is the last id of a full page, absent on the last page. */
export interface EntityMetadataPage {
  entities: EntityMetadata[];
  next?: string;
}

/** What a worker sends back for one entity work item (`EntityBatchResult`). */
export interface EntityBatchResult {
  completionToken: string;
  /** One per operation executed, in order; may cover fewer operations than were sent. */
  results: OperationResult[];
  actions: EntityOperationAction[];
  /** The state after the batch; absent means the entity has no state (deleted). */
  entityState?: string;
  /** A batch-level failure: nothing of the batch applies, and it is retried. */
  failureDetails?: FailureDetails;
}
