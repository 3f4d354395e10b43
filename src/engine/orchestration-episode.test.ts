import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { InstanceRecord } from '../domain/instance.ts';
import { DEFAULT_LIMITS } from '../domain/limits.ts';
import type { OrchestratorAction } from '../domain/orchestrator-action.ts';
import type { LeaseToken } from '../store/work-store.ts';
import { runEpisode, type EpisodeInput } from './orchestration-episode.ts';

const NOW = Date.UTC(2026, 0, 1);
const lease = 'lease-1' as LeaseToken;

function instance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return { instanceId: 'parent', executionId: 'exec-1', name: 'Orch', status: 'PENDING', createdAt: NOW - 10, lastUpdatedAt: NOW - 10, ...overrides };
}

const started = makeEvent({ kind: 'executionStarted', name: 'Orch', input: '"in"', orchestrationInstance: { instanceId: 'parent', executionId: 'exec-1' } }, NOW - 10);

function episode(actions: OrchestratorAction[], overrides: Partial<EpisodeInput> = {}) {
  let n = 0;
  return runEpisode({
    instance: instance(),
    pastEvents: [],
    newEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW), started],
    newEventSeqs: [7],
    droppedSeqs: [],
    response: { instanceId: 'parent', actions, completionToken: '', requiresHistory: false, isPartial: false },
    lease,
    now: NOW,
    newExecutionId: () => `exec-new-${++n}`,
    limits: DEFAULT_LIMITS,
    ...overrides,
  });
}

function kinds(events: readonly HistoryEvent[]): string[] {
  return events.map((e) => e.kind);
}

