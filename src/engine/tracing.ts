/**
 * The engine's view of tracing: a `Tracer` it is given (or not: tracing is opt-in, and without
 * one the engine makes no spans and does no trace-context work). The engine reports facts in
 * the protocol's nouns (an execution, an episode, an activity); the implementation in
 * observability/ decides span names, ids and kinds. No OpenTelemetry type crosses this seam.
 */
import { isTerminal, type ExecutionStarted, type HistoryEvent, type TraceContext } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import type { ActivityTask, OrchestrationCompletion, OrchestrationWorkItem } from '../store/work-store.ts';

/** One execution of an orchestration instance, as its ExecutionStarted event describes it. */
export interface TracedExecution {
  hub: TaskHubName;
  instanceId: string;
  executionId: string;
  name: string;
  version?: string;
  /** The ExecutionStarted event's time: the execution's span starts there. */
  startedAt: number;
  /** Who started it: the client's or the parent orchestration's trace context, if any. */
  parent?: TraceContext;
}

export interface SpanOutcome {
  /** The orchestration status the work left the instance in (`durabletask.task.status`). */
  status?: string;
  /** A failure's message: the span's status becomes an error with it. */
  error?: string;
  /** Why the work item ended without a result (returned to the queue, lease lost). */
  unfinished?: string;
}

export interface TraceSpan {
  /** What a work item carries for the worker's own span to continue this trace under this span. */
  readonly context: TraceContext;
  end(outcome: SpanOutcome, at: number): void;
}

export interface Tracer {
  /**
   * A client starts an instance without a trace context of its own: a root span for the request,
   * whose context becomes the instance's parent. It ends when the instance is written (or not).
   */
  startCreation(execution: TracedExecution, at: number): TraceSpan;
  /**
   * The context of the execution's span. It is derived from the execution (hub, instance id,
   * execution id and parent), so any process or node, before or after a restart, finds the
   * same span for it without storing anything.
   */
  executionContext(execution: TracedExecution): TraceContext;
  /** An orchestration work item goes to a worker; the span ends when its completion is written. */
  startEpisode(execution: TracedExecution, at: number): TraceSpan;
  /** An activity work item goes to a worker; `parent` is what the orchestrator's ScheduleTask named. */
  startActivity(hub: TaskHubName, task: ActivityTask, at: number): TraceSpan;
  /** An execution reached a terminal status or continued as new: its span is emitted, from `startedAt` to `at`. */
  executionEnded(execution: TracedExecution, outcome: SpanOutcome, at: number): void;
  /** Exports what is still buffered (shutdown). */
  shutdown(): Promise<void>;
}

/** The work item's execution, read from its ExecutionStarted (in the history, or still in the inbox). */
export function tracedExecution(item: OrchestrationWorkItem): TracedExecution | undefined {
  const started = startedEvent(item.history) ?? startedEvent(item.messages.slice(0, 3).map((m) => m.event));
  if (started === undefined) return undefined;
  const { instance } = item;
  const execution: TracedExecution = {
    hub: item.hub,
    instanceId: instance.instanceId,
    executionId: instance.executionId,
    name: started.name,
    startedAt: started.timestamp,
  };
  if (started.version !== undefined) execution.version = started.version;
  if (started.parentTraceContext !== undefined) execution.parent = started.parentTraceContext;
  return execution;
}

function startedEvent(events: readonly HistoryEvent[]): (ExecutionStarted & HistoryEvent) | undefined {
  // ExecutionStarted is the first or second event of an execution; look no further.
  for (let i = 0; i < Math.min(events.length, 3); i++) {
    const event = events[i];
    if (event?.kind === 'executionStarted') return event;
  }
  return undefined;
}

/** The span of an episode about to be dispatched, with the execution it belongs to. */
export function startEpisodeTrace(tracer: Tracer, item: OrchestrationWorkItem, at: number): { span: TraceSpan; execution: TracedExecution } | undefined {
  const execution = tracedExecution(item);
  return execution === undefined ? undefined : { span: tracer.startEpisode(execution, at), execution };
}

/** A completion written without a local episode span (settled on the server, or dispatched by another node). */
export function traceCompletion(tracer: Tracer, item: OrchestrationWorkItem, completion: OrchestrationCompletion, at: number): void {
  const execution = tracedExecution(item);
  if (execution !== undefined) traceExecutionEnd(tracer, execution, completion, at);
}

/**
 * Activities, sub-orchestrations and continue-as-new executions the episode starts without a
 * trace context of their own (the worker does not propagate one) get the execution's, so they
 * stay in its trace.
 */
export function withTraceParents(completion: OrchestrationCompletion, parent: TraceContext): OrchestrationCompletion {
  const activities = completion.activities.map((task) => (task.parentTraceContext === undefined ? { ...task, parentTraceContext: parent } : task));
  const children = completion.children.map((child) => {
    const startEvent = startedUnder(child.startEvent, parent);
    return startEvent === child.startEvent ? child : { ...child, startEvent };
  });
  // A continue-as-new queues its next ExecutionStarted as a message: the next execution is a child of this one.
  const messages = completion.messages.map((message) => {
    const event = startedUnder(message.event, parent);
    return event === message.event ? message : { ...message, event };
  });
  return { ...completion, activities, children, messages };
}

function startedUnder(event: HistoryEvent, parent: TraceContext): HistoryEvent {
  return event.kind === 'executionStarted' && event.parentTraceContext === undefined ? { ...event, parentTraceContext: parent } : event;
}

/** After a completion is written: the span of the execution it ended, if it ended one. */
export function traceExecutionEnd(tracer: Tracer, execution: TracedExecution, completion: OrchestrationCompletion, at: number): void {
  const { instance } = completion;
  // Claimed finished: the execution ended before (a rewind of a failed one starts a new execution).
  if (isTerminal(completion.claimedStatus)) return;
  if (instance.executionId !== execution.executionId) tracer.executionEnded(execution, { status: 'CONTINUED_AS_NEW' }, at);
  else if (isTerminal(instance.status)) tracer.executionEnded(execution, statusOutcome(instance), at);
}

/** The instance's status, and a failure's message when it failed. */
function statusOutcome(instance: InstanceRecord): SpanOutcome {
  const { status, failureDetails } = instance;
  return status === 'FAILED' ? { status, error: failureDetails?.errorMessage ?? 'failed' } : { status };
}

/** Writes an episode's completion, its scheduled work in the execution's trace, and ends its span (and the execution's, if it ended). */
export async function writeTracedEpisode(
  tracer: Tracer,
  trace: { span: TraceSpan; execution: TracedExecution },
  completion: OrchestrationCompletion,
  write: (completion: OrchestrationCompletion) => Promise<void>,
  clock: Clock,
): Promise<void> {
  const traced = withTraceParents(completion, tracer.executionContext(trace.execution));
  await endSpanAfter(trace.span, write(traced), () => statusOutcome(traced.instance), clock);
  traceExecutionEnd(tracer, trace.execution, traced, clock.now());
}

/** Ends `span` once `write` settles: with `outcome` of its result, or with the write's error. */
export async function endSpanAfter<T>(span: TraceSpan, write: Promise<T>, outcome: (result: T) => SpanOutcome, clock: Clock): Promise<T> {
  let result: T;
  try {
    result = await write;
  } catch (error) {
    span.end({ unfinished: 'the result was not written', error: error instanceof Error ? error.message : String(error) }, clock.now());
    throw error;
  }
  span.end(outcome(result), clock.now());
  return result;
}
