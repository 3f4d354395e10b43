/**
 * Signing in on a real (in-memory SQLite) catalog (as the control plane lets auth read it) with real scrypt: an unknown user and a wrong
 * password get the same error and both run the scrypt check (counted through the injected hook);
 * the throttle refuses before any scrypt, with a retry time and a log line naming the user and
 * address but never the password.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isServerError, ServerError } from '../../src/domain/errors.ts';
import { directorySource, signingKeyStore, userSource } from '../../src/control/auth-sources.ts';
import { errorReply } from '../../src/http/http-errors.ts';
import { openSqliteBackend } from '../../src/store/sqlite/sqlite-store.ts';
import { Directory } from '../../src/auth/directory.ts';
import { Passwords } from '../../src/auth/passwords.ts';
import { SignIn } from '../../src/auth/sign-in.ts';
import { SignInThrottle } from '../../src/auth/sign-in-throttle.ts';
import { SigningKeys } from '../../src/auth/signing-keys.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { linesLogger, silentLogger } from '../../src/lib/logger.ts';
import { sqliteOptions } from '../support/store-options.ts';

const backend = openSqliteBackend(sqliteOptions(':memory:'));
const nowMs = Date.parse('2025-06-01T00:00:00Z');
const now = () => nowMs;
const passwords = new Passwords();
const lines: string[] = [];
const changed: [string, unknown][] = [];
let checks = 0;
let signIn: SignIn;

before(async () => {
  await backend.store.migrate();
  const directory = new Directory(directorySource(backend.catalog), now);
  const tokens = new TokenService({ issuer: 'https://dts.test', audience: 'https://durabletask.io', lifetimeMs: 3600_000, external: [] }, new SigningKeys(signingKeyStore(backend.catalog), now, 7200_000), directory, now);
  await backend.catalog.create('user', ['Alice'], { principalId: 'p-alice', passwordHash: await passwords.hash('the right password'), createdAt: '', madeWithAuth: true });
  await backend.catalog.create('user', ['admin'], { principalId: 'p-admin', passwordHash: await passwords.hash('one-time password'), createdAt: '', madeWithAuth: true, passwordChangeRequired: true });
  const throttle = new SignInThrottle({ windowMs: 60_000, userFailuresMax: 3, addressFailuresMax: 100, keysMax: 1000 });
  const verifyPassword = (password: string, stored: string) => {
    checks++;
    return passwords.verify(password, stored);
  };
  const changePassword = async (user: string, password: unknown) => void changed.push([user, password]);
  signIn = new SignIn({ findUser: userSource(backend.catalog), tokens, throttle, verifyPassword, changePassword, now, log: linesLogger(lines) });
});

after(() => backend.store.close());

async function failure(username: unknown, password: unknown, address = '192.0.2.1'): Promise<ServerError> {
  const error = await signIn.signIn(username, password, address).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ServerError, `refused, not ${String(error)}`);
  return error;
}

test('the right password signs in, with any case of the name', async () => {
  const signed = await signIn.signIn('alice', 'the right password', '192.0.2.1');
  assert.equal(signed.user, 'Alice');
  assert.ok(signed.accessToken.split('.').length === 3 && signed.expiresOnMs === nowMs + 3600_000);
});

test('an unknown user and a wrong password: the same answer, and one scrypt check each', async () => {
  const before = checks;
  const wrong = await failure('Alice', 'not the password', '192.0.2.2');
  assert.equal(checks, before + 1, 'the wrong password was checked');
  const unknown = await failure('nobody@example.com', 'not the password', '192.0.2.3');
  assert.equal(checks, before + 2, 'the unknown user was checked against the dummy hash');
  const impossible = await failure('no/such name', 'x', '192.0.2.4');
  assert.equal(checks, before + 3, 'a name no user can have is checked too');
  for (const error of [unknown, impossible]) {
    assert.deepEqual([error.code, error.message], [wrong.code, wrong.message]);
    assert.deepEqual(errorReply('arm', error, silentLogger), errorReply('arm', wrong, silentLogger));
  }
  assert.equal(errorReply('arm', wrong, silentLogger).status, 401);
});

test('past its failures a name gets 429 with Retry-After, before any scrypt, and a log line without the password', async () => {
  lines.length = 0;
  for (let i = 0; i < 3; i++) await failure('victim', `guess-${i}`, '198.51.100.9');
  const before = checks;
  const refused = await failure('victim', 'guess-secret-4', '198.51.100.10');
  assert.equal(checks, before, 'no scrypt for a refused sign-in');
  assert.ok(isServerError(refused, 'TOO_MANY_FAILED_SIGN_INS'));
  assert.match(refused.message, /3 failed sign-ins for this user name within 1 minute; retry after 60 s/);
  const http = errorReply('arm', refused, silentLogger);
  assert.equal(http.status, 429);
  assert.equal(http.headers['retry-after'], '60');
  assert.equal((http.body as { error: { code: string } }).error.code, 'TooManyFailedSignIns');
  assert.ok(lines.some((l) => l === 'sign-in refused for user "victim" from 198.51.100.10: 3 failed sign-ins for this user name within 1 minute; retry after 60 s'), lines.join('\n'));
  assert.ok(lines.some((l) => l === 'sign-in failed for user "victim" from 198.51.100.9'));
  assert.ok(!lines.some((l) => l.includes('guess')), 'no password in the log');
  const newline = await failure('x\nsign-in ok for admin', 'p', '198.51.100.11');
  assert.equal(newline.code, 'UNAUTHENTICATED');
  assert.ok(lines.every((l) => !l.includes('\n')), 'a user name cannot forge a log line');
});

test('malformed requests are INVALID_ARGUMENT and run no scrypt', async () => {
  const before = checks;
  for (const [username, password] of [[undefined, 'p'], ['a', 7], ['', 'p'], ['a'.repeat(257), 'p'], ['a', 'p'.repeat(257)]]) {
    assert.equal((await failure(username, password)).code, 'INVALID_ARGUMENT');
  }
  assert.equal(checks, before);
});

test('password checks run one at a time with a bounded queue; past it UNAVAILABLE with a retry time', async () => {
  const bounded = new Passwords({ concurrentMax: 1, queuedMax: 2 });
  const hash = await bounded.hash('some password');
  const results = await Promise.allSettled([1, 2, 3, 4].map(() => bounded.verify('some password', hash)));
  assert.deepEqual(results.slice(0, 3).map((r) => r.status === 'fulfilled' && r.value), [true, true, true]);
  const last = results[3];
  assert.ok(last?.status === 'rejected' && isServerError(last.reason, 'UNAVAILABLE'));
  assert.equal(errorReply('arm', last.reason, silentLogger).headers['retry-after'], '1');
});

test('a one-time password signs in only with a new password, which must differ from it', async () => {
  const refused = await failure('admin', 'one-time password');
  assert.equal(refused.code, 'PASSWORD_CHANGE_REQUIRED');
  assert.match(refused.message, /newPassword/);
  assert.equal((await signIn.signIn('admin', 'one-time password', '192.0.2.1', 'one-time password').then(() => undefined, (e: ServerError) => e))?.code, 'INVALID_ARGUMENT');
  assert.equal((await signIn.signIn('admin', 'wrong', '192.0.2.1', 'my own password').then(() => undefined, (e: ServerError) => e))?.code, 'UNAUTHENTICATED', 'the old password is proven first');
  assert.deepEqual(changed, []);
  const signedIn = await signIn.signIn('admin', 'one-time password', '192.0.2.1', 'my own password');
  assert.equal(signedIn.user, 'admin');
  assert.deepEqual(changed, [['admin', 'my own password']]);
});
