/**
 * Applying a worker's rewindOrchestration action (the second half of RewindInstance): the
 * history is replaced by the worker's cleaned list, the instance takes a new execution id and
 * runs again, and every sub-orchestration that was created but did not complete is rewound
 * too, or created again if it was purged. Pure, like the rest of the state machine: it returns
 * the writes and the store applies them.
 */
import { ServerError } from '../domain/errors.ts';
import { makeEvent, type ExecutionStarted, type HistoryEvent, type SubOrchestrationInstanceCreated } from '../domain/history-event.ts';
import type { InstanceRecord } from '../domain/instance.ts';
import type { RewindOrchestrationAction } from '../domain/orchestrator-action.ts';
import { compact } from '../lib/compact.ts';
import type { ChildInstance, LeaseToken, OrchestrationCompletion } from '../store/work-store.ts';

export interface RewindInput {
  instance: InstanceRecord;
  lease: LeaseToken;
  consumedSeqs: readonly number[];
  now: number;
  historyEventsMax: number;
  newExecutionId: () => string;
}

export function rewindCompletion(action: RewindOrchestrationAction, input: RewindInput): OrchestrationCompletion {
  const { now, instance: current } = input;
  if (action.newHistory.length > input.historyEventsMax) {
    throw new ServerError('RESOURCE_EXHAUSTED', `the rewound history has ${action.newHistory.length} events; the maximum is ${input.historyEventsMax}`);
  }
  const history = action.newHistory.map((e) => ({ ...e }));
  const started = history.find((e): e is ExecutionStarted & HistoryEvent => e.kind === 'executionStarted');
  if (started === undefined) throw new ServerError('INVALID_ARGUMENT', 'the rewindOrchestration action carries a history without ExecutionStarted');
  // The server mints the new execution id, not the SDK that cleaned the history: execution ids
  // keep one format (ids.ts) whichever SDK rewinds, and SDKs derive child ids from them.
  const executionId = input.newExecutionId();
  started.orchestrationInstance = { instanceId: current.instanceId, executionId };
  const instance: InstanceRecord = { ...current, executionId, status: 'RUNNING', lastUpdatedAt: now };
  delete instance.output;
  delete instance.failureDetails;
  delete instance.completedAt;
  const reason = lastRewindReason(history);
  return {
    lease: input.lease,
    claimedStatus: input.instance.status,
    consumedSeqs: input.consumedSeqs,
    instance,
    history: { reset: true, startIndex: 0, append: history },
    activities: [],
    // A wake-up marker: the next episode replays the new history with no new events.
    messages: [{ instanceId: current.instanceId, executionId, event: makeEvent({ kind: 'orchestratorStarted' }, now), visibleAt: now }],
    children: unfinishedChildren(history).map((created) => rewoundChild(created, instance, reason, now, input.newExecutionId())),
  };
}

function lastRewindReason(history: readonly HistoryEvent[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const event = history[i];
    if (event?.kind === 'executionRewound') return event.reason;
  }
  return undefined;
}

function unfinishedChildren(history: readonly HistoryEvent[]): (SubOrchestrationInstanceCreated & HistoryEvent)[] {
  const created = new Map<number, SubOrchestrationInstanceCreated & HistoryEvent>();
  for (const e of history) if (e.kind === 'subOrchestrationInstanceCreated') created.set(e.eventId, e);
  for (const e of history) if (e.kind === 'subOrchestrationInstanceCompleted') created.delete(e.taskScheduledId);
  return [...created.values()];
}

/**
 * The child is created again if it was purged; if it exists, creation conflicts and the
 * conflict message, an ExecutionRewound pointing at the parent's new execution, is queued to it
 * instead (a child that is not finished drops it, see episode-plan.ts).
 */
function rewoundChild(
  created: SubOrchestrationInstanceCreated & HistoryEvent,
  parent: InstanceRecord,
  reason: string | undefined,
  now: number,
  executionId: string,
): ChildInstance {
  const { instanceId, name } = created;
  const parentExecutionId = parent.executionId;
  const startEvent = makeEvent(
    compact({
      kind: 'executionStarted' as const,
      name,
      orchestrationInstance: { instanceId, executionId },
      parentInstance: {
        taskScheduledId: created.eventId,
        name: parent.name,
        orchestrationInstance: { instanceId: parent.instanceId, executionId: parentExecutionId },
      },
      version: created.version,
      input: created.input,
      tags: created.tags,
    }),
    now,
  );
  const child: InstanceRecord = { instanceId, executionId, name, status: 'PENDING', createdAt: now, lastUpdatedAt: now, parentInstanceId: parent.instanceId };
  if (created.version !== undefined) child.version = created.version;
  if (created.input !== undefined) child.input = created.input;
  if (created.tags !== undefined) child.tags = created.tags;
  const rewound = makeEvent(compact({ kind: 'executionRewound' as const, parentExecutionId, reason }), now);
  return {
    instance: child,
    startEvent,
    startVisibleAt: now,
    replaceableStatuses: [],
    onConflict: { instanceId, event: rewound, visibleAt: now },
  };
}
