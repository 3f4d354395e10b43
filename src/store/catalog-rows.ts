/**
 * What the catalog backends (sqlite/catalog-sql.ts, postgres/catalog-sql.ts) share: one row shape,
 * the key of a path (lower-cased names joined by '/', so a prefix is a key range and names compare
 * case-insensitively), the etag check of a conditional write, and the row-to-entry mapping.
 */
import { ServerError } from '../domain/errors.ts';
import { invariant, InvariantError } from '../lib/assert.ts';
import { CATALOG_PATH_LENGTH, type CatalogEntry, type CatalogKind, type CatalogPath, type CatalogWriteOptions } from './catalog.ts';

export interface EntryRow {
  path: string;
  etag: string;
  data: string;
}

export function pathKey(kind: CatalogKind, path: CatalogPath): string {
  invariant(path.length === CATALOG_PATH_LENGTH[kind], `a ${kind} path has ${CATALOG_PATH_LENGTH[kind]} names, not ${path.length}`);
  return keyOf(path);
}

/** The key range [start, end) of the entries under `prefix`; undefined for the empty prefix (every entry). */
export function prefixRange(kind: CatalogKind, prefix: CatalogPath, limit: number): [string, string] | undefined {
  invariant(prefix.length < CATALOG_PATH_LENGTH[kind], `a ${kind} list prefix has fewer than ${CATALOG_PATH_LENGTH[kind]} names`);
  invariant(Number.isInteger(limit) && limit > 0, 'list limit must be a positive integer');
  if (prefix.length === 0) return undefined;
  // '0' sorts right after '/', so [start, end) holds exactly the keys under the prefix.
  return [`${keyOf(prefix)}/`, `${keyOf(prefix)}0`];
}

/** PRECONDITION_FAILED when the write is conditional and the stored etag is another (or there is no row). */
export function checkEtag(kind: CatalogKind, path: CatalogPath, row: EntryRow | undefined, options: CatalogWriteOptions): void {
  if (options.ifMatch !== undefined && row?.etag !== options.ifMatch) {
    throw new ServerError('PRECONDITION_FAILED', `the ${kind} ${path.join('/')} has changed (its etag is not ${options.ifMatch})`);
  }
}

/** A row that is not the JSON it was written as is corrupt stored state: the process stops (lib/assert.ts). */
export function toEntry<T>(kind: CatalogKind, row: EntryRow): CatalogEntry<T> {
  return { kind, path: parseStored(kind, row, row.path) as string[], etag: row.etag, data: parseStored(kind, row, row.data) as T };
}

function parseStored(kind: CatalogKind, row: EntryRow, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvariantError(`corrupt JSON in the catalog's ${kind} ${row.path}: ${(error as Error).message}`);
  }
}

function keyOf(path: CatalogPath): string {
  for (const name of path) invariant(name.length > 0 && !name.includes('/'), `catalog names are non-empty and contain no '/': '${name}'`);
  return path.map((name) => name.toLowerCase()).join('/');
}
