/**
 * Turns a planned entity batch (entity-batch.ts) and the worker's result into the store writes
 * of one `completeEntityWork`: results for calling orchestrations, the new state, signals to
 * other entities and orchestration starts. Pure: time, ids and limits come in as arguments.
 */
import { normalizeEntityId, type EntityBatchResult, type EntityOperationAction } from '../domain/entity.ts';
import { ServerError } from '../domain/errors.ts';
import { makeEvent, type FailureDetails, type HistoryEvent } from '../domain/history-event.ts';
import type { InstanceRecord } from '../domain/instance.ts';
import type { Limits } from '../domain/limits.ts';
import { validateInstanceId, validateName, validatePayload } from '../domain/validate.ts';
import { compact } from '../lib/compact.ts';
import type { EntityCompletion, EntityMessage, EntityWorkItem, InboxMessage, NewInstance } from '../store/work-store.ts';
import { entityRow, type EntityBatchPlan } from './entity-batch.ts';
import { failure, REPLACEABLE_BY_DEFAULT } from './episode-rules.ts';

export interface CompletionContext {
  now: number;
  uuid: () => string;
  executionId: () => string;
  limits: Limits;
}

/** A batch with no operations: only the server-handled messages and the lock change apply. */
export function settleEntityBatch(item: EntityWorkItem, plan: EntityBatchPlan, now: number): EntityCompletion {
  const state = item.entity?.state;
  const entity = plan.lockChanged ? entityRow(item.instanceId, state, plan.lock, now) : item.entity;
  return {
    lease: item.lease.token,
    consumedSeqs: plan.consumedSeqs,
    deferredSeqs: plan.deferredSeqs,
    releaseDeferred: plan.releaseDeferred,
    entity,
    orchestrationMessages: plan.orchestrationMessages,
    entityMessages: plan.entityMessages,
    orchestrations: [],
  };
}

export function completeEntityBatch(item: EntityWorkItem, plan: EntityBatchPlan, result: EntityBatchResult, ctx: CompletionContext): EntityCompletion {
  const ran = Math.min(result.results.length, plan.operations.length);
  const operations = plan.operations.slice(0, ran);
  const base = settleEntityBatch(item, plan, ctx.now);
  const consumedSeqs = [...plan.consumedSeqs, ...plan.operationSeqs.slice(0, ran)];
  if (ran === 0) return { ...base, consumedSeqs };
  try {
    validatePayload(result.entityState, ctx.limits, 'entityState');
    const replies = operations.map((op, i) => reply(op, result.results[i], ctx));
    const entityMessages: EntityMessage[] = [...plan.entityMessages];
    const orchestrations: NewInstance[] = [];
    for (const action of result.actions) applyAction(action, ctx, entityMessages, orchestrations);
    return {
      ...base,
      consumedSeqs,
      entity: entityRow(item.instanceId, result.entityState, plan.lock, ctx.now),
      orchestrationMessages: [...plan.orchestrationMessages, ...replies.filter((r) => r !== undefined)],
      entityMessages,
      orchestrations,
    };
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    // The batch's output breaks a limit: its operations fail, the state stays as it was.
    const details = failure(error.code, error.message, true);
    const replies = operations.map((op) => reply(op, { kind: 'failure', failureDetails: details }, ctx));
    return { ...base, consumedSeqs, orchestrationMessages: [...plan.orchestrationMessages, ...replies.filter((r) => r !== undefined)] };
  }
}

/** The answer for a called operation; signals get none. */
function reply(op: HistoryEvent, result: EntityBatchResult['results'][number] | undefined, ctx: CompletionContext): InboxMessage | undefined {
  if (op.kind !== 'entityOperationCalled' || op.parentInstanceId === undefined || result === undefined) return undefined;
  const { requestId } = op;
  let event: HistoryEvent;
  if (result.kind === 'success') {
    validatePayload(result.result, ctx.limits, 'operation result');
    event = makeEvent(compact({ kind: 'entityOperationCompleted', requestId, output: result.result }), ctx.now);
  } else {
    const failureDetails: FailureDetails = result.failureDetails;
    event = makeEvent({ kind: 'entityOperationFailed', requestId, failureDetails }, ctx.now);
  }
  const message: InboxMessage = { instanceId: op.parentInstanceId, event, visibleAt: ctx.now };
  if (op.parentExecutionId !== undefined && op.parentExecutionId !== '') message.executionId = op.parentExecutionId;
  return message;
}

function applyAction(action: EntityOperationAction, ctx: CompletionContext, signals: EntityMessage[], starts: NewInstance[]): void {
  const { now, limits } = ctx;
  validatePayload(action.input, limits, `${action.kind}.input`);
  validateName(action.name, limits, `${action.kind}.name`);
  const visibleAt = Math.max(now, action.scheduledTime ?? now);
  if (action.kind === 'sendSignal') {
    const instanceId = normalizeEntityId(action.instanceId, limits, 'sendSignal.instanceId');
    const event = makeEvent(
      compact({
        kind: 'entityOperationSignaled',
        requestId: ctx.uuid(),
        operation: action.name,
        targetInstanceId: instanceId,
        input: action.input,
        scheduledTime: action.scheduledTime,
      }),
      now,
    );
    signals.push({ instanceId, event, visibleAt });
    return;
  }
  const instanceId = action.instanceId === '' ? ctx.uuid() : action.instanceId;
  validateInstanceId(instanceId, limits, 'startNewOrchestration.instanceId');
  const executionId = ctx.executionId();
  const instance: InstanceRecord = { instanceId, executionId, name: action.name, status: 'PENDING', createdAt: now, lastUpdatedAt: now };
  const startEvent = makeEvent({ kind: 'executionStarted', name: action.name, orchestrationInstance: { instanceId, executionId } }, now);
  if (action.version !== undefined) instance.version = startEvent.version = action.version;
  if (action.input !== undefined) instance.input = startEvent.input = action.input;
  if (visibleAt > now) instance.scheduledStartAt = startEvent.scheduledStartTimestamp = visibleAt;
  starts.push({ instance, startEvent, startVisibleAt: visibleAt, replaceableStatuses: REPLACEABLE_BY_DEFAULT });
}
