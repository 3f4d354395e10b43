/**
 * Checks of client-supplied values against the limits. Each failure is a `ServerError` whose
 * message names the field and the rule, so a user can fix the request without reading code.
 */
import { ServerError } from './errors.ts';
import type { OrchestrationStatus, Tags } from './history-event.ts';
import type { Limits } from './limits.ts';

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const TASK_HUB_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/;

export function validateInstanceId(id: string, limits: Limits, field = 'instanceId'): void {
  if (id.length === 0) throw new ServerError('INVALID_ARGUMENT', `${field} must not be empty`);
  if (id.length > limits.instanceIdLengthMax) {
    throw new ServerError('INVALID_ARGUMENT', `${field} is ${id.length} characters long; the maximum is ${limits.instanceIdLengthMax}`);
  }
  if (!PRINTABLE_ASCII.test(id)) {
    throw new ServerError('INVALID_ARGUMENT', `${field} may contain printable ASCII characters only`);
  }
  if (id.startsWith('@')) {
    throw new ServerError('INVALID_ARGUMENT', `${field} must not start with '@', which is reserved for entity ids`);
  }
}

export function validateName(name: string, limits: Limits, field: string): void {
  if (name.length === 0) throw new ServerError('INVALID_ARGUMENT', `${field} must not be empty`);
  if (name.length > limits.nameLengthMax) {
    throw new ServerError('INVALID_ARGUMENT', `${field} is ${name.length} characters long; the maximum is ${limits.nameLengthMax}`);
  }
}

export function validatePayload(value: string | undefined, limits: Limits, field: string): void {
  if (value === undefined) return;
  // Length in UTF-16 units bounds the UTF-8 size from below (x1) and above (x3): skip the
  // exact count when the answer is already certain.
  if (value.length * 3 <= limits.payloadBytesMax) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > limits.payloadBytesMax) {
    throw new ServerError('PAYLOAD_TOO_LARGE', `${field} is ${bytes} bytes; the maximum is ${limits.payloadBytesMax} bytes`, {
      details: { field, bytes, maxBytes: limits.payloadBytesMax },
    });
  }
}

export function validateTags(tags: Tags | undefined, limits: Limits, field = 'tags'): void {
  if (tags === undefined) return;
  const keys = Object.keys(tags);
  if (keys.length > limits.tagsCountMax) {
    throw new ServerError('INVALID_ARGUMENT', `${field} has ${keys.length} entries; the maximum is ${limits.tagsCountMax}`);
  }
  for (const key of keys) {
    if (key.length === 0 || key.length > limits.tagKeyLengthMax) {
      throw new ServerError('INVALID_ARGUMENT', `${field} keys must be 1 to ${limits.tagKeyLengthMax} characters long`);
    }
    const value = tags[key] ?? '';
    if (value.length > limits.tagValueLengthMax) {
      throw new ServerError('INVALID_ARGUMENT', `${field}.${key} is longer than ${limits.tagValueLengthMax} characters`);
    }
  }
}

export function isValidTaskHubName(name: string): boolean {
  return TASK_HUB_NAME.test(name);
}

/** The statuses of an instance that has not finished: replacing one means terminating it first. */
const UNFINISHED: readonly OrchestrationStatus[] = ['RUNNING', 'PENDING', 'SUSPENDED', 'CONTINUED_AS_NEW'];

/**
 * The replaceable statuses of an `orchestrationIdReusePolicy` (docs/orchestration-id-reuse-policy.md).
 * Replacing an unfinished instance terminates it and then replaces the TERMINATED instance, so a
 * policy that makes an unfinished status replaceable but not TERMINATED contradicts itself; the
 * Azure service refuses it with this message, and so does this server.
 */
export function validateReplaceableStatuses(statuses: readonly OrchestrationStatus[]): void {
  if (statuses.includes('TERMINATED') || !statuses.some((s) => UNFINISHED.includes(s))) return;
  throw new ServerError('INVALID_ARGUMENT', "Invalid reusable statuses: cannot exclude 'Terminated' while also allowing reuse of running instances");
}
