/**
 * The SQLite catalog: the control plane's resources in the `catalog_entries` table, on the same
 * connection as the data-plane store (the file is opened by one process only). Catalog writes
 * are rare, so each is its own small synchronous IMMEDIATE transaction, synced before it returns
 * (durability.ts syncNow); better-sqlite3 runs it to the end before anything else in this
 * process, so it never interleaves with a group-commit batch.
 */
import type Database from 'better-sqlite3';
import { ServerError } from '../../domain/errors.ts';
import { invariant } from '../../lib/assert.ts';
import type { IdSource } from '../../lib/ids.ts';
import type { CatalogEntry, CatalogKind, CatalogPath, CatalogStore, CatalogWriteOptions } from '../catalog.ts';
import { checkEtag, pathKey, prefixRange, toEntry, type EntryRow } from '../catalog-rows.ts';

interface Statements {
  get: Database.Statement<[string, string], EntryRow>;
  insert: Database.Statement<[string, string, string, string, string]>;
  update: Database.Statement<[string, string, string, string]>;
  delete: Database.Statement<[string, string]>;
  listAll: Database.Statement<[string, number], EntryRow>;
  listRange: Database.Statement<[string, string, string, number], EntryRow>;
}

export class SqliteCatalog implements CatalogStore {
  readonly #db: Database.Database;
  readonly #ids: IdSource;
  /** Throws when the owning store is closed or not migrated yet. */
  readonly #ready: () => void;
  /** Makes a committed write durable (the connection does not sync on commit). */
  readonly #sync: () => void;
  #sql: Statements | undefined;

  constructor(db: Database.Database, ids: IdSource, ready: () => void, sync: () => void) {
    this.#db = db;
    this.#ids = ids;
    this.#ready = ready;
    this.#sync = sync;
  }

  async create<T>(kind: CatalogKind, path: CatalogPath, data: T): Promise<CatalogEntry<T>> {
    const sql = this.#statements();
    const key = pathKey(kind, path);
    const etag = this.#ids.uuid();
    this.#db.transaction(() => {
      if (sql.get.get(kind, key) !== undefined) throw new ServerError('ALREADY_EXISTS', `the ${kind} ${path.join('/')} already exists`);
      sql.insert.run(kind, key, JSON.stringify(path), etag, JSON.stringify(data));
    }).immediate();
    this.#sync();
    return { kind, path: [...path], etag, data };
  }

  async get<T>(kind: CatalogKind, path: CatalogPath): Promise<CatalogEntry<T> | undefined> {
    const row = this.#statements().get.get(kind, pathKey(kind, path));
    return row === undefined ? undefined : toEntry<T>(kind, row);
  }

  async list<T>(kind: CatalogKind, prefix: CatalogPath, limit: number): Promise<CatalogEntry<T>[]> {
    const range = prefixRange(kind, prefix, limit);
    const sql = this.#statements();
    const rows = range === undefined ? sql.listAll.all(kind, limit) : sql.listRange.all(kind, range[0], range[1], limit);
    return rows.map((row) => toEntry<T>(kind, row));
  }

  async update<T>(kind: CatalogKind, path: CatalogPath, data: T, options: CatalogWriteOptions = {}): Promise<CatalogEntry<T>> {
    const sql = this.#statements();
    const key = pathKey(kind, path);
    const etag = this.#ids.uuid();
    const stored = this.#db.transaction(() => {
      const row = this.#current(sql, kind, key, path, options);
      if (row === undefined) throw new ServerError('RESOURCE_NOT_FOUND', `the ${kind} ${path.join('/')} does not exist`);
      sql.update.run(etag, JSON.stringify(data), kind, key);
      return JSON.parse(row.path) as string[];
    }).immediate();
    this.#sync();
    return { kind, path: stored, etag, data };
  }

  async delete(kind: CatalogKind, path: CatalogPath, options: CatalogWriteOptions = {}): Promise<boolean> {
    const sql = this.#statements();
    const key = pathKey(kind, path);
    const deleted = this.#db.transaction(() => {
      if (this.#current(sql, kind, key, path, options) === undefined) return false;
      sql.delete.run(kind, key);
      return true;
    }).immediate();
    this.#sync();
    return deleted;
  }

  #current(sql: Statements, kind: CatalogKind, key: string, path: CatalogPath, options: CatalogWriteOptions): EntryRow | undefined {
    const row = sql.get.get(kind, key);
    checkEtag(kind, path, row, options);
    return row;
  }

  /** Prepared on first use: the table exists only after the store's migrate(). */
  #statements(): Statements {
    this.#ready();
    this.#sql ??= {
      get: this.#db.prepare('SELECT path, etag, data FROM catalog_entries WHERE kind = ? AND path_key = ?'),
      insert: this.#db.prepare('INSERT INTO catalog_entries (kind, path_key, path, etag, data) VALUES (?, ?, ?, ?, ?)'),
      update: this.#db.prepare('UPDATE catalog_entries SET etag = ?, data = ? WHERE kind = ? AND path_key = ?'),
      delete: this.#db.prepare('DELETE FROM catalog_entries WHERE kind = ? AND path_key = ?'),
      listAll: this.#db.prepare('SELECT path, etag, data FROM catalog_entries WHERE kind = ? ORDER BY path_key LIMIT ?'),
      listRange: this.#db.prepare(
        'SELECT path, etag, data FROM catalog_entries WHERE kind = ? AND path_key >= ? AND path_key < ? ORDER BY path_key LIMIT ?',
      ),
    };
    return this.#sql;
  }
}

