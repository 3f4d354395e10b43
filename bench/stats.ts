/**
 * Small statistics helpers for the benchmark: percentiles (nearest-rank on a sorted copy),
 * summaries of latency samples, and number formatting for the report.
 */

/** Nearest-rank percentile of `values` (p in 0..100); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] ?? Number.NaN;
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Summary of latency samples in milliseconds, rounded to 0.01 ms. */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return {
    count: sorted.length,
    min: round2(sorted[0] ?? Number.NaN),
    mean: round2(mean),
    p50: round2(percentileOfSorted(sorted, 50)),
    p95: round2(percentileOfSorted(sorted, 95)),
    p99: round2(percentileOfSorted(sorted, 99)),
    max: round2(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Median of a list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Rate per second, rounded to one decimal. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round((count / ms) * 10_000) / 10 : Number.NaN;
}
