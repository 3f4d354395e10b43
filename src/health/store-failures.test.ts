/** Store errors in words, found along the cause chain; caller errors are no store failures. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerError } from '../domain/errors.ts';
import { describeStoreFailure, storeLocation } from './store-failures.ts';

const sqlite = { kind: 'sqlite', path: '/data/dts.sqlite' } as const;
const postgres = { kind: 'postgres', url: 'postgres://app:s3cret@db:5432/dts', connectionsMax: 20 } as const;
const coded = (code: string) => Object.assign(new Error(code), { code });
const wrapped = (code: string) => new ServerError('UNAVAILABLE', 'store: the transaction could not be committed', { cause: coded(code) });

test('SQLite and PostgreSQL failures in words, with the path or the server but never the password', () => {
  assert.equal(describeStoreFailure(wrapped('SQLITE_FULL'), sqlite), 'disk full at /data');
  assert.equal(describeStoreFailure(coded('ENOSPC'), sqlite), 'disk full at /data');
  assert.equal(describeStoreFailure(wrapped('SQLITE_READONLY_DBMOVED'), sqlite), 'database file not writable: /data/dts.sqlite');
  assert.equal(describeStoreFailure(wrapped('SQLITE_IOERR_FSYNC'), sqlite), 'I/O error on the database file /data/dts.sqlite (SQLITE_IOERR_FSYNC)');
  assert.equal(describeStoreFailure(wrapped('ECONNREFUSED'), postgres), 'PostgreSQL connection lost, retrying (postgres://app@db:5432/dts)');
  assert.equal(describeStoreFailure(wrapped('53100'), postgres), 'PostgreSQL disk full (postgres://app@db:5432/dts)');
  assert.equal(storeLocation(postgres), 'postgres://app@db:5432/dts');
  assert.equal(describeStoreFailure(new ServerError('INSTANCE_NOT_FOUND', 'no such instance'), sqlite), undefined);
});
