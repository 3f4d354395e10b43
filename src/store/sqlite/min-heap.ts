/**
 * A binary min-heap of (time, key) pairs, for work that becomes visible later (timers,
 * scheduled starts, abandon back-off). Ties pop in insertion order so equal times stay FIFO.
 * It holds no semantics: stale entries are allowed and are filtered by whoever pops them.
 */

export interface HeapEntry<K> {
  at: number;
  order: number;
  key: K;
}

export class MinHeap<K> {
  #entries: HeapEntry<K>[] = [];
  #order = 0;

  get size(): number {
    return this.#entries.length;
  }

  /** The earliest time in the heap, if any. */
  peekAt(): number | undefined {
    return this.#entries[0]?.at;
  }

  push(at: number, key: K): void {
    const entries = this.#entries;
    entries.push({ at, order: this.#order++, key });
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#less(index, parent)) break;
      this.#swap(index, parent);
      index = parent;
    }
  }

  /** Removes and returns the earliest entry whose time is at or before `at`. */
  popUpTo(at: number): HeapEntry<K> | undefined {
    const entries = this.#entries;
    const top = entries[0];
    if (top === undefined || top.at > at) return undefined;
    const last = entries.pop() as HeapEntry<K>;
    if (entries.length > 0) {
      entries[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  clear(): void {
    this.#entries = [];
  }

  #siftDown(start: number): void {
    const length = this.#entries.length;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < length && this.#less(left, smallest)) smallest = left;
      if (right < length && this.#less(right, smallest)) smallest = right;
      if (smallest === index) return;
      this.#swap(index, smallest);
      index = smallest;
    }
  }

  #less(a: number, b: number): boolean {
    const x = this.#entries[a] as HeapEntry<K>;
    const y = this.#entries[b] as HeapEntry<K>;
    return x.at < y.at || (x.at === y.at && x.order < y.order);
  }

  #swap(a: number, b: number): void {
    const entries = this.#entries;
    const x = entries[a] as HeapEntry<K>;
    entries[a] = entries[b] as HeapEntry<K>;
    entries[b] = x;
  }
}
