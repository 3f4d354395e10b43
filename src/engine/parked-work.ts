/**
 * Claimed work that no connected stream may take because of work-item filters: it is parked
 * here, its lease kept alive by the engine's renewal, until a stream that accepts it connects
 * or has room again. Parking instead of abandoning keeps the dispatcher from claiming the same
 * item over and over (a busy loop) while nobody can run it. The number parked per hub and kind
 * is bounded; past the bound, items go back to the store with a delay.
 *
 * Parked work is held by this process; with several nodes on one database, a node whose workers
 * cannot run an item still holds it until its lease is lost (a store claim by name would avoid
 * that; see the report of issue 4).
 */
import type { TaskHubName } from '../domain/instance.ts';
import type { ActivityWorkItem, OrchestrationWorkItem } from '../store/work-store.ts';
import type { HistoryEvent } from '../domain/history-event.ts';
import type { WorkIdentity } from './work-item-filters.ts';
import type { WorkKind } from './work-item.ts';

/** Parked items per hub and kind at most. */
export const PARKED_MAX = 10_000;

export type ParkedItem =
  | {
      kind: 'orchestration';
      hub: TaskHubName;
      identity: WorkIdentity;
      item: OrchestrationWorkItem;
      plan: { newEvents: HistoryEvent[]; newEventSeqs: number[]; droppedSeqs: number[] };
    }
  | { kind: 'activity'; hub: TaskHubName; identity: WorkIdentity; item: ActivityWorkItem };

export class ParkedWork {
  readonly #byKey = new Map<string, Map<string, ParkedItem>>();

  /** False when the bound is reached (the caller gives the item back instead). */
  park(parked: ParkedItem): boolean {
    const key = `${parked.kind}\n${parked.hub}`;
    let items = this.#byKey.get(key);
    if (items === undefined) {
      items = new Map();
      this.#byKey.set(key, items);
    }
    if (items.size >= PARKED_MAX) return false;
    items.set(parked.item.lease.token, parked);
    return true;
  }

  /** Removes and returns the parked items of `hub` and `kind` that `take` accepts, oldest first. */
  takeWhere(hub: TaskHubName, kind: WorkKind, take: (parked: ParkedItem) => boolean): ParkedItem[] {
    const items = this.#byKey.get(`${kind}\n${hub}`);
    if (items === undefined) return [];
    const taken: ParkedItem[] = [];
    for (const [token, parked] of items) {
      if (!take(parked)) continue;
      items.delete(token);
      taken.push(parked);
    }
    return taken;
  }

  /** Forgets an item whose lease was lost. */
  forget(token: string): void {
    for (const items of this.#byKey.values()) items.delete(token);
  }

  tokensByHub(): Map<TaskHubName, string[]> {
    const byHub = new Map<TaskHubName, string[]>();
    for (const items of this.#byKey.values()) {
      for (const [token, parked] of items) {
        const tokens = byHub.get(parked.hub) ?? [];
        tokens.push(token);
        byHub.set(parked.hub, tokens);
      }
    }
    return byHub;
  }

  /** Everything parked, removed (at shutdown). */
  drain(): ParkedItem[] {
    const all = [...this.#byKey.values()].flatMap((items) => [...items.values()]);
    this.#byKey.clear();
    return all;
  }

  get size(): number {
    let n = 0;
    for (const items of this.#byKey.values()) n += items.size;
    return n;
  }
}
