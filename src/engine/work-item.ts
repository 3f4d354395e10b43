/** What the engine pushes over a worker's stream, before the protocol layer encodes it. */
import type { HistoryEvent } from '../domain/history-event.ts';
import type { ActivityTask } from '../store/work-store.ts';

export type WorkItemMessage =
  | {
      kind: 'orchestration';
      completionToken: string;
      instanceId: string;
      executionId: string;
      pastEvents: readonly HistoryEvent[];
      newEvents: readonly HistoryEvent[];
      /** The history is too large to send inline: the worker fetches it with StreamInstanceHistory. */
      requiresHistoryStreaming: boolean;
    }
  | { kind: 'activity'; completionToken: string; task: ActivityTask }
  | {
      kind: 'entity';
      completionToken: string;
      instanceId: string;
      /** Absent when the entity has no state (it does not exist yet, or was deleted). */
      state?: string;
      /** entityOperationSignaled / entityOperationCalled events, in order. */
      operations: readonly HistoryEvent[];
    }
  /** A batch of no operations for a reserved entity; see entity-support.ts. */
  | { kind: 'entityProbe'; completionToken: string; instanceId: string }
  | { kind: 'healthPing' };

export type WorkKind = 'orchestration' | 'activity' | 'entity';

/** Concurrency caps a worker declares; 0 means no cap. */
export interface WorkerCaps {
  orchestration: number;
  activity: number;
  entity: number;
}
