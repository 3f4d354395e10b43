/**
 * Writing the `WorkItem` messages pushed over a worker's `GetWorkItems` stream: orchestration
 * episodes (past and new history events), activity invocations and health pings. Every dispatched
 * item carries its completion token; the worker echoes it in the matching Complete/Abandon call.
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
  const request = new proto.OrchestratorRequest()
    .setInstanceid(args.instanceId)
    .setExecutionid(toStringValue(args.executionId))
    .setPasteventsList(args.pastEvents.map(historyEventToProto))
    .setNeweventsList(args.newEvents.map(historyEventToProto))
    .setRequireshistorystreaming(args.requiresHistoryStreaming ?? false);
  return new proto.WorkItem().setOrchestratorrequest(request).setCompletiontoken(args.completionToken);
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
