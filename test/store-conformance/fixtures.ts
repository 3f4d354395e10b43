/**
 * Builders and helpers shared by the conformance tests: fixed times, hub names, instances,
 * events, claims and completions. Everything is plain data built through the contract's types.
 */
import assert from 'node:assert/strict';
import { isServerError, type ErrorCode } from '../../src/domain/errors.ts';
import { makeEvent, type HistoryEvent, type OrchestrationStatus } from '../../src/domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../../src/domain/instance.ts';
import type { Store } from '../../src/store/store.ts';
import type { ActivityTask, ActivityWorkItem, ClaimResult, InboxMessage, NewInstance, OrchestrationCompletion, OrchestrationWorkItem } from '../../src/store/work-store.ts';

/** A fixed start of time; tests advance from it by hand and never sleep. */
export const T0 = Date.UTC(2026, 0, 1);
export const LEASE_MS = 30_000;
export const HUB = 'hub-a' as TaskHubName;
export const OTHER_HUB = 'hub-b' as TaskHubName;
export const NON_ASCII = 'Hello, 世界! 🎉👩‍💻 ñ';

export function record(instanceId: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const executionId = `${instanceId}-exec-1`;
  return { instanceId, executionId, name: 'MyOrchestration', status: 'PENDING', createdAt: T0, lastUpdatedAt: T0, ...overrides };
}

export function startEvent(instance: InstanceRecord, timestamp = instance.createdAt): HistoryEvent {
  const body = {
    kind: 'executionStarted' as const,
    name: instance.name,
    orchestrationInstance: { instanceId: instance.instanceId, executionId: instance.executionId },
    ...(instance.input === undefined ? {} : { input: instance.input }),
  };
  return makeEvent(body, timestamp);
}

export function newInstance(
  instanceId: string,
  options: { record?: Partial<InstanceRecord>; visibleAt?: number; replaceable?: readonly OrchestrationStatus[] } = {},
): NewInstance {
  const instance = record(instanceId, options.record);
  return {
    instance,
    startEvent: startEvent(instance),
    startVisibleAt: options.visibleAt ?? instance.createdAt,
    replaceableStatuses: options.replaceable ?? [],
  };
}

export function raised(name: string, input?: string, timestamp = T0): HistoryEvent {
  return makeEvent({ kind: 'eventRaised', name, ...(input === undefined ? {} : { input }) }, timestamp);
}

export function timerFired(fireAt: number, timerId: number): HistoryEvent {
  return makeEvent({ kind: 'timerFired', fireAt, timerId }, fireAt);
}

export function message(instanceId: string, event: HistoryEvent, visibleAt = T0): InboxMessage {
  return { instanceId, event, visibleAt };
}

export function task(instanceId: string, taskId: number, overrides: Partial<ActivityTask> = {}): ActivityTask {
  return { instanceId, executionId: `${instanceId}-exec-1`, taskId, name: 'MyActivity', ...overrides };
}

/** A short label per message, to compare delivery order: event name, or the event kind. */
export function labels(items: { event: HistoryEvent }[]): string[] {
  return items.map(({ event }) => (event.kind === 'eventRaised' ? event.name : event.kind));
}

export function claimOrchestrations(
  store: Store,
  now: number,
  options: { hub?: TaskHubName; limit?: number; leaseMs?: number; messagesMax?: number } = {},
): Promise<ClaimResult<OrchestrationWorkItem>> {
  return store.claimOrchestrationWork(options.hub ?? HUB, {
    now,
    limit: options.limit ?? 10,
    leaseMs: options.leaseMs ?? LEASE_MS,
    messagesMax: options.messagesMax ?? 100,
  });
}

export function claimActivities(
  store: Store,
  now: number,
  options: { hub?: TaskHubName; limit?: number; leaseMs?: number } = {},
): Promise<ClaimResult<ActivityWorkItem>> {
  return store.claimActivityWork(options.hub ?? HUB, { now, limit: options.limit ?? 10, leaseMs: options.leaseMs ?? LEASE_MS });
}

/** Claims one orchestration work item, which must exist (and be for the instance, when given). */
export async function claimOne(store: Store, now: number, instanceId?: string, hub = HUB): Promise<OrchestrationWorkItem> {
  const { items } = await claimOrchestrations(store, now, { hub, limit: 1 });
  assert.equal(items.length, 1, `expected one work item, got ${items.length}`);
  const item = items[0] as OrchestrationWorkItem;
  if (instanceId !== undefined) assert.equal(item.instance.instanceId, instanceId);
  return item;
}

/**
 * The completion of an episode that consumed every delivered message and appended them to the
 * history, with the instance RUNNING; `overrides` replace parts of it.
 */
export function completionOf(item: OrchestrationWorkItem, now: number, overrides: Partial<OrchestrationCompletion> = {}): OrchestrationCompletion {
  return {
    lease: item.lease.token,
    consumedSeqs: item.messages.map((m) => m.seq),
    instance: { ...item.instance, status: 'RUNNING', lastUpdatedAt: now },
    claimedStatus: item.instance.status,
    history: { reset: false, startIndex: item.history.length, append: item.messages.map((m) => m.event) },
    activities: [],
    messages: [],
    children: [],
    ...overrides,
  };
}

/** The `history` part of a completion. */
export function appendAt(startIndex: number, append: readonly HistoryEvent[], reset = false): OrchestrationCompletion['history'] {
  return { reset, startIndex, append };
}

export async function assertRejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isServerError(error, code), `expected ServerError ${code}, got ${String(error)}`);
    return true;
  });
}

/** Creates an instance and asserts that it was created. */
export async function create(store: Store, instance: NewInstance, now = T0, hub = HUB): Promise<void> {
  const result = await store.createInstance(hub, instance, now);
  assert.deepEqual(result, { created: true });
}
