/**
 * The dashboard of a `dts serve --auth` server in a real Chromium: users sign in through the
 * form; a Data Reader is offered no action, a Data Contributor the actions the instance's status
 * allows; an action whose role was revoked meanwhile is refused by the server, and the page then
 * names the command that grants access. The first-start admin (Owner at `/`, no data role) sees
 * no hub and the exact command; run with the real `dts`, it makes the hubs appear. A task hub's
 * dashboardUrl opens that hub, through the sign-in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { OrchestrationStatus, TaskHubGrpcClient, TaskHubGrpcWorker, type OrchestrationContext } from '@microsoft/durabletask-js';
import type { BrowserContext, Page } from 'playwright-core';
import { dtsOk } from '../support/dts-cli.ts';
import { RecordingLogger, stopAll } from '../support/sdk-ms.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { browserSkip as skip, launchBrowser, screenshot } from './browser-support.ts';
import { login, secureCall, type SecureTarget } from './dashboard-support.ts';

const PASSWORD = 'correct horse battery';
const SCHED = '/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default';

let server: DtsServer | undefined;
let client: TaskHubGrpcClient | undefined;
let worker: TaskHubGrpcWorker | undefined;
let browser: BrowserContext | undefined;
let target: SecureTarget;
let admin = '';
let instanceId = '';
/** The role assignment that makes the operator a Data Contributor, deleted by a test. */
let operatorGrant = '';

async function* approval(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const answer: unknown = yield ctx.waitForExternalEvent('approve');
  return { approved: answer };
}

