/**
 * Mapping of the protocol's shared building blocks between protobuf messages and domain data:
 * timestamps (epoch ms), StringValue wrappers, tag maps, trace contexts, instance references,
 * failure details and orchestration statuses. `to*` builds a message, `from*` reads one.
 * Absent wrappers and messages become absent keys, never `undefined`-valued ones.
 */
import { ServerError } from '../../domain/errors.ts';
import { clampTimeMs } from '../../domain/time-range.ts';
import type {
  FailureDetails,
  JsonValue,
  OrchestrationInstanceRef,
  OrchestrationStatus,
  ParentInstance,
  Tags,
  TraceContext,
} from '../../domain/history-event.ts';
import { compact } from '../../lib/compact.ts';
import { proto, StringValue, Timestamp, Value, type pb, type PbMap } from './load.ts';

/** Times stored by older versions may lie outside the Timestamp range: they are clamped into it. */
export function toTimestamp(stored: number): Timestamp {
  const ms = clampTimeMs(stored);
  const t = new Timestamp();
  const seconds = Math.floor(ms / 1000);
  t.setSeconds(seconds);
  t.setNanos(Math.floor(ms - seconds * 1000) * 1_000_000);
  return t;
}

export function toTimestampOptional(ms: number | undefined): Timestamp | undefined {
  return ms === undefined ? undefined : toTimestamp(ms);
}

export function fromTimestamp(t: Timestamp | undefined): number | undefined {
  return t === undefined ? undefined : t.getSeconds() * 1000 + Math.floor(t.getNanos() / 1e6);
}

export function toStringValue(s: string | undefined): StringValue | undefined {
  if (s === undefined) return undefined;
  const w = new StringValue();
  w.setValue(s);
  return w;
}

/** An absent wrapper is `undefined`; a present but empty one is `''`. */
export function fromStringValue(w: StringValue | undefined): string | undefined {
  return w === undefined ? undefined : w.getValue();
}

/** Writes `tags` into a message's tag map; the map is not even created when there are none. */
export function setTags(m: { getTagsMap(): PbMap<string, string> }, tags: Tags | undefined): void {
  if (tags === undefined) return;
  const map = m.getTagsMap();
  for (const key of Object.keys(tags)) map.set(key, tags[key]!);
}

/** An empty map is `undefined`. (google-protobuf's map itself cannot hold a `__proto__` key.) */
export function fromTags(map: PbMap<string, string>): Tags | undefined {
  return map.getLength() === 0 ? undefined : Object.fromEntries(map.getEntryList());
}

export function toTraceContext(c: TraceContext | undefined): pb.TraceContext | undefined {
  if (c === undefined) return undefined;
  const m = new proto.TraceContext();
  m.setTraceparent(c.traceParent);
  m.setSpanid(c.spanId);
  m.setTracestate(toStringValue(c.traceState));
  return m;
}

export function fromTraceContext(m: pb.TraceContext | undefined): TraceContext | undefined {
  if (m === undefined) return undefined;
  return compact({ traceParent: m.getTraceparent(), spanId: m.getSpanid(), traceState: fromStringValue(m.getTracestate()) });
}

export function toOrchestrationInstance(r: OrchestrationInstanceRef): pb.OrchestrationInstance {
  const m = new proto.OrchestrationInstance();
  m.setInstanceid(r.instanceId);
  m.setExecutionid(toStringValue(r.executionId));
  return m;
}

/** A missing instance reads as an empty instance id, as proto3 would read a missing string. */
export function fromOrchestrationInstance(m: pb.OrchestrationInstance | undefined): OrchestrationInstanceRef {
  if (m === undefined) return { instanceId: '' };
  return compact({ instanceId: m.getInstanceid(), executionId: fromStringValue(m.getExecutionid()) });
}

