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

const EXECUTION_ID_BYTES = 16;
/** Random bytes are drawn this many at a time for execution ids: one CSPRNG call per 256 ids. */
const EXECUTION_ID_POOL_BYTES = 4096;

/**
 * Tokens come from a random per-process prefix and a counter: unique, unguessable, cheap.
 * Execution ids are cut from a pool of CSPRNG bytes, each id from bytes no other id used.
 */
export function cryptoIdSource(): IdSource {
  const prefix = randomBytes(9).toString('base64url');
  let counter = 0;
  let pool = Buffer.alloc(0);
  let offset = 0;
  return {
    uuid: () => randomUUID(),
    executionId: () => {
      if (offset + EXECUTION_ID_BYTES > pool.length) {
        pool = randomBytes(EXECUTION_ID_POOL_BYTES);
        offset = 0;
      }
      // A fresh string per id (not a slice of one long string, which would keep it alive).
      const id = pool.toString('hex', offset, offset + EXECUTION_ID_BYTES);
      offset += EXECUTION_ID_BYTES;
      return id;
    },
    token: () => `${prefix}.${(++counter).toString(36)}`,
  };
}
