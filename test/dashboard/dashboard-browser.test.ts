/**
 * The dashboard in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) against a real server with a real SDK worker: the list and its URL-kept
 * filters, an instance's timeline and history, and the actions (raise event, terminate, purge,
 * restart); and against a `--auth` server, a Reader who signs in through the form, sees the list
 * and whose terminate is refused by the server. A screenshot of each main view goes to test-output/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { OrchestrationStatus, TaskHubGrpcClient, TaskHubGrpcWorker, type ActivityContext, type OrchestrationContext } from '@microsoft/durabletask-js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createMsClient, RecordingLogger, startMsWorker, stopAll, waitForDone } from '../support/sdk-ms.ts';
import { DtsServer, repoRoot, withServerOutput } from '../support/server-process.ts';
import { eventually } from '../support/wait.ts';
import { login, secureCall, type SecureTarget } from './dashboard-support.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(repoRoot, 'test-output');
const skip = existsSync(CHROMIUM) ? false : 'Debian chromium is not installed (apt-get install -y chromium)';

let server: DtsServer | undefined;
let client: TaskHubGrpcClient | undefined;
let worker: TaskHubGrpcWorker | undefined;
let browser: BrowserContext | undefined;
let page: Page | undefined;
/** The `--auth` server of the Reader test, with its own TLS-and-token client and worker. */
let secure: DtsServer | undefined;
let secureClient: TaskHubGrpcClient | undefined;
let secureWorker: TaskHubGrpcWorker | undefined;

const greet = async (_ctx: ActivityContext, name: string): Promise<string> => `hello ${name}`;
async function* sequence(ctx: OrchestrationContext, name: string): AsyncGenerator<unknown, string[]> {
  const a: string = yield ctx.callActivity(greet, `${name}-1`);
  yield ctx.createTimer(0.2);
  const b: string = yield ctx.callActivity(greet, `${name}-2`);
  return [a, b];
}
async function* approval(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const answer: unknown = yield ctx.waitForExternalEvent('approve');
  return { approved: answer };
}

