/**
 * Entity messages between protobuf and domain data: the `entityRequestV2` work item (operations
 * as history events), the capability probe, `EntityBatchResult` from workers, and the
 * `EntityMetadata` of GetEntity and QueryEntities. It only translates; meaning is the engine's.
 */
import type { EntityBatchResult, EntityMetadata, EntityOperationAction, OperationResult } from '../../domain/entity.ts';
import type { HistoryEvent } from '../../domain/history-event.ts';
import { compact } from '../../lib/compact.ts';
import { fromFailureDetails, fromStringValue as str, fromTimestamp, toStringValue, toTimestamp } from './common-map.ts';
import { historyEventToProto } from './history-event-map.ts';
import { proto, type pb } from './load.ts';

export interface EntityWorkItemArgs {
  completionToken: string;
  instanceId: string;
  state?: string;
  operations: readonly HistoryEvent[];
}

export function entityWorkItemToProto(args: EntityWorkItemArgs): pb.WorkItem {
  const request = new proto.EntityRequest()
    .setInstanceid(args.instanceId)
    .setEntitystate(toStringValue(args.state))
    .setOperationrequestsList(args.operations.map(historyEventToProto));
  return new proto.WorkItem().setEntityrequestv2(request).setCompletiontoken(args.completionToken);
}

export function entityBatchResultFromProto(m: pb.EntityBatchResult): EntityBatchResult {
  return compact({
    completionToken: m.getCompletiontoken(),
    results: m.getResultsList().map(operationResultFromProto),
    actions: m.getActionsList().flatMap(operationActionFromProto),
    entityState: str(m.getEntitystate()),
    failureDetails: fromFailureDetails(m.getFailuredetails()),
  });
}

function operationResultFromProto(r: pb.OperationResult): OperationResult {
  const failed = r.getFailure();
  if (failed !== undefined) {
    const failureDetails = fromFailureDetails(failed.getFailuredetails()) ?? { errorType: 'EntityOperationFailed', errorMessage: 'the operation failed', isNonRetriable: false };
    return { kind: 'failure', failureDetails };
  }
  return compact({ kind: 'success' as const, result: str(r.getSuccess()?.getResult()) });
}

/** An action of a kind this protocol version does not know is dropped. */
function operationActionFromProto(a: pb.OperationAction): EntityOperationAction[] {
  const signal = a.getSendsignal();
  if (signal !== undefined) {
    return [compact({
      kind: 'sendSignal' as const,
      instanceId: signal.getInstanceid(),
      name: signal.getName(),
      input: str(signal.getInput()),
      scheduledTime: fromTimestamp(signal.getScheduledtime()),
    })];
  }
  const start = a.getStartneworchestration();
  if (start !== undefined) {
    return [compact({
      kind: 'startNewOrchestration' as const,
      instanceId: start.getInstanceid(),
      name: start.getName(),
      version: str(start.getVersion()),
      input: str(start.getInput()),
      scheduledTime: fromTimestamp(start.getScheduledtime()),
    })];
  }
  return [];
}

export function entityMetadataToProto(e: EntityMetadata, includeState: boolean): pb.EntityMetadata {
  const m = new proto.EntityMetadata()
    .setInstanceid(e.instanceId)
    .setLastmodifiedtime(toTimestamp(e.lastModifiedAt))
    .setBacklogqueuesize(e.backlogQueueSize)
    .setLockedby(toStringValue(e.lockedBy));
  if (includeState) m.setSerializedstate(toStringValue(e.state));
  return m;
}
