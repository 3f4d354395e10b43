/**
 * The OpenTelemetry implementation of the engine's `Tracer` (engine/tracing.ts): spans batched
 * and exported over OTLP/HTTP (JSON), flushed on shutdown. Loaded only when tracing is on.
 *
 * Spans, named as the Durable Task SDKs name theirs (`{type}:{name}` or `{type}:{name}@({version})`):
 * - `create_orchestration:{name}`, a root made when a client starts an instance without a trace
 *   context of its own; its context is stored as the instance's parent, so the workers' spans
 *   join the same trace.
 * - `orchestration:{name}`, one per execution, from its ExecutionStarted to its terminal status
 *   (or continue-as-new). Emitted at the end, with the derived ids of trace-ids.ts.
 * - `orchestration:{name}:episode`, each orchestration work item from dispatch to completion.
 * - `activity:{name}`, each activity work item from dispatch to completion; the worker receives
 *   this span's context as its `parentTraceContext`.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type Tracer as OtelTracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TraceContext } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import type { SpanOutcome, TraceSpan, TracedExecution, Tracer } from '../engine/tracing.ts';
import { compact } from '../lib/compact.ts';
import type { ActivityTask } from '../store/work-store.ts';
import { executionSpanContext, executionSpanIds, spanContextOf, traceContextOf } from './trace-ids.ts';

export interface OtelTracerOptions {
  /** Where spans are POSTed: the collector's traces URL (…/v1/traces). */
  tracesUrl: string;
  serviceName: string;
  serviceVersion: string;
}

const TRACER_NAME = 'durable-task-scheduler';

/**
 * Random ids, except for the one span started right after `preset` is called: an execution's
 * span must carry its derived ids. Span creation is synchronous, so nothing else runs between.
 */
class PresetIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #next: { traceId: string; spanId: string } | undefined;

  preset(ids: { traceId: string; spanId: string }): void {
    this.#next = ids;
  }

  clear(): void {
    this.#next = undefined;
  }

  generateTraceId(): string {
    return this.#next?.traceId ?? this.#random.generateTraceId();
  }

  generateSpanId(): string {
    return this.#next?.spanId ?? this.#random.generateSpanId();
  }
}

export function openOtelTracer(options: OtelTracerOptions): Tracer {
  const ids = new PresetIdGenerator();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: options.serviceVersion }),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.tracesUrl }))],
  });
  return new OtelTracerAdapter(provider, provider.getTracer(TRACER_NAME, options.serviceVersion), ids);
}

class OtelTracerAdapter implements Tracer {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: OtelTracer;
  readonly #ids: PresetIdGenerator;

  constructor(provider: BasicTracerProvider, tracer: OtelTracer, ids: PresetIdGenerator) {
    this.#provider = provider;
    this.#tracer = tracer;
    this.#ids = ids;
  }

  startCreation(execution: TracedExecution, at: number): TraceSpan {
    const name = spanName('create_orchestration', execution.name, execution.version);
    return this.#start(name, SpanKind.SERVER, executionAttributes(execution), ROOT_CONTEXT, at);
  }

  executionContext(execution: TracedExecution): TraceContext {
    return traceContextOf(executionSpanContext(execution));
  }

  startEpisode(execution: TracedExecution, at: number): TraceSpan {
    const name = `${spanName('orchestration', execution.name, execution.version)}:episode`;
    const parent = withParent(executionSpanContext(execution));
    return this.#start(name, SpanKind.CLIENT, executionAttributes(execution), parent, at);
  }

  startActivity(hub: TaskHubName, task: ActivityTask, at: number): TraceSpan {
    // A task scheduled before tracing was on names no parent: it goes under its execution's span.
    const parent = spanContextOf(task.parentTraceContext) ?? executionSpanContext({ hub, instanceId: task.instanceId, executionId: task.executionId, name: '', startedAt: 0 });
    const attributes: Attributes = compact({
      'durabletask.type': 'activity',
      'durabletask.task.name': task.name,
      'durabletask.task.instance_id': task.instanceId,
      'durabletask.task.execution_id': task.executionId,
      'durabletask.task.task_id': task.taskId,
      'durabletask.task_hub': hub,
      'durabletask.task.version': task.version,
    });
    return this.#start(spanName('activity', task.name, task.version), SpanKind.CLIENT, attributes, withParent(parent), at);
  }

  executionEnded(execution: TracedExecution, outcome: SpanOutcome, at: number): void {
    const parent = spanContextOf(execution.parent);
    const { traceId, spanId } = executionSpanIds(execution);
    const options = { kind: SpanKind.INTERNAL, startTime: execution.startedAt, attributes: executionAttributes(execution) };
    this.#ids.preset({ traceId, spanId });
    let span: Span;
    try {
      span = this.#tracer.startSpan(spanName('orchestration', execution.name, execution.version), options, parent === undefined ? ROOT_CONTEXT : withParent(parent));
    } finally {
      this.#ids.clear();
    }
    finish(span, outcome, at);
  }

  async shutdown(): Promise<void> {
    await this.#provider.shutdown();
  }

  #start(name: string, kind: SpanKind, attributes: Attributes, parent: Context, at: number): TraceSpan {
    const span = this.#tracer.startSpan(name, { kind, startTime: at, attributes }, parent);
    return {
      context: traceContextOf(span.spanContext()),
      end: (outcome, endAt) => finish(span, outcome, endAt),
    };
  }
}

function withParent(parent: SpanContext): Context {
  return trace.setSpanContext(ROOT_CONTEXT, parent);
}

function finish(span: Span, outcome: SpanOutcome, at: number): void {
  if (outcome.status !== undefined) span.setAttribute('durabletask.task.status', outcome.status);
  if (outcome.unfinished !== undefined) span.setAttribute('durabletask.work_item.unfinished', outcome.unfinished);
  if (outcome.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
  span.end(at);
}

function executionAttributes(execution: TracedExecution): Attributes {
  return compact({
    'durabletask.type': 'orchestration',
    'durabletask.task.name': execution.name,
    'durabletask.task.instance_id': execution.instanceId,
    'durabletask.task.execution_id': execution.executionId,
    'durabletask.task_hub': execution.hub,
    'durabletask.task.version': execution.version,
  });
}

function spanName(type: string, name: string, version: string | undefined): string {
  return version === undefined || version === '' ? `${type}:${name}` : `${type}:${name}@(${version})`;
}
