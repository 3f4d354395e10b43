/**
 * Decides what to do with a claimed orchestration work item before any worker sees it:
 * dispatch it, defer it (events for an instance whose scheduled start is still ahead), or settle
 * it on the server (termination, messages for finished instances or for an old execution).
 * Termination is done here rather than by the worker so it works the same for every SDK, for
 * suspended instances, and for instances no worker can run.
 */
import { isTerminal, makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { OrchestrationCompletion, OrchestrationWorkItem, StoredInboxMessage } from '../store/work-store.ts';
import { parentNotification } from './episode-rules.ts';
import { releaseHeldLocks } from './orchestration-entity-messages.ts';
import { setTerminal } from './orchestration-episode.ts';

export type EpisodePlan =
  | { kind: 'dispatch'; newEvents: HistoryEvent[]; newEventSeqs: number[]; droppedSeqs: number[] }
  | { kind: 'defer'; retryAt: number }
  | { kind: 'settle'; completion: OrchestrationCompletion };

export function planEpisode(item: OrchestrationWorkItem, now: number): EpisodePlan {
  const { instance, messages } = item;
  const relevant: StoredInboxMessage[] = [];
  const droppedSeqs: number[] = [];
  for (const m of messages) {
    if (m.executionId === undefined || m.executionId === instance.executionId) relevant.push(m);
    else droppedSeqs.push(m.seq);
  }
  const terminate = relevant.find((m) => m.event.kind === 'executionTerminated');
  // ExecutionCompleted is always the last event of a finished execution.
  const finished = item.history[item.history.length - 1]?.kind === 'executionCompleted';
  // A forced termination (SkipGracefulOrchestrationTerminations) set the status already.
  if (terminate !== undefined && instance.status === 'TERMINATED' && !finished) {
    return { kind: 'settle', completion: terminateOnServer(item, terminate, now) };
  }
  const rewind = rewindEpisode(item, relevant, droppedSeqs, finished, now);
  if (rewind !== undefined) return rewind;
  if (isTerminal(instance.status) || relevant.length === 0) {
    return { kind: 'settle', completion: settleUnchanged(item, messages.map((m) => m.seq)) };
  }
  if (terminate !== undefined) return { kind: 'settle', completion: terminateOnServer(item, terminate, now) };
  // Wake-up markers (queued after a rewind) only make the instance run; they are not events.
  for (const m of relevant) if (m.event.kind === 'orchestratorStarted') droppedSeqs.push(m.seq);
  const events = relevant.filter((m) => m.event.kind !== 'orchestratorStarted');

  const startMessage = events.find((m) => m.event.kind === 'executionStarted');
  const startedBefore = item.history.some((e, i) => i < 3 && e.kind === 'executionStarted');
  if (startMessage === undefined && !startedBefore) {
    // Events raised before a scheduled start wait until the start itself is visible.
    return { kind: 'defer', retryAt: Math.max(now + 1, instance.scheduledStartAt ?? now + 1000) };
  }
  const ordered = startMessage === undefined ? events : startFirst(startMessage, events);
  return {
    kind: 'dispatch',
    newEvents: [makeEvent({ kind: 'orchestratorStarted' }, now), ...ordered.map((m) => m.event)],
    newEventSeqs: ordered.map((m) => m.seq),
    droppedSeqs,
  };
}

/**
 * An ExecutionRewound event asks the worker to rewrite a finished history; the SDKs require it
 * to arrive alone, as [OrchestratorStarted, ExecutionRewound], so other messages wait for the
 * next episode. A rewind for an instance that is not finished (already rewound) is dropped.
 */
function rewindEpisode(
  item: OrchestrationWorkItem,
  relevant: StoredInboxMessage[],
  droppedSeqs: number[],
  finished: boolean,
  now: number,
): EpisodePlan | undefined {
  const rewind = relevant.find((m) => m.event.kind === 'executionRewound');
  if (rewind === undefined) return undefined;
  const rewindable = finished && (item.instance.status === 'FAILED' || item.instance.status === 'RUNNING');
  if (!rewindable) {
    relevant.splice(relevant.indexOf(rewind), 1);
    droppedSeqs.push(rewind.seq);
    return undefined;
  }
  return { kind: 'dispatch', newEvents: [makeEvent({ kind: 'orchestratorStarted' }, now), rewind.event], newEventSeqs: [rewind.seq], droppedSeqs };
}

/**
 * The SDKs expect ExecutionStarted before any other event of an execution. After a
 * continue-as-new, the events carried over from the previous execution (addressed to the new
 * one) were raised before anything that arrived while that execution's last episode ran, so they
 * come next; the rest keep their FIFO order.
 */
function startFirst(start: StoredInboxMessage, messages: readonly StoredInboxMessage[]): StoredInboxMessage[] {
  const carried = messages.filter((m) => m !== start && m.executionId !== undefined);
  const others = messages.filter((m) => m !== start && m.executionId === undefined);
  return [start, ...carried, ...others];
}

function settleUnchanged(item: OrchestrationWorkItem, consumedSeqs: number[]): OrchestrationCompletion {
  return {
    lease: item.lease.token,
    claimedStatus: item.instance.status,
    consumedSeqs,
    instance: item.instance,
    history: { reset: false, startIndex: item.history.length, append: [] },
    activities: [],
    messages: [],
    children: [],
  };
}

function terminateOnServer(item: OrchestrationWorkItem, terminate: StoredInboxMessage, now: number): OrchestrationCompletion {
  const event = terminate.event;
  if (event.kind !== 'executionTerminated') throw new Error('unreachable');
  const history = item.history;
  const startMessage = item.messages.find((m) => m.event.kind === 'executionStarted');
  const startEvent = history.find((e, i) => i < 3 && e.kind === 'executionStarted') ?? startMessage?.event;
  const started = startEvent?.kind === 'executionStarted' ? startEvent : undefined;
  const append: HistoryEvent[] = [makeEvent({ kind: 'orchestratorStarted' }, now)];
  if (started !== undefined && !history.includes(started)) append.push(started);
  append.push(event);
  const completed = makeEvent({ kind: 'executionCompleted', orchestrationStatus: 'TERMINATED' }, now);
  if (event.input !== undefined) completed.result = event.input;
  append.push(completed);

  const instance = { ...item.instance };
  if (started !== undefined && instance.input === undefined && started.input !== undefined) instance.input = started.input;
  setTerminal(instance, 'TERMINATED', now, event.input, undefined);
  const messages = [];
  const notice = parentNotification(started, 'TERMINATED', event.input, undefined, now);
  if (notice !== undefined) messages.push(notice);
  if (event.recurse) {
    for (const childId of runningChildren(history, item.messages)) {
      messages.push({ instanceId: childId, event: makeEvent({ ...event }, now), visibleAt: now });
    }
  }
  return {
    lease: item.lease.token,
    claimedStatus: item.instance.status,
    consumedSeqs: item.messages.map((m) => m.seq),
    instance,
    history: { reset: false, startIndex: history.length, append },
    activities: [],
    messages,
    children: [],
    entityMessages: releaseHeldLocks(history, item.instance.instanceId, now),
  };
}

/** Sub-orchestrations created in this execution whose completion has not arrived. */
function runningChildren(history: readonly HistoryEvent[], messages: readonly StoredInboxMessage[]): string[] {
  const created = new Map<number, string>();
  for (const e of history) if (e.kind === 'subOrchestrationInstanceCreated') created.set(e.eventId, e.instanceId);
  for (const e of [...history, ...messages.map((m) => m.event)]) {
    if (e.kind === 'subOrchestrationInstanceCompleted' || e.kind === 'subOrchestrationInstanceFailed') created.delete(e.taskScheduledId);
  }
  return [...created.values()];
}
