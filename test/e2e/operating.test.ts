/**
 * Operating the server (issue 16), against the real process and the Microsoft SDK: the JSON log
 * of a start, a worker's stream, each RPC at debug, store failures and refusals; /healthz,
 * /readyz and the gRPC health service; the Prometheus counters after a few orchestrations;
 * /metrics with --auth through --metrics-port; no secret in the log; start-up failures.
 *
 * The full-disk test mounts a small tmpfs as the data directory (root, as here and in CI); where
 * mount is not permitted it is skipped, saying so. The read-only test mounts a read-only tmpfs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { OrchestrationStatus, type ActivityContext, type OrchestrationContext } from '@microsoft/durabletask-js';
import { protoPath } from 'grpc-health-check';
import { authRest } from '../support/auth-rest.ts';
import { runDts } from '../support/dts-cli.ts';
import { LoggedServer, type LogRecord } from '../support/logged-server.ts';
import { createMsClient, startMsWorker, waitForDone } from '../support/sdk-ms.ts';
import { repoRoot, type DtsServer } from '../support/server-process.ts';
import { eventually } from '../support/wait.ts';
import type { Json } from '../support/json.ts';

/** Retries `assertion` until it passes; its value. */
const until = <T>(what: string, assertion: () => T | Promise<T>, timeoutMs: number): Promise<T> => eventually(what, async () => ({ value: await assertion() }), timeoutMs).then((r) => r.value);

const servers: LoggedServer[] = [];
const cleanups: (() => void)[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const c of cleanups.reverse()) c();
});

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

async function start(args: readonly string[] = [], dataDir = mkdtempSync(join(tmpdir(), 'dts-ops-'))): Promise<LoggedServer> {
  const server = await LoggedServer.start(dataDir, args);
  servers.push(server);
  return server;
}

function find(server: LoggedServer, msg: string | RegExp, where: (r: LogRecord) => boolean = () => true): LogRecord {
  const found = server.records().find((r) => (typeof msg === 'string' ? r.msg === msg : msg.test(r.msg)) && where(r));
  assert.ok(found !== undefined, `no log line ${String(msg)} in:\n${server.raw.join('\n')}`);
  return found;
}

/** The server's log reaches the test through a pipe: a line about a call just answered may not have arrived yet. */
const logged = (server: LoggedServer, msg: string | RegExp, where?: (r: LogRecord) => boolean): Promise<LogRecord> =>
  until(`the log line ${String(msg)}`, () => find(server, msg, where), 10_000);

const health = grpc.loadPackageDefinition(loadSync(protoPath, { enums: String })) as Json;
function healthClient(address: string, credentials = grpc.credentials.createInsecure()): Json {
  const client = new health.grpc.health.v1.Health(address, credentials);
  cleanups.push(() => client.close());
  return client;
}
const check = (client: Json, service = ''): Promise<string> =>
  new Promise((resolve, reject) => client.check({ service }, (error: Error | null, reply: { status: string }) => (error ? reject(error) : resolve(reply.status))));

async function get(address: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://${address}${path}`);
  return { status: res.status, text: await res.text() };
}

