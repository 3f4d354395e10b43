/**
 * Signing-key rotation on a real (in-memory SQLite) catalog with an injected clock: the new key
 * signs, tokens signed by the replaced key verify until its retention ends, the JWKS publishes
 * exactly the trusted keys, and a later rotation deletes the expired one.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { directorySource, signingKeyStore } from '../../src/control/auth-sources.ts';
import { openSqliteBackend } from '../../src/store/sqlite/sqlite-store.ts';
import { Directory } from '../../src/auth/directory.ts';
import { SigningKeys, SIGNING_KEYS_CACHE_MS } from '../../src/auth/signing-keys.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { sqliteOptions } from '../support/store-options.ts';

const backend = openSqliteBackend(sqliteOptions(':memory:'));
after(() => backend.store.close());

test('rotation: old tokens keep working until they expire, new tokens use the new kid', async () => {
  await backend.store.migrate();
  let nowMs = Date.parse('2025-01-01T00:00:00Z');
  const now = () => nowMs;
  const lifetimeMs = 60 * 60_000;
  const retainMs = lifetimeMs + 60_000;
  const keys = new SigningKeys(signingKeyStore(backend.catalog), now, retainMs);
  const directory = new Directory(directorySource(backend.catalog), now);
  await backend.catalog.create('user', ['alice'], { principalId: 'p-alice', passwordHash: 'x', createdAt: '' });
  const tokens = new TokenService({ issuer: 'https://dts.test', audience: 'https://durabletask.io', lifetimeMs, external: [] }, keys, directory, now);
  const alice = { id: 'p-alice', kind: 'user' as const, name: 'alice' };

  const before = await tokens.issue(alice);
  const oldKid = decodeProtectedHeader(before.accessToken).kid;
  nowMs += 10 * 60_000;
  const newKid = await keys.rotate();
  assert.notEqual(newKid, oldKid);

  const afterToken = await tokens.issue(alice);
  assert.equal(decodeProtectedHeader(afterToken.accessToken).kid, newKid, 'new tokens are signed by the new key');
  assert.deepEqual((await keys.jwks()).keys.map((k) => (k as { kid: string }).kid), [oldKid, newKid], 'the JWKS publishes both keys');
  assert.equal((await tokens.verify(before.accessToken)).name, 'alice', 'a token signed before the rotation still verifies');
  const listed = await keys.list();
  assert.deepEqual(listed.map((k) => [k.kid, k.active]), [[oldKid, false], [newKid, true]]);
  assert.equal(listed[0]?.trustedUntil, new Date(nowMs + retainMs).toISOString());

  // Past the retention: the old token has expired anyway, and its key is no longer trusted.
  nowMs += retainMs + SIGNING_KEYS_CACHE_MS;
  assert.deepEqual((await keys.jwks()).keys.map((k) => (k as { kid: string }).kid), [newKid]);
  await assert.rejects(tokens.verify(before.accessToken), /signing key .* is not known/);
  await keys.rotate();
  assert.equal(await backend.catalog.get('signingKey', [oldKid as string]), undefined, 'the next rotation deletes the expired key');
  assert.equal((await keys.list()).length, 2);
});
