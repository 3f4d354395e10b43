import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadServeConfig } from './config.ts';

const PG = 'postgres://dts:secret@db.example:5432/dts';

test('the store: SQLite in the data directory by default, in memory, or PostgreSQL with its pool size', () => {
  assert.deepEqual(loadServeConfig([], {}).store, { kind: 'sqlite', path: resolve('data', 'dts.sqlite') });
  assert.deepEqual(loadServeConfig(['--store', 'sqlite::memory:'], {}).store, { kind: 'sqlite', path: ':memory:' });
  assert.deepEqual(loadServeConfig(['--store', PG], {}).store, { kind: 'postgres', url: PG, connectionsMax: 20 });
  assert.deepEqual(loadServeConfig([], { DTS_STORE: PG, DTS_STORE_CONNECTIONS: '5' }).store, { kind: 'postgres', url: PG, connectionsMax: 5 });
});

test('a bad store setting names the flag and what it accepts', () => {
  assert.throws(() => loadServeConfig(['--store', PG, '--store-connections', '1'], {}), (error: unknown) =>
    error instanceof ConfigError && /--store-connections must be an integer from 2 to 500, not '1'/.test(error.message));
  assert.throws(() => loadServeConfig(['--store', 'postgres://db.example'], {}), /needs a host and a database/);
  assert.throws(() => loadServeConfig(['--store', 'mysql://x/y'], {}), /unsupported store URL 'mysql:\/\/x\/y'/);
});

test('heap growth: 50 % by default, 0 leaves it to V8, anything else outside 0-1000 is refused', () => {
  assert.equal(loadServeConfig([], {}).heapGrowthPercent, 50);
  assert.equal(loadServeConfig(['--heap-growth-percent', '0'], {}).heapGrowthPercent, 0);
  assert.equal(loadServeConfig([], { DTS_HEAP_GROWTH_PERCENT: '120' }).heapGrowthPercent, 120);
  assert.throws(() => loadServeConfig(['--heap-growth-percent', '-5'], {}), /--heap-growth-percent must be an integer from 0 to 1000/);
});

test('fan-in window: 1 s by default, 0 turns it off, from the flag or the environment', () => {
  assert.equal(loadServeConfig([], {}).fanIn.windowMsMax, 1000);
  assert.equal(loadServeConfig(['--fan-in-window-ms', '0'], {}).fanIn.windowMsMax, 0);
  assert.equal(loadServeConfig([], { DTS_FAN_IN_WINDOW_MS: '250' }).fanIn.windowMsMax, 250);
  assert.throws(() => loadServeConfig(['--fan-in-window-ms', '-1'], {}), /--fan-in-window-ms must be an integer from 0 to 60000/);
});

test('external OIDC issuers: https URLs only; http, credentials and junk are refused naming the flag', () => {
  assert.deepEqual(loadServeConfig(['--oidc-issuer', 'https://login.example/tenant/v2.0, https://idp.example/'], {}).auth.oidcIssuers, ['https://login.example/tenant/v2.0', 'https://idp.example/']);
  for (const bad of ['http://idp.example', 'https://user:pw@idp.example', 'https://idp.example/?x=1', 'ftp://idp.example', 'idp.example']) {
    assert.throws(() => loadServeConfig(['--oidc-issuer', bad], {}), (error: unknown) =>
      error instanceof ConfigError && error.message.startsWith(`--oidc-issuer '${bad}' must be an https URL`), bad);
  }
  assert.throws(() => loadServeConfig([], { DTS_OIDC_ISSUER: 'http://127.0.0.1:9' }), /--oidc-issuer 'http:\/\/127\.0\.0\.1:9' must be an https URL/);
});

test('--trust-grants-made-without-auth goes with --auth', () => {
  assert.equal(loadServeConfig(['--auth', '--trust-grants-made-without-auth'], {}).auth.trustGrantsMadeWithoutAuth, true);
  assert.equal(loadServeConfig(['--auth'], {}).auth.trustGrantsMadeWithoutAuth, false);
  assert.throws(() => loadServeConfig(['--trust-grants-made-without-auth'], {}), /--trust-grants-made-without-auth goes with --auth/);
});

test('allowed hosts: the listen and public host and the loopback names, plus --allowed-hosts; * turns the check off', () => {
  assert.deepEqual(loadServeConfig([], {}).http.allowedHosts, ['127.0.0.1', 'localhost', '::1']);
  assert.deepEqual(
    loadServeConfig(['--host', '0.0.0.0', '--insecure-no-auth', '--public-host', 'Dts.Example', '--allowed-hosts', 'a.example, [fd00::1],10.0.0.2'], {}).http.allowedHosts,
    ['0.0.0.0', 'dts.example', 'localhost', '127.0.0.1', '::1', 'a.example', 'fd00::1', '10.0.0.2'],
  );
  assert.equal(loadServeConfig([], { DTS_ALLOWED_HOSTS: '*' }).http.allowedHosts, 'any');
  assert.throws(() => loadServeConfig(['--allowed-hosts', 'a.example:8082'], {}), /--allowed-hosts: 'a\.example:8082' is not a host name/);
});

test('a bad value from the environment names the variable, and a flag given too wins over it', () => {
  assert.throws(() => loadServeConfig([], { DTS_GRPC_PORT: 'eighty' }), /^ConfigError: environment variable DTS_GRPC_PORT: --grpc-port must be an integer from 0 to 65535, not 'eighty'$/);
  assert.throws(() => loadServeConfig([], { DTS_LOG_LEVEL: 'loud' }), /^ConfigError: environment variable DTS_LOG_LEVEL: --log-level must be one of debug, info, warn, error, not 'loud'$/);
  assert.throws(() => loadServeConfig(['--grpc-port', 'x'], {}), /^ConfigError: --grpc-port must be an integer/);
  assert.equal(loadServeConfig(['--grpc-port', '9'], { DTS_GRPC_PORT: 'eighty' }).grpcPort, 9);
  assert.deepEqual(loadServeConfig([], { DTS_LOG_FORMAT: 'pretty', DTS_METRICS_PORT: '0' }).log, { level: 'info', format: 'pretty' });
  assert.equal(loadServeConfig(['--metrics-port', '0'], {}).metricsPort, 0);
});
