/**
 * Request bytes for tests of the gRPC edge, built field by field (bench/driver/proto-wire.ts
 * writes the fields): shapes a well-behaved client never sends, such as millions of empty
 * actions, thousands of nested failures or timestamps out of range, without building them as
 * objects first. Field numbers are those of orchestrator_service.proto.
 */
import { readFileSync } from 'node:fs';
import { bytesField, stringField, varintField } from '../../bench/driver/proto-wire.ts';

/** `count` copies of `unit` after `head`, written once into one buffer. */
export function repeatedBytes(unit: Uint8Array, count: number, head: Uint8Array = new Uint8Array(0)): Buffer {
  const bytes = Buffer.allocUnsafe(head.length + unit.length * count);
  bytes.set(head);
  for (let i = 0; i < count; i++) bytes.set(unit, head.length + i * unit.length);
  return bytes;
}

/** OrchestratorResponse{instanceId, actions: count x empty OrchestratorAction}: 2 bytes an action. */
export function emptyActions(count: number): Buffer {
  return repeatedBytes(Buffer.from([0x12, 0x00]), count, stringField(1, 'attack'));
}

/** CreateInstanceRequest{instanceId, name, tags: count entries}. */
export function manyTags(instanceId: string, count: number): Buffer {
  const parts = [stringField(1, instanceId), stringField(2, 'Orch')];
  for (let i = 0; i < count; i++) parts.push(bytesField(8, Buffer.concat([stringField(1, `k${i}`), stringField(2, 'v')])));
  return Buffer.concat(parts);
}

/** TaskFailureDetails nested `levels` deep through innerFailure (field 4), built inside out. */
export function failureChain(levels: number): Buffer {
  let failure = Buffer.concat([stringField(1, 'Error'), stringField(2, 'the innermost failure')]);
  for (let i = 1; i < levels; i++) failure = Buffer.concat([stringField(1, 'Error'), bytesField(4, failure)]);
  return failure;
}

/** ActivityResponse{instanceId, taskId, failureDetails, completionToken}. */
export function failedActivity(instanceId: string, taskId: number, failure: Uint8Array, completionToken: string): Buffer {
  return Buffer.concat([stringField(1, instanceId), varintField(2, taskId), bytesField(4, failure), stringField(5, completionToken)]);
}

/** A google.protobuf.Timestamp or Duration with any seconds and nanos (negative ones as 10-byte varints). */
export function time(seconds: number, nanos: number): Buffer {
  return Buffer.concat([Buffer.from([0x08]), signedVarint(seconds), Buffer.from([0x10]), signedVarint(nanos)]);
}

function signedVarint(value: number): Buffer {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

/** KEDA's ScaledObjectRef{name, namespace, scalerMetadata}. */
export function scaledObjectRef(metadata: Record<string, string>): Buffer {
  const entries = Object.entries(metadata).map(([key, value]) => bytesField(3, Buffer.concat([stringField(1, key), stringField(2, value)])));
  return Buffer.concat([stringField(1, 'app'), stringField(2, 'default'), ...entries]);
}

/** Peak and current resident memory of a process, in MB (Linux /proc). */
export function residentMb(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}
