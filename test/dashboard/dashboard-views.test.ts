/**
 * The dashboard's views in detail, in a real Chromium set to a time zone with a half-hour offset
 * (Asia/Kolkata, UTC+5:30) against a real server and SDK worker: ids and tags in their real case;
 * the summary (custom status, scheduled start, why it is suspended or terminated, duration); one
 * time format everywhere; timers (a wait on a timer or an event, bars that end with the instance,
 * when a timer fired); the list's sort by last update, duration column and page in the URL; a
 * task hub's dashboardUrl; and a missing instance that is no longer polled.
 */
import assert from 'node:assert/strict';
import { whenAny, type OrchestrationContext } from '@microsoft/durabletask-js';
import type { Page } from 'playwright-core';
import { waitForDone } from '../support/sdk-ms.ts';
import { eventually } from '../support/wait.ts';
import { browserFixture, parseShownTime, screenshot, timePattern } from './browser-support.ts';
import { call } from './dashboard-support.ts';
import type { Json } from '../support/json.ts';

const ZONE = 'UTC+5:30';

async function* statusful(ctx: OrchestrationContext): AsyncGenerator<unknown, string> {
  ctx.setCustomStatus({ stage: 'Waiting For Approval' });
  yield ctx.waitForExternalEvent('go');
  return 'ok';
}
async function* race(ctx: OrchestrationContext): AsyncGenerator<unknown, string> {
  const timeout = ctx.createTimer(600);
  const winner: unknown = yield whenAny([ctx.waitForExternalEvent('go'), timeout]);
  return winner === timeout ? 'timeout' : 'event';
}
async function* sleeper(ctx: OrchestrationContext): AsyncGenerator<unknown, string> {
  yield ctx.createTimer(1);
  return 'slept';
}
/** Done in its first episode. */
async function* noop(): AsyncGenerator<unknown, string> {
  return 'done';
}

const { it } = browserFixture({
  server: { extraArgs: ['--scheduler-ports', '0'] },
  browser: { timezoneId: 'Asia/Kolkata' },
  register: (w) => {
    for (const o of [statusful, race, sleeper, noop]) w.addOrchestrator(o);
  },
});
const fact = (p: Page, name: string) => p.locator('.fact', { has: p.locator('.fact-name', { hasText: new RegExp(`^${name}$`, 'i') }) }).locator('.fact-value');
const actionsOf = (p: Page) => p.locator('[data-action]').allInnerTexts();

