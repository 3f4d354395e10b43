import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, type TraceContext } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import { DEFAULT_LIMITS } from '../domain/limits.ts';
import type { OrchestratorAction } from '../domain/orchestrator-action.ts';
import type { LeaseToken, OrchestrationCompletion, OrchestrationWorkItem } from '../store/work-store.ts';
import { runEpisode } from './orchestration-episode.ts';
import { traceExecutionEnd, tracedExecution, withTraceParents, type SpanOutcome, type TracedExecution, type Tracer } from './tracing.ts';

const NOW = Date.UTC(2026, 0, 1);
const lease = 'lease-1' as LeaseToken;
const hub = 'h' as TaskHubName;
const clientContext: TraceContext = { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', spanId: 'b7ad6b7169203331' };
const executionContext: TraceContext = { traceParent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01', spanId: '00f067aa0ba902b7' };
const started = makeEvent(
  { kind: 'executionStarted', name: 'Orch', version: '2', orchestrationInstance: { instanceId: 'i', executionId: 'e1' }, parentTraceContext: clientContext },
  NOW - 10,
);

function instance(status: InstanceRecord['status'] = 'RUNNING'): InstanceRecord {
  return { instanceId: 'i', executionId: 'e1', name: 'Orch', status, createdAt: NOW - 10, lastUpdatedAt: NOW - 10 };
}

function item(inHistory: boolean): OrchestrationWorkItem {
  const orchestratorStarted = makeEvent({ kind: 'orchestratorStarted' }, NOW - 10);
  return {
    hub,
    instance: instance(inHistory ? 'RUNNING' : 'PENDING'),
    history: inHistory ? [orchestratorStarted, started] : [],
    messages: inHistory ? [] : [{ seq: 1, instanceId: 'i', executionId: 'e1', event: started, visibleAt: NOW - 10 }],
    lease: { token: lease, expiresAt: NOW + 1000, attempt: 1 },
  };
}

function episode(actions: OrchestratorAction[], status: InstanceRecord['status'] = 'RUNNING'): OrchestrationCompletion {
  return runEpisode({
    instance: instance(status),
    pastEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW - 10), started],
    newEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW)],
    newEventSeqs: [],
    droppedSeqs: [],
    response: { instanceId: 'i', actions, completionToken: '', requiresHistory: false, isPartial: false },
    lease,
    now: NOW,
    newExecutionId: () => 'e2',
    limits: DEFAULT_LIMITS,
  });
}

/** Records what the engine reports; only executionEnded is reached by these helpers. */
function recordingTracer(): Tracer & { ended: { execution: TracedExecution; outcome: SpanOutcome }[] } {
  const ended: { execution: TracedExecution; outcome: SpanOutcome }[] = [];
  const unused = () => assert.fail('not called by these helpers');
  return {
    ended,
    startCreation: unused,
    executionContext: unused,
    startEpisode: unused,
    startActivity: unused,
    executionEnded: (execution, outcome) => void ended.push({ execution, outcome }),
    shutdown: async () => undefined,
  };
}

const execution: TracedExecution = { hub, instanceId: 'i', executionId: 'e1', name: 'Orch', version: '2', startedAt: NOW - 10, parent: clientContext };

describe('tracing helpers', () => {
  it('read the execution from its ExecutionStarted, in the history or still in the inbox', () => {
    assert.deepEqual(tracedExecution(item(true)), execution);
    assert.deepEqual(tracedExecution(item(false)), execution);
    assert.equal(tracedExecution({ ...item(true), history: [] }), undefined);
  });

  it('give scheduled activities and sub-orchestrations without a trace context the execution\'s, and keep the ones the worker named', () => {
    const named: TraceContext = { traceParent: '00-0af7651916cd43dd8448eb211c80319c-1111111111111111-01', spanId: '1111111111111111' };
    const completion = episode([
      { id: 1, kind: 'scheduleTask', name: 'A' },
      { id: 2, kind: 'scheduleTask', name: 'B', parentTraceContext: named },
      { id: 3, kind: 'createSubOrchestration', instanceId: 'c1', name: 'C' },
      { id: 4, kind: 'createSubOrchestration', instanceId: 'c2', name: 'C', parentTraceContext: named },
    ]);
    const filled = withTraceParents(completion, executionContext);
    assert.deepEqual(filled.activities.map((t) => t.parentTraceContext), [executionContext, named]);
    assert.deepEqual(filled.children.map((c) => (c.startEvent.kind === 'executionStarted' ? c.startEvent.parentTraceContext : undefined)), [executionContext, named]);
    assert.equal(completion.activities[0]?.parentTraceContext, undefined, 'the completion itself is not changed');
    const scheduledA = filled.history.append.find((e) => e.kind === 'taskScheduled' && e.name === 'A');
    assert.ok(scheduledA?.kind === 'taskScheduled' && scheduledA.parentTraceContext === undefined, 'the history keeps what the worker sent');
  });

  it('start the execution a continue-as-new queues under the one that ended', () => {
    const completion = episode([{ id: 1, kind: 'completeOrchestration', orchestrationStatus: 'CONTINUED_AS_NEW', carryoverEvents: [] }]);
    const next = withTraceParents(completion, executionContext).messages.find((m) => m.event.kind === 'executionStarted');
    assert.ok(next?.event.kind === 'executionStarted');
    assert.equal(next.executionId, 'e2');
    assert.deepEqual(next.event.parentTraceContext, executionContext);
  });

  it('end the execution\'s span at a terminal status or continue-as-new, with a failure\'s message; not while it runs, nor again after a rewind', () => {
    const tracer = recordingTracer();
    traceExecutionEnd(tracer, execution, episode([{ id: 1, kind: 'scheduleTask', name: 'A' }]), NOW);
    assert.equal(tracer.ended.length, 0, 'a running execution has no span yet');
    traceExecutionEnd(tracer, execution, episode([{ id: 1, kind: 'completeOrchestration', orchestrationStatus: 'COMPLETED', carryoverEvents: [] }]), NOW);
    const failure = { errorType: 'Error', errorMessage: 'it broke', isNonRetriable: false };
    traceExecutionEnd(tracer, execution, episode([{ id: 1, kind: 'completeOrchestration', orchestrationStatus: 'FAILED', carryoverEvents: [], failureDetails: failure }]), NOW);
    traceExecutionEnd(tracer, execution, episode([{ id: 1, kind: 'completeOrchestration', orchestrationStatus: 'CONTINUED_AS_NEW', carryoverEvents: [] }]), NOW);
    assert.deepEqual(tracer.ended.map((e) => e.outcome), [{ status: 'COMPLETED' }, { status: 'FAILED', error: 'it broke' }, { status: 'CONTINUED_AS_NEW' }]);
    const rewound = { ...episode([{ id: 1, kind: 'completeOrchestration', orchestrationStatus: 'COMPLETED', carryoverEvents: [] }]), claimedStatus: 'FAILED' as const };
    traceExecutionEnd(tracer, execution, rewound, NOW);
    assert.equal(tracer.ended.length, 3);
  });
});
