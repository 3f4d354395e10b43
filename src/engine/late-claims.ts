/**
 * A claim's lease runs from the `now` it was asked with. A claim that waited long for the store
 * (a busy database, a starved event loop) has spent part of that lease before its items reach
 * a worker, and the periodic renewal, which only sees items already sent, may come after the
 * lease is gone and another node has claimed the work again. Such a claim is renewed at once.
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { Clock } from '../lib/clock.ts';
import type { Lease, WorkStore } from '../store/work-store.ts';

/** The items whose leases are still held, renewed first when the claim took over a third of the lease. */
export async function renewIfLate<T extends { lease: Lease }>(
  deps: { store: Pick<WorkStore, 'renewLeases'>; clock: Clock; leaseMs: number },
  hub: TaskHubName,
  askedAt: number,
  items: T[],
): Promise<T[]> {
  const now = deps.clock.now();
  if (items.length === 0 || now - askedAt <= deps.leaseMs / 3) return items;
  const lost = new Set(await deps.store.renewLeases(hub, items.map((item) => item.lease.token), now + deps.leaseMs, now));
  return items.filter((item) => !lost.has(item.lease.token));
}
