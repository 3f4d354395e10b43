/** Exponential back-off with a ceiling: attempt 1 waits `baseMs`, each next attempt doubles. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  if (attempt <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
}