async function start(http: string, body: Record<string, unknown>): Promise<void> {
  const created = await call(http, 'POST', '/v1/taskhubs/orchestrations', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

it('the summary: ids and tags in their real case, custom status, scheduled start, the suspend and terminate reasons, the duration', async ({ client: c, page: p, base, server }) => {
  const http = server.httpAddress;
  const scheduledStart = new Date(Date.now() + 1500).toISOString();
  await start(http, { name: 'statusful', instanceId: 'Case-Check-1', tags: { Team: 'BlueSky', 'Cost-Center': 'aB9' }, scheduledStartTimestamp: scheduledStart });
  await c.waitForOrchestrationStart('Case-Check-1');
  await eventually('custom status', async () => ((await c.getOrchestrationState('Case-Check-1'))?.serializedCustomStatus ? true : undefined));
  const meta = (await call(http, 'GET', '/v1/taskhubs/orchestrations/Case-Check-1')).body;

  await p.goto(`${base}/hubs/default/orchestrations/Case-Check-1`);
  await fact(p, 'Custom status').waitFor();
  assert.equal(await fact(p, 'Execution').innerText(), meta.executionId, 'copied as stored (it was upper-cased)');
  assert.deepEqual((await fact(p, 'Tags').locator('.tag').allInnerTexts()).sort(), ['Cost-Center=aB9', 'Team=BlueSky']);
  assert.equal(await fact(p, 'Custom status').innerText(), '{"stage":"Waiting For Approval"}');
  assert.equal(parseShownTime(await fact(p, 'Scheduled start').innerText()), Date.parse(scheduledStart));
  for (const name of ['Created', 'Scheduled start', 'Last updated']) assert.match(await fact(p, name).innerText(), timePattern(ZONE), name);
  assert.match(await fact(p, 'Duration').innerText(), /so far$/);
  assert.deepEqual(await actionsOf(p), ['Suspend', 'Terminate', 'Raise event'], 'what a running instance allows');

  await p.locator('[data-action="Suspend"]').click();
  await p.fill('input[name="reason"]', 'Maintenance Window');
  await p.locator('[data-confirm]').click();
  await p.locator('.badge.s-suspended').waitFor();
  await eventually('the suspend reason', async () => ((await fact(p, 'Suspended because').innerText()) === 'Maintenance Window' ? true : undefined));
  assert.deepEqual(await actionsOf(p), ['Resume', 'Terminate', 'Raise event']);
  await screenshot(p, 'instance-suspended');

  await p.locator('[data-action="Terminate"]').click();
  await p.fill('input[name="reason"]', 'Replaced By V2');
  await p.locator('[data-confirm]').click();
  await p.locator('.badge.s-terminated').waitFor();
  // The status turns TERMINATED at once; the reason is in the history the next episode writes,
  // which the page reloads when the instance's lastUpdatedAt moves.
  const reason = async () => ((await fact(p, 'Terminated because').count()) === 1 ? fact(p, 'Terminated because').innerText() : undefined);
  await eventually('the terminate reason', async () => ((await reason()) === 'Replaced By V2' ? true : undefined));
  const done = (await call(http, 'GET', '/v1/taskhubs/orchestrations/Case-Check-1')).body;
  assert.equal(parseShownTime(await fact(p, 'Completed').innerText()), Date.parse(done.completedAt));
  assert.match(await fact(p, 'Duration').innerText(), /^\d+(\.\d+)? (ms|s)$/);
  assert.deepEqual(await actionsOf(p), ['Restart', 'Purge'], 'what a finished instance allows');

  await p.getByRole('button', { name: 'History' }).click();
  const times = await p.locator('[data-testid="event-time"]').allInnerTexts();
  assert.ok(times.length >= 4);
  for (const t of times) assert.match(t, timePattern(ZONE));
  await screenshot(p, 'instance-terminated');
});

it('timers: a wait on a timer or an event shows both, open bars end with the instance, timerFired shows when it fired', async ({ client: c, page: p, base, server }) => {
  const http = server.httpAddress;
  await start(http, { name: 'race', instanceId: 'race-1' });
  await c.waitForOrchestrationStart('race-1');
  await p.goto(`${base}/hubs/default/orchestrations/race-1`);
  const timeline = p.locator('[data-testid="timeline"]');
  await timeline.getByText('Waiting for the timer or an external event').waitFor();
  assert.equal(await timeline.locator('.tl-row[data-kind="timer"][data-outcome="running"]').count(), 1);
  await screenshot(p, 'instance-timer-or-event');

  await c.raiseOrchestrationEvent('race-1', 'go', 1);
  assert.equal((await waitForDone(c, 'race-1')).serializedOutput, '"event"');
  await p.locator('.badge.s-completed').waitFor();
  await timeline.getByText('Wait for go').waitFor();
  const endedAt = Date.parse((await call(http, 'GET', '/v1/taskhubs/orchestrations/race-1')).body.completedAt);
  const timer = timeline.locator('.tl-row[data-kind="timer"]');
  assert.equal(await timer.getAttribute('data-outcome'), 'ended');
  assert.equal(Number(await timer.locator('.tl-bar').getAttribute('data-end')), endedAt, 'the timer bar ends when the instance ended');
  assert.match(await timer.locator('.tl-dur').innerText(), /cut short/);
  assert.match(await timer.locator('.tl-label').innerText(), new RegExp(`Timer → \\d{4}-.* ${ZONE.replace('+', '\\+')}`));

  await start(http, { name: 'sleeper', instanceId: 'sleeper-1' });
  await waitForDone(c, 'sleeper-1');
  await p.goto(`${base}/hubs/default/orchestrations/sleeper-1?tab=history`);
  await p.locator('[data-testid="history"] tr', { hasText: 'timerFired' }).waitFor();
  const shown = async (kind: string) => parseShownTime(await p.locator('[data-testid="history"] tr', { hasText: kind }).locator('[data-testid="event-time"]').innerText());
  const events: Json[] = (await call(http, 'GET', '/v1/taskhubs/orchestrations/sleeper-1/history')).body;
  const fired = events.find((e) => e.kind === 'timerFired');
  assert.equal(await shown('timerFired'), fired.fireAt, 'the time it fired, not when it was scheduled');
  assert.ok((await shown('timerFired')) - (await shown('timerCreated')) >= 800, 'a 1 s timer fires about 1 s after it is created');
});

it('the list: sort by last update, a duration column, the page number and its position in the URL', async ({ client: c, page: p, base, server }) => {
  const http = server.httpAddress;
  const ids = Array.from({ length: 30 }, (_, i) => `pg-${String(i).padStart(2, '0')}`);
  for (const instanceId of ids) await start(http, { name: 'noop', instanceId });
  for (const id of ids) await waitForDone(c, id);
  const firstRow = () => p.locator('[data-testid="orchestrations"] tbody tr').first().locator('td.mono').innerText();
  const rowCount = () => p.locator('[data-testid="orchestrations"] tbody tr').count();

  await p.goto(`${base}/hubs/default/orchestrations?q=pg-`);
  await eventually('page 1', async () => ((await rowCount()) === 25 && (await firstRow()) === 'pg-29' ? true : undefined));
  for (const text of await p.locator('[data-testid="duration"]').allInnerTexts()) assert.match(text, /^\d+(\.\d+)? (ms|s)$/);
  await p.getByRole('button', { name: 'Next →' }).click();
  await eventually('page 2', async () => ((await rowCount()) === 5 && (await firstRow()) === 'pg-04' ? true : undefined));
  const page2 = new URL(p.url());
  assert.equal(page2.searchParams.get('page'), '2');
  assert.ok(page2.searchParams.get('at'), 'the page keeps its key-set position');
  await p.reload();
  await eventually('a reload stays on page 2', async () => ((await rowCount()) === 5 && (await firstRow()) === 'pg-04' ? true : undefined));
  assert.equal(await p.locator('[data-testid="page"]').innerText(), 'Page 2');
  await p.getByRole('button', { name: '← Previous' }).click();
  await eventually('back on page 1', async () => ((await firstRow()) === 'pg-29' ? true : undefined));
  assert.equal(new URL(p.url()).searchParams.get('page'), null);
  await p.goBack();
  await eventually('history back is page 2 again', async () => ((await firstRow()) === 'pg-04' && (await p.locator('[data-testid="page"]').innerText()) === 'Page 2' ? true : undefined));
  await p.goto(`${base}/hubs/default/orchestrations?q=pg-&page=2`);
  await eventually('a typed page number is read by offset', async () => ((await rowCount()) === 5 && (await firstRow()) === 'pg-04' ? true : undefined));

  // By last update: the one that changed last comes first, whatever its creation.
  for (const instanceId of ['lu-1', 'lu-2', 'lu-3']) await start(http, { name: 'statusful', instanceId });
  for (const id of ['lu-1', 'lu-2', 'lu-3']) await c.waitForOrchestrationStart(id);
  await c.raiseOrchestrationEvent('lu-1', 'go', 1);
  await waitForDone(c, 'lu-1');
  await p.goto(`${base}/hubs/default/orchestrations?q=lu-`);
  await eventually('newest created first', async () => ((await firstRow()) === 'lu-3' ? true : undefined));
  await p.locator('[data-sort="updated"]').click();
  await eventually('last updated first', async () => ((await firstRow()) === 'lu-1' ? true : undefined));
  assert.equal(new URL(p.url()).searchParams.get('sort'), 'updated');
  const updated = (await p.locator('[data-testid="orchestrations"] tbody tr td:nth-child(7)').allInnerTexts()).map(parseShownTime);
  assert.deepEqual(updated, [...updated].sort((a, b) => b - a), 'newest update first');
  await p.locator('[data-sort="updated"]').click();
  await eventually('oldest update first', async () => (new URL(p.url()).searchParams.get('dir') === 'asc' && (await firstRow()) !== 'lu-1' ? true : undefined));
  await screenshot(p, 'list-by-last-update');
});

it("a task hub's dashboardUrl opens that hub's page", async ({ page: p, base, server }) => {
  const http = server.httpAddress;
  const rg = '/subscriptions/default/resourceGroups/rg-links';
  assert.equal((await call(http, 'PUT', rg, { location: 'local' }, null)).status, 201);
  const sched = await call(http, 'PUT', `${rg}/providers/Microsoft.DurableTask/schedulers/Links`, { location: 'local', properties: { ipAllowlist: ['0.0.0.0/0'], sku: { name: 'Dedicated', capacity: 1 } } }, null);
  assert.equal(sched.status, 201, JSON.stringify(sched.body));
  const hub = await call(http, 'PUT', `${rg}/providers/Microsoft.DurableTask/schedulers/Links/taskHubs/orders`, {}, null);
  assert.equal(hub.status, 201, JSON.stringify(hub.body));
  await p.goto(hub.body.properties.dashboardUrl);
  await p.getByText('No orchestrations match these filters.').waitFor();
  assert.equal(await p.locator('.side-hub').innerText(), 'default/rg-links/links/orders', 'the hub, named as on the data plane, in its real case');
});

it('a missing instance is not polled again', async ({ page: p, base }) => {
  // The page's timers run on a clock the test moves by hand: a minute of polling takes no time.
  await p.clock.install();
  const asked = { existing: 0, missing: 0 };
  p.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/v1/taskhubs/orchestrations/pg-00') asked.existing++;
    if (path === '/v1/taskhubs/orchestrations/no-such-instance') asked.missing++;
  });
  await p.goto(`${base}/hubs/default/orchestrations/pg-00`);
  await p.locator('.badge.s-completed').waitFor();
  await p.clock.runFor(12_000);
  await eventually('an instance that exists is polled', async () => (asked.existing >= 3 ? true : undefined));

  await p.goto(`${base}/hubs/default/orchestrations/no-such-instance`);
  await p.locator('[data-testid="gone"]', { hasText: 'no longer refreshes' }).waitFor();
  await p.clock.runFor(60_000);
  await p.locator('[data-testid="gone"]').waitFor();
  assert.equal(asked.missing, 1, 'one request, then no more');
});
