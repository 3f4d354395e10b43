/**
 * The dashboard at 420 px wide (a phone) in a real Chromium against a real server and SDK
 * worker: no page scrolls sideways (only a table inside its card may), and the actions stay in
 * the window and work, on a selection in the list and on an instance.
 */
import assert from 'node:assert/strict';
import { OrchestrationStatus, type OrchestrationContext } from '@microsoft/durabletask-js';
import type { Locator } from 'playwright-core';
import { waitForDone } from '../support/sdk-ms.ts';
import { eventually } from '../support/wait.ts';
import { assertNoSidewaysScroll, browserFixture, screenshot } from './browser-support.ts';

const WIDTH = 420;

async function* approval(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const answer: unknown = yield ctx.waitForExternalEvent('approve');
  yield ctx.createTimer(0.1);
  return { approved: answer };
}

const { it } = browserFixture({ browser: { viewport: { width: WIDTH, height: 860 } }, register: (w) => w.addOrchestrator(approval) });

/** In the window (not cut off on the right) and clickable. */
async function assertReachable(button: Locator, what: string): Promise<void> {
  const box = await button.boundingBox();
  assert.ok(box !== null && box.x >= 0 && box.x + box.width <= WIDTH, `${what} is outside the ${WIDTH} px window: ${JSON.stringify(box)}`);
  await button.click({ trial: true });
}

it(`at ${WIDTH} px no page scrolls sideways and the actions are in reach`, async ({ client: c, page: p, base }) => {
  const ids = ['narrow-1', 'narrow-2', 'a-rather-long-instance-id-that-does-not-fit-a-phone-screen-0123456789'];
  for (const id of ids) await c.scheduleNewOrchestration(approval, undefined, id);
  for (const id of ids) await c.waitForOrchestrationStart(id);

  await p.goto(`${base}/`);
  await p.getByText('orchestrations').first().waitFor();
  await assertNoSidewaysScroll(p, 'task hubs');
  await screenshot(p, 'narrow-home');

  await p.goto(`${base}/hubs/default/orchestrations`);
  await p.locator('tbody tr').nth(2).waitFor();
  await assertNoSidewaysScroll(p, 'orchestration list');
  await p.getByLabel('Select narrow-1').check();
  const suspend = p.locator('.selbar [data-action="Suspend"]');
  await assertReachable(suspend, 'the selection\'s Suspend');
  await assertNoSidewaysScroll(p, 'orchestration list with a selection');
  await screenshot(p, 'narrow-list');
  await suspend.click();
  await p.locator('[data-confirm]').click();
  await eventually('suspended', async () => ((await c.getOrchestrationState('narrow-1'))?.runtimeStatus === OrchestrationStatus.SUSPENDED ? true : undefined));

  await p.goto(`${base}/hubs/default/orchestrations/${ids[2]}`);
  const raise = p.locator('[data-action="Raise event"]');
  await raise.waitFor();
  for (const action of ['Suspend', 'Terminate', 'Raise event']) await assertReachable(p.locator(`[data-action="${action}"]`), action);
  await assertNoSidewaysScroll(p, 'instance');
  await screenshot(p, 'narrow-instance');
  await raise.click();
  await p.fill('input[name="name"]', 'approve');
  await assertReachable(p.locator('[data-confirm]'), 'the dialog\'s confirm');
  await p.locator('[data-confirm]').click();
  assert.equal((await waitForDone(c, ids[2] as string)).runtimeStatus, OrchestrationStatus.COMPLETED);
  await p.locator('.badge.s-completed').waitFor();
  await p.locator('[data-testid="timeline"]').getByText('Wait for approve').waitFor();
  await assertNoSidewaysScroll(p, 'timeline');
  await screenshot(p, 'narrow-timeline');
  await p.getByRole('button', { name: 'History' }).click();
  await p.locator('[data-testid="history"]').waitFor();
  await assertNoSidewaysScroll(p, 'history');

  for (const [section, ready] of [['workers', 'worker-'], ['entities', 'No entities.'], ['new', 'Start orchestration']] as const) {
    await p.goto(`${base}/hubs/default/${section}`);
    await p.getByText(ready).first().waitFor();
    await assertNoSidewaysScroll(p, section);
  }
  await screenshot(p, 'narrow-new');
});