before(async () => {
  if (skip) return;
  mkdirSync(OUT, { recursive: true });
  server = await DtsServer.start();
  client = createMsClient(server.grpcAddress);
  worker = await startMsWorker(server.grpcAddress, (w) => {
    w.addOrchestrator(sequence);
    w.addOrchestrator(approval);
    w.addActivity(greet);
  });
  // A fresh profile each run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dts-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    // The --auth server's certificate comes from its own CA, which this fresh profile does not know.
    ignoreHTTPSErrors: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

after(async () => {
  await browser?.close();
  await stopAll(worker, client, secureWorker, secureClient);
  await server?.dispose();
  await secure?.dispose();
});

const base = () => `http://${(server as DtsServer).httpAddress}`;
const shot = (name: string) => (page as Page).screenshot({ path: join(OUT, `dashboard-${name}.png`), fullPage: true });

test('the dashboard: list, filters in the URL, detail, timeline, history and actions', { skip, timeout: 120_000 }, withServerOutput(() => [server], async () => {
  const c = client as TaskHubGrpcClient;
  const p = page as Page;
  const done: string[] = [];
  for (let i = 0; i < 4; i++) done.push(await c.scheduleNewOrchestration(sequence, `n${i}`));
  for (const id of done) await waitForDone(c, id);
  const waiting = await c.scheduleNewOrchestration(approval, undefined);
  const toTerminate = await c.scheduleNewOrchestration(approval, undefined);
  await c.waitForOrchestrationStart(toTerminate);
  await c.waitForOrchestrationStart(waiting);

  await p.goto(`${base()}/`);
  await p.getByText('Scheduler').first().waitFor();
  await p.getByText('orchestrations').first().waitFor();
  await shot('home');

  await p.goto(`${base()}/hubs/default/orchestrations`);
  await p.locator('tbody tr').nth(5).waitFor();
  assert.equal(await p.locator('tbody tr').count(), 6);
  await shot('list');

  // Filter by status (summary card) and by name: the URL keeps both, and back restores.
  await p.locator('button.stat[data-status="RUNNING"]').click();
  await eventually('two running rows', async () => ((await p.locator('tbody tr').count()) === 2 ? true : undefined));
  assert.match(p.url(), /status=RUNNING/);
  await p.fill('input[name="name"]', 'approv');
  await p.getByRole('button', { name: 'Apply' }).click();
  await eventually('url has name', async () => (/name=approv/.test(p.url()) ? true : undefined));
  assert.match(p.url(), /status=RUNNING/);
  await p.fill('input[name="name"]', 'sequence');
  await p.getByRole('button', { name: 'Apply' }).click();
  await p.getByText('No orchestrations match these filters.').waitFor();
  await p.goBack();
  await eventually('back restores the filters', async () => ((await p.locator('tbody tr').count()) === 2 && /name=approv/.test(p.url()) ? true : undefined));
  await p.reload();
  await eventually('a shared link restores the filters', async () => ((await p.locator('tbody tr').count()) === 2 ? true : undefined));
  assert.equal(await p.inputValue('input[name="name"]'), 'approv');
  await shot('list-filtered');

  // Detail of a finished instance: timeline with both activities and the timer, then history.
  await p.goto(`${base()}/hubs/default/orchestrations/${encodeURIComponent(done[0] as string)}`);
  await p.locator('[data-testid="timeline"]').waitFor();
  const timeline = await p.locator('[data-testid="timeline"]').innerText();
  assert.match(timeline, /greet/);
  assert.match(timeline, /Timer/);
  assert.match(timeline, /Orchestration/);
  await shot('instance-timeline');
  await p.getByRole('button', { name: 'History' }).click();
  await p.locator('[data-testid="history"]').waitFor();
  const history = await p.locator('[data-testid="history"]').innerText();
  for (const kind of ['executionStarted', 'taskScheduled', 'taskCompleted', 'timerFired', 'executionCompleted']) assert.ok(history.includes(kind), kind);
  await p.locator('[data-testid="history"] tr.clickable', { hasText: 'taskCompleted' }).first().click();
  await p.getByText('"hello n0-1"').waitFor();
  await shot('instance-history');

  // Raise the event that completes the waiting orchestration.
  await p.goto(`${base()}/hubs/default/orchestrations/${encodeURIComponent(waiting)}`);
  await p.locator('[data-testid="timeline"]').getByText('Waiting for an external event').waitFor();
  await p.locator('[data-action="Raise event"]').click();
  await p.fill('input[name="name"]', 'approve');
  await p.fill('textarea[name="input"]', '{"by": "alice"}');
  await shot('raise-event-dialog');
  await p.locator('[data-confirm]').click();
  const state = await waitForDone(c, waiting);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
  assert.deepEqual(JSON.parse(state.serializedOutput ?? 'null'), { approved: { by: 'alice' } });
  await p.locator('.badge.s-completed').waitFor();
  await p.locator('[data-testid="timeline"]').getByText('Wait for approve').waitFor();
  await shot('instance-wait');

  // Terminate with a reason.
  await p.goto(`${base()}/hubs/default/orchestrations/${encodeURIComponent(toTerminate)}`);
  await p.locator('[data-action="Terminate"]').click();
  await p.fill('input[name="reason"]', 'no longer needed');
  await p.locator('[data-confirm]').click();
  await p.locator('.badge.s-terminated').waitFor();
  assert.equal((await c.getOrchestrationState(toTerminate))?.runtimeStatus, OrchestrationStatus.TERMINATED);

  // Restart a finished one: it runs again under the same id.
  await p.goto(`${base()}/hubs/default/orchestrations/${encodeURIComponent(done[1] as string)}`);
  await p.locator('[data-action="Restart"]').click();
  await p.locator('[data-confirm]').click();
  await eventually('restarted', async () => {
    const s = await c.getOrchestrationState(done[1] as string);
    return s !== undefined && s.runtimeStatus === OrchestrationStatus.COMPLETED && s.createdAt.getTime() > Date.now() - 20_000 ? true : undefined;
  });

  // Purge one: it is gone, and the list shows one fewer.
  await p.goto(`${base()}/hubs/default/orchestrations/${encodeURIComponent(done[2] as string)}`);
  await p.locator('[data-action="Purge"]').click();
  await p.locator('[data-confirm]').click();
  await p.waitForURL(/\/orchestrations$/);
  assert.equal(await c.getOrchestrationState(done[2] as string), undefined);
  await p.locator('tbody tr').nth(4).waitFor();
  assert.equal(await p.locator('tbody tr').count(), 5);

  await p.goto(`${base()}/hubs/default/workers`);
  await p.getByText('worker-').first().waitFor();
  await shot('workers');
  await p.goto(`${base()}/hubs/default/entities`);
  await p.getByText('Entities').first().waitFor();
  await p.getByRole('button', { name: 'Next →' }).waitFor();
  await shot('entities');
  await p.goto(`${base()}/hubs/default/new`);
  await p.getByRole('button', { name: 'Start orchestration' }).click();
  await p.getByText('Name is required').waitFor();
  await p.fill('input[name="name"]', 'sequence');
  await p.fill('textarea[name="input"]', '{not json');
  await p.getByRole('button', { name: 'Start orchestration' }).click();
  await p.getByText('Input is not valid JSON').waitFor();
  await shot('new-form');
}));

const PASSWORD = 'correct horse battery';
const SCHED = '/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default';

/** An `--auth` server with a Reader of its default hub, and an operator whose worker runs `approval` there. */
async function startSecure(): Promise<{ target: SecureTarget; instanceId: string }> {
  secure = await DtsServer.start({ extraArgs: ['--auth'] });
  const ca = readFileSync(join(secure.dataDir, 'tls', 'ca.pem'));
  const target = { http: secure.httpAddress, ca };
  const admin = await login(target, 'admin', readFileSync(join(secure.dataDir, 'admin-password.txt'), 'utf8').trim());
  for (const [user, scope, role] of [['reader@example.com', `${SCHED}/taskHubs/default`, 'Durable Task Data Reader'], ['operator@example.com', SCHED, 'Durable Task Data Contributor']] as const) {
    assert.equal((await secureCall(target, 'PUT', `/users/${user}`, { body: { password: PASSWORD }, hub: null, token: admin })).status, 201);
    const put = await secureCall(target, 'PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`, { body: { properties: { roleDefinitionId: role, principalId: user } }, hub: null, token: admin });
    assert.equal(put.status, 201, JSON.stringify(put.body));
  }
  const operator = await login(target, 'operator@example.com', PASSWORD);
  const connection = {
    hostAddress: secure.grpcAddress,
    credentials: grpc.credentials.createSsl(ca),
    metadataGenerator: async () => {
      const m = new grpc.Metadata();
      m.set('authorization', `Bearer ${operator}`);
      return m;
    },
    logger: new RecordingLogger(),
  };
  secureWorker = new TaskHubGrpcWorker({ ...connection, shutdownTimeoutMs: 2_000 });
  secureWorker.addOrchestrator(approval);
  await secureWorker.start();
  secureClient = new TaskHubGrpcClient(connection);
  const instanceId = await secureClient.scheduleNewOrchestration(approval, undefined);
  await secureClient.waitForOrchestrationStart(instanceId);
  return { target, instanceId };
}

/** Changes the stored sign-in of the page (dashboard/src/session.ts keeps it in sessionStorage). */
function editSession(p: Page, change: Record<string, unknown>): Promise<unknown> {
  return p.evaluate(`(() => {
    const s = JSON.parse(sessionStorage.getItem('dts.session'));
    sessionStorage.setItem('dts.session', JSON.stringify({ ...s, ...${JSON.stringify(change)} }));
  })()`);
}

async function signIn(p: Page, user: string): Promise<void> {
  await p.locator('form[aria-label="Sign in"]').waitFor();
  await p.fill('input[name="username"]', user);
  await p.fill('input[name="password"]', PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('[data-testid="signed-in"]', { hasText: user }).waitFor();
}

test('a Reader sees the list but its actions are refused by the server', { skip, timeout: 120_000 }, withServerOutput(() => [secure], async () => {
  const { target, instanceId } = await startSecure();
  const p = await (browser as BrowserContext).newPage();
  const snap = (name: string) => p.screenshot({ path: join(OUT, `dashboard-${name}.png`), fullPage: true });
  try {
    // The API answers 401 without a token, so the page shows the sign-in form; a wrong password is said so.
    await p.goto(`https://${target.http}/hubs/default/orchestrations`);
    await p.locator('form[aria-label="Sign in"]').waitFor();
    await p.fill('input[name="username"]', 'reader@example.com');
    await p.fill('input[name="password"]', 'wrong password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByText('the user name or password is wrong').waitFor();
    await snap('sign-in');
    await signIn(p, 'reader@example.com');
    await p.locator('tbody tr').first().waitFor();
    assert.equal(await p.locator('tbody tr').count(), 1);
    assert.match(await p.locator('tbody tr').first().innerText(), new RegExp(instanceId));
    await snap('reader-list');

    // Terminate: the button is there, the server refuses, the dialog names the missing role.
    await p.goto(`https://${target.http}/hubs/default/orchestrations/${encodeURIComponent(instanceId)}`);
    await p.locator('[data-action="Terminate"]').click();
    await p.fill('input[name="reason"]', 'a reader tries');
    await p.locator('[data-confirm]').click();
    await p.locator('.dialog .error-box', { hasText: 'Durable Task Data Contributor' }).waitFor();
    assert.match(await p.locator('.dialog .error-box').innerText(), /Refused by the server: .*reader@example\.com/);
    await snap('reader-refused');
    assert.equal((await (secureClient as TaskHubGrpcClient).getOrchestrationState(instanceId))?.runtimeStatus, OrchestrationStatus.RUNNING);
    await p.getByRole('button', { name: 'Cancel' }).click();

    // A token the server no longer accepts, and one past its expiry, lead back to the form; sign-out too.
    await editSession(p, { token: 'revoked' });
    await p.getByText('Your sign-in is no longer accepted').waitFor();
    await signIn(p, 'reader@example.com');
    await editSession(p, { expiresOnMs: 0 });
    await p.getByText('Your sign-in has expired').waitFor();
    await signIn(p, 'reader@example.com');
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.locator('form[aria-label="Sign in"]').waitFor();
    assert.equal(await p.locator('[data-testid="signed-in"]').count(), 0);
  } finally {
    await p.close();
  }
}));
