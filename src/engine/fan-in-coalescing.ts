/**
 * Fan-in coalescing. Every episode replays the orchestration's whole history in the worker, so
 * an orchestration waiting on hundreds of tasks spends most of its time replaying when each
 * result that finds it idle starts an episode of its own. For such an instance the results of
 * its activities and sub-orchestrations are made visible together, at the end of a window opened
 * by the first of them, so one episode takes many. The window is twice the instance's last
 * episode (dispatch to completion, replay included), capped; an instance with few tasks
 * outstanding (a sequence) is never delayed. In memory and per node: a result completed on
 * another node, or after a restart, is not delayed.
 */
import type { HistoryEvent } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { InboxMessage } from '../store/work-store.ts';

export interface FanInOptions {
  /** Outstanding tasks from which results are coalesced. */
  outstandingMin: number;
  /** Longest window. */
  windowMsMax: number;
  /** Instances tracked at once; the oldest is forgotten beyond it. */
  instancesMax: number;
}

interface Tracked {
  windowMs: number;
  windowEnd: number;
}

export class FanInCoalescing {
  readonly #options: FanInOptions;
  readonly #instances = new Map<string, Tracked>();

  constructor(options: FanInOptions) {
    this.#options = options;
  }

  /** An episode of the instance completed after `episodeMs`, leaving `history` committed. */
  noteEpisode(hub: TaskHubName, instanceId: string, history: readonly (readonly HistoryEvent[])[], episodeMs: number): void {
    const key = keyOf(hub, instanceId);
    this.#instances.delete(key);
    if (outstandingTasks(history, this.#options.outstandingMin) < this.#options.outstandingMin) return;
    if (this.#instances.size >= this.#options.instancesMax) this.#instances.delete(this.#instances.keys().next().value as string);
    this.#instances.set(key, { windowMs: Math.min(this.#options.windowMsMax, 2 * Math.max(0, episodeMs)), windowEnd: 0 });
  }

  /** The messages of an episode, with the results of sub-orchestrations it ended delayed as they should be. */
  delayChildResults(hub: TaskHubName, messages: readonly InboxMessage[], now: number): readonly InboxMessage[] {
    if (this.#instances.size === 0) return messages;
    return messages.map((m) => {
      const kind = m.event.kind;
      if (kind !== 'subOrchestrationInstanceCompleted' && kind !== 'subOrchestrationInstanceFailed') return m;
      const visibleAt = this.resultVisibleAt(hub, m.instanceId, now);
      return visibleAt === m.visibleAt ? m : { ...m, visibleAt };
    });
  }

  /** When a task's result for the instance, arriving at `now`, becomes visible. */
  resultVisibleAt(hub: TaskHubName, instanceId: string, now: number): number {
    const tracked = this.#instances.get(keyOf(hub, instanceId));
    if (tracked === undefined) return now;
    if (tracked.windowEnd <= now) tracked.windowEnd = now + tracked.windowMs;
    return tracked.windowEnd;
  }
}

function keyOf(hub: string, instanceId: string): string {
  return `${hub}\n${instanceId}`;
}

/**
 * Tasks and sub-orchestrations scheduled but not answered, across the parts of a history.
 * Histories too short to hold `atLeast` of them are not scanned.
 */
export function outstandingTasks(parts: readonly (readonly HistoryEvent[])[], atLeast: number): number {
  let length = 0;
  for (const part of parts) length += part.length;
  if (length < atLeast) return 0;
  let outstanding = 0;
  for (const part of parts) {
    for (const event of part) {
      switch (event.kind) {
        case 'taskScheduled':
        case 'subOrchestrationInstanceCreated':
          outstanding++;
          break;
        case 'taskCompleted':
        case 'taskFailed':
        case 'subOrchestrationInstanceCompleted':
        case 'subOrchestrationInstanceFailed':
          outstanding--;
          break;
      }
    }
  }
  return outstanding;
}
