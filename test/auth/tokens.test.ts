/**
 * Token verification against forged and odd JWTs, on a real (in-memory SQLite) catalog and a real
 * external issuer served over TLS on loopback (test/support/oidc-issuer.ts): every refusal is
 * UNAUTHENTICATED with its precise reason, and a valid token of either issuer yields its principal.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { isServerError } from '../../src/domain/errors.ts';
import { openSqliteBackend } from '../../src/store/sqlite/sqlite-store.ts';
import { b64, OidcIssuer } from '../support/oidc-issuer.ts';
import { directorySource, signingKeyStore } from '../../src/control/auth-sources.ts';
import { Directory } from '../../src/auth/directory.ts';
import { SigningKeys } from '../../src/auth/signing-keys.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { sqliteOptions } from '../support/store-options.ts';

const AUD = 'https://durabletask.io';
const OWN = 'https://dts.test';
const backend = openSqliteBackend(sqliteOptions(':memory:'));
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
let nowMs = Date.now();
let issuer: OidcIssuer;
let tokens: TokenService;
let keys: SigningKeys;
let own = '';

before(async () => {
  await backend.store.migrate();
  issuer = await OidcIssuer.start([{ kid: 'k384', key: p384 }, { kid: 'rsa', key: rsa, alg: 'RS256' }]);
  const now = () => nowMs;
  keys = new SigningKeys(signingKeyStore(backend.catalog), now, 2 * 3600_000);
  const directory = new Directory(directorySource(backend.catalog), now);
  await backend.catalog.create('user', ['alice'], { principalId: 'p-alice', passwordHash: 'x', createdAt: '' });
  tokens = new TokenService({ issuer: OWN, audience: AUD, lifetimeMs: 3600_000, external: [{ issuer: issuer.issuer }] }, keys, directory, now, issuer.fetchJson);
  own = (await tokens.issue({ id: 'p-alice', kind: 'user', name: 'alice' })).accessToken;
});

after(async () => {
  await issuer?.close();
  await backend.store.close();
});

const exp = () => Math.floor(nowMs / 1000) + 600;
const claims = (extra: Record<string, unknown> = {}) => ({ aud: AUD, oid: 'ext-1', exp: exp(), ...extra });

async function refused(token: string | undefined, reason: RegExp): Promise<void> {
  await assert.rejects(tokens.verify(token), (error: unknown) => {
    assert.ok(isServerError(error, 'UNAUTHENTICATED'), `UNAUTHENTICATED, not ${String(error)}`);
    assert.match(error.message, reason);
    return true;
  });
}

test('valid tokens: this server\'s own, and an external issuer\'s with ES256 and RS256', async () => {
  assert.equal((await tokens.verify(own)).name, 'alice');
  assert.deepEqual(await tokens.verify(issuer.token(claims())), { id: 'ext-1', kind: 'external', name: 'ext-1' });
  const viaRsa = OidcIssuer.sign({ alg: 'RS256', kid: 'rsa' }, { iss: issuer.issuer, ...claims({ preferred_username: 'e@x' }) }, rsa);
  assert.equal((await tokens.verify(viaRsa)).name, 'e@x');
});

test('forged algorithms: none, HS256 keyed with the public key, ES384 for a P-256 key, RS256 for our own tokens', async () => {
  const payload = own.split('.')[1] as string;
  const kid = decodeProtectedHeader(own).kid;
  await refused(`${b64({ alg: 'none', kid })}.${payload}.`, /algorithm "none" is not accepted \(only ES256\)/);
  const jwk = JSON.stringify((await keys.jwks()).keys[0]);
  const hsInput = `${b64({ alg: 'HS256', kid })}.${payload}`;
  await refused(`${hsInput}.${createHmac('sha256', jwk).update(hsInput).digest('base64url')}`, /algorithm "HS256" is not accepted/);
  await refused(OidcIssuer.sign({ alg: 'ES384', kid: 'k384' }, { iss: issuer.issuer, ...claims() }, p384), /algorithm "ES384" is not accepted \(only ES256, RS256\)/);
  await refused(OidcIssuer.sign({ alg: 'RS256', kid }, JSON.parse(Buffer.from(payload, 'base64url').toString()), rsa), /algorithm "RS256" is not accepted \(only ES256\)/);
});

test('a crit header jose does not know is refused even with a valid signature', async () => {
  await refused(issuer.token(claims(), { crit: ['x-custom'], 'x-custom': 1 }), /Extension Header Parameter "x-custom" is not recognized/);
  await refused(issuer.token(claims(), { crit: 'x-custom' }), /not valid/);
});

test('wrong curve: an ES256 header on a P-384 key finds no key', async () => {
  await refused(OidcIssuer.sign({ alg: 'ES256', kid: 'k384' }, { iss: issuer.issuer, ...claims() }, p384), /no key of issuer .* fits the token/);
});

test('issuers: an unknown one, and our own name on a token signed by someone else', async () => {
  await refused(OidcIssuer.sign({ alg: 'ES256', kid: 'stub' }, { ...claims(), iss: 'https://evil.example' }, issuer.keys[0]!.key), /issuer "https:\/\/evil\.example" is not trusted/);
  await refused(issuer.token({ ...claims(), iss: OWN }), /signing key "stub" is not known/);
  await refused(OidcIssuer.sign({ alg: 'ES256' }, { ...claims(), iss: OWN }, p384), /names no signing key/);
});

test('claims and signature: expired, not yet valid, wrong audience, no exp, tampered, unknown key', async () => {
  await refused(issuer.token(claims({ exp: Math.floor(nowMs / 1000) - 3600 })), /the token has expired/);
  await refused(issuer.token(claims({ nbf: Math.floor(nowMs / 1000) + 3600 })), /not valid yet/);
  await refused(issuer.token(claims({ aud: 'https://elsewhere' })), /audience is not 'https:\/\/durabletask\.io'/);
  await refused(issuer.token(claims({ exp: undefined })), /missing required "exp" claim/);
  const token = issuer.token(claims());
  await refused(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`, /signature is not valid/);
  await refused(issuer.token(claims(), { kid: 'nobody' }), /no key of issuer/);
  await refused(issuer.token(claims({ oid: undefined })), /no principal claim 'oid\/sub'/);
});

test('not a token: missing, garbage, too large, a JSON array as claims', async () => {
  await refused(undefined, /no bearer token/);
  await refused('not-a-jwt', /not a JWT/);
  await refused('a'.repeat(20_000), /larger than 16384 bytes/);
  await refused(`${b64({ alg: 'ES256' })}.${b64([1])}.x`, /not a JWT/);
});

test('an unknown key id refetches the issuer\'s keys at most every 30 s; an unreachable issuer is UNAVAILABLE', async () => {
  const fetches = () => issuer.requests.filter((path) => path === '/jwks').length;
  const before = fetches();
  for (let i = 0; i < 5; i++) await refused(issuer.token(claims(), { kid: `made-up-${i}` }), /no key of issuer/);
  assert.ok(fetches() - before <= 1, 'made-up key ids do not make each call fetch');
  const directory = new Directory(directorySource(backend.catalog), () => nowMs);
  const gone = new TokenService({ issuer: OWN, audience: AUD, lifetimeMs: 3600_000, external: [{ issuer: 'https://127.0.0.1:9' }] }, keys, directory, () => nowMs);
  const token = OidcIssuer.sign({ alg: 'ES256', kid: 'stub' }, { ...claims(), iss: 'https://127.0.0.1:9' }, issuer.keys[0]!.key);
  await assert.rejects(gone.verify(token), (error: unknown) => isServerError(error, 'UNAVAILABLE') && /signing keys of issuer 'https:\/\/127\.0\.0\.1:9' cannot be read/.test(error.message));
});
