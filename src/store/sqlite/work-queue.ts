/**
 * The in-memory index of one kind of work (orchestration instances or activity tasks) in one
 * task hub: which keys are ready now (FIFO of arrival), which become visible later (a heap),
 * and which are leased. Claims take candidates from here instead of scanning tables.
 *
 * The index may hold stale entries (a key whose work is gone or already taken); the claim
 * verifies every candidate against the database. What it must never do is forget work: a key
 * that is leased is not queued, and releasing its lease re-offers it (see store-state.ts).
 */
import type { LeaseToken } from '../work-store.ts';
import { FifoSet } from './fifo-set.ts';
import { MinHeap } from './min-heap.ts';

export type WorkKind = 'orchestration' | 'activity' | 'entity';

export interface LeaseEntry<K = string | number> {
  token: LeaseToken;
  hub: string;
  kind: WorkKind;
  key: K;
  expiresAt: number;
  attempt: number;
  /** The inbox rows delivered with an orchestration lease (abandon delays exactly these). */
  seqs: readonly number[];
  /** What the orchestration claim read, so that its completion need not read it again. */
  claimed?: ClaimedInstance;
}

export interface ClaimedInstance {
  /** The instance row's columns at the claim, in instance-sql.ts's INSTANCE_COLUMNS order. */
  readonly columns: readonly unknown[];
  /**
   * The history's length at the claim. Only the completion of this lease appends to it; anything
   * else that changes it (replace, purge, hub deletion) deletes the instance and ends the lease.
   */
  readonly historyLength: number;
}

export class WorkQueue<K extends string | number> {
  readonly #ready = new FifoSet<K>();
  readonly #delayed = new MinHeap<K>();
  /** The earliest time each delayed key is in the heap for, so re-offers do not pile up entries. */
  readonly #delayedAt = new Map<K, number>();
  readonly leases = new Map<K, LeaseEntry<K>>();
  /** The attempt number of the last claim that was abandoned or expired. */
  readonly #attempts = new Map<K, number>();
  /** A lower bound of the earliest lease expiry; no lease can have expired before it. */
  #nextExpiryAt = Number.POSITIVE_INFINITY;

  readonly hub: string;
  readonly kind: WorkKind;

  constructor(hub: string, kind: WorkKind) {
    this.hub = hub;
    this.kind = kind;
  }

  /** Notes work for `key` visible at `visibleAt`. Leased keys are re-offered on release. */
  offer(key: K, visibleAt: number, now: number): void {
    if (this.leases.has(key)) return;
    if (visibleAt <= now) {
      this.#ready.add(key);
      return;
    }
    const scheduledAt = this.#delayedAt.get(key);
    if (scheduledAt !== undefined && scheduledAt <= visibleAt) return;
    this.#delayedAt.set(key, visibleAt);
    this.#delayed.push(visibleAt, key);
  }

  /** The next key that may be claimed at `now`, removed from the ready queue. */
  takeCandidate(now: number): K | undefined {
    // A superseded heap entry (its key was re-offered earlier) is skipped: whoever takes the key
    // later either claims it or re-offers it from the database, so no work is forgotten.
    for (let entry = this.#delayed.popUpTo(now); entry !== undefined; entry = this.#delayed.popUpTo(now)) {
      if (this.#delayedAt.get(entry.key) !== entry.at) continue;
      this.#delayedAt.delete(entry.key);
      if (!this.leases.has(entry.key)) this.#ready.add(entry.key);
    }
    for (let key = this.#ready.shift(); key !== undefined; key = this.#ready.shift()) {
      if (!this.leases.has(key)) return key;
    }
    return undefined;
  }

  /** When delayed work becomes visible, if nothing is ready now. */
  nextVisibleAt(): number | undefined {
    return this.#ready.size > 0 ? undefined : this.#delayed.peekAt();
  }

  lease(key: K, token: LeaseToken, expiresAt: number, seqs: readonly number[]): LeaseEntry<K> {
    const attempt = (this.#attempts.get(key) ?? 0) + 1;
    const entry: LeaseEntry<K> = { token, hub: this.hub, kind: this.kind, key, expiresAt, attempt, seqs };
    this.leases.set(key, entry);
    if (expiresAt < this.#nextExpiryAt) this.#nextExpiryAt = expiresAt;
    return entry;
  }

  /** Ends a lease. A completed lease resets the attempt count; an abandoned or expired one counts. */
  release(entry: LeaseEntry<K>, outcome: 'completed' | 'abandoned' | 'expired'): void {
    if (this.leases.get(entry.key) !== entry) return;
    this.leases.delete(entry.key);
    if (outcome === 'completed') this.#attempts.delete(entry.key);
    else this.#attempts.set(entry.key, entry.attempt);
  }

  /** The leases expired at `now`, still registered; cheap unless one may have expired. */
  expiredLeases(now: number): LeaseEntry<K>[] {
    if (now < this.#nextExpiryAt) return [];
    const expired: LeaseEntry<K>[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.leases.values()) {
      if (entry.expiresAt <= now) expired.push(entry);
      else if (entry.expiresAt < next) next = entry.expiresAt;
    }
    this.#nextExpiryAt = next;
    return expired;
  }

  /** Forgets everything about `key` (its work was deleted); returns its lease, if any. */
  forget(key: K): LeaseEntry<K> | undefined {
    const entry = this.leases.get(key);
    this.leases.delete(key);
    this.#attempts.delete(key);
    this.#ready.delete(key);
    this.#delayedAt.delete(key);
    return entry;
  }
}
