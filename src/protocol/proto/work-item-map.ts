/**
 * Writing the `WorkItem` messages pushed over a worker's `GetWorkItems` stream: orchestration
 * episodes (past and new history events), activity invocations and health pings. Every dispatched
 * item carries its completion token; the worker echoes it in the matching Complete/Abandon call.
 * A large orchestration history is not rebuilt as messages on every episode: its encoded
 * `pastEvents` come from past-events-cache.ts and are spliced into the serialized item here.
 */
import type { HistoryEvent, Tags, TraceContext } from '../../domain/history-event.ts';
import { setTags, toOrchestrationInstance, toStringValue, toTraceContext } from './common-map.ts';
import { historyEventToProto } from './history-event-map.ts';
import { proto, type pb } from './load.ts';

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

export function orchestrationWorkItemToProto(args: OrchestrationWorkItemArgs): pb.WorkItem {
  const request = setRequestHead(new proto.OrchestratorRequest(), args).setPasteventsList(args.pastEvents.map(historyEventToProto));
  setRequestTail(request, args);
  return new proto.WorkItem().setOrchestratorrequest(request).setCompletiontoken(args.completionToken);
}

/** `WorkItem.orchestratorRequest`, in `proto.WorkItem.serializeBinaryToWriter` of the SDK's orchestrator_service_pb.js. */
const WORK_ITEM_ORCHESTRATOR_REQUEST_FIELD = 1;
const WIRE_TYPE_LENGTH_DELIMITED = 2;

/**
 * The same work item as `orchestrationWorkItemToProto(args)`, already serialized, with
 * `pastEntries` (`encodePastEventEntries` of `args.pastEvents`, kept by past-events-cache.ts)
 * spliced in rather than rebuilt. Protobuf lets a message be written as the concatenation of
 * its fields; writing them in field-number order makes the bytes equal to serializeBinary's.
 */
export function orchestrationWorkItemBytes(args: OrchestrationWorkItemArgs, pastEntries: Uint8Array): Buffer {
  // OrchestratorRequest fields 1-2 go before pastEvents (3), the rest after it.
  const head = setRequestHead(new proto.OrchestratorRequest(), args).serializeBinary();
  const tail = setRequestTail(new proto.OrchestratorRequest(), args).serializeBinary();
  // WorkItem's other fields all come after orchestratorRequest (1).
  const rest = new proto.WorkItem().setCompletiontoken(args.completionToken).serializeBinary();
  const requestHeader = [
    ...varint((WORK_ITEM_ORCHESTRATOR_REQUEST_FIELD << 3) | WIRE_TYPE_LENGTH_DELIMITED),
    ...varint(head.length + pastEntries.length + tail.length),
  ];
  return Buffer.concat([Uint8Array.from(requestHeader), head, pastEntries, tail, rest]);
}

/** The events as `OrchestratorRequest.pastEvents` entries: a request holding nothing else serializes to exactly them. */
export function encodePastEventEntries(events: readonly HistoryEvent[]): Uint8Array {
  return new proto.OrchestratorRequest().setPasteventsList(events.map(historyEventToProto)).serializeBinary();
}

function setRequestHead(request: pb.OrchestratorRequest, args: OrchestrationWorkItemArgs): pb.OrchestratorRequest {
  return request.setInstanceid(args.instanceId).setExecutionid(toStringValue(args.executionId));
}

function setRequestTail(request: pb.OrchestratorRequest, args: OrchestrationWorkItemArgs): pb.OrchestratorRequest {
  return request.setNeweventsList(args.newEvents.map(historyEventToProto)).setRequireshistorystreaming(args.requiresHistoryStreaming ?? false);
}

/** Base-128 varint of a non-negative integer below 2^53 (lengths and tags). */
function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

export function activityWorkItemToProto(args: ActivityWorkItemArgs): pb.WorkItem {
  const instance = toOrchestrationInstance({ instanceId: args.instanceId, executionId: args.executionId });
  const request = new proto.ActivityRequest()
    .setName(args.name)
    .setVersion(toStringValue(args.version))
    .setInput(toStringValue(args.input))
    .setOrchestrationinstance(instance)
    .setTaskid(args.taskId)
    .setParenttracecontext(toTraceContext(args.parentTraceContext));
  setTags(request, args.tags);
  return new proto.WorkItem().setActivityrequest(request).setCompletiontoken(args.completionToken);
}

let healthPing: pb.WorkItem | undefined;

/** One shared keep-alive message; callers must not modify it. */
export function healthPingWorkItem(): pb.WorkItem {
  return (healthPing ??= new proto.WorkItem().setHealthping(new proto.HealthPing()));
}
