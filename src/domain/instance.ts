/** The stored state of one orchestration instance (its current execution). */
import type { FailureDetails, OrchestrationStatus, Tags } from './history-event.ts';

export type TaskHubName = string & { readonly __brand: 'TaskHubName' };

export interface InstanceRecord {
  instanceId: string;
  executionId: string;
  name: string;
  version?: string;
  status: OrchestrationStatus;
  createdAt: number;
  lastUpdatedAt: number;
  completedAt?: number;
  scheduledStartAt?: number;
  input?: string;
  output?: string;
  customStatus?: string;
  failureDetails?: FailureDetails;
  parentInstanceId?: string;
  tags?: Tags;
}
