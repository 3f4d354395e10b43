/**
 * Writing an instance record as the protocol's `OrchestrationState` (GetInstance, the Wait*
 * calls, QueryInstances). Payloads (input, output, custom status, failure details) are included
 * only when the caller asked for inputs and outputs; everything else is always sent.
 */
import type { InstanceRecord } from '../../domain/instance.ts';
import {
  setTags,
  toFailureDetails,
  toOrchestrationStatus,
  toStringValue,
  toTimestamp,
  toTimestampOptional,
} from './common-map.ts';
import { proto, type pb } from './load.ts';

export function orchestrationStateToProto(r: InstanceRecord, includePayloads: boolean): pb.OrchestrationState {
  const m = new proto.OrchestrationState()
    .setInstanceid(r.instanceId)
    .setName(r.name)
    .setVersion(toStringValue(r.version))
    .setOrchestrationstatus(toOrchestrationStatus(r.status))
    .setScheduledstarttimestamp(toTimestampOptional(r.scheduledStartAt))
    .setCreatedtimestamp(toTimestamp(r.createdAt))
    .setLastupdatedtimestamp(toTimestamp(r.lastUpdatedAt))
    .setCompletedtimestamp(toTimestampOptional(r.completedAt))
    .setExecutionid(toStringValue(r.executionId))
    .setParentinstanceid(toStringValue(r.parentInstanceId));
  setTags(m, r.tags);
  if (includePayloads) {
    m.setInput(toStringValue(r.input))
      .setOutput(toStringValue(r.output))
      .setCustomstatus(toStringValue(r.customStatus))
      .setFailuredetails(toFailureDetails(r.failureDetails));
  }
  return m;
}
