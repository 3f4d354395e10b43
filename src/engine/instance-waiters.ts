/**
 * Long-poll waiters (WaitForInstanceStart / WaitForInstanceCompletion). A waiter is woken by the
 * store's instance events and is removed as soon as its caller goes away. When events can come
 * from other processes (and so be lost), waiter-recheck.ts also re-reads the waited instances.
 */
import type { OrchestrationStatus } from '../domain/history-event.ts';

type Waker = (status: OrchestrationStatus) => void;

export class InstanceWaiters {
  readonly #waiters = new Map<string, Set<Waker>>();

  /** Registers `wake`; returns the function that unregisters it. */
  add(hub: string, instanceId: string, wake: Waker): () => void {
    const key = `${hub}\n${instanceId}`;
    let set = this.#waiters.get(key);
    if (set === undefined) {
      set = new Set();
      this.#waiters.set(key, set);
    }
    set.add(wake);
    return () => {
      const current = this.#waiters.get(key);
      if (current === undefined) return;
      current.delete(wake);
      if (current.size === 0) this.#waiters.delete(key);
    };
  }

  /** The instances someone waits for now. */
  waited(): Array<{ hub: string; instanceId: string }> {
    return [...this.#waiters.keys()].map((key) => {
      const cut = key.indexOf('\n');
      return { hub: key.slice(0, cut), instanceId: key.slice(cut + 1) };
    });
  }

  notify(hub: string, instanceId: string, status: OrchestrationStatus): void {
    const set = this.#waiters.get(`${hub}\n${instanceId}`);
    if (set === undefined) return;
    for (const wake of [...set]) wake(status);
  }
}
