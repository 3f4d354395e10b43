import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, type HistoryEvent } from '../domain/history-event.ts';
import type { TaskHubName } from '../domain/instance.ts';
import { FanInCoalescing, outstandingTasks } from './fan-in-coalescing.ts';

const scheduled = (id: number): HistoryEvent => makeEvent({ kind: 'taskScheduled', name: 'a' }, 0, id);
const completed = (id: number): HistoryEvent => makeEvent({ kind: 'taskCompleted', taskScheduledId: id }, 0);
const hub = 'hub' as TaskHubName;
const fanOut = (n: number): HistoryEvent[] => Array.from({ length: n }, (_, i) => scheduled(i));

describe('fan-in coalescing', () => {
  const options = { outstandingMin: 10, windowMsMax: 1000, instancesMax: 2 };

  it('counts tasks scheduled and not answered across history parts', () => {
    assert.equal(outstandingTasks([fanOut(12), [completed(0), completed(1)]], 10), 10);
    assert.equal(outstandingTasks([fanOut(5)], 10), 0, 'a history shorter than the threshold is not scanned');
  });

  it('delays the results of a fan-out to the end of one window opened by the first result', () => {
    const fanIn = new FanInCoalescing(options);
    fanIn.noteEpisode(hub, 'i', [fanOut(20)], 30);
    assert.equal(fanIn.resultVisibleAt(hub, 'i', 100), 160, 'window = 2 x the episode');
    assert.equal(fanIn.resultVisibleAt(hub, 'i', 150), 160, 'later results join the open window');
    assert.equal(fanIn.resultVisibleAt(hub, 'i', 160), 220, 'a result after the window opens the next one');
    assert.equal(fanIn.resultVisibleAt('other-hub' as TaskHubName, 'i', 100), 100);
  });

  it('delays the results of sub-orchestrations ended by an episode, and nothing else', () => {
    const fanIn = new FanInCoalescing(options);
    fanIn.noteEpisode(hub, 'parent', [fanOut(20)], 30);
    const child = (instanceId: string) => ({
      instanceId,
      event: makeEvent({ kind: 'subOrchestrationInstanceCompleted' as const, taskScheduledId: 3 }, 100),
      visibleAt: 100,
    });
    const other = { instanceId: 'parent', event: makeEvent({ kind: 'eventRaised' as const, name: 'x' }, 100), visibleAt: 100 };
    const delayed = fanIn.delayChildResults(hub, [child('parent'), child('elsewhere'), other], 100);
    assert.deepEqual(delayed.map((m) => m.visibleAt), [160, 100, 100]);
  });

  it('caps the window and never delays a sequence', () => {
    const fanIn = new FanInCoalescing(options);
    fanIn.noteEpisode(hub, 'slow', [fanOut(20)], 5000);
    assert.equal(fanIn.resultVisibleAt(hub, 'slow', 0), 1000);
    fanIn.noteEpisode(hub, 'seq', [fanOut(1), [completed(0), scheduled(1)]], 30);
    assert.equal(fanIn.resultVisibleAt(hub, 'seq', 7), 7);
  });

  it('stops delaying once few tasks are outstanding, and forgets the oldest instance beyond the bound', () => {
    const fanIn = new FanInCoalescing(options);
    fanIn.noteEpisode(hub, 'a', [fanOut(20)], 10);
    fanIn.noteEpisode(hub, 'a', [fanOut(20), Array.from({ length: 15 }, (_, i) => completed(i))], 10);
    assert.equal(fanIn.resultVisibleAt(hub, 'a', 50), 50);
    for (const id of ['x', 'y', 'z']) fanIn.noteEpisode(hub, id, [fanOut(20)], 10);
    assert.equal(fanIn.resultVisibleAt(hub, 'x', 50), 50, 'evicted');
    assert.equal(fanIn.resultVisibleAt(hub, 'z', 50), 70);
  });
});
