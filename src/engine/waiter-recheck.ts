/**
 * The safety net under the long-poll waiters when instance events cross processes (several nodes
 * on one database): such an event can be lost (for example while a node's notification connection
 * reconnects), and a waiter that only listened would then wait until its caller's deadline. So
 * the waited instances are re-read every `intervalMs`, and at once when the store says events may
 * have been missed ('resync'); each read wakes its waiters with the stored status. One pass at a
 * time, at most `readsInFlightMax` reads in flight, so a crowd of waiters cannot swamp the store.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { ReadModel } from '../store/read-model.ts';
import type { InstanceWaiters } from './instance-waiters.ts';
import type { Logger } from '../lib/logger.ts';

export interface WaiterRecheckDeps {
  store: Pick<ReadModel, 'getInstance'>;
  waiters: InstanceWaiters;
  log: Logger;
}

export class WaiterRecheck {
  readonly #d: WaiterRecheckDeps;
  readonly #readsInFlightMax: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** A pass was asked for while one ran: its reads may predate the change, so run once more. */
  #again = false;
  #stopped = false;

  constructor(deps: WaiterRecheckDeps, readsInFlightMax = 4) {
    this.#d = deps;
    this.#readsInFlightMax = readsInFlightMax;
  }

  /** Re-reads every `intervalMs` (0: only when asked by `now`). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.#timer !== undefined) return;
    // void: a pass catches and logs the store's failures itself; anything else it throws is a bug,
    // and its unhandled rejection stops the process loudly.
    this.#timer = setInterval(() => void this.now(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Runs a pass now, or right after the one in progress. Resolves when that pass is done. */
  now(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      await this.#pass();
    } while (this.#again && !this.#stopped);
  }

  async #pass(): Promise<void> {
    const pending = this.#d.waiters.waited();
    const reader = async () => {
      for (let next = pending.pop(); next !== undefined && !this.#stopped; next = pending.pop()) {
        try {
          const record = await this.#d.store.getInstance(next.hub as TaskHubName, next.instanceId);
          if (record !== undefined) this.#d.waiters.notify(next.hub, next.instanceId, record.status);
        } catch (error) {
          // The store is away: the next pass tries again; the waiter's own deadline still holds.
          this.#d.log.warn(`waiters: re-reading instance '${next.instanceId}' failed`, { instanceId: next.instanceId, err: error });
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#readsInFlightMax, pending.length) }, reader));
  }
}
