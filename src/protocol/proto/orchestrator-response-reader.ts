/**
 * Reads the common `OrchestratorResponse` (the actions of one episode) straight from its bytes
 * into domain data, without building google-protobuf messages first. It covers what episodes
 * mostly hold: scheduled activities without tags, timers, events sent,
 * completions without carryover events, failure details or tags. Anything else (another action,
 * a field this reader does not know, a wire type other than the schema's, bytes that do not
 * parse, a string that is not UTF-8, a varint longer than 5 bytes, a bool that is not one byte
 * 0 or 1, an unknown orchestration status) makes it give up and return undefined: the caller
 * then decodes with the generated code and response-map.ts, so every such message is read, or
 * refused, exactly as before. orchestrator-response-reader.test.ts holds the two paths to the
 * same result.
 */
import { isUtf8 } from 'node:buffer';
import type { TraceContext } from '../../domain/history-event.ts';
import type {
  CompleteOrchestrationAction,
  OrchestratorAction,
  OrchestratorActionBody,
  OrchestratorResponse,
  ScheduleTaskAction,
} from '../../domain/orchestrator-action.ts';
import { fromOrchestrationStatus } from './common-map.ts';

/**
 * Where reading stands in the message's bytes. protobufjs's Reader is not used: it skips the
 * rest of a varint longer than 5 bytes unread and cuts an overlong string short, where
 * google-protobuf refuses the message.
 */
interface Reader {
  readonly buf: Buffer;
  pos: number;
}

const VARINT = 0;
const LEN = 2;

/**
 * Thrown inside the reader to give the message back to the generated decoder. One Error, made
 * once: throwing it again captures no stack.
 */
const GIVE_UP = new Error('give the message to the generated decoder');

export function readOrchestratorResponse(bytes: Buffer): OrchestratorResponse | undefined {
  try {
    return response({ buf: bytes, pos: 0 });
  } catch {
    return undefined;
  }
}

/**
 * Calls `field(number, wireType)` for each field of the message that ends at `end`; a field
 * must be read whole by `field`, which returns false for one it does not know.
 */
function fields(r: Reader, end: number, field: (number: number, wireType: number) => boolean): void {
  if (end > r.buf.length) throw GIVE_UP;
  while (r.pos < end) {
    const key = varint(r);
    if (!field(key >>> 3, key & 7)) throw GIVE_UP;
  }
  if (r.pos !== end) throw GIVE_UP;
}

/**
 * A string field. protobufjs's own read would cut a declared length that runs past the end
 * short; google-protobuf reads invalid UTF-8 in its own way (drops, mis-decodes or refuses it),
 * so such a string is left to it.
 */
function text(r: Reader): string {
  const length = varint(r);
  const start = r.pos;
  if (start + length > r.buf.length) throw GIVE_UP;
  r.pos = start + length;
  const bytes = r.buf.subarray(start, r.pos);
  if (!isUtf8(bytes)) throw GIVE_UP;
  return bytes.toString('utf8');
}

function expect(wireType: number, wanted: number): void {
  if (wireType !== wanted) throw GIVE_UP;
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

/** `google.protobuf.StringValue`: present, so at least ''. */
function stringValue(r: Reader): string {
  const end = varint(r) + r.pos;
  let value = '';
  fields(r, end, (n, t) => {
    if (n !== 1) return false;
    expect(t, LEN);
    value = text(r);
    return true;
  });
  return value;
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

/** A varint of at most 5 bytes, as its exact value (up to 2^35 - 1). */
function varintValue(r: Reader): number {
  let value = 0;
  for (let i = 0, scale = 1; i < 5; i++, scale *= 128) {
    const byte = r.buf[r.pos++];
    if (byte === undefined) throw GIVE_UP;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
  }
  throw GIVE_UP;
}

/** An unsigned 32-bit varint (lengths, keys); google-protobuf keeps the low 32 bits of a longer value. */
function varint(r: Reader): number {
  return varintValue(r) % 2 ** 32;
}

function int32(r: Reader): number {
  return varint(r) | 0;
}

/** google-protobuf reads a bool as one byte whatever its varint says: only 0 and 1 read alike. */
function bool(r: Reader): boolean {
  const byte = r.buf[r.pos++];
  if (byte !== 0 && byte !== 1) throw GIVE_UP;
  return byte === 1;
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
