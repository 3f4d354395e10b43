/**
 * A bounded number of permits with a bounded queue of waiters, first come first served: for work
 * that must not run more than N at a time (pooled database connections, password hashing) and
 * must refuse at once, rather than pile up, when too many wait. `whenFull` makes the refusal, so
 * each user names its own resource and error code. A waiter that keeps other work alive (a lease
 * renewal) may go `first`: behind a long queue it would come too late to be of use.
 */
export class PermitQueue {
  readonly #queuedMax: number;
  readonly #whenFull: () => Error;
  readonly #queue: Array<() => void> = [];
  #free: number;

  constructor(permits: number, queuedMax: number, whenFull: () => Error) {
    this.#free = permits;
    this.#queuedMax = queuedMax;
    this.#whenFull = whenFull;
  }

  async acquire(first = false): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    if (this.#queue.length >= this.#queuedMax) throw this.#whenFull();
    await new Promise<void>((resolve) => (first ? this.#queue.unshift(resolve) : this.#queue.push(resolve)));
  }

  /** Hands the permit to the longest waiter, or frees it. */
  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#free++;
    else next();
  }

  /** Runs `work` holding a permit. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
