/**
 * Recent dispatch counts per task hub and work-item kind, in one-second buckets over the last
 * ten minutes: the "recent dispatch rate" scale signal and the dashboard's throughput chart.
 * Memory is fixed per hub (a ring of buckets), and recording is O(1).
 */
import type { WorkKind } from './work-item.ts';

export const RATE_WINDOW_SECONDS = 600;

const KINDS: readonly WorkKind[] = ['orchestration', 'activity', 'entity'];

interface Ring {
  /** The second (epoch seconds) each slot holds counts for. */
  seconds: Float64Array;
  counts: Record<WorkKind, Uint32Array>;
  total: Record<WorkKind, number>;
}

export class DispatchRate {
  readonly #now: () => number;
  readonly #rings = new Map<string, Ring>();

  constructor(now: () => number) {
    this.#now = now;
  }

  record(hub: string, kind: WorkKind): void {
    const ring = this.#ring(hub);
    const second = Math.floor(this.#now() / 1000);
    const slot = second % RATE_WINDOW_SECONDS;
    if (ring.seconds[slot] !== second) {
      ring.seconds[slot] = second;
      for (const k of KINDS) ring.counts[k][slot] = 0;
    }
    (ring.counts[kind] as Uint32Array)[slot] = (ring.counts[kind][slot] ?? 0) + 1;
    ring.total[kind]++;
  }

  /** Items dispatched per second, averaged over the last `seconds` whole seconds. */
  perSecond(hub: string, kind: WorkKind, seconds = 60): number {
    const series = this.series(hub, kind, seconds);
    return series.reduce((sum, n) => sum + n, 0) / Math.max(1, seconds);
  }

  /** Counts of the last `seconds` whole seconds, oldest first (the current second excluded). */
  series(hub: string, kind: WorkKind, seconds: number): number[] {
    const ring = this.#rings.get(hub);
    const span = Math.min(Math.max(1, seconds), RATE_WINDOW_SECONDS - 1);
    const current = Math.floor(this.#now() / 1000);
    const out: number[] = [];
    for (let s = current - span; s < current; s++) {
      const slot = s % RATE_WINDOW_SECONDS;
      out.push(ring !== undefined && ring.seconds[slot] === s ? (ring.counts[kind][slot] ?? 0) : 0);
    }
    return out;
  }

  /** Items dispatched since the process started (a Prometheus counter). */
  total(hub: string, kind: WorkKind): number {
    return this.#rings.get(hub)?.total[kind] ?? 0;
  }

  hubs(): string[] {
    return [...this.#rings.keys()];
  }

  #ring(hub: string): Ring {
    let ring = this.#rings.get(hub);
    if (ring === undefined) {
      const counts = () => new Uint32Array(RATE_WINDOW_SECONDS);
      ring = {
        seconds: new Float64Array(RATE_WINDOW_SECONDS).fill(-1),
        counts: { orchestration: counts(), activity: counts(), entity: counts() },
        total: { orchestration: 0, activity: 0, entity: 0 },
      };
      this.#rings.set(hub, ring);
    }
    return ring;
  }
}