function metric(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const hello = async (_ctx: ActivityContext, name: string) => `Hello, ${name}!`;
async function* greet(ctx: OrchestrationContext, name: string): AsyncGenerator<unknown, unknown> {
  return yield ctx.callActivity(hello, name);
}
async function* fails(): AsyncGenerator<never, never> {
  throw new Error('fails on purpose');
}
async function* waits(ctx: OrchestrationContext): AsyncGenerator<unknown, void> {
  yield ctx.waitForExternalEvent('never');
}

test('a start, a worker, each RPC and shutdown are logged as JSON; the counters count three orchestrations', async () => {
  const server = await start(['--log-level', 'debug']);
  assert.match(server.ready['line'] as string, new RegExp(`^dts ready grpc=127\\.0\\.0\\.1:\\d+ http=127\\.0\\.0\\.1:\\d+ version=${version} dashboard=http://127\\.0\\.0\\.1:\\d+/$`));
  const started = find(server, `dts ${version} started`);
  assert.equal(started.level, 'info');
  assert.deepEqual([started['version'], started['grpc'], started['http'], started['store'], started['storeLocation'], started['auth'], started['dashboardUrl']],
    [version, server.grpcAddress, server.httpAddress, 'sqlite', join(server.dataDir, 'dts.sqlite'), 'off', server.ready['dashboard']]);
  assert.deepEqual(JSON.parse((await get(server.httpAddress, '/healthz')).text), { status: 'ok', version });
  assert.equal(await check(healthClient(server.grpcAddress)), 'SERVING');
  assert.equal(await check(healthClient(server.grpcAddress), 'TaskHubSidecarService'), 'SERVING');

  const worker = await startMsWorker(server.grpcAddress, (w) => {
    w.addOrchestrator(greet);
    w.addOrchestrator(fails);
    w.addOrchestrator(waits);
    w.addActivity(hello);
  });
  const client = createMsClient(server.grpcAddress);
  try {
    const opened = await logged(server, 'worker stream opened');
    assert.equal(opened['hub'], 'default');
    assert.match(String(opened['workerId']), /^stream-\d+$/);
    assert.deepEqual(Object.keys(opened['caps'] as object).sort(), ['activity', 'entity', 'orchestration']);
    assert.equal(typeof opened['historyStreaming'], 'boolean');
    const ok = await client.scheduleNewOrchestration(greet, 'Tokyo');
    assert.equal((await waitForDone(client, ok)).runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal((await waitForDone(client, await client.scheduleNewOrchestration(fails))).runtimeStatus, OrchestrationStatus.FAILED);
    const waiting = await client.scheduleNewOrchestration(waits);
    await client.waitForOrchestrationStart(waiting, false, 30);
    await client.terminateOrchestration(waiting, 'enough');
    assert.equal((await waitForDone(client, waiting)).runtimeStatus, OrchestrationStatus.TERMINATED);

    const rpc = await logged(server, 'rpc /TaskHubSidecarService/StartInstance OK', (r) => r['instanceId'] === ok);
    assert.equal(rpc.level, 'debug');
    assert.equal(typeof rpc['durationMs'], 'number');
    const metrics = (await get(server.httpAddress, '/metrics')).text;
    assert.equal(metric(metrics, 'dts_build_info', { version, node_version: process.versions.node, store: 'sqlite' }), 1);
    assert.equal(metric(metrics, 'dts_orchestrations_started_total', { taskhub: 'default' }), 3);
    for (const status of ['completed', 'failed', 'terminated']) {
      assert.equal(metric(metrics, 'dts_orchestrations_finished_total', { taskhub: 'default', status }), 1, status);
      assert.equal(metric(metrics, 'dts_instances', { taskhub: 'default', status }), 1, status);
    }
    assert.equal(metric(metrics, 'dts_grpc_requests_total', { method: '/TaskHubSidecarService/StartInstance', code: 'OK' }), 3);
    assert.ok((metric(metrics, 'dts_grpc_request_duration_seconds_count', { method: '/TaskHubSidecarService/StartInstance' }) ?? 0) >= 3);
    assert.equal(metric(metrics, 'dts_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 1);
  } finally {
    await worker.stop();
  }
  await logged(server, 'worker stream closed');
  assert.equal(await server.stop(), 0);
  find(server, 'SIGTERM received; shutting down');
  find(server, 'dts stopped');
});

test('with --auth: the one-time password is changed at its first sign-in; /metrics through --metrics-port, refusals logged with principal and reason, and no secret in the log', async () => {
  const server = await start(['--auth', '--metrics-port', '0']);
  const metricsAddress = server.ready['metrics'] as string;
  assert.match(metricsAddress, /^127\.0\.0\.1:\d+$/);
  const scrape = await get(metricsAddress, '/metrics');
  assert.equal(scrape.status, 200);
  assert.equal(metric(scrape.text, 'dts_build_info', { version }), 1);
  assert.equal((await get(metricsAddress, '/v1/taskhubs')).status, 404, 'the metrics port serves nothing else');
  const rest = authRest(server as unknown as DtsServer);
  assert.equal((await rest.call('GET', '/metrics')).status, 401, 'the HTTP port still wants a token');

  // The one-time password: its first sign-in must set a new one, through the REST API or dts login.
  const passwordFile = join(server.dataDir, 'admin-password.txt');
  const password = readFileSync(passwordFile, 'utf8').trim();
  const once = await rest.call('POST', '/auth/login', { username: 'admin', password });
  assert.equal(once.status, 403);
  assert.equal(once.body.error.code, 'PasswordChangeRequired');
  const cliEnv = { DTS_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'dts-ops-cli-')), DTS_CA_FILE: join(server.dataDir, 'tls', 'ca.pem') };
  const login = (...more: string[]) => runDts(`https://${server.httpAddress}`, ['login', '-u', 'admin', '--password-file', passwordFile, '-o', 'none', ...more], cliEnv);
  const refused = await login();
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^ERROR: \(PasswordChangeRequired\) the password of user "admin" is a one-time password: .*: give --new-password\n$/);
  assert.equal((await login('--new-password', 'short')).code, 1, 'the new password has the rules of every password');
  assert.equal((await login('--new-password', 'the admin own password')).code, 0);
  assert.equal((await rest.call('POST', '/auth/login', { username: 'admin', password })).status, 401, 'the one-time password is gone');
  writeFileSync(passwordFile, 'the admin own password\n');
  const token = await rest.admin();
  const nobody = await rest.user('nobody', [], '/subscriptions/default');
  assert.equal((await rest.call('GET', '/subscriptions/default', undefined, nobody)).status, 403);
  const denied = await logged(server, 'refused: no role permits the operation');
  assert.equal(denied.level, 'warn');
  assert.equal(denied['principal'], 'nobody');
  assert.ok(typeof denied['operation'] === 'string' && typeof denied['reason'] === 'string', JSON.stringify(denied));
  assert.equal((await rest.call('GET', '/subscriptions', undefined, `${token}x`)).status, 401);
  await logged(server, 'refused: token not accepted', (r) => r['reason'] !== undefined && !String(r['reason']).startsWith('no bearer token'));
  const tls = grpc.credentials.createSsl(rest.ca);
  assert.equal(await check(healthClient(`localhost:${server.grpcAddress.split(':')[1]}`, tls)), 'SERVING', 'health needs no token');

  find(server, /one-time password is in/, (r) => r['passwordFile'] === join(server.dataDir, 'admin-password.txt'));
  const keyPem = readFileSync(join(server.dataDir, 'tls', 'server-key.pem'), 'utf8').split('\n')[1] as string;
  const log = server.raw.join('\n');
  for (const [what, secret] of [['the one-time password', password], ['the new password', 'the admin own password'], ['the token', token], ['a signature', token.split('.')[2] as string], ['a user token', nobody], ['the TLS key', keyPem]] as const) {
    assert.ok(secret.length > 10 && !log.includes(secret), `${what} is in the log`);
  }
});

/** Mounts a tmpfs at a new directory; undefined where mount is not permitted. */
async function mountTmpfs(options: string): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'dts-tmpfs-'));
  const ok = await new Promise<boolean>((resolve) => execFile('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], (error) => resolve(error === null)));
  if (!ok) return undefined;
  cleanups.push(() => execFile('umount', ['-l', dir], () => rmSync(dir, { recursive: true, force: true })));
  return dir;
}

function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 1 << 14, 512]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

