/**
 * Access to the dashboard API of a real `dts serve --auth` process (TLS, its own CA): no token
 * is 401, a Reader reads but its actions are 403 naming the missing role and change nothing, a
 * role at one hub shows no other hub, /metrics is a management read, and an address outside a
 * scheduler's IP allowlist is 403 naming the address, before any token is looked at.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { login, secureCall, type ApiAnswer, type SecureTarget } from './dashboard-support.ts';
import type { Json } from '../support/json.ts';

const SCHED = '/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default';
const RG = '/subscriptions/default/resourceGroups/default/providers';
const PASSWORD = 'correct horse battery';

let server: DtsServer | undefined;
let target: SecureTarget;
let admin = '';
let reader = '';
let operator = '';

const call = (method: string, path: string, token: string | undefined, body?: unknown, hub: string | null = 'default') =>
  secureCall(target, method, path, { ...(body === undefined ? {} : { body }), hub, ...(token === undefined ? {} : { token }) });

async function grant(scope: string, principalId: string, role: string): Promise<void> {
  const put = await call('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`, admin, { properties: { roleDefinitionId: role, principalId } }, null);
  assert.equal(put.status, 201, JSON.stringify(put.body));
}

async function user(name: string): Promise<string> {
  assert.equal((await call('PUT', `/users/${name}`, admin, { password: PASSWORD }, null)).status, 201);
  return login(target, name, PASSWORD);
}

function refused(r: ApiAnswer, status: number, detail: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.match(r.body.detail, detail);
}

before(async () => {
  server = await DtsServer.start({ taskHubs: ['default', 'other'], extraArgs: ['--auth', '--scheduler-ports', '0'] });
  target = { http: server.httpAddress, ca: readFileSync(join(server.dataDir, 'tls', 'ca.pem')) };
  admin = await login(target, 'admin', readFileSync(join(server.dataDir, 'admin-password.txt'), 'utf8').trim());
  reader = await user('reader@example.com');
  operator = await user('operator@example.com');
  await grant(`${SCHED}/taskHubs/default`, 'reader@example.com', 'Durable Task Data Reader');
  await grant(SCHED, 'operator@example.com', 'Durable Task Data Contributor');
});

after(async () => {
  await server?.dispose();
});

// void: node:test reports a failing test itself; the promise test() returns never rejects.
const it = (name: string, body: () => Promise<void>) => void test(name, { timeout: 60_000 }, withServerOutput(() => [server], body));

it('no token or a bad one is 401 with a Bearer challenge; ping stays open', async () => {
  for (const [method, path, body] of [['GET', '/v1/taskhubs'], ['POST', '/v1/taskhubs/orchestrations/query', {}], ['GET', '/v1/taskhubs/workers'], ['GET', '/metrics'], ['GET', '/v1/scale']] as const) {
    const r = await call(method, path, undefined, body);
    refused(r, 401, /bearer token/i);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
    refused(await call(method, path, 'not-a-jwt', body), 401, /./);
  }
  assert.equal((await call('GET', '/v1/ping', undefined)).status, 200);
});

it('a Reader reads its hub; every action is 403 naming the missing role and changes nothing', async () => {
  const created = await call('POST', '/v1/taskhubs/orchestrations', operator, { name: 'waiter', instanceId: 'acc-1' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const query = await call('POST', '/v1/taskhubs/orchestrations/query', reader, { filter: {} });
  assert.equal(query.status, 200);
  assert.deepEqual(query.body.orchestrations.map((o: Json) => o.instanceId), ['acc-1']);
  for (const path of ['/v1/taskhubs/orchestrations/acc-1', '/v1/taskhubs/orchestrations/acc-1/payloads', '/v1/taskhubs/orchestrations/acc-1/history', '/v1/taskhubs/workers', '/v1/taskhubs/metrics']) {
    assert.equal((await call('GET', path, reader)).status, 200, path);
  }
  assert.equal((await call('POST', '/v1/taskhubs/entities/query', reader, {})).status, 200);
  const untouched = (await call('GET', '/v1/taskhubs/orchestrations/acc-1', reader)).body;
  const actions: [string, string, unknown][] = [
    ['POST', '/v1/taskhubs/orchestrations/acc-1/history', { executionTerminated: { reason: 'by a reader' } }],
    ['POST', '/v1/taskhubs/orchestrations/acc-1/history', { executionSuspended: {} }],
    ['POST', '/v1/taskhubs/orchestrations/acc-1/history', { eventRaised: { name: 'go' } }],
    ['POST', '/v1/taskhubs/orchestrations', { name: 'waiter' }],
    ['POST', '/v1/taskhubs/orchestrations/acc-1/restart', {}],
    ['POST', '/v1/taskhubs/orchestrations/addhistoryevents', { events: { 'acc-1': { executionTerminated: {} } } }],
    ['POST', '/v1/taskhubs/orchestrations/forceterminate', { instanceIds: ['acc-1'] }],
    ['DELETE', '/v1/taskhubs/orchestrations/purge', { instanceIds: ['acc-1'] }],
    ['DELETE', '/v1/taskhubs/orchestrations/acc-1', undefined],
    ['DELETE', '/v1/taskhubs/entities/@counter@a', undefined],
  ];
  for (const [method, path, body] of actions) {
    const r = await call(method, path, reader, body);
    assert.equal(r.status, 403, `${method} ${path}: ${JSON.stringify(r.body)}`);
    refused(r, 403, /Durable Task Data Contributor.*reader@example\.com/);
  }
  assert.deepEqual((await call('GET', '/v1/taskhubs/orchestrations/acc-1', reader)).body, untouched);
  assert.equal(untouched.status, 'PENDING');
  assert.equal((await call('POST', '/v1/taskhubs/orchestrations/query', reader, { filter: {} })).body.totalCount, 1, 'no create, no purge');
  // What the UI asks before it offers actions: the same decision, as a boolean.
  assert.deepEqual((await call('GET', '/v1/taskhubs/access', reader)).body, { taskHub: 'default', read: true, write: false });
  assert.deepEqual((await call('GET', '/v1/taskhubs/access', operator)).body, { taskHub: 'default', read: true, write: true });
  refused(await call('GET', '/v1/taskhubs/access', reader, undefined, 'other'), 403, /Durable Task Data Reader/);
  // The Contributor's same action is let through.
  assert.equal((await call('POST', '/v1/taskhubs/orchestrations/acc-1/history', operator, { executionSuspended: { reason: 'ok' } })).status, 202);
});

it('a role at one hub shows no other hub; /metrics is a management read', async () => {
  const hubs = (token: string) => call('GET', '/v1/taskhubs', token, undefined, null).then((r) => r.body.taskHubs.map((h: Json) => h.taskHub));
  assert.deepEqual(await hubs(reader), ['default']);
  assert.deepEqual(await hubs(operator), ['default', 'other']);
  assert.deepEqual(await hubs(admin), [], 'Owner is a control-plane role: it reads no orchestrations (as in Azure)');
  refused(await call('POST', '/v1/taskhubs/orchestrations/query', reader, {}, 'other'), 403, /Durable Task Data Reader/);
  refused(await call('GET', '/v1/taskhubs/workers', reader, undefined, 'nowhere'), 403, /nowhere/);
  assert.equal((await call('GET', '/v1/taskhubs/workers', operator, undefined, 'nowhere')).status, 404, 'existence is told only to a caller with a role there');
  const scale = await call('GET', '/v1/scale', reader, undefined, null);
  assert.deepEqual(scale.body.taskHubs.map((h: Json) => h.hub), ['default']);
  refused(await call('GET', '/metrics', reader, undefined, null), 403, /control\.read/);
  const metrics = await call('GET', '/metrics', admin, undefined, null);
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /dts_work_items_pending\{scheduler="default",taskhub="other"/);
});

it("an address outside the scheduler's allowlist is 403 naming it, before the token is looked at", async () => {
  const put = await call('PUT', `${RG}/Microsoft.DurableTask/schedulers/tenonly`, admin, { location: 'local', properties: { ipAllowlist: ['10.0.0.0/8'], sku: { name: 'Dedicated', capacity: 1 } } }, null);
  assert.equal(put.status, 201, JSON.stringify(put.body));
  const hubPut = await call("PUT", `${RG}/Microsoft.DurableTask/schedulers/tenonly/taskHubs/hub-one`, admin, {}, null);
  assert.equal(hubPut.status, 201, JSON.stringify(hubPut.body));
  await grant('', 'operator@example.com', 'Durable Task Data Contributor'); // scope '/': the root
  const hub = 'default/default/tenonly/hub-one';
  refused(await call('POST', '/v1/taskhubs/orchestrations/query', operator, {}, hub), 403, /127\.0\.0\.1.*allowlist.*tenonly/);
  refused(await call('POST', '/v1/taskhubs/orchestrations', undefined, { name: 'x' }, hub), 403, /127\.0\.0\.1/);
  const hubs = await call('GET', '/v1/taskhubs', operator, undefined, null);
  assert.ok(!hubs.body.taskHubs.some((h: Json) => h.taskHub === hub), 'a hub whose scheduler refuses the address is not listed');
  assert.ok(hubs.body.taskHubs.some((h: Json) => h.taskHub === 'default'));
});
