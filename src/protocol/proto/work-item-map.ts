/**
 * Writing the `WorkItem` messages pushed over a worker's `GetWorkItems` stream: orchestration
 * episodes (past and new history events), activity invocations and health pings. Every dispatched
 * item carries its completion token; the worker echoes it in the matching Complete/Abandon call.
 * A large orchestration history is not re-encoded on every episode: its encoded `pastEvents`
 * come from past-events-cache.ts and are spliced into the item here.
 *
 * Items are written straight from domain data to protobuf bytes with protobufjs's Writer.
 * Building a google-protobuf object per event, wrapper and timestamp and then serializing it was
 * most of the protocol layer's protobuf and garbage-collection time per work item (README,
 * Performance). The bytes equal those of the SDK's generated serializers (work-item-map.test.ts
 * compares them for every event kind): fields in the generated code's order, proto3 defaults
 * left out, present wrappers written even when empty, map entries in key order. What is rare on
 * this path (entity and rewind events, failure details, parent instances) is serialized by the
 * generated code (history-event-map.ts, common-map.ts) and written here as its bytes.
 */
import type { HistoryEvent, HistoryEventKind, Tags, TraceContext } from '../../domain/history-event.ts';
import { toOrchestrationStatus, toParentInstance } from './common-map.ts';
import { bool, failureDetails, int32, LEN, str, stringValue, tag, tagMap, timestamp, WriterClass, type Writer } from './field-writer.ts';
import { historyEventToProto } from './history-event-map.ts';
import { proto } from './load.ts';


export interface OrchestrationWorkItemArgs {
  instanceId: string;
  executionId: string;
  /** The committed history of the current execution, replayed by the worker. */
  pastEvents: readonly HistoryEvent[];
  /** The events of this episode; the first is always `orchestratorStarted`. */
  newEvents: readonly HistoryEvent[];
  /** Set when `pastEvents` is left empty for the worker to stream. */
  requiresHistoryStreaming?: boolean;
  completionToken: string;
}

export interface ActivityWorkItemArgs {
  name: string;
  version?: string;
  input?: string;
  instanceId: string;
  executionId: string;
  /** The event id of the `taskScheduled` event this invocation answers. */
  taskId: number;
  tags?: Tags;
  parentTraceContext?: TraceContext;
  completionToken: string;
}

/** Field numbers of `WorkItem`, `OrchestratorRequest` and `ActivityRequest` (orchestrator_service.proto). */
const WORK_ITEM = { orchestratorRequest: 1, activityRequest: 2, completionToken: 10 } as const;
const ORCHESTRATOR_REQUEST = { instanceId: 1, executionId: 2, pastEvents: 3, newEvents: 4, requiresHistoryStreaming: 6 } as const;

/** A whole `WorkItem` with an orchestrator request, its past events encoded here. */
export function orchestrationWorkItem(args: OrchestrationWorkItemArgs): Uint8Array {
  const w = WriterClass.create();
  w.uint32(tag(WORK_ITEM.orchestratorRequest, LEN)).fork();
  requestHead(w, args);
  for (const e of args.pastEvents) historyEventEntry(w, ORCHESTRATOR_REQUEST.pastEvents, e);
  requestTail(w, args);
  w.ldelim();
  str(w, WORK_ITEM.completionToken, args.completionToken);
  return w.finish();
}

/**
 * The same work item with `pastEntries` (`encodePastEventEntries` of `args.pastEvents`, kept by
 * past-events-cache.ts) spliced in: a message may be written as the concatenation of its fields.
 */
export function orchestrationWorkItemSpliced(args: OrchestrationWorkItemArgs, pastEntries: Uint8Array): Buffer {
  const head = requestHead(WriterClass.create(), args).finish();
  const tail = requestTail(WriterClass.create(), args).finish();
  const outer = WriterClass.create().uint32(tag(WORK_ITEM.orchestratorRequest, LEN)).uint32(head.length + pastEntries.length + tail.length).finish();
  const token = str(WriterClass.create(), WORK_ITEM.completionToken, args.completionToken).finish();
  return Buffer.concat([outer, head, pastEntries, tail, token]);
}

/** The events as `OrchestratorRequest.pastEvents` entries: a request holding nothing else serializes to exactly them. */
export function encodePastEventEntries(events: readonly HistoryEvent[]): Uint8Array {
  const w = WriterClass.create();
  for (const e of events) historyEventEntry(w, ORCHESTRATOR_REQUEST.pastEvents, e);
  return w.finish();
}

export function activityWorkItem(args: ActivityWorkItemArgs): Uint8Array {
  const w = WriterClass.create();
  w.uint32(tag(WORK_ITEM.activityRequest, LEN)).fork();
  str(w, 1, args.name);
  stringValue(w, 2, args.version);
  stringValue(w, 3, args.input);
  orchestrationInstance(w, 4, args.instanceId, args.executionId);
  int32(w, 5, args.taskId);
  traceContext(w, 6, args.parentTraceContext);
  tagMap(w, 7, args.tags);
  w.ldelim();
  str(w, WORK_ITEM.completionToken, args.completionToken);
  return w.finish();
}

