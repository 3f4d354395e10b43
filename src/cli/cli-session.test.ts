/**
 * The CLI's sign-in file and connection settings: where the file lives, that it is private, and
 * which of flag, environment and session wins for the server, CA file and token.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { configDir, normalizeServer, removeSessions, resolveConnection, saveSession, sessionPath } from './cli-session.ts';

const dir = mkdtempSync(join(tmpdir(), 'dts-cli-session-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('config dir: DTS_CONFIG_DIR, then XDG_CONFIG_HOME/dts, then ~/.config/dts', () => {
  assert.equal(configDir({ DTS_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' }), '/a');
  assert.equal(configDir({ XDG_CONFIG_HOME: '/b' }), join('/b', 'dts'));
  assert.match(configDir({}), /\.config[/\\]dts$/);
  assert.equal(normalizeServer('127.0.0.1:8082/'), 'http://127.0.0.1:8082');
  assert.equal(normalizeServer('https://h:1'), 'https://h:1');
});

test('a saved session is private, becomes the default server, and gives way to flags and environment', () => {
  const env = { DTS_CONFIG_DIR: join(dir, 'cfg') };
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, 'not really a certificate');
  saveSession(env, { server: 'https://h:1', user: 'admin', accessToken: 'T1', expiresOn: '', caFile: ca });
  assert.equal(statSync(sessionPath(env)).mode & 0o777, 0o600);
  assert.deepEqual(resolveConnection({}, env, { withToken: true }), { server: 'https://h:1', caFile: ca, token: 'T1' });
  assert.deepEqual(resolveConnection({}, { ...env, DTS_SERVER: 'h:2' }, { withToken: true }), { server: 'http://h:2' }, 'another server gets no token');
  assert.deepEqual(resolveConnection({ server: ['https://h:1'] }, { ...env, DTS_ACCESS_TOKEN: 'T2' }, { withToken: true }), { server: 'https://h:1', caFile: ca, token: 'T2' });
  assert.deepEqual(resolveConnection({}, env, { withToken: false }), { server: 'https://h:1', caFile: ca });
  assert.deepEqual(removeSessions(env, 'https://h:1'), ['https://h:1']);
  assert.deepEqual(resolveConnection({}, env, { withToken: true }), { server: 'http://localhost:8082' });
});
