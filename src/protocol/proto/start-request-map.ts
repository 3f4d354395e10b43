/**
 * Reading StartInstance's `CreateInstanceRequest`, decoded by the generated code, into the
 * engine's start request; unset optionals are absent. create-instance-request-reader.ts reads
 * the common request straight from its bytes to the same result.
 */
import type { OrchestrationStatus } from '../../domain/history-event.ts';
import type { StartInstanceRequest } from '../../engine/client-api.ts';
import { fromOrchestrationStatus, fromStringValue, fromTags, fromTimestamp, fromTraceContext } from './common-map.ts';
import type { pb } from './load.ts';

export function startRequestFromProto(req: pb.CreateInstanceRequest): StartInstanceRequest {
  const start: StartInstanceRequest = { instanceId: req.getInstanceid(), name: req.getName() };
  const optional = {
    version: fromStringValue(req.getVersion()),
    input: fromStringValue(req.getInput()),
    scheduledStartAt: fromTimestamp(req.getScheduledstarttimestamp()),
    tags: fromTags(req.getTagsMap()),
    executionId: fromStringValue(req.getExecutionid()),
    parentTraceContext: fromTraceContext(req.getParenttracecontext()),
    replaceableStatuses: replaceableStatuses(req.getOrchestrationidreusepolicy()),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (start as unknown as Record<string, unknown>)[key] = value;
  }
  return start;
}

function replaceableStatuses(policy: pb.OrchestrationIdReusePolicy | undefined): OrchestrationStatus[] | undefined {
  if (policy === undefined) return undefined;
  return policy.getReplaceablestatusList().map(fromOrchestrationStatus);
}