export function toParentInstance(p: ParentInstance | undefined): pb.ParentInstanceInfo | undefined {
  if (p === undefined) return undefined;
  const m = new proto.ParentInstanceInfo();
  m.setTaskscheduledid(p.taskScheduledId);
  m.setName(toStringValue(p.name));
  m.setVersion(toStringValue(p.version));
  m.setOrchestrationinstance(toOrchestrationInstance(p.orchestrationInstance));
  return m;
}

export function fromParentInstance(m: pb.ParentInstanceInfo | undefined): ParentInstance | undefined {
  if (m === undefined) return undefined;
  return compact({
    taskScheduledId: m.getTaskscheduledid(),
    name: fromStringValue(m.getName()),
    version: fromStringValue(m.getVersion()),
    orchestrationInstance: fromOrchestrationInstance(m.getOrchestrationinstance()),
  });
}

export function toFailureDetails(f: FailureDetails | undefined): pb.TaskFailureDetails | undefined {
  if (f === undefined) return undefined;
  const m = new proto.TaskFailureDetails();
  m.setErrortype(f.errorType);
  m.setErrormessage(f.errorMessage);
  m.setStacktrace(toStringValue(f.stackTrace));
  m.setInnerfailure(toFailureDetails(f.innerFailure));
  m.setIsnonretriable(f.isNonRetriable);
  if (f.properties !== undefined) {
    const map = m.getPropertiesMap();
    for (const key of Object.keys(f.properties)) map.set(key, Value.fromJavaScript(f.properties[key]!));
  }
  return m;
}

export function fromFailureDetails(m: pb.TaskFailureDetails | undefined): FailureDetails | undefined {
  if (m === undefined) return undefined;
  const properties = m.getPropertiesMap();
  return compact({
    errorType: m.getErrortype(),
    errorMessage: m.getErrormessage(),
    stackTrace: fromStringValue(m.getStacktrace()),
    innerFailure: fromFailureDetails(m.getInnerfailure()),
    isNonRetriable: m.getIsnonretriable(),
    properties: properties.getLength() > 0 ? fromValueMap(properties) : undefined,
  });
}

function fromValueMap(map: PbMap<string, Value>): Record<string, JsonValue> {
  const entries: [string, JsonValue][] = [];
  map.forEach((value, key) => entries.push([key, fromValue(value)]));
  return Object.fromEntries(entries);
}

/**
 * `Value.toJavaScript` throws on a value with no kind set; a peer may send one, so it reads as
 * null here instead of failing the whole message.
 */
function fromValue(v: Value): JsonValue {
  const kind = Value.KindCase;
  switch (v.getKindCase()) {
    case kind.NUMBER_VALUE: return v.getNumberValue();
    case kind.STRING_VALUE: return v.getStringValue();
    case kind.BOOL_VALUE: return v.getBoolValue();
    case kind.STRUCT_VALUE: return fromValueMap(v.getStructValue()!.getFieldsMap());
    case kind.LIST_VALUE: return v.getListValue()!.getValuesList().map(fromValue);
    default: return null;
  }
}

const STATUS_BY_NUMBER: readonly OrchestrationStatus[] = [
  'RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW', 'FAILED', 'CANCELED', 'TERMINATED', 'PENDING', 'SUSPENDED',
];
const NUMBER_BY_STATUS = new Map(STATUS_BY_NUMBER.map((s, i) => [s, i as pb.OrchestrationStatus]));

export function toOrchestrationStatus(s: OrchestrationStatus): pb.OrchestrationStatus {
  return NUMBER_BY_STATUS.get(s)!;
}

/** The numbers are fixed by the protocol (RUNNING=0 ... SUSPENDED=7); others are rejected. */
export function fromOrchestrationStatus(n: pb.OrchestrationStatus): OrchestrationStatus {
  const s = STATUS_BY_NUMBER[n];
  if (s === undefined) throw new ServerError('INVALID_ARGUMENT', `Unknown orchestration status ${n}.`);
  return s;
}
