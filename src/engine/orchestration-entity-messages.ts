/**
 * The orchestration side of entities: a `sendEntityMessage` action becomes the history event
 * that confirms it (eventId = action id; the SDKs check it on replay) plus the message routed
 * to the entity; and when an execution ends, the locks it still holds are released. Pure.
 */
import { normalizeEntityId } from '../domain/entity.ts';
import { ServerError } from '../domain/errors.ts';
import { makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { InstanceRecord } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import type { SendEntityMessageAction } from '../domain/orchestrator-action.ts';
import { validateName, validatePayload } from '../domain/validate.ts';
import type { EntityMessage } from '../store/work-store.ts';

/** Lock sets are bounded so a request cannot fan out without limit. */
export const LOCK_SET_SIZE_MAX = 100;

export function entityMessageFromAction(
  action: SendEntityMessageAction & { id: number },
  instance: InstanceRecord,
  now: number,
  limits: Limits,
): { event: HistoryEvent; message: EntityMessage } {
  const m = action.message;
  const self = instance.instanceId;
  switch (m.kind) {
    case 'entityOperationSignaled':
    case 'entityOperationCalled': {
      const target = normalizeEntityId(m.targetInstanceId ?? '', limits, `${m.kind}.targetInstanceId`);
      validateName(m.operation, limits, `${m.kind}.operation`);
      validatePayload(m.input, limits, `${m.kind}.input`);
      const body = m.kind === 'entityOperationCalled'
        ? { ...m, targetInstanceId: target, parentInstanceId: self, parentExecutionId: m.parentExecutionId ?? instance.executionId }
        : { ...m, targetInstanceId: target };
      const event = makeEvent(body, now, action.id);
      const visibleAt = Math.max(now, m.scheduledTime ?? now);
      return { event, message: { instanceId: target, event: makeEvent(body, now), visibleAt } };
    }
    case 'entityLockRequested': {
      if (m.lockSet.length === 0 || m.lockSet.length > LOCK_SET_SIZE_MAX) {
        throw new ServerError('INVALID_ARGUMENT', `a lock set must hold 1 to ${LOCK_SET_SIZE_MAX} entities; it holds ${m.lockSet.length}`);
      }
      const lockSet = m.lockSet.map((id) => normalizeEntityId(id, limits, 'entityLockRequested.lockSet'));
      const body = { ...m, lockSet, position: 0, parentInstanceId: self };
      return { event: makeEvent(body, now, action.id), message: { instanceId: lockSet[0] as string, event: makeEvent(body, now), visibleAt: now } };
    }
    case 'entityUnlockSent': {
      const target = normalizeEntityId(m.targetInstanceId ?? '', limits, 'entityUnlockSent.targetInstanceId');
      const body = { ...m, targetInstanceId: target, parentInstanceId: self };
      return { event: makeEvent(body, now, action.id), message: { instanceId: target, event: makeEvent(body, now), visibleAt: now } };
    }
  }
}

/**
 * Unlocks for every entity of every critical section this execution requested and has not
 * unlocked yet (granted or still pending: an unlock that overtakes a pending request is undone
 * by the entity, which ignores lock requests from ended orchestrations).
 */
export function releaseHeldLocks(history: readonly HistoryEvent[], instanceId: string, now: number): EntityMessage[] {
  const held = new Map<string, Set<string>>();
  for (const e of history) {
    if (e.kind === 'entityLockRequested') held.set(e.criticalSectionId, new Set(e.lockSet));
    else if (e.kind === 'entityUnlockSent' && e.targetInstanceId !== undefined) held.get(e.criticalSectionId)?.delete(e.targetInstanceId);
  }
  const messages: EntityMessage[] = [];
  for (const [criticalSectionId, entities] of held) {
    for (const target of entities) {
      const event = makeEvent({ kind: 'entityUnlockSent', criticalSectionId, parentInstanceId: instanceId, targetInstanceId: target }, now);
      messages.push({ instanceId: target, event, visibleAt: now });
    }
  }
  return messages;
}
