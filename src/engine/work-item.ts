/** What the engine pushes over a worker's stream, before the protocol layer encodes it. */
import type { HistoryEvent } from '../domain/history-event.ts';
import type { ActivityTask } from '../store/store.ts';

export type WorkItemMessage =
  | {
      kind: 'orchestration';
      completionToken: string;
      instanceId: string;
      executionId: string;
      pastEvents: readonly HistoryEvent[];
      newEvents: readonly HistoryEvent[];
    }
  | { kind: 'activity'; completionToken: string; task: ActivityTask }
  | { kind: 'healthPing' };

export type WorkKind = 'orchestration' | 'activity';

/** Concurrency caps a worker declares; 0 means no cap. */
export interface WorkerCaps {
  orchestration: number;
  activity: number;
}
