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
