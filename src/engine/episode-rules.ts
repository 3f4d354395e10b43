/** Small rules the orchestration state machine shares with the server-side episodes. */
import {
  makeEvent,
  TERMINAL_STATUSES,
  type ExecutionStarted,
  type FailureDetails,
  type OrchestrationStatus,
} from '../domain/history-event.ts';
import type { OrchestratorAction } from '../domain/orchestrator-action.ts';
import { compact } from '../lib/compact.ts';
import type { InboxMessage } from '../store/work-store.ts';

/** Without a reuse policy, a finished instance may be replaced by a new one with its id. */
export const REPLACEABLE_BY_DEFAULT: readonly OrchestrationStatus[] = [...TERMINAL_STATUSES];

export function failure(errorType: string, errorMessage: string, isNonRetriable = false): FailureDetails {
  return { errorType, errorMessage, isNonRetriable };
}

/** The payload fields of an action, for size checks. */
export function actionPayloads(action: OrchestratorAction): Array<[string, string | undefined]> {
  switch (action.kind) {
    case 'scheduleTask':
    case 'createSubOrchestration':
      return [[`${action.kind}.input`, action.input]];
    case 'sendEvent':
      return [['sendEvent.data', action.data]];
    case 'terminateOrchestration':
      return [['terminateOrchestration.reason', action.reason]];
    case 'completeOrchestration':
      return [['completeOrchestration.result', action.result]];
    default:
      return [];
  }
}

/** The message that tells a parent orchestration how its child ended, if it has a parent. */
export function parentNotification(
  started: ExecutionStarted | undefined,
  status: OrchestrationStatus,
  result: string | undefined,
  failureDetails: FailureDetails | undefined,
  now: number,
): InboxMessage | undefined {
  const parent = started?.parentInstance;
  if (parent === undefined) return undefined;
  const taskScheduledId = parent.taskScheduledId;
  const event =
    status === 'COMPLETED'
      ? makeEvent(compact({ kind: 'subOrchestrationInstanceCompleted', taskScheduledId, result }), now)
      : makeEvent(
          {
            kind: 'subOrchestrationInstanceFailed',
            taskScheduledId,
            failureDetails:
              failureDetails ?? failure('SubOrchestrationTerminated', `the sub-orchestration ended with status ${status}${result === undefined ? '' : `: ${result}`}`),
          },
          now,
        );
  const target = parent.orchestrationInstance;
  return compact({
    instanceId: target.instanceId,
    executionId: target.executionId,
    event,
    visibleAt: now,
  });
}
