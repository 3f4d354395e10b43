/**
 * A per-server cache of the encoded `pastEvents` of orchestration work items. Within one
 * execution a history only grows, so what was encoded for one dispatch of an instance is a
 * prefix of what the next dispatch sends: only the events added since are encoded. Encoding
 * the whole history on every episode made large histories (fan-out/fan-in) cost quadratic work.
 *
 * This module owns the reuse decision and the memory bound only. The encoder is handed in, and
 * work-item-map.ts splices the bytes into the WorkItem.
 */
import type { HistoryEvent } from '../../domain/history-event.ts';
import { invariant } from '../../lib/assert.ts';

export interface PastEventsCacheOptions {
  /** Shorter histories are encoded afresh on each dispatch: that is cheap and not worth memory. */
  eventsMin: number;
  /** The bound on all cached bytes together; the least recently used entries are evicted first. */
  bytesMax: number;
  /**
   * Encodes events as consecutive `OrchestratorRequest.pastEvents` entries (tag, length, event).
   * It must be deterministic: the cache compares its output byte for byte.
   */
  encodeEntries: (events: readonly HistoryEvent[]) => Uint8Array;
}

interface Entry {
  executionId: string;
  /** How many events `bytes` holds. */
  eventCount: number;
  bytes: Uint8Array;
  /** Where the entry of event `eventCount - 1` starts in `bytes`. */
  lastEntryOffset: number;
}

export class PastEventsCache {
  readonly #options: PastEventsCacheOptions;
  /** A Map iterates in insertion order, and every use re-inserts: the first key is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  #bytesTotal = 0;

  constructor(options: PastEventsCacheOptions) {
    // An entry always holds a last event, to check the next history against.
    invariant(options.eventsMin >= 1, 'PastEventsCache needs eventsMin of at least 1');
    this.#options = options;
  }

  /**
   * The encoded `pastEvents` entries of this history, encoding only what the cached entry of the
   * instance lacks. Undefined when the history is below `eventsMin`: the caller encodes it itself.
   */
  entries(hub: string, instanceId: string, executionId: string, events: readonly HistoryEvent[]): Uint8Array | undefined {
    if (events.length < this.#options.eventsMin) return undefined;
    // The hub's length first, so that no pair of hub and instance id can spell another's key.
    const key = `${hub.length}:${hub}${instanceId}`;
    const cached = this.#take(key);
    const entry = cached !== undefined && this.#isPrefixOf(cached, executionId, events)
      ? this.#extend(cached, events)
      : this.#extend({ executionId, eventCount: 0, bytes: new Uint8Array(0), lastEntryOffset: 0 }, events);
    this.#keep(key, entry);
    return entry.bytes;
  }

  /**
   * A new execution (continue-as-new, purge and re-create, rewind, which the SDKs give a new
   * execution id) invalidates the entry. Beyond that the last cached event is re-encoded and
   * compared byte for byte: one event's cost, and it catches a history rewritten in place
   * without a new execution id unless the rewrite left that exact event at that exact index.
   */
  #isPrefixOf(entry: Entry, executionId: string, events: readonly HistoryEvent[]): boolean {
    if (entry.executionId !== executionId || entry.eventCount > events.length) return false;
    const last = this.#options.encodeEntries(events.slice(entry.eventCount - 1, entry.eventCount));
    return Buffer.compare(last, entry.bytes.subarray(entry.lastEntryOffset)) === 0;
  }

  /** Encodes events[eventCount..] onto the entry, the last event apart so its offset is known. */
  #extend(entry: Entry, events: readonly HistoryEvent[]): Entry {
    if (entry.eventCount === events.length) return entry;
    const { encodeEntries } = this.#options;
    const middle = encodeEntries(events.slice(entry.eventCount, events.length - 1));
    const last = encodeEntries(events.slice(events.length - 1));
    return {
      executionId: entry.executionId,
      eventCount: events.length,
      bytes: Buffer.concat([entry.bytes, middle, last]),
      lastEntryOffset: entry.bytes.length + middle.length,
    };
  }

  #take(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#bytesTotal -= entry.bytes.length;
    return entry;
  }

  /** An entry larger than the whole bound is not kept: it would only evict every other one. */
  #keep(key: string, entry: Entry): void {
    if (entry.bytes.length > this.#options.bytesMax) return;
    this.#entries.set(key, entry);
    this.#bytesTotal += entry.bytes.length;
    for (const [oldest, victim] of this.#entries) {
      if (this.#bytesTotal <= this.#options.bytesMax) break;
      this.#entries.delete(oldest);
      this.#bytesTotal -= victim.bytes.length;
    }
  }
}