async function grant(scope: string, principalId: string, role: string): Promise<string> {
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`;
  const put = await secureCall(target, 'PUT', id, { body: { properties: { roleDefinitionId: role, principalId } }, hub: null, token: admin });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  return id;
}

before(async () => {
  if (skip) return;
  server = await DtsServer.start({ extraArgs: ['--auth', '--scheduler-ports', '0'] });
  const ca = readFileSync(join(server.dataDir, 'tls', 'ca.pem'));
  target = { http: server.httpAddress, ca };
  admin = await login(target, 'admin', readFileSync(join(server.dataDir, 'admin-password.txt'), 'utf8').trim());
  for (const user of ['reader@example.com', 'operator@example.com']) {
    assert.equal((await secureCall(target, 'PUT', `/users/${user}`, { body: { password: PASSWORD }, hub: null, token: admin })).status, 201);
  }
  await grant(`${SCHED}/taskHubs/default`, 'reader@example.com', 'Durable Task Data Reader');
  operatorGrant = await grant(SCHED, 'operator@example.com', 'Durable Task Data Contributor');
  // The app's own identity runs the worker, so revoking the operator leaves the worker alone.
  const app = 'app@example.com';
  assert.equal((await secureCall(target, 'PUT', `/users/${app}`, { body: { password: PASSWORD }, hub: null, token: admin })).status, 201);
  await grant(SCHED, app, 'Durable Task Data Contributor');
  const token = await login(target, app, PASSWORD);
  const connection = {
    hostAddress: server.grpcAddress,
    credentials: grpc.credentials.createSsl(ca),
    metadataGenerator: async () => {
      const m = new grpc.Metadata();
      m.set('authorization', `Bearer ${token}`);
      return m;
    },
    logger: new RecordingLogger(),
  };
  worker = new TaskHubGrpcWorker({ ...connection, shutdownTimeoutMs: 2_000 });
  worker.addOrchestrator(approval);
  await worker.start();
  client = new TaskHubGrpcClient(connection);
  instanceId = await client.scheduleNewOrchestration(approval, undefined);
  await client.waitForOrchestrationStart(instanceId);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopAll(worker, client);
  await server?.dispose();
});

const base = () => `https://${target.http}`;
// void: node:test reports a failing test itself; the promise test() returns never rejects.
const it = (name: string, body: (p: Page) => Promise<void>) => void test(name, { skip, timeout: 120_000 }, withServerOutput(() => [server], async () => {
  const p = await (browser as BrowserContext).newPage();
  try {
    await body(p);
  } finally {
    await p.close();
  }
}));

async function signIn(p: Page, user: string, password = PASSWORD): Promise<void> {
  await p.locator('form[aria-label="Sign in"]').waitFor();
  await p.fill('input[name="username"]', user);
  await p.fill('input[name="password"]', password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('[data-testid="signed-in"]', { hasText: user }).waitFor();
}

/** Opens `path` and waits until the page knows what the caller may do on its hub. */
async function open(p: Page, path: string): Promise<void> {
  const access = p.waitForResponse((r) => new URL(r.url()).pathname === '/v1/taskhubs/access');
  await p.goto(`${base()}${path}`);
  await access;
}

/** The words of a shell command as the shell splits them (plain words and double-quoted ones). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string));
}

/** Runs a command the page shows with the real `dts`, signed in as the admin. */
async function runShown(command: string, configDir: string): Promise<string> {
  const [program, ...args] = words(command);
  assert.equal(program, 'dts');
  return dtsOk(base(), [...args, '-o', 'json'], { DTS_CONFIG_DIR: configDir });
}

it('a Reader is offered no action; a Contributor those the status allows; a role revoked meanwhile is refused, then the page names the grant', async (p) => {
  await p.goto(`${base()}/hubs/default/orchestrations`);
  await signIn(p, 'reader@example.com');
  await p.locator('tbody tr').first().waitFor();
  assert.match(await p.locator('tbody tr').first().innerText(), new RegExp(instanceId));
  assert.equal(await p.locator('input[type="checkbox"]').count(), 0, 'no selection: nothing to do with one');
  assert.equal(await p.getByRole('link', { name: /New/ }).count(), 0);
  await open(p, `/hubs/default/orchestrations/${instanceId}`);
  await p.locator('.badge.s-running').waitFor();
  assert.equal(await p.locator('[data-action]').count(), 0);
  await screenshot(p, 'reader-instance');
  await open(p, '/hubs/default/new');
  await p.getByText('Starting an orchestration needs the role Durable Task Data Contributor').waitFor();

  await p.getByRole('button', { name: 'Sign out' }).click();
  await signIn(p, 'operator@example.com');
  await open(p, `/hubs/default/orchestrations/${instanceId}`);
  await p.locator('[data-action="Terminate"]').waitFor();
  assert.deepEqual(await p.locator('[data-action]').allInnerTexts(), ['Suspend', 'Terminate', 'Raise event']);

  // Revoked while the page is open: the server, not the page, has the last word.
  assert.equal((await secureCall(target, 'DELETE', operatorGrant, { hub: null, token: admin })).status, 200);
  await p.locator('[data-action="Terminate"]').click();
  await p.fill('input[name="reason"]', 'an operator no more');
  await p.locator('[data-confirm]').click();
  await p.locator('.dialog .error-box', { hasText: 'Durable Task Data Contributor' }).waitFor();
  assert.match(await p.locator('.dialog .error-box').innerText(), /Refused by the server: .*operator@example\.com/);
  assert.equal((await (client as TaskHubGrpcClient).getOrchestrationState(instanceId))?.runtimeStatus, OrchestrationStatus.RUNNING);

  // Now it may not read the hub either: the page says why and what grants it, and recovers once it is run.
  await p.reload();
  const help = p.locator('[data-testid="no-access"]');
  await help.waitFor();
  const command = await help.locator('[data-testid="grant-command"]').innerText();
  assert.equal(command, `dts role assignment create --assignee operator@example.com --role "Durable Task Data Contributor" --scope ${SCHED}/taskHubs/default`);
  await screenshot(p, 'no-access');
  const configDir = mkdtempSync(join(tmpdir(), 'dts-cli-'));
  await dtsOk(base(), ['login', '-u', 'admin', '--password-file', join((server as DtsServer).dataDir, 'admin-password.txt'), '--ca-file', join((server as DtsServer).dataDir, 'tls', 'ca.pem')], { DTS_CONFIG_DIR: configDir });
  await runShown(command, configDir);
  await p.locator('[data-action="Terminate"]').waitFor();
  assert.equal(await help.count(), 0);
});

it('first run: the admin sees no hub and the exact command; run, it shows the hubs; a new hub\'s dashboardUrl opens it', async (p) => {
  const dataDir = (server as DtsServer).dataDir;
  const adminPassword = readFileSync(join(dataDir, 'admin-password.txt'), 'utf8').trim();
  await p.goto(`${base()}/`);
  await signIn(p, 'admin', adminPassword);
  const help = p.locator('[data-testid="no-hubs"]');
  await help.waitFor();
  const command = await help.locator('[data-testid="grant-command"]').innerText();
  assert.equal(command, `dts role assignment create --assignee admin --role "Durable Task Data Contributor" --scope ${SCHED}`);
  await screenshot(p, 'first-run');

  const configDir = mkdtempSync(join(tmpdir(), 'dts-cli-'));
  await dtsOk(base(), ['login', '-u', 'admin', '--password-file', join(dataDir, 'admin-password.txt'), '--ca-file', join(dataDir, 'tls', 'ca.pem')], { DTS_CONFIG_DIR: configDir });
  await runShown(command, configDir);
  await p.locator('.hub-card', { hasText: 'default' }).waitFor();
  assert.equal(await help.count(), 0);

  // `dts taskhub create` answers the hub's dashboardUrl; a new tab (not signed in) follows it through the sign-in.
  const created = JSON.parse(await dtsOk(base(), ['durabletask', 'taskhub', 'create', '-g', 'default', '-s', 'default', '-n', 'fresh', '-o', 'json'], { DTS_CONFIG_DIR: configDir }));
  const url = new URL(created.properties.dashboardUrl);
  assert.equal(`${url.protocol}//${url.host}`, base());
  const tab = await (browser as BrowserContext).newPage();
  try {
    await tab.goto(url.href);
    await signIn(tab, 'admin', adminPassword);
    await tab.getByText('No orchestrations match these filters.').waitFor();
    assert.equal(await tab.locator('.side-hub').getAttribute('title'), 'fresh');
    assert.equal(tab.url(), url.href, 'the sign-in keeps the page');
  } finally {
    await tab.close();
  }
});

it('the first sign-in with the one-time admin password asks for a new one, which then signs in', async (p) => {
  const fresh = await DtsServer.start({ extraArgs: ['--auth'], keepOneTimePassword: true });
  try {
    const oneTime = readFileSync(join(fresh.dataDir, 'admin-password.txt'), 'utf8').trim();
    await p.goto(`https://${fresh.httpAddress}/`);
    await p.locator('form[aria-label="Sign in"]').waitFor();
    await p.fill('input[name="username"]', 'admin');
    await p.fill('input[name="password"]', oneTime);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('.error-box', { hasText: 'one-time password' }).waitFor();
    await p.fill('input[name="newPassword"]', 'my own admin password');
    await p.fill('input[name="newPasswordAgain"]', 'my own admin password, mistyped');
    await p.getByRole('button', { name: 'Set password and sign in' }).click();
    await p.locator('.error-box', { hasText: 'The new passwords differ' }).waitFor();
    await p.fill('input[name="newPasswordAgain"]', 'my own admin password');
    await p.getByRole('button', { name: 'Set password and sign in' }).click();
    await p.locator('[data-testid="signed-in"]', { hasText: 'admin' }).waitFor();
    const target2 = { http: fresh.httpAddress, ca: readFileSync(join(fresh.dataDir, 'tls', 'ca.pem')) };
    assert.equal((await secureCall(target2, 'POST', '/auth/login', { body: { username: 'admin', password: oneTime }, hub: null })).status, 401, 'the one-time password is gone');
    assert.ok((await login(target2, 'admin', 'my own admin password')).length > 0);
  } finally {
    await fresh.dispose();
  }
});
