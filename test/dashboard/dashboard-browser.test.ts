/**
 * The dashboard in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) against a real server with a real SDK worker: the list and its URL-kept
 * filters, an instance's timeline and history, and the actions (raise event, terminate, purge,
 * restart). A screenshot of each main view goes to test-output/. The other dashboard-*.test.ts
 * files check the views in detail, the narrow layout and access with `--auth`.
 */
import assert from 'node:assert/strict';
import { OrchestrationStatus, type ActivityContext, type OrchestrationContext } from '@microsoft/durabletask-js';
import { waitForDone } from '../support/sdk-ms.ts';
import { eventually } from '../support/wait.ts';
import { browserFixture, screenshot } from './browser-support.ts';

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

const { it } = browserFixture({
  register: (w) => {
    w.addOrchestrator(sequence);
    w.addOrchestrator(approval);
    w.addActivity(greet);
  },
});

it('the dashboard: list, filters in the URL, detail, timeline, history and actions', async ({ client: c, page: p, base }) => {
  const shot = (name: string) => screenshot(p, name);
  const done: string[] = [];
  for (let i = 0; i < 4; i++) done.push(await c.scheduleNewOrchestration(sequence, `n${i}`));
  for (const id of done) await waitForDone(c, id);
  const waiting = await c.scheduleNewOrchestration(approval, undefined);
  const toTerminate = await c.scheduleNewOrchestration(approval, undefined);
  await c.waitForOrchestrationStart(toTerminate);
  await c.waitForOrchestrationStart(waiting);

  await p.goto(`${base}/`);
  await p.getByText('Scheduler').first().waitFor();
  await p.getByText('orchestrations').first().waitFor();
  await shot('home');

  await p.goto(`${base}/hubs/default/orchestrations`);
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
  await p.goto(`${base}/hubs/default/orchestrations/${encodeURIComponent(done[0] as string)}`);
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
  await p.goto(`${base}/hubs/default/orchestrations/${encodeURIComponent(waiting)}`);
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
  await p.goto(`${base}/hubs/default/orchestrations/${encodeURIComponent(toTerminate)}`);
  await p.locator('[data-action="Terminate"]').click();
  await p.fill('input[name="reason"]', 'no longer needed');
  await p.locator('[data-confirm]').click();
  await p.locator('.badge.s-terminated').waitFor();
  assert.equal((await c.getOrchestrationState(toTerminate))?.runtimeStatus, OrchestrationStatus.TERMINATED);

  // Restart a finished one: it runs again under the same id.
  await p.goto(`${base}/hubs/default/orchestrations/${encodeURIComponent(done[1] as string)}`);
  await p.locator('[data-action="Restart"]').click();
  await p.locator('[data-confirm]').click();
  await eventually('restarted', async () => {
    const s = await c.getOrchestrationState(done[1] as string);
    return s !== undefined && s.runtimeStatus === OrchestrationStatus.COMPLETED && s.createdAt.getTime() > Date.now() - 20_000 ? true : undefined;
  });

  // Purge one: it is gone, and the list shows one fewer.
  await p.goto(`${base}/hubs/default/orchestrations/${encodeURIComponent(done[2] as string)}`);
  await p.locator('[data-action="Purge"]').click();
  await p.locator('[data-confirm]').click();
  await p.waitForURL(/\/orchestrations$/);
  assert.equal(await c.getOrchestrationState(done[2] as string), undefined);
  await p.locator('tbody tr').nth(4).waitFor();
  assert.equal(await p.locator('tbody tr').count(), 5);

  await p.goto(`${base}/hubs/default/workers`);
  await p.getByText('worker-').first().waitFor();
  await shot('workers');
  await p.goto(`${base}/hubs/default/entities`);
  await p.getByText('Entities').first().waitFor();
  await p.getByRole('button', { name: 'Next →' }).waitFor();
  await shot('entities');
  await p.goto(`${base}/hubs/default/new`);
  await p.getByRole('button', { name: 'Start orchestration' }).click();
  await p.getByText('Name is required').waitFor();
  await p.fill('input[name="name"]', 'sequence');
  await p.fill('textarea[name="input"]', '{not json');
  await p.getByRole('button', { name: 'Start orchestration' }).click();
  await p.getByText('Input is not valid JSON').waitFor();
  await shot('new-form');
});
