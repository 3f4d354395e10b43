/**
 * The bytes written to one outbound stream that its transport has not taken yet: the
 * backpressure signal the engine's streams need (engine/worker-streams.ts), in bytes rather than
 * in messages, so a reader that stops reading holds at most about `bytesMax` plus one message,
 * whatever the message size. A stream is writable while less than `bytesMax` waits; the write
 * that reaches it is the last until the transport has taken enough, when `onWritable` is called.
 */
export class PendingWrites {
  readonly #bytesMax: number;
  readonly #onWritable: () => void;
  #bytes = 0;
  #full = false;

  constructor(bytesMax: number, onWritable: () => void) {
    this.#bytesMax = bytesMax;
    this.#onWritable = onWritable;
  }

  /** A write of `bytes` was handed to the transport; false when the stream is full now. */
  add(bytes: number): boolean {
    this.#bytes += bytes;
    if (this.#bytes >= this.#bytesMax) this.#full = true;
    return !this.#full;
  }

  /** The transport took a write of `bytes` (or dropped it: the stream is gone). */
  taken(bytes: number): void {
    this.#bytes -= bytes;
    if (this.#full && this.#bytes < this.#bytesMax) {
      this.#full = false;
      this.#onWritable();
    }
  }
}
