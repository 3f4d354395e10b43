import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent } from '../../domain/history-event.ts';
import { PastEventsCache } from './past-events-cache.ts';
import { encodePastEventEntries, orchestrationWorkItem, orchestrationWorkItemSpliced, type OrchestrationWorkItemArgs } from './work-item-map.ts';

/** A fan-out history: started, then n activities scheduled and their results. */
function fanOutHistory(n: number, executionId = 'e1'): HistoryEvent[] {
  const events: HistoryEvent[] = [
    { kind: 'orchestratorStarted', eventId: -1, timestamp: 1_000 },
    { kind: 'executionStarted', name: 'FanOut', input: '"世界"', orchestrationInstance: { instanceId: 'i', executionId }, eventId: -1, timestamp: 1_000 },
  ];
  for (let i = 0; i < n; i++) events.push({ kind: 'taskScheduled', name: 'Work', input: String(i), eventId: i, timestamp: 1_001 });
  for (let i = 0; i < n; i++) events.push({ kind: 'taskCompleted', taskScheduledId: i, result: `"Hello, 世界! ${i}"`, eventId: -1, timestamp: 2_000 + i });
  return events;
}

const newEvents: HistoryEvent[] = [
  { kind: 'orchestratorStarted', eventId: -1, timestamp: 9_000 },
  { kind: 'eventRaised', name: 'go', input: '"👋"', eventId: -1, timestamp: 9_000 },
];

function args(pastEvents: readonly HistoryEvent[], executionId = 'e1'): OrchestrationWorkItemArgs {
  return { instanceId: 'i', executionId, pastEvents, newEvents, completionToken: 'tok-1' };
}

/** A cache over the real encoder that counts the events it had to encode. */
function countingCache(options: { eventsMin: number; bytesMax: number }) {
  const counts = { events: 0 };
  const cache = new PastEventsCache({
    ...options,
    encodeEntries: (events) => {
      counts.events += events.length;
      return encodePastEventEntries(events);
    },
  });
  return { cache, counts };
}

/** Encodes through the cache and checks the result against the uncached path. */
function assertSameAsUncached(cache: PastEventsCache, a: OrchestrationWorkItemArgs, hub = 'hub'): void {
  const entries = cache.entries(hub, a.instanceId, a.executionId, a.pastEvents);
  assert.ok(entries !== undefined, 'the history is large enough to be cached');
  assert.ok(Buffer.from(orchestrationWorkItem(a)).equals(orchestrationWorkItemSpliced(a, entries)), 'the same bytes as the uncached item');
}

describe('past events cache', () => {
  it('encodes a first history whole, the same as the uncached path', () => {
    for (const n of [50, 5_000]) {
      const { cache, counts } = countingCache({ eventsMin: 4, bytesMax: 1 << 20 });
      const history = fanOutHistory(n);
      assertSameAsUncached(cache, args(history));
      assert.equal(counts.events, history.length);
    }
  });

  it('encodes only the appended events of a grown history, plus the last cached one to check it', () => {
    const { cache, counts } = countingCache({ eventsMin: 4, bytesMax: 1 << 20 });
    const history = fanOutHistory(50);
    assertSameAsUncached(cache, args(history.slice(0, 60)));
    counts.events = 0;
    assertSameAsUncached(cache, args(history));
    assert.equal(counts.events, history.length - 60 + 1);
    counts.events = 0;
    assertSameAsUncached(cache, args(history));
    assert.equal(counts.events, 1, 'an unchanged history encodes only the check');
  });

  it('encodes again a history rewritten at the last cached index', () => {
    const { cache, counts } = countingCache({ eventsMin: 4, bytesMax: 1 << 20 });
    const history = fanOutHistory(50);
    assertSameAsUncached(cache, args(history.slice(0, 60)));
    const rewritten = history.map((e, i) => (i === 59 ? { ...e, timestamp: e.timestamp + 1 } : e));
    counts.events = 0;
    assertSameAsUncached(cache, args(rewritten));
    assert.equal(counts.events, 1 + rewritten.length);
  });

  it('encodes again the history of another execution', () => {
    const { cache, counts } = countingCache({ eventsMin: 4, bytesMax: 1 << 20 });
    assertSameAsUncached(cache, args(fanOutHistory(50, 'e1'), 'e1'));
    const next = fanOutHistory(60, 'e2');
    counts.events = 0;
    assertSameAsUncached(cache, args(next, 'e2'));
    assert.equal(counts.events, next.length, 'no check: the execution id already differs');
  });

  it('encodes again a history shorter than the cached one', () => {
    const { cache, counts } = countingCache({ eventsMin: 4, bytesMax: 1 << 20 });
    const history = fanOutHistory(50);
    assertSameAsUncached(cache, args(history));
    counts.events = 0;
    assertSameAsUncached(cache, args(history.slice(0, 30)));
    assert.equal(counts.events, 30);
  });

  it('keeps instances of different task hubs apart', () => {
    const { cache } = countingCache({ eventsMin: 4, bytesMax: 1 << 20 });
    assertSameAsUncached(cache, args(fanOutHistory(50)), 'hub-a');
    assertSameAsUncached(cache, args(fanOutHistory(20)), 'hub-b');
    assertSameAsUncached(cache, args(fanOutHistory(50)), 'hub-a');
  });

  it('evicts the least recently used entry beyond bytesMax, and keeps no entry larger than it', () => {
    const history = fanOutHistory(50);
    const oneEntryBytes = encodePastEventEntries(history).length;
    const { cache, counts } = countingCache({ eventsMin: 4, bytesMax: 2 * oneEntryBytes });
    const dispatch = (instanceId: string) => {
      counts.events = 0;
      assertSameAsUncached(cache, { ...args(history), instanceId });
      return counts.events;
    };
    dispatch('a');
    dispatch('b');
    assert.equal(dispatch('a'), 1, 'a and b fit; a is now the most recent');
    dispatch('c');
    assert.equal(dispatch('a'), 1, 'c evicted b, not a');
    assert.equal(dispatch('b'), history.length, 'b was evicted');

    const { cache: small, counts: smallCounts } = countingCache({ eventsMin: 4, bytesMax: oneEntryBytes - 1 });
    assertSameAsUncached(small, args(history));
    smallCounts.events = 0;
    assertSameAsUncached(small, args(history));
    assert.equal(smallCounts.events, history.length, 'too large to keep');
  });

  it('leaves histories below eventsMin to the caller', () => {
    const { cache, counts } = countingCache({ eventsMin: 100, bytesMax: 1 << 20 });
    assert.equal(cache.entries('hub', 'i', 'e1', fanOutHistory(48)), undefined, '98 events');
    assert.equal(counts.events, 0);
    assertSameAsUncached(cache, args(fanOutHistory(49)));
    assert.equal(counts.events, 100, 'from 100 events on');
  });

  it('needs eventsMin of at least 1', () => {
    assert.throws(() => countingCache({ eventsMin: 0, bytesMax: 1 }), /eventsMin/);
  });
});
