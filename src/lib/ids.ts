/** Ids and tokens. Injected so tests and simulations can make them deterministic. */
import { randomBytes, randomUUID } from 'node:crypto';

export interface IdSource {
  /** A generated orchestration instance id, entity request id or etag (a UUID). */
  uuid(): string;
  /**
   * An execution id: 32 lowercase hex characters without dashes, the format the Azure service
   * mints (SDKs derive child instance ids from it, `<executionId>:<n>`). Every execution the
   * server creates gets one: starts, sub-orchestrations, continue-as-new, restart and rewind.
   */
  executionId(): string;
  /** An unguessable opaque token (lease and completion tokens). */
  token(): string;
}

/** Tokens come from a random per-process prefix and a counter: unique, unguessable, cheap. */
export function cryptoIdSource(): IdSource {
  const prefix = randomBytes(9).toString('base64url');
  let counter = 0;
  return {
    uuid: () => randomUUID(),
    executionId: () => randomBytes(16).toString('hex'),
    token: () => `${prefix}.${(++counter).toString(36)}`,
  };
}
