/**
 * Connections to PostgreSQL: the pool, the type parsers, one transaction (or one statement) per
 * call with retry of deadlocks and serialization failures, and the mapping of connection failures
 * to the retryable `ServerError('UNAVAILABLE')`. Everything else a query throws (an invariant, a
 * constraint) is passed through unchanged: it is a bug or corrupt state, not an outage.
 */
import pg from 'pg';
import { ServerError, isServerError } from '../../domain/errors.ts';
import { invariant, InvariantError } from '../../lib/assert.ts';
import { PermitQueue } from '../../lib/permit-queue.ts';

export type Sql = pg.PoolClient;

/** int8 (times in ms, sequence numbers) as JavaScript numbers: they stay far below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  url: string;
  connectionsMax: number;
  /** Calls waiting for a connection at most; more fail with UNAVAILABLE. */
  callsQueuedMax: number;
  onError: (error: unknown) => void;
}

/** Every pool's gate: checkouts go through `checkout`, never `pool.connect` directly. */
const gates = new WeakMap<pg.Pool, PermitQueue>();

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.connectionsMax,
    types,
    keepAlive: true,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'dts',
  });
  // An idle client whose connection dies emits 'error' on the pool; without a handler the
  // process would crash. The pool drops that client and opens a new one on demand.
  pool.on('error', options.onError);
  // A checked-out client whose connection dies between two queries emits 'error' too; unheard,
  // it would crash the process. Its next query fails and the call reports UNAVAILABLE.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    prepareStatements(client);
  });
  // pg-pool fails a caller that waits for a free connection after `connectionTimeoutMillis`, the
  // timeout meant for opening one, so a burst larger than the pool can serve in that time failed
  // as if the database were down. Callers wait here instead; holding a permit, the pool always has
  // a free or openable connection, and its timeout again means only "the database does not answer".
  const queuedMax = options.callsQueuedMax;
  gates.set(pool, new PermitQueue(options.connectionsMax, queuedMax, () => new ServerError('UNAVAILABLE', `store: more than ${queuedMax} calls wait for a database connection; retry`)));
  return pool;
}

/** Distinct statement texts a connection keeps prepared; beyond it (never, with this store's fixed texts) statements run unnamed. */
const PREPARED_MAX = 500;

/**
 * Runs this connection's parameterized statements as named prepared statements, so PostgreSQL
 * parses and plans each text once per connection rather than on every call (W4 on PostgreSQL:
 * twice the work items per second). The store's statement texts are fixed, so names are few.
 */
function prepareStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const plain = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = (text: unknown, values?: unknown, ...rest: unknown[]): unknown => {
    if (typeof text !== 'string' || !Array.isArray(values) || rest.length > 0) return plain(text, values, ...rest);
    let name = names.get(text);
    if (name === undefined && names.size < PREPARED_MAX) names.set(text, (name = `dts_${names.size}`));
    return name === undefined ? plain(text, values) : plain({ name, text, values });
  };
  client.query = named as typeof client.query;
}

/**
 * A pooled connection, after waiting in the pool's gate (at its head when `first`); `release`
 * frees both. Failures are store errors.
 */
export async function checkout(pool: pg.Pool, first = false): Promise<{ client: pg.PoolClient; release: (broken?: Error) => void }> {
  const gate = gates.get(pool);
  await gate?.acquire(first);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    gate?.release();
    throw toStoreError(error);
  }
  return {
    client,
    release: (broken) => {
      client.release(broken);
      gate?.release();
    },
  };
}

export function clientConfig(url: string): pg.ClientConfig {
  return { connectionString: url, types, keepAlive: true, connectionTimeoutMillis: 5000, application_name: 'dts-listen' };
}

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRY_STATES = new Set(['40001', '40P01']);
const RETRIES_MAX = 5;

/** SQLSTATE classes that mean the server or the connection is not usable right now. */
function isOutage(error: unknown): boolean {
  if (isServerError(error) || error instanceof InvariantError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return true;
  if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT...
  return ['08', '53', '57', '58'].includes(code.slice(0, 2)) || code === '55P03';
}

export function toStoreError(error: unknown): unknown {
  if (isOutage(error)) return new ServerError('UNAVAILABLE', 'store: the database is not reachable right now; retry', { cause: error });
  return error;
}

/**
 * Runs `body` in one transaction on a pooled connection. Deadlocks and serialization failures
 * roll back and run the body again.
 */
export function transaction<T>(pool: pg.Pool, body: (sql: Sql) => Promise<T>): Promise<T> {
  return withRetries(pool, body, true);
}

/**
 * Runs `body`, which sends one statement, without BEGIN and COMMIT: one statement is atomic on
 * its own, and the two round trips saved are most of a short hot call. A second statement would
 * not be atomic with the first, so it is an invariant violation. Retried as `transaction`.
 */
export function singleStatement<T>(pool: pg.Pool, body: (sql: Sql) => Promise<T>): Promise<T> {
  return withRetries(pool, (client) => body(oneStatement(client)), false);
}

/** As `singleStatement`, ahead of every call waiting for a connection: for lease renewals. */
export function urgentStatement<T>(pool: pg.Pool, body: (sql: Sql) => Promise<T>): Promise<T> {
  return withRetries(pool, (client) => body(oneStatement(client)), false, true);
}

function oneStatement(client: Sql): Sql {
  let sent = 0;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const guarded = Object.create(client) as Sql;
  guarded.query = ((...args: unknown[]) => {
    invariant(++sent === 1, 'a single-statement store call sent a second statement');
    return query(...args);
  }) as Sql['query'];
  return guarded;
}

async function withRetries<T>(pool: pg.Pool, body: (sql: Sql) => Promise<T>, explicit: boolean, first = false): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { client, release } = await checkout(pool, first);
    let broken: Error | undefined;
    try {
      if (explicit) await client.query('BEGIN');
      const value = await body(client);
      if (explicit) await client.query('COMMIT');
      return value;
    } catch (error) {
      if (isOutage(error)) broken = error instanceof Error ? error : new Error(String(error));
      else if (explicit) await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError as Error));
      const state = (error as { code?: unknown }).code;
      if (broken === undefined && typeof state === 'string' && RETRY_STATES.has(state) && attempt < RETRIES_MAX) continue;
      throw toStoreError(error);
    } finally {
      // A broken connection is destroyed rather than returned to the pool.
      release(broken);
    }
  }
}

/** One statement outside a transaction (reads). */
export async function query<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<R[]> {
  const { client, release } = await checkout(pool);
  let broken: Error | undefined;
  try {
    return (await client.query<R>(text, values)).rows;
  } catch (error) {
    if (isOutage(error)) broken = error instanceof Error ? error : new Error(String(error));
    throw toStoreError(error);
  } finally {
    release(broken);
  }
}