describe('runEpisode', () => {
  it('records the new events, marks the instance running and consumes the inbox rows', () => {
    const c = episode([]);
    assert.deepEqual(kinds(c.history.append), ['orchestratorStarted', 'executionStarted']);
    assert.equal(c.instance.status, 'RUNNING');
    assert.deepEqual(c.consumedSeqs, [7]);
    assert.equal(c.history.startIndex, 0);
    assert.equal(c.lease, lease);
  });

  it('confirms scheduleTask with a TaskScheduled event carrying the action id and queues the activity', () => {
    const c = episode([{ id: 3, kind: 'scheduleTask', name: 'Hello', input: '"Tokyo"' }]);
    const scheduled = c.history.append[2];
    assert.equal(scheduled?.kind, 'taskScheduled');
    assert.equal(scheduled?.eventId, 3);
    assert.deepEqual(c.activities, [{ instanceId: 'parent', executionId: 'exec-1', taskId: 3, name: 'Hello', input: '"Tokyo"' }]);
  });

  it('queues a durable TimerFired for the fire time, addressed to this execution', () => {
    const fireAt = NOW + 60_000;
    const c = episode([{ id: 1, kind: 'createTimer', fireAt }]);
    assert.equal(c.history.append[2]?.eventId, 1);
    assert.equal(c.messages.length, 1);
    const [m] = c.messages;
    assert.equal(m?.visibleAt, fireAt);
    assert.equal(m?.executionId, 'exec-1');
    assert.deepEqual(m?.event, { eventId: -1, timestamp: NOW, kind: 'timerFired', fireAt, timerId: 1 });
  });

  it('creates a sub-orchestration with a derived id and a parent reference, and a conflict notice', () => {
    const c = episode([{ id: 10, kind: 'createSubOrchestration', instanceId: '', name: 'Child', input: '1' }]);
    assert.equal(c.children.length, 1);
    const child = c.children[0]!;
    assert.equal(child.instance.instanceId, 'parent:000a');
    assert.equal(child.instance.parentInstanceId, 'parent');
    const start = child.startEvent;
    assert.equal(start.kind, 'executionStarted');
    if (start.kind !== 'executionStarted') return;
    assert.deepEqual(start.parentInstance, { taskScheduledId: 10, name: 'Orch', orchestrationInstance: { instanceId: 'parent', executionId: 'exec-1' } });
    assert.equal(child.onConflict.instanceId, 'parent');
    assert.equal(child.onConflict.event.kind, 'subOrchestrationInstanceFailed');
  });

  it('completes the instance and notifies the parent', () => {
    const childStart = makeEvent(
      {
        kind: 'executionStarted',
        name: 'Child',
        orchestrationInstance: { instanceId: 'child' },
        parentInstance: { taskScheduledId: 4, orchestrationInstance: { instanceId: 'p', executionId: 'pe' } },
      },
      NOW,
    );
    const c = episode([{ id: 0, kind: 'completeOrchestration', orchestrationStatus: 'COMPLETED', result: '42', carryoverEvents: [] }], {
      newEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW), childStart],
    });
    assert.equal(c.instance.status, 'COMPLETED');
    assert.equal(c.instance.output, '42');
    assert.equal(c.instance.completedAt, NOW);
    assert.deepEqual(c.messages, [
      { instanceId: 'p', executionId: 'pe', event: { eventId: -1, timestamp: NOW, kind: 'subOrchestrationInstanceCompleted', taskScheduledId: 4, result: '42' }, visibleAt: NOW },
    ]);
  });

  it('ignores actions after the completion', () => {
    const c = episode([
      { id: 0, kind: 'completeOrchestration', orchestrationStatus: 'COMPLETED', carryoverEvents: [] },
      { id: 1, kind: 'scheduleTask', name: 'Late' },
    ]);
    assert.deepEqual(c.activities, []);
  });

  it('continues as new: resets history, new execution, restarts with the carried events', () => {
    const carried = makeEvent({ kind: 'eventRaised', name: 'e', input: '1' }, NOW - 5);
    const c = episode([{ id: 2, kind: 'completeOrchestration', orchestrationStatus: 'CONTINUED_AS_NEW', result: '"next"', carryoverEvents: [carried] }], {
      instance: instance({ status: 'RUNNING' }),
      pastEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW - 10), started],
      newEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW)],
      newEventSeqs: [],
    });
    assert.equal(c.history.reset, true);
    assert.deepEqual(c.history.append, []);
    assert.equal(c.instance.executionId, 'exec-new-1');
    assert.equal(c.instance.input, '"next"');
    assert.deepEqual(
      c.messages.map((m) => [m.event.kind, m.executionId]),
      [
        ['executionStarted', 'exec-new-1'],
        ['eventRaised', 'exec-new-1'],
      ],
    );
  });

  it('keeps unprocessed events in the inbox when numEventsProcessed is smaller', () => {
    const raised = makeEvent({ kind: 'eventRaised', name: 'x' }, NOW);
    const c = episode([], {
      newEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW), started, raised],
      newEventSeqs: [7, 8],
      response: { instanceId: 'parent', actions: [], completionToken: '', requiresHistory: false, isPartial: false, numEventsProcessed: 2 },
    });
    assert.deepEqual(c.consumedSeqs, [7]);
    assert.deepEqual(kinds(c.history.append), ['orchestratorStarted', 'executionStarted']);
  });

  it('fails the orchestration, rather than the call, when an action payload is too large', () => {
    const limits = { ...DEFAULT_LIMITS, payloadBytesMax: 4 };
    const c = episode([{ id: 1, kind: 'scheduleTask', name: 'A', input: '"12345"' }], { limits });
    assert.equal(c.instance.status, 'FAILED');
    assert.equal(c.instance.failureDetails?.errorType, 'PAYLOAD_TOO_LARGE');
    assert.deepEqual(c.activities, []);
    assert.equal(c.history.append.at(-1)?.kind, 'executionCompleted');
  });

  it('fails the orchestration when its history passes the maximum', () => {
    const limits = { ...DEFAULT_LIMITS, historyEventsMax: 3 };
    const c = episode(
      [
        { id: 1, kind: 'scheduleTask', name: 'A' },
        { id: 2, kind: 'scheduleTask', name: 'B' },
      ],
      { limits },
    );
    assert.equal(c.instance.status, 'FAILED');
    assert.equal(c.instance.failureDetails?.errorType, 'RESOURCE_EXHAUSTED');
  });

  it('treats an empty custom status as none and keeps a set one', () => {
    assert.equal(episode([], { response: { instanceId: 'parent', actions: [], completionToken: '', requiresHistory: false, isPartial: false, customStatus: '' } }).instance.customStatus, undefined);
    assert.equal(episode([], { response: { instanceId: 'parent', actions: [], completionToken: '', requiresHistory: false, isPartial: false, customStatus: '"s"' } }).instance.customStatus, '"s"');
  });

  it('tracks suspension from the events it saw', () => {
    const c = episode([], {
      instance: instance({ status: 'RUNNING' }),
      pastEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW - 10), started],
      newEvents: [makeEvent({ kind: 'orchestratorStarted' }, NOW), makeEvent({ kind: 'executionSuspended' }, NOW)],
      newEventSeqs: [9],
    });
    assert.equal(c.instance.status, 'SUSPENDED');
    assert.equal(c.history.startIndex, 2);
  });

  it('routes sendEvent to the target and records EventSent', () => {
    const c = episode([{ id: 5, kind: 'sendEvent', instanceId: 'other', name: 'ping', data: '"x"' }]);
    assert.equal(c.history.append[2]?.kind, 'eventSent');
    assert.equal(c.messages[0]?.instanceId, 'other');
    assert.equal(c.messages[0]?.event.kind, 'eventRaised');
    assert.equal(c.messages[0]?.executionId, undefined);
  });
});