function requestHead(w: Writer, args: OrchestrationWorkItemArgs): Writer {
  str(w, ORCHESTRATOR_REQUEST.instanceId, args.instanceId);
  return stringValue(w, ORCHESTRATOR_REQUEST.executionId, args.executionId);
}

function requestTail(w: Writer, args: OrchestrationWorkItemArgs): Writer {
  for (const e of args.newEvents) historyEventEntry(w, ORCHESTRATOR_REQUEST.newEvents, e);
  return bool(w, ORCHESTRATOR_REQUEST.requiresHistoryStreaming, args.requiresHistoryStreaming ?? false);
}

type EventOf<K extends HistoryEventKind> = Extract<HistoryEvent, { kind: K }>;
/** The body of each kind written here: its `HistoryEvent` field number and its fields. */
type Bodies = { [K in HistoryEventKind]?: [field: number, write: (w: Writer, e: EventOf<K>) => void] };

const BODIES: Bodies = {
  executionStarted: [3, (w, e) => {
    str(w, 1, e.name);
    stringValue(w, 2, e.version);
    stringValue(w, 3, e.input);
    orchestrationInstance(w, 4, e.orchestrationInstance.instanceId, e.orchestrationInstance.executionId);
    if (e.parentInstance !== undefined) w.uint32(tag(5, LEN)).bytes(toParentInstance(e.parentInstance)!.serializeBinary());
    if (e.scheduledStartTimestamp !== undefined) timestamp(w, 6, e.scheduledStartTimestamp);
    traceContext(w, 7, e.parentTraceContext);
    stringValue(w, 8, e.orchestrationSpanId);
    tagMap(w, 9, e.tags);
  }],
  executionCompleted: [4, (w, e) => {
    int32(w, 1, toOrchestrationStatus(e.orchestrationStatus));
    stringValue(w, 2, e.result);
    failureDetails(w, 3, e.failureDetails);
  }],
  taskScheduled: [6, (w, e) => {
    str(w, 1, e.name);
    stringValue(w, 2, e.version);
    stringValue(w, 3, e.input);
    traceContext(w, 4, e.parentTraceContext);
    tagMap(w, 5, e.tags);
  }],
  taskCompleted: [7, (w, e) => {
    int32(w, 1, e.taskScheduledId);
    stringValue(w, 2, e.result);
  }],
  taskFailed: [8, (w, e) => {
    int32(w, 1, e.taskScheduledId);
    failureDetails(w, 2, e.failureDetails);
  }],
  subOrchestrationInstanceCreated: [9, (w, e) => {
    str(w, 1, e.instanceId);
    str(w, 2, e.name);
    stringValue(w, 3, e.version);
    stringValue(w, 4, e.input);
    traceContext(w, 5, e.parentTraceContext);
    tagMap(w, 6, e.tags);
  }],
  subOrchestrationInstanceCompleted: [10, (w, e) => {
    int32(w, 1, e.taskScheduledId);
    stringValue(w, 2, e.result);
  }],
  subOrchestrationInstanceFailed: [11, (w, e) => {
    int32(w, 1, e.taskScheduledId);
    failureDetails(w, 2, e.failureDetails);
  }],
  timerCreated: [12, (w, e) => timestamp(w, 1, e.fireAt)],
  timerFired: [13, (w, e) => {
    timestamp(w, 1, e.fireAt);
    int32(w, 2, e.timerId);
  }],
  orchestratorStarted: [14, () => undefined],
  orchestratorCompleted: [15, () => undefined],
  eventSent: [16, (w, e) => {
    str(w, 1, e.instanceId);
    str(w, 2, e.name);
    stringValue(w, 3, e.input);
  }],
  eventRaised: [17, (w, e) => {
    str(w, 1, e.name);
    stringValue(w, 2, e.input);
  }],
};

/** One `HistoryEvent` as a length-delimited entry of `field`. */
function historyEventEntry(w: Writer, field: number, e: HistoryEvent): void {
  w.uint32(tag(field, LEN));
  const body = BODIES[e.kind] as [number, (w: Writer, e: HistoryEvent) => void] | undefined;
  if (body === undefined) {
    w.bytes(historyEventToProto(e).serializeBinary());
    return;
  }
  w.fork();
  int32(w, 1, e.eventId);
  timestamp(w, 2, e.timestamp);
  w.uint32(tag(body[0], LEN)).fork();
  body[1](w, e);
  w.ldelim().ldelim();
}

function orchestrationInstance(w: Writer, field: number, instanceId: string, executionId: string | undefined): void {
  w.uint32(tag(field, LEN)).fork();
  str(w, 1, instanceId);
  stringValue(w, 2, executionId);
  w.ldelim();
}

function traceContext(w: Writer, field: number, c: TraceContext | undefined): void {
  if (c === undefined) return;
  w.uint32(tag(field, LEN)).fork();
  str(w, 1, c.traceParent);
  str(w, 2, c.spanId);
  stringValue(w, 3, c.traceState);
  w.ldelim();
}

/** The shared keep-alive item, serialized once. */
let healthPing: Uint8Array | undefined;
export function healthPingWorkItem(): Uint8Array {
  return (healthPing ??= new proto.WorkItem().setHealthping(new proto.HealthPing()).serializeBinary());
}
