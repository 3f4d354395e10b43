/**
 * Invariant checks. A failed invariant means the program or its stored state is wrong; the
 * process must stop loudly rather than continue (leases make the work run again after restart).
 */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantError';
  }
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/**
 * Called where errors are turned into answers (RPC edges, background loops): an invariant
 * violation must not be answered and forgotten. It is rethrown outside any handler, so it
 * becomes an uncaught exception and the process stops with its stack trace; leases make the
 * interrupted work run again after the restart.
 */
export function crashOnInvariantViolation(error: unknown): boolean {
  if (!(error instanceof InvariantError)) return false;
  setImmediate(() => {
    throw error;
  });
  return true;
}