const canMount = process.getuid?.() === 0;

test('/readyz and gRPC health go NOT_SERVING on a full data directory and recover by themselves', { skip: canMount ? false : 'mount needs root' }, async () => {
  const dir = await mountTmpfs('size=6m');
  assert.ok(dir !== undefined, 'mount -t tmpfs failed');
  const dataDir = join(dir, 'data');
  const server = await start([], dataDir);
  const watched: string[] = [];
  const watch = healthClient(server.grpcAddress).watch({ service: '' });
  watch.on('data', (reply: { status: string }) => watched.push(reply.status));
  watch.on('error', () => undefined);
  cleanups.push(() => watch.cancel());
  await until('SERVING', () => assert.deepEqual(watched, ['SERVING']), 10_000);
  const client = createMsClient(server.grpcAddress);
  try {
    await client.scheduleNewOrchestration(greet, 'before');
    fill(join(dir, 'filler'));
    let refused: unknown;
    for (let i = 0; i < 200 && refused === undefined; i++) await client.scheduleNewOrchestration(greet, 'x'.repeat(4000)).catch((error: unknown) => (refused = error));
    assert.ok(refused !== undefined, 'a start on a full disk fails');
    const ready = await get(server.httpAddress, '/readyz');
    assert.equal(ready.status, 503);
    assert.deepEqual(JSON.parse(ready.text), { status: 'not ready', reason: `disk full at ${dataDir}` });
    await until('NOT_SERVING', () => assert.deepEqual(watched, ['SERVING', 'NOT_SERVING']), 10_000);
    assert.equal((await logged(server, `store: disk full at ${dataDir}`)).level, 'error');
    await logged(server, `not ready: disk full at ${dataDir}`);

    rmSync(join(dir, 'filler'));
    await until('/readyz 200', async () => assert.equal((await get(server.httpAddress, '/readyz')).status, 200), 30_000);
    await until('SERVING again', () => assert.deepEqual(watched, ['SERVING', 'NOT_SERVING', 'SERVING']), 10_000);
    await client.scheduleNewOrchestration(greet, 'after');
  } finally {
    await client.stop();
  }
});

function runServe(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'bin', 'dts.js'), 'serve', ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stdout, stderr }));
  });
}

test('start-up failures say why in one line: a busy port (no database left behind), a read-only directory, a bad variable', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => busy.close());
  const port = (busy.address() as { port: number }).port;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'dts-ops-')), 'data');
  const taken = await runServe(['--grpc-port', String(port), '--http-port', '0', '--data-dir', dataDir]);
  assert.equal(taken.code, 2);
  assert.equal(taken.stderr, `dts: could not start: --grpc-port ${port}: the port is already in use on 127.0.0.1\n`);
  assert.equal(existsSync(join(dataDir, 'dts.sqlite')), false, 'no empty database is left behind');
  const http = await runServe(['--grpc-port', '0', '--http-port', String(port), '--data-dir', dataDir]);
  assert.equal(http.stderr, `dts: could not start: --http-port ${port}: the port is already in use on 127.0.0.1\n`);

  const bad = await runServe(['--data-dir', dataDir], { DTS_GRPC_PORT: 'eighty' });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, "dts: environment variable DTS_GRPC_PORT: --grpc-port must be an integer from 0 to 65535, not 'eighty'\n");

  if (!canMount) return; // a read-only mount needs root; the rest ran
  const readOnly = await mountTmpfs('size=1m,ro');
  assert.ok(readOnly !== undefined, 'mount -o ro failed');
  const ro = await runServe(['--grpc-port', '0', '--http-port', '0', '--data-dir', readOnly]);
  assert.equal(ro.code, 2);
  assert.equal(ro.stderr, `dts: could not start: data directory ${readOnly}: the file system is read-only\n`);
});
