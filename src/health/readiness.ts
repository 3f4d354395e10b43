/**
 * Readiness: whether the store can commit right now. It is decided by real writes: a probe (a
 * small durable write through the catalog) at most every `probeIntervalMs`, bounded by
 * `probeTimeoutMs`, and every failed store call the store observer reports. A failed call
 * makes the server not ready at once; a successful probe makes it ready again only once no
 * call has failed for `holdMs` (a probe's one small row may fit where the workload's rows do
 * not). While not ready, the probe runs in the background, so readiness recovers by itself.
 */
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { ReadinessTuning } from '../config/config.ts';

export interface ReadinessState {
  ready: boolean;
  /** Why not, in words (e.g. "disk full at /data"); absent when ready. */
  reason?: string;
}

export class Readiness {
  readonly #probe: () => Promise<void>;
  readonly #describe: (error: unknown) => string;
  readonly #options: ReadinessTuning;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #listeners = new Set<(state: ReadinessState) => void>();
  #state: ReadinessState = { ready: true };
  #lastFailureAt = -Infinity;
  #probedAt = -Infinity;
  #probing: Promise<ReadinessState> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: { probe: () => Promise<void>; describe: (error: unknown) => string; clock: Clock; log: Logger }, options: ReadinessTuning) {
    this.#probe = deps.probe;
    this.#describe = deps.describe;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#options = options;
  }

  get state(): ReadinessState {
    return this.#state;
  }

  /** Calls `listener` on every change of readiness. */
  onChange(listener: (state: ReadinessState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The state after a probe, unless one ran within the probe interval (then the last state). */
  check(): Promise<ReadinessState> {
    if (this.#clock.now() - this.#probedAt < this.#options.probeIntervalMs) return this.#probing ?? Promise.resolve(this.#state);
    this.#probedAt = this.#clock.now();
    this.#probing ??= this.#runProbe().finally(() => (this.#probing = undefined));
    return this.#probing;
  }

  /** A store call failed for `reason`: not ready from now on, until a probe succeeds after the hold. */
  noteFailure(reason: string): void {
    this.#lastFailureAt = this.#clock.now();
    this.#set({ ready: false, reason });
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #runProbe(): Promise<ReadinessState> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#probe(),
        new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error(`the store did not commit within ${this.#options.probeTimeoutMs} ms`)), this.#options.probeTimeoutMs))),
      ]);
      if (this.#clock.now() - this.#lastFailureAt >= this.#options.holdMs) this.#set({ ready: true });
    } catch (error) {
      this.#set({ ready: false, reason: this.#describe(error) });
    } finally {
      clearTimeout(timeout);
    }
    return this.#state;
  }

  #set(next: ReadinessState): void {
    const changed = next.ready !== this.#state.ready;
    this.#state = next;
    if (!changed) return;
    if (next.ready) {
      this.#log.info('ready: the store commits again');
      this.stop();
    } else {
      this.#log.error(`not ready: ${next.reason}`, { reason: next.reason });
      // Probe in the background until it recovers, so gRPC health watchers see it without a request.
      this.#timer ??= setInterval(() => void this.check(), this.#options.probeIntervalMs);
      this.#timer.unref();
    }
    for (const listener of this.#listeners) listener(next);
  }
}
