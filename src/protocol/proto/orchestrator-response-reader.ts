/**
 * Reads the common `OrchestratorResponse` (the actions of one episode) straight from its bytes
 * into domain data, without building google-protobuf messages first. It covers what episodes
 * mostly hold: scheduled activities without tags, timers, events sent,
 * completions without carryover events, failure details or tags. Anything else (another action,
 * a field this reader does not know, a wire type other than the schema's, bytes that do not
 * parse, a string that is not UTF-8, a varint longer than 5 bytes, a bool that is not one byte
 * 0 or 1, an unknown orchestration status) makes it give up (field-reader.ts) and return undefined: the caller
 * then decodes with the generated code and response-map.ts, so every such message is read, or
 * refused, exactly as before. orchestrator-response-reader.test.ts holds the two paths to the
 * same result.
 */
import type { TraceContext } from '../../domain/history-event.ts';
import type {
  CompleteOrchestrationAction,
  OrchestratorAction,
  OrchestratorActionBody,
  OrchestratorResponse,
  ScheduleTaskAction,
} from '../../domain/orchestrator-action.ts';
import { fromOrchestrationStatus } from './common-map.ts';
import { bool, expect, fields, int32, LEN, readOrGiveUp, text, stringValue, VARINT, varint, varintValue, type Reader } from './field-reader.ts';

export function readOrchestratorResponse(bytes: Buffer): OrchestratorResponse | undefined {
  return readOrGiveUp(bytes, response);
}

function response(r: Reader): OrchestratorResponse {
  let instanceId = '';
  const actions: OrchestratorAction[] = [];
  let customStatus: string | undefined;
  let completionToken = '';
  let numEventsProcessed: number | undefined;
  let requiresHistory = false;
  let isPartial = false;
  let chunkIndex: number | undefined;
  fields(r, r.buf.length, (n, t) => {
    switch (n) {
      case 1: expect(t, LEN); instanceId = text(r); return true;
      case 2: expect(t, LEN); actions.push(action(r)); return true;
      case 3: expect(t, LEN); customStatus = stringValue(r); return true;
      case 4: expect(t, LEN); completionToken = text(r); return true;
      case 5: expect(t, LEN); numEventsProcessed = int32Value(r); return true;
      case 7: expect(t, VARINT); requiresHistory = bool(r); return true;
      case 8: expect(t, VARINT); isPartial = bool(r); return true;
      case 9: expect(t, LEN); chunkIndex = int32Value(r); return true;
      default: return false;
    }
  });
  // The key order of response-map.ts's orchestratorResponseFromProto, unset optionals absent.
  const out: OrchestratorResponse = { instanceId, actions } as OrchestratorResponse;
  if (customStatus !== undefined) out.customStatus = customStatus;
  out.completionToken = completionToken;
  if (numEventsProcessed !== undefined) out.numEventsProcessed = numEventsProcessed;
  out.requiresHistory = requiresHistory;
  out.isPartial = isPartial;
  if (chunkIndex !== undefined) out.chunkIndex = chunkIndex;
  return out;
}

function action(r: Reader): OrchestratorAction {
  const end = varint(r) + r.pos;
  let id = 0;
  let body: OrchestratorActionBody = { kind: 'unknown', caseNumber: 0 };
  fields(r, end, (n, t) => {
    if (n === 1) {
      expect(t, VARINT);
      id = int32(r);
      return true;
    }
    expect(t, LEN);
    switch (n) {
      case 2: body = scheduleTask(r); return true;
      case 4: body = { kind: 'createTimer', fireAt: timestamp(r) }; return true;
      case 5: body = sendEvent(r); return true;
      case 6: body = completeOrchestration(r); return true;
      default: return false;
    }
  });
  const out = body as OrchestratorAction;
  out.id = id;
  return out;
}

