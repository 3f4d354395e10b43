/**
 * The PostgreSQL catalog: the control plane's resources in the `catalog_entries` table of the
 * same database as the data-plane store, so every node serves every scheduler and hub the same
 * way. Each write is one transaction on the store's pool; conditional writes lock the row
 * (`FOR UPDATE`) so two nodes updating the same entry cannot both pass the etag check.
 * Keys are lower-cased paths joined by '/', compared byte-wise (`COLLATE "C"`).
 */
import type pg from 'pg';
import { ServerError } from '../../domain/errors.ts';
import { invariant } from '../../lib/assert.ts';
import type { IdSource } from '../../lib/ids.ts';
import type { CatalogEntry, CatalogKind, CatalogPath, CatalogStore, CatalogWriteOptions } from '../catalog.ts';
import { checkEtag, pathKey, prefixRange, toEntry, type EntryRow } from '../catalog-rows.ts';
import { query, transaction, type Sql } from './connection.ts';

export class PostgresCatalog implements CatalogStore {
  readonly #pool: pg.Pool;
  readonly #ids: IdSource;
  /** Throws when the owning store is closed. */
  readonly #ready: () => void;

  constructor(pool: pg.Pool, ids: IdSource, ready: () => void) {
    this.#pool = pool;
    this.#ids = ids;
    this.#ready = ready;
  }

  async create<T>(kind: CatalogKind, path: CatalogPath, data: T): Promise<CatalogEntry<T>> {
    this.#ready();
    const key = pathKey(kind, path);
    const etag = this.#ids.uuid();
    const inserted = await query(
      this.#pool,
      'INSERT INTO catalog_entries (kind, path_key, path, etag, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING etag',
      [kind, key, JSON.stringify(path), etag, JSON.stringify(data)],
    );
    if (inserted.length === 0) throw new ServerError('ALREADY_EXISTS', `the ${kind} ${path.join('/')} already exists`);
    return { kind, path: [...path], etag, data };
  }

  async get<T>(kind: CatalogKind, path: CatalogPath): Promise<CatalogEntry<T> | undefined> {
    this.#ready();
    const rows = await query<EntryRow>(this.#pool, 'SELECT path, etag, data FROM catalog_entries WHERE kind = $1 AND path_key = $2', [kind, pathKey(kind, path)]);
    return rows[0] === undefined ? undefined : toEntry<T>(kind, rows[0]);
  }

  async list<T>(kind: CatalogKind, prefix: CatalogPath, limit: number): Promise<CatalogEntry<T>[]> {
    const [start, end] = prefixRange(kind, prefix, limit) ?? ['', '\u{10FFFF}'];
    this.#ready();
    const rows = await query<EntryRow>(
      this.#pool,
      `SELECT path, etag, data FROM catalog_entries WHERE kind = $1 AND path_key COLLATE "C" >= $2 AND path_key COLLATE "C" < $3
       ORDER BY path_key COLLATE "C" LIMIT $4`,
      [kind, start, end, limit],
    );
    return rows.map((row) => toEntry<T>(kind, row));
  }

  async update<T>(kind: CatalogKind, path: CatalogPath, data: T, options: CatalogWriteOptions = {}): Promise<CatalogEntry<T>> {
    this.#ready();
    const key = pathKey(kind, path);
    const etag = this.#ids.uuid();
    const stored = await transaction(this.#pool, async (sql) => {
      const row = await current(sql, kind, key, path, options);
      if (row === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `the ${kind} ${path.join('/')} does not exist`);
      await sql.query('UPDATE catalog_entries SET etag = $1, data = $2 WHERE kind = $3 AND path_key = $4', [etag, JSON.stringify(data), kind, key]);
      return JSON.parse(row.path) as string[];
    });
    return { kind, path: stored, etag, data };
  }

  async delete(kind: CatalogKind, path: CatalogPath, options: CatalogWriteOptions = {}): Promise<boolean> {
    this.#ready();
    const key = pathKey(kind, path);
    return transaction(this.#pool, async (sql) => {
      if ((await current(sql, kind, key, path, options)) === undefined) return false;
      await sql.query('DELETE FROM catalog_entries WHERE kind = $1 AND path_key = $2', [kind, key]);
      return true;
    });
  }
}

async function current(sql: Sql, kind: CatalogKind, key: string, path: CatalogPath, options: CatalogWriteOptions): Promise<EntryRow | undefined> {
  const { rows } = await sql.query<EntryRow>('SELECT path, etag, data FROM catalog_entries WHERE kind = $1 AND path_key = $2 FOR UPDATE', [kind, key]);
  const row = rows[0];
  checkEtag(kind, path, row, options);
  return row;
}

