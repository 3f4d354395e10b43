/**
 * A FIFO queue without duplicates: adding a key already queued keeps its place. Taking from
 * the front and removing a key are O(1) amortised. A JavaScript `Set` keeps insertion order
 * too, but taking its first element after many deletions skips the deleted slots every time,
 * which makes a long-lived queue quadratic; this one moves a head index instead.
 */
export class FifoSet<K> {
  /** Queued keys with the generation of their live slot; older slots of a key are stale. */
  #live = new Map<K, number>();
  #slots: { key: K; generation: number }[] = [];
  #head = 0;
  #generation = 0;

  get size(): number {
    return this.#live.size;
  }

  has(key: K): boolean {
    return this.#live.has(key);
  }

  add(key: K): void {
    if (this.#live.has(key)) return;
    const generation = ++this.#generation;
    this.#live.set(key, generation);
    this.#slots.push({ key, generation });
  }

  delete(key: K): void {
    this.#live.delete(key);
    if (this.#live.size === 0) this.clear();
  }

  /** Removes and returns the oldest key. */
  shift(): K | undefined {
    const slots = this.#slots;
    while (this.#head < slots.length) {
      const slot = slots[this.#head++] as { key: K; generation: number };
      if (this.#live.get(slot.key) !== slot.generation) continue;
      this.#live.delete(slot.key);
      this.#compact();
      return slot.key;
    }
    this.clear();
    return undefined;
  }

  clear(): void {
    this.#live.clear();
    this.#slots = [];
    this.#head = 0;
  }

  /** Drops consumed slots once they are the larger part of the array. */
  #compact(): void {
    if (this.#head < 1024 || this.#head * 2 < this.#slots.length) return;
    this.#slots = this.#slots.slice(this.#head);
    this.#head = 0;
  }
}
