/**
 * Work items held by a stream the transport cannot write to. A worker that stops reading its
 * stream keeps what it was sent but gets nothing new (a blocked stream has no room,
 * worker-streams.ts). If the stream is still blocked `stallMs` later, everything in flight on it
 * goes back to the queue for other workers. The stream stays connected and takes work again
 * once it drains; results it sends for the returned items are refused as stale.
 */
import type { WorkerStream } from './worker-streams.ts';

export class StreamStalls {
  readonly #stallMs: number;
  readonly #onStall: (stream: WorkerStream) => void;
  readonly #timers = new Map<WorkerStream, NodeJS.Timeout>();

  constructor(stallMs: number, onStall: (stream: WorkerStream) => void) {
    this.#stallMs = stallMs;
    this.#onStall = onStall;
  }

  /** The stream just became blocked; nothing when it already was. */
  watch(stream: WorkerStream): void {
    if (this.#timers.has(stream)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(stream);
      if (stream.blocked && !stream.closed) this.#onStall(stream);
    }, this.#stallMs);
    timer.unref();
    this.#timers.set(stream, timer);
  }

  /** The stream drained or closed. */
  clear(stream: WorkerStream): void {
    clearTimeout(this.#timers.get(stream));
    this.#timers.delete(stream);
  }
}
