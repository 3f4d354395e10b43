/**
 * The timeline's bars from recorded histories (the dashboard API's JSON shape): activities with
 * numbered retries, timers, sub-orchestrations, entity calls, the waits for external events by
 * the rule documented in dashboard/src/timeline-bars.ts, and what is still open when the instance ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bars, type HistoryJson } from '../../dashboard/src/timeline-bars.ts';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
function ev(kind: string, atMs: number, fields: Record<string, unknown> = {}, eventId = -1): HistoryJson {
  return { kind, eventId, timestamp: new Date(T0 + atMs).toISOString(), ...fields };
}
/** A timer's label without its time (the test runs in any time zone). */
const withoutTime = (b: string) => b.replace(/ → \d{4}-\d\d-\d\d [\d:.]+ UTC(?:[+-]\d+(?::\d\d)?)?/, '');
const brief = (list: ReturnType<typeof bars>) => list.map((b) => `${b.kind}:${b.label}:${b.start - T0}-${b.end === null ? 'open' : b.end - T0}:${b.outcome}${b.attempt && b.attempt > 1 ? `#${b.attempt}` : ''}`);

test('an event raised after the first episode is a wait from the previous episode until it was raised', () => {
  const history = [
    ev('orchestratorStarted', 0), ev('executionStarted', 0, { name: 'approval' }),
    ev('orchestratorStarted', 5000), ev('eventRaised', 4000, { name: 'approve' }), ev('executionCompleted', 5000, { orchestrationStatus: 'COMPLETED' }),
  ];
  assert.deepEqual(brief(bars(history, T0 + 9000)), [
    'orchestration:Orchestration:0-5000:ok',
    'wait:Wait for approve:0-4000:ok',
    'event:Event approve:4000-4000:ok',
  ]);
});

test('an event raised before the orchestrator first ran is no wait; an idle running instance shows an open wait', () => {
  const history = [ev('orchestratorStarted', 100), ev('executionStarted', 100, { name: 'o' }), ev('eventRaised', 50, { name: 'early' })];
  assert.deepEqual(brief(bars(history, T0 + 700, { running: true })), [
    'orchestration:Orchestration:100-700:running',
    'event:Event early:50-50:ok',
    'wait:Waiting for an external event:100-open:running',
  ]);
  assert.ok(!brief(bars(history, T0 + 700, { running: false })).some((b) => b.startsWith('wait')), 'not while suspended or pending');
});

test('outstanding work is no wait; retries are numbered; timers end when they fire', () => {
  const history = [
    ev('orchestratorStarted', 0), ev('executionStarted', 0, { name: 'o' }),
    ev('taskScheduled', 0, { name: 'charge' }, 0),
    ev('orchestratorStarted', 100), ev('taskFailed', 90, { taskScheduledId: 0, failureDetails: { errorMessage: 'declined' } }), ev('timerCreated', 100, { fireAt: T0 + 1100 }, 1),
    ev('orchestratorStarted', 1100), ev('timerFired', 1100, { timerId: 1, fireAt: T0 + 1100 }), ev('taskScheduled', 1100, { name: 'charge' }, 2),
    ev('orchestratorStarted', 1300), ev('taskCompleted', 1250, { taskScheduledId: 2 }),
    ev('entityOperationCalled', 1300, { requestId: 'r1', operation: 'add', targetInstanceId: '@counter@a' }, 3),
  ];
  const list = brief(bars(history, T0 + 2000, { running: true }));
  assert.equal(list[0], 'orchestration:Orchestration:0-2000:running');
  assert.ok(list.includes('activity:charge:0-90:failed'), list.join('\n'));
  assert.ok(list.includes('activity:charge:1100-1250:ok#2'), list.join('\n'));
  assert.ok(list.some((b) => /^timer:Timer → .*:100-1100:ok$/.test(b)), list.join('\n'));
  assert.ok(list.includes('entity:add → @counter@a:1300-open:running'), list.join('\n'));
  assert.ok(!list.some((b) => b.startsWith('wait')), 'an entity call is outstanding, so the instance is not idle');
});

test('sub-orchestrations link to the child and carry its outcome', () => {
  const history = [
    ev('orchestratorStarted', 0), ev('executionStarted', 0, { name: 'parent' }),
    ev('subOrchestrationInstanceCreated', 0, { name: 'child', instanceId: 'c-1' }, 0),
    ev('orchestratorStarted', 300), ev('subOrchestrationInstanceFailed', 280, { taskScheduledId: 0, failureDetails: { errorMessage: 'boom' } }),
    ev('executionCompleted', 300, { orchestrationStatus: 'FAILED' }),
  ];
  const list = bars(history, T0 + 400);
  const child = list.find((b) => b.kind === 'suborchestration');
  assert.deepEqual({ child: child?.child, outcome: child?.outcome, detail: child?.detail }, { child: 'c-1', outcome: 'failed', detail: 'boom' });
  assert.equal(list[0]?.outcome, 'failed');
});

test('a wait on a timer or an event shows both, running and after the event won; open bars end with the instance', () => {
  const waiting = [
    ev('orchestratorStarted', 0), ev('executionStarted', 0, { name: 'o' }), ev('timerCreated', 0, { fireAt: T0 + 60_000 }, 0),
  ];
  assert.deepEqual(brief(bars(waiting, T0 + 500, { running: true })).slice(1).map(withoutTime), [
    'timer:Timer:0-open:running',
    'wait:Waiting for the timer or an external event:0-open:running',
  ]);
  const won = [...waiting, ev('orchestratorStarted', 800), ev('eventRaised', 700, { name: 'approve' }), ev('executionCompleted', 800, { orchestrationStatus: 'COMPLETED' })];
  assert.deepEqual(brief(bars(won, T0 + 9000, { running: false, endedAt: T0 + 800 })).map(withoutTime), [
    'orchestration:Orchestration:0-800:ok',
    'timer:Timer:0-800:ended',
    'wait:Wait for approve:0-700:ok',
    'event:Event approve:700-700:ok',
  ]);
});

test('work in flight at a forced terminate (no end event in the history) ends at completedAt', () => {
  const history = [ev('orchestratorStarted', 0), ev('executionStarted', 0, { name: 'o' }), ev('taskScheduled', 0, { name: 'slow' }, 0)];
  assert.deepEqual(brief(bars(history, T0 + 9000, { running: false, endedAt: T0 + 300 })), [
    'orchestration:Orchestration:0-300:ok',
    'activity:slow:0-300:ended',
  ]);
});
