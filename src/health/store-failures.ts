/**
 * Store errors in words, for the log and for /readyz: the cause (disk full, not writable,
 * connection lost) and where (the database file's path, or the PostgreSQL server). Errors the
 * caller caused (a missing instance, a conflict) are not store failures.
 */
import { dirname } from 'node:path';
import { isServerError } from '../domain/errors.ts';
import type { StoreConfig } from '../config/config.ts';

/** Where the store lives, as a log may print it: a PostgreSQL URL without its password. */
export function storeLocation(store: StoreConfig): string {
  if (store.kind === 'sqlite') return store.path;
  const url = new URL(store.url);
  url.password = '';
  return url.toString();
}

/** Undefined when `error` is no store failure (a ServerError other than UNAVAILABLE). */
export function describeStoreFailure(error: unknown, store: StoreConfig): string | undefined {
  if (isServerError(error) && error.code !== 'UNAVAILABLE') return undefined;
  const code = causeCode(error);
  if (store.kind === 'sqlite') {
    const path = store.path;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return `disk full at ${dirname(path)}`;
    if (code?.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `database file not writable: ${path}`;
    if (code === 'SQLITE_CANTOPEN') return `database file cannot be opened: ${path}`;
    if (code?.startsWith('SQLITE_IOERR') || code === 'EIO') return `I/O error on the database file ${path} (${code})`;
    if (code === 'SQLITE_BUSY') return `database file locked by another process: ${path}`;
  } else {
    if (code === '53100') return `PostgreSQL disk full (${storeLocation(store)})`;
    if (code === '25006') return `PostgreSQL is read-only (${storeLocation(store)})`;
    if (code === '53300') return `PostgreSQL has too many connections (${storeLocation(store)})`;
    if (code === undefined || /^E[A-Z]+$/.test(code) || /^(08|57)/.test(code)) return `PostgreSQL connection lost, retrying (${storeLocation(store)})`;
  }
  return messageOf(error);
}

/** The first `code` along the error's cause chain. */
function causeCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !(isServerError(e))) return code;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
