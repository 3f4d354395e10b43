/**
 * Counters and histograms for the per-call paths, whose label sets are resolved once: a caller
 * keeps the child of a label set and adds to it, where prom-client would validate and hash the
 * label object on every `inc` and `observe`. prom-client still renders them on a scrape, so
 * /metrics prints the same text (names, label order, buckets, `_sum`, `_count`) as prom-client's
 * own metrics given the same observations (labelled-metrics.test.ts compares the two). It keeps
 * nothing else: no exemplars, no removal of a label set.
 */
import { Counter, type Metric, type Registry } from 'prom-client';

export interface CounterChild {
  inc(): void;
}

export interface HistogramChild {
  observe(value: number): void;
}

interface MetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registry: Registry;
}

/** The children of one metric by label values, in the order their label sets first appeared (prom-client's order). */
class Children<L extends string, C> {
  readonly #labelNames: readonly L[];
  readonly #byKey = new Map<string, { labels: Readonly<Record<L, string>>; child: C }>();

  constructor(labelNames: readonly L[]) {
    this.#labelNames = labelNames;
  }

  resolve(labels: Readonly<Record<L, string>>, make: () => C): C {
    const key = JSON.stringify(this.#labelNames.map((name) => labels[name]));
    let entry = this.#byKey.get(key);
    if (entry === undefined) {
      entry = { labels: { ...labels }, child: make() };
      this.#byKey.set(key, entry);
    }
    return entry.child;
  }

  values(): IterableIterator<{ labels: Readonly<Record<L, string>>; child: C }> {
    return this.#byKey.values();
  }
}

/** A counter of events (each `inc` adds 1), read into a prom-client Counter when scraped. */
export class LabelledCounter<L extends string> {
  readonly #children: Children<L, { value: number }>;

  constructor(config: MetricConfig<L>) {
    const children = (this.#children = new Children<L, { value: number }>(config.labelNames));
    new Counter<L>({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: [config.registry],
      collect() {
        this.reset();
        // A label set is shown once counted, as prom-client shows it.
        for (const { labels, child } of children.values()) if (child.value > 0) this.inc(labels, child.value);
      },
    });
  }

  /** The child of `labels` (the same one every time): keep it, the lookup builds a key. */
  child(labels: Readonly<Record<L, string>>): CounterChild {
    const state = this.#children.resolve(labels, () => ({ value: 0 }));
    return { inc: () => void (state.value += 1) };
  }
}

/** One line of a scraped metric, as prom-client's `get()` gives it. */
interface MetricValue {
  metricName: string;
  labels: Readonly<Record<string, string | number>>;
  value: number;
}

interface HistogramState {
  /** Observations per bucket, not cumulative; one past the last bound for larger values (+Inf). */
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram registered in the registry as a metric of its own: the registry reads a metric only
 * through its name, help, type, aggregator, `get()` and `reset()`, and prom-client offers no way to
 * load bucket counts into its own Histogram.
 */
export class LabelledHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  readonly #children: Children<L, HistogramState>;

  constructor(config: MetricConfig<L> & { buckets: readonly number[] }) {
    this.name = config.name;
    this.help = config.help;
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
    this.#children = new Children(config.labelNames);
    config.registry.registerMetric(this as unknown as Metric);
  }

  /** The child of `labels` (the same one every time): keep it, the lookup builds a key. */
  child(labels: Readonly<Record<L, string>>): HistogramChild {
    const bounds = this.#bounds;
    const state = this.#children.resolve(labels, () => ({ counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }));
    return {
      observe: (value) => {
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        let i = 0;
        while (i < bounds.length && value > (bounds[i] as number)) i++;
        state.counts[i] = (state.counts[i] as number) + 1;
        state.sum += value;
        state.count += 1;
      },
    };
  }

  /** What prom-client's Histogram `get()` gives: per label set its cumulative buckets (`le` first), `_sum` and `_count`. */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValue[] }> {
    const bucket = `${this.name}_bucket`;
    const values: MetricValue[] = [];
    for (const { labels, child } of this.#children.values()) {
      // A label set is shown once observed (again, after a reset), as prom-client shows it.
      if (child.count === 0) continue;
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += child.counts[i] as number;
        values.push({ metricName: bucket, labels: { le, ...labels }, value: cumulative });
      });
      values.push(
        { metricName: bucket, labels: { le: '+Inf', ...labels }, value: child.count },
        { metricName: `${this.name}_sum`, labels: { ...labels }, value: child.sum },
        { metricName: `${this.name}_count`, labels: { ...labels }, value: child.count },
      );
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Empties every label set (`Registry.resetMetrics`); the children callers hold stay live. */
  reset(): void {
    for (const { child } of this.#children.values()) {
      child.counts.fill(0);
      child.sum = 0;
      child.count = 0;
    }
  }
}
