import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskHubName } from '../domain/instance.ts';
import type { TracedExecution } from '../engine/tracing.ts';
import { executionSpanContext, executionSpanIds, spanContextOf, traceContextOf } from './trace-ids.ts';

const execution: TracedExecution = { hub: 'h' as TaskHubName, instanceId: 'i', executionId: 'e1', name: 'Orch', startedAt: 0 };
const parent = { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', spanId: 'b7ad6b7169203331', traceState: 'vendor=x' };

test('an execution\'s span ids depend only on hub, instance and execution id', () => {
  const ids = executionSpanIds(execution);
  assert.match(ids.spanId, /^[0-9a-f]{16}$/);
  assert.match(ids.traceId, /^[0-9a-f]{32}$/);
  assert.deepEqual(executionSpanIds({ ...execution, name: 'Other', startedAt: 5, parent }), ids);
  assert.notEqual(executionSpanIds({ ...execution, executionId: 'e2' }).spanId, ids.spanId);
  assert.notEqual(executionSpanIds({ ...execution, hub: 'h2' as TaskHubName }).spanId, ids.spanId);
});

test('an execution with a valid parent is in the parent\'s trace; without one, in its derived trace', () => {
  const withParent = executionSpanContext({ ...execution, parent });
  assert.equal(withParent.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(withParent.spanId, executionSpanIds(execution).spanId);
  assert.equal(withParent.traceState?.serialize(), 'vendor=x');
  assert.equal(executionSpanContext(execution).traceId, executionSpanIds(execution).traceId);
  const junk = executionSpanContext({ ...execution, parent: { traceParent: 'not-a-traceparent', spanId: 'x' } });
  assert.equal(junk.traceId, executionSpanIds(execution).traceId, 'a client\'s unparsable context is ignored');
});

test('trace contexts round-trip through the protocol\'s form; invalid ones are no parent', () => {
  const context = spanContextOf(parent);
  assert.ok(context !== undefined);
  assert.deepEqual(traceContextOf(context), parent);
  assert.equal(spanContextOf({ traceParent: '00-00000000000000000000000000000000-b7ad6b7169203331-01', spanId: '' }), undefined);
  assert.equal(spanContextOf({ traceParent: '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01', spanId: '' }), undefined);
  assert.equal(spanContextOf(undefined), undefined);
});