function scheduleTask(r: Reader): ScheduleTaskAction {
  const end = varint(r) + r.pos;
  let name = '';
  let version: string | undefined;
  let input: string | undefined;
  let parentTraceContext: TraceContext | undefined;
  fields(r, end, (n, t) => {
    expect(t, LEN);
    switch (n) {
      case 1: name = text(r); return true;
      case 2: version = stringValue(r); return true;
      case 3: input = stringValue(r); return true;
      case 5: parentTraceContext = traceContext(r); return true;
      default: return false;
    }
  });
  const out: ScheduleTaskAction = { kind: 'scheduleTask', name };
  if (version !== undefined) out.version = version;
  if (input !== undefined) out.input = input;
  if (parentTraceContext !== undefined) out.parentTraceContext = parentTraceContext;
  return out;
}

function sendEvent(r: Reader): OrchestratorActionBody {
  const end = varint(r) + r.pos;
  let instanceId = '';
  let name = '';
  let data: string | undefined;
  fields(r, end, (n, t) => {
    expect(t, LEN);
    switch (n) {
      case 1: instanceId = orchestrationInstanceId(r); return true;
      case 2: name = text(r); return true;
      case 3: data = stringValue(r); return true;
      default: return false;
    }
  });
  return data === undefined ? { kind: 'sendEvent', instanceId, name } : { kind: 'sendEvent', instanceId, name, data };
}

function completeOrchestration(r: Reader): CompleteOrchestrationAction {
  const end = varint(r) + r.pos;
  let status = 0;
  let result: string | undefined;
  let details: string | undefined;
  let newVersion: string | undefined;
  fields(r, end, (n, t) => {
    if (n === 1) {
      expect(t, VARINT);
      status = int32(r);
      return true;
    }
    expect(t, LEN);
    switch (n) {
      case 2: result = stringValue(r); return true;
      case 3: details = stringValue(r); return true;
      case 4: newVersion = stringValue(r); return true;
      default: return false;
    }
  });
  // An unknown status throws: the generated path then refuses the message with its own words.
  const orchestrationStatus = fromOrchestrationStatus(status);
  // carryoverEvents last, in the key order of response-map.ts.
  const out = { kind: 'completeOrchestration', orchestrationStatus } as CompleteOrchestrationAction;
  if (result !== undefined) out.result = result;
  if (details !== undefined) out.details = details;
  if (newVersion !== undefined) out.newVersion = newVersion;
  out.carryoverEvents = [];
  return out;
}

/** `OrchestrationInstance.instanceId`; its execution id is read and dropped (response-map.ts: never used). */
function orchestrationInstanceId(r: Reader): string {
  const end = varint(r) + r.pos;
  let instanceId = '';
  fields(r, end, (n, t) => {
    expect(t, LEN);
    if (n === 1) instanceId = text(r);
    else if (n === 2) stringValue(r);
    else return false;
    return true;
  });
  return instanceId;
}

function traceContext(r: Reader): TraceContext {
  const end = varint(r) + r.pos;
  let traceParent = '';
  let spanId = '';
  let traceState: string | undefined;
  fields(r, end, (n, t) => {
    expect(t, LEN);
    switch (n) {
      case 1: traceParent = text(r); return true;
      case 2: spanId = text(r); return true;
      case 3: traceState = stringValue(r); return true;
      default: return false;
    }
  });
  return traceState === undefined ? { traceParent, spanId } : { traceParent, spanId, traceState };
}

function int32Value(r: Reader): number {
  const end = varint(r) + r.pos;
  let value = 0;
  fields(r, end, (n, t) => {
    if (n !== 1) return false;
    expect(t, VARINT);
    value = int32(r);
    return true;
  });
  return value;
}

/** Epoch ms of a `google.protobuf.Timestamp`, as common-map.ts's fromTimestamp reads it. */
function timestamp(r: Reader): number {
  const end = varint(r) + r.pos;
  let seconds = 0;
  let nanos = 0;
  fields(r, end, (n, t) => {
    expect(t, VARINT);
    if (n === 1) seconds = varintValue(r);
    else if (n === 2) nanos = int32(r);
    else return false;
    return true;
  });
  return seconds * 1000 + Math.floor(nanos / 1e6);
}
