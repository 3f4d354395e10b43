import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { InstanceRecord, TaskHubName } from '../domain/instance.ts';
import { compact } from '../lib/compact.ts';
import type { LeaseToken, OrchestrationWorkItem, StoredInboxMessage } from '../store/work-store.ts';
import { planEpisode } from './episode-plan.ts';

const NOW = Date.UTC(2026, 0, 1);

function item(status: InstanceRecord['status'], history: HistoryEvent[], messages: StoredInboxMessage[], extra: Partial<InstanceRecord> = {}): OrchestrationWorkItem {
  return {
    hub: 'default' as TaskHubName,
    instance: { instanceId: 'i', executionId: 'e1', name: 'O', status, createdAt: NOW, lastUpdatedAt: NOW, ...extra },
    history,
    messages,
    lease: { token: 'l' as LeaseToken, expiresAt: NOW + 1000, attempt: 1 },
  };
}

function message(seq: number, event: HistoryEvent, executionId?: string): StoredInboxMessage {
  return compact({ seq, instanceId: 'i', event, visibleAt: NOW, executionId });
}

const started = makeEvent({ kind: 'executionStarted', name: 'O', orchestrationInstance: { instanceId: 'i', executionId: 'e1' } }, NOW);
const raised = makeEvent({ kind: 'eventRaised', name: 'go' }, NOW);

describe('planEpisode', () => {
  it('dispatches with OrchestratorStarted first and ExecutionStarted before other events', () => {
    const plan = planEpisode(item('PENDING', [], [message(1, raised), message(2, started)]), NOW);
    assert.equal(plan.kind, 'dispatch');
    if (plan.kind !== 'dispatch') return;
    assert.deepEqual(plan.newEvents.map((e) => e.kind), ['orchestratorStarted', 'executionStarted', 'eventRaised']);
    assert.deepEqual(plan.newEventSeqs, [2, 1]);
  });

  it('after continue-as-new, puts carried-over events before events that arrived during the last episode', () => {
    const late = makeEvent({ kind: 'eventRaised', name: 'late' }, NOW);
    const carried = makeEvent({ kind: 'eventRaised', name: 'carried' }, NOW);
    const messages = [message(1, late), message(2, started, 'e1'), message(3, carried, 'e1')];
    const plan = planEpisode(item('RUNNING', [], messages), NOW);
    assert.equal(plan.kind, 'dispatch');
    if (plan.kind !== 'dispatch') return;
    assert.deepEqual(plan.newEventSeqs, [2, 3, 1]);
  });

  it('drops messages meant for another execution', () => {
    const done = makeEvent({ kind: 'taskCompleted', taskScheduledId: 0 }, NOW);
    const plan = planEpisode(item('RUNNING', [started], [message(1, done, 'old'), message(2, raised)]), NOW);
    assert.equal(plan.kind, 'dispatch');
    if (plan.kind !== 'dispatch') return;
    assert.deepEqual(plan.droppedSeqs, [1]);
    assert.deepEqual(plan.newEventSeqs, [2]);
  });

  it('consumes messages for a finished instance without running it', () => {
    const plan = planEpisode(item('COMPLETED', [started], [message(4, raised)]), NOW);
    assert.equal(plan.kind, 'settle');
    if (plan.kind !== 'settle') return;
    assert.deepEqual(plan.completion.consumedSeqs, [4]);
    assert.deepEqual(plan.completion.history.append, []);
    assert.equal(plan.completion.instance.status, 'COMPLETED');
  });

  it('defers events that arrive before a scheduled start', () => {
    const plan = planEpisode(item('PENDING', [], [message(1, raised)], { scheduledStartAt: NOW + 5000 }), NOW);
    assert.deepEqual(plan, { kind: 'defer', retryAt: NOW + 5000 });
  });

  it('terminates on the server, recursively to running children, and notifies the parent', () => {
    const childStarted = makeEvent(
      { ...started, parentInstance: { taskScheduledId: 2, orchestrationInstance: { instanceId: 'p', executionId: 'pe' } } },
      NOW,
    );
    const history = [
      makeEvent({ kind: 'orchestratorStarted' }, NOW),
      childStarted,
      makeEvent({ kind: 'subOrchestrationInstanceCreated', instanceId: 'c1', name: 'C' }, NOW, 1),
      makeEvent({ kind: 'subOrchestrationInstanceCreated', instanceId: 'c2', name: 'C' }, NOW, 2),
      makeEvent({ kind: 'subOrchestrationInstanceCompleted', taskScheduledId: 2 }, NOW),
    ];
    const terminate = makeEvent({ kind: 'executionTerminated', input: '"stop"', recurse: true }, NOW);
    const plan = planEpisode(item('SUSPENDED', history, [message(9, terminate)]), NOW);
    assert.equal(plan.kind, 'settle');
    if (plan.kind !== 'settle') return;
    const c = plan.completion;
    assert.equal(c.instance.status, 'TERMINATED');
    assert.equal(c.instance.output, '"stop"');
    assert.deepEqual(c.history.append.map((e) => e.kind), ['orchestratorStarted', 'executionTerminated', 'executionCompleted']);
    assert.deepEqual(
      c.messages.map((m) => [m.instanceId, m.event.kind]),
      [
        ['p', 'subOrchestrationInstanceFailed'],
        ['c1', 'executionTerminated'],
      ],
    );
  });

  it('terminates an instance that never started and records its start', () => {
    const terminate = makeEvent({ kind: 'executionTerminated', recurse: false }, NOW);
    const plan = planEpisode(item('PENDING', [], [message(1, started), message(2, terminate)]), NOW);
    assert.equal(plan.kind, 'settle');
    if (plan.kind !== 'settle') return;
    assert.deepEqual(plan.completion.history.append.map((e) => e.kind), ['orchestratorStarted', 'executionStarted', 'executionTerminated', 'executionCompleted']);
    assert.deepEqual(plan.completion.consumedSeqs, [1, 2]);
  });
});
