/**
 * After each full collection V8 lets the heap grow by a factor it picks from its own GC speed, up
 * to 4x what survived; on a machine with memory to spare the server's heap then grows far past
 * its live data (W1 with N=5,000: 290 MB peak RSS around ~22 MB live). A fixed, smaller factor
 * keeps the heap near the live data, with no throughput lost in the benchmarks. It is a growth
 * rule, not a limit: a large history still gets all the heap it needs. V8 reads the flag at every
 * full collection, so setting it once at start-up takes effect.
 */
import v8 from 'node:v8';

/** `percent` 0 leaves V8's own choice. */
export function setHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
