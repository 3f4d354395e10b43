/**
 * Waiting for a pooled connection. pg-pool fails a caller that waits for a free connection after
 * `connectionTimeoutMillis`, the timeout meant for opening one, so a burst of calls larger than
 * the pool can serve in that time (thousands of StartInstance calls at once) failed as if the
 * database were down. Callers wait here instead, first come first served, for one of
 * `connectionsMax` permits; holding one, the pool always has a free or openable connection, and
 * its timeout again means only "the database does not answer". The queue is bounded.
 */
import { ServerError } from '../../domain/errors.ts';

export class PoolGate {
  readonly #queuedMax: number;
  readonly #queue: Array<() => void> = [];
  #free: number;

  constructor(permits: number, queuedMax: number) {
    this.#free = permits;
    this.#queuedMax = queuedMax;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    if (this.#queue.length >= this.#queuedMax) {
      throw new ServerError('UNAVAILABLE', `store: more than ${this.#queuedMax} calls wait for a database connection; retry`);
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }

  /** Hands the permit to the longest waiter, or frees it. */
  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#free++;
    else next();
  }
}
