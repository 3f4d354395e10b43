/**
 * Store options for tests: the configured defaults (STORE_TUNING in src/config/config.ts) and
 * random lease tokens, under whatever the test sets itself.
 */
import { STORE_TUNING } from '../../src/config/config.ts';
import { cryptoIdSource } from '../../src/lib/ids.ts';
import type { PostgresStoreOptions } from '../../src/store/postgres/postgres-store.ts';
import type { SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.ts';

export function sqliteOptions(path: string, overrides: Partial<SqliteStoreOptions> = {}): SqliteStoreOptions {
  return { path, ids: cryptoIdSource(), groupCommitCallsMax: STORE_TUNING.groupCommitCallsMax, ...overrides };
}

/** Tests size the pool themselves: a test server has few connections to share. */
export function postgresOptions(url: string, options: Partial<PostgresStoreOptions> & Pick<PostgresStoreOptions, 'connectionsMax'>): PostgresStoreOptions {
  return { url, ids: cryptoIdSource(), callsQueuedMax: STORE_TUNING.callsQueuedMax, safetyPollMs: STORE_TUNING.safetyPollMs, ...options };
}
