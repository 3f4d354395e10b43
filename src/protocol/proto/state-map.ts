/**
 * Writing an instance record as the protocol's `OrchestrationState` (GetInstance, the Wait*
 * calls, QueryInstances). Payloads (input, output, custom status, failure details) are included
 * only when the caller asked for inputs and outputs; everything else is always sent.
 * GetInstance and the Wait* calls write their response straight to bytes (getInstanceResponseBytes).
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
import { bool, failureDetails, int32, LEN, str, stringValue, tag, tagMap, timestamp, WriterClass } from './field-writer.ts';
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

/** `GetInstanceResponse` fields (orchestrator_service.proto) and `OrchestrationState`'s, in the generated serializer's order. */
const RESPONSE = { exists: 1, orchestrationState: 2 } as const;
const STATE = {
  instanceId: 1, name: 2, version: 3, orchestrationStatus: 4, scheduledStartTimestamp: 5, createdTimestamp: 6, lastUpdatedTimestamp: 7,
  input: 8, output: 9, customStatus: 10, failureDetails: 11, executionId: 12, completedTimestamp: 13, parentInstanceId: 14, tags: 15,
} as const;

/**
 * The `GetInstanceResponse` of GetInstance and the Wait* calls, written straight to bytes
 * (field-writer.ts): the same bytes as `orchestrationStateToProto` in a generated response
 * (state-map.test.ts compares them), without building its message, wrappers and timestamps.
 */
export function getInstanceResponseBytes(r: InstanceRecord | undefined, includePayloads: boolean): Uint8Array {
  const w = WriterClass.create();
  if (r === undefined) return w.finish();
  bool(w, RESPONSE.exists, true);
  w.uint32(tag(RESPONSE.orchestrationState, LEN)).fork();
  str(w, STATE.instanceId, r.instanceId);
  str(w, STATE.name, r.name);
  stringValue(w, STATE.version, r.version);
  int32(w, STATE.orchestrationStatus, toOrchestrationStatus(r.status));
  if (r.scheduledStartAt !== undefined) timestamp(w, STATE.scheduledStartTimestamp, r.scheduledStartAt);
  timestamp(w, STATE.createdTimestamp, r.createdAt);
  timestamp(w, STATE.lastUpdatedTimestamp, r.lastUpdatedAt);
  if (includePayloads) {
    stringValue(w, STATE.input, r.input);
    stringValue(w, STATE.output, r.output);
    stringValue(w, STATE.customStatus, r.customStatus);
    failureDetails(w, STATE.failureDetails, r.failureDetails);
  }
  stringValue(w, STATE.executionId, r.executionId);
  if (r.completedAt !== undefined) timestamp(w, STATE.completedTimestamp, r.completedAt);
  stringValue(w, STATE.parentInstanceId, r.parentInstanceId);
  tagMap(w, STATE.tags, r.tags);
  return w.ldelim().finish();
}
