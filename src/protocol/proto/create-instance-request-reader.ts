/**
 * Reads StartInstance's `CreateInstanceRequest` straight from its bytes into the engine's start
 * request, without building google-protobuf messages first. It covers what SDKs mostly send: an
 * instance id, a name, a version, an input, a start time, an execution id and a trace context.
 * Anything else (tags, an id reuse policy, another field), or anything field-reader.ts gives up
 * on, makes it return undefined: the caller then decodes with the generated code and
 * start-request-map.ts, so every such message is read, or refused, exactly as before.
 * create-instance-request-reader.test.ts holds the two paths to the same result.
 */
import type { TraceContext } from '../../domain/history-event.ts';
import type { StartInstanceRequest } from '../../engine/client-api.ts';
import { expect, fields, LEN, readOrGiveUp, stringValue, text, timestamp, traceContext, type Reader } from './field-reader.ts';

export function readCreateInstanceRequest(bytes: Buffer): StartInstanceRequest | undefined {
  return readOrGiveUp(bytes, request);
}

function request(r: Reader): StartInstanceRequest {
  let instanceId = '';
  let name = '';
  let version: string | undefined;
  let input: string | undefined;
  let scheduledStartAt: number | undefined;
  let executionId: string | undefined;
  let parentTraceContext: TraceContext | undefined;
  fields(r, r.buf.length, (n, t) => {
    expect(t, LEN);
    switch (n) {
      case 1: instanceId = text(r); return true;
      case 2: name = text(r); return true;
      case 3: version = stringValue(r); return true;
      case 4: input = stringValue(r); return true;
      case 5: scheduledStartAt = timestamp(r); return true;
      case 7: executionId = stringValue(r); return true;
      case 9: parentTraceContext = traceContext(r); return true;
      default: return false;
    }
  });
  // The key order of start-request-map.ts, unset optionals absent.
  const out: StartInstanceRequest = { instanceId, name };
  if (version !== undefined) out.version = version;
  if (input !== undefined) out.input = input;
  if (scheduledStartAt !== undefined) out.scheduledStartAt = scheduledStartAt;
  if (executionId !== undefined) out.executionId = executionId;
  if (parentTraceContext !== undefined) out.parentTraceContext = parentTraceContext;
  return out;
}
