/**
 * Reads `ActivityResponse` (CompleteActivityTask's request: one activity's result or failure)
 * straight from its bytes into domain data, without building google-protobuf messages first.
 * It covers results and failure details without properties; anything else, or anything
 * field-reader.ts gives up on, makes it return undefined: the caller then decodes with the
 * generated code and response-map.ts's activityResponseFromProto, so every such message is read,
 * or refused, exactly as before. activity-response-reader.test.ts holds the two paths to the
 * same result.
 */
import type { FailureDetails } from '../../domain/history-event.ts';
import type { ActivityResponse } from '../../domain/orchestrator-action.ts';
import { bool, expect, fields, int32, LEN, readOrGiveUp, stringValue, text, VARINT, varint, type Reader } from './field-reader.ts';

export function readActivityResponse(bytes: Buffer): ActivityResponse | undefined {
  return readOrGiveUp(bytes, response);
}

function response(r: Reader): ActivityResponse {
  let instanceId = '';
  let taskId = 0;
  let result: string | undefined;
  let failureDetails: FailureDetails | undefined;
  let completionToken = '';
  fields(r, r.buf.length, (n, t) => {
    if (n === 2) {
      expect(t, VARINT);
      taskId = int32(r);
      return true;
    }
    expect(t, LEN);
    switch (n) {
      case 1: instanceId = text(r); return true;
      case 3: result = stringValue(r); return true;
      case 4: failureDetails = failure(r); return true;
      case 5: completionToken = text(r); return true;
      default: return false;
    }
  });
  // The key order of response-map.ts's activityResponseFromProto, unset optionals absent.
  const out: ActivityResponse = { instanceId, taskId } as ActivityResponse;
  if (result !== undefined) out.result = result;
  if (failureDetails !== undefined) out.failureDetails = failureDetails;
  out.completionToken = completionToken;
  return out;
}

/** `TaskFailureDetails` without properties (field 6), as common-map.ts's fromFailureDetails reads it. */
function failure(r: Reader): FailureDetails {
  const end = varint(r) + r.pos;
  let errorType = '';
  let errorMessage = '';
  let stackTrace: string | undefined;
  let innerFailure: FailureDetails | undefined;
  let isNonRetriable = false;
  fields(r, end, (n, t) => {
    if (n === 5) {
      expect(t, VARINT);
      isNonRetriable = bool(r);
      return true;
    }
    expect(t, LEN);
    switch (n) {
      case 1: errorType = text(r); return true;
      case 2: errorMessage = text(r); return true;
      case 3: stackTrace = stringValue(r); return true;
      case 4: innerFailure = failure(r); return true;
      default: return false;
    }
  });
  const out: FailureDetails = { errorType, errorMessage } as FailureDetails;
  if (stackTrace !== undefined) out.stackTrace = stackTrace;
  if (innerFailure !== undefined) out.innerFailure = innerFailure;
  out.isNonRetriable = isNonRetriable;
  return out;
}
