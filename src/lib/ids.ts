/** Ids and tokens. Injected so tests and simulations can make them deterministic. */
import { randomBytes, randomUUID } from 'node:crypto';

export interface IdSource {
  /** An orchestration instance id or execution id (a UUID). */
  uuid(): string;
  /** An unguessable opaque token (lease and completion tokens). */
  token(): string;
}

/** Tokens come from a random per-process prefix and a counter: unique, unguessable, cheap. */
export function cryptoIdSource(): IdSource {
  const prefix = randomBytes(9).toString('base64url');
  let counter = 0;
  return {
    uuid: () => randomUUID(),
    token: () => `${prefix}.${(++counter).toString(36)}`,
  };
}

/** Deterministic ids for tests. */
export function sequentialIdSource(prefix = 'id'): IdSource {
  let n = 0;
  return {
    uuid: () => `${prefix}-${(++n).toString().padStart(8, '0')}`,
    token: () => `${prefix}-token-${++n}`,
  };
}
