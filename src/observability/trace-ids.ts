/**
 * W3C trace contexts as the protocol carries them (`TraceContext{traceParent, spanId,
 * traceState}`), and the span ids this server derives instead of storing: an execution's span
 * is emitted only when the execution ends, possibly by another process or node than the one
 * that started it, and its children (episodes, activities, sub-orchestrations) name it as
 * their parent long before. Deriving its id from what identifies the execution lets every
 * process agree on it with nothing written to the store.
 */
import { createHash } from 'node:crypto';
import { createTraceState, isSpanContextValid, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import type { TraceContext } from '../domain/history-event.ts';
import type { TracedExecution } from '../engine/tracing.ts';
import { compact } from '../lib/compact.ts';

/** The client's trace context as a remote parent; undefined when it does not parse (clients may send anything). */
export function spanContextOf(context: TraceContext | undefined): SpanContext | undefined {
  if (context === undefined) return undefined;
  const parsed = parseTraceParent(context.traceParent);
  if (parsed === null || !isSpanContextValid(parsed)) return undefined;
  return context.traceState === undefined ? parsed : { ...parsed, traceState: createTraceState(context.traceState) };
}

export function traceContextOf(span: SpanContext): TraceContext {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const context: TraceContext = { traceParent: `00-${span.traceId}-${span.spanId}-${flags}`, spanId: span.spanId };
  const traceState = span.traceState?.serialize();
  if (traceState !== undefined && traceState !== '') context.traceState = traceState;
  return context;
}

/** The ids of an execution's span: its own span id, and a trace id for when it has no valid parent. */
export function executionSpanIds(execution: TracedExecution): { traceId: string; spanId: string } {
  const digest = createHash('sha256').update(`${execution.hub}\n${execution.instanceId}\n${execution.executionId}`).digest('hex');
  return { spanId: nonZero(digest.slice(0, 16)), traceId: nonZero(digest.slice(16, 48)) };
}

/** The execution span's context as its children see it (the parent's trace, or the derived one). */
export function executionSpanContext(execution: TracedExecution): SpanContext {
  const parent = spanContextOf(execution.parent);
  const ids = executionSpanIds(execution);
  return compact({
    traceId: parent?.traceId ?? ids.traceId,
    spanId: ids.spanId,
    traceFlags: parent?.traceFlags ?? TraceFlags.SAMPLED,
    traceState: parent?.traceState,
  });
}

/** An all-zero id is invalid in W3C trace context; a digest of zeros is as good as impossible, but cheap to rule out. */
function nonZero(hex: string): string {
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}
