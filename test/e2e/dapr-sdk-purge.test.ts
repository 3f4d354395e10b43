/**
 * End to end with `@dapr/durabletask-js` against the real `dts serve` process: the one
 * management call that SDK has, purgeOrchestration, by id and by filter. Only finished instances
 * are purged; a running one counts 0 and keeps running.
 * Loads only the Dapr SDK (never the Microsoft one: they clash in one process).
 */
import assert from "node:assert/strict";
import type { ActivityContext, OrchestrationContext } from "@dapr/durabletask-js";
import { OrchestrationStatus } from "@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js";
import { PurgeInstanceCriteria } from "@dapr/durabletask-js/orchestration/orchestration-purge-criteria.js";
import { daprHarness, silenceDaprConsole, waitForDone, waitForStart } from "../support/sdk-dapr.ts";
import { uniqueId } from "../support/wait.ts";

silenceDaprConsole();

const { it } = daprHarness((w) => {
  w.addOrchestrator(hello);
  w.addOrchestrator(waitForever);
  w.addActivity(greet);
});

const greet = async (_ctx: ActivityContext, name: string): Promise<string> => `Hello, ${name}!`;

async function* hello(ctx: OrchestrationContext, name: string): AsyncGenerator<unknown, unknown> {
  return yield ctx.callActivity(greet, name);
}

async function* waitForever(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  return yield ctx.waitForExternalEvent("never");
}

it("purgeOrchestration by id: finished purged with its history, running and unknown count 0", async (c) => {
  const [done, running] = [uniqueId("dapr-purge"), uniqueId("dapr-running")];
  await c.scheduleNewOrchestration(hello, "x", done);
  await waitForDone(c, done);
  await c.scheduleNewOrchestration(waitForever, undefined, running);
  await waitForStart(c, running);
  assert.equal((await c.purgeOrchestration(done))?.deletedInstanceCount, 1);
  assert.equal(await c.getOrchestrationState(done), undefined);
  assert.equal((await c.purgeOrchestration(running))?.deletedInstanceCount, 0);
  assert.equal((await c.getOrchestrationState(running))?.runtimeStatus, OrchestrationStatus.RUNNING);
  assert.equal((await c.purgeOrchestration(uniqueId("unknown")))?.deletedInstanceCount, 0);
  await c.terminateOrchestration(running, "cleanup");
});

it("purgeOrchestration by filter: finished instances in the window go, others stay", async (c) => {
  const from = new Date(Date.now() - 1);
  const ids = [uniqueId("dapr-f1"), uniqueId("dapr-f2"), uniqueId("dapr-f3")];
  for (const id of ids) await c.scheduleNewOrchestration(hello, id, id);
  for (const id of ids) await waitForDone(c, id);
  const running = uniqueId("dapr-f-running");
  await c.scheduleNewOrchestration(waitForever, undefined, running);
  await waitForStart(c, running);
  const criteria = new PurgeInstanceCriteria();
  criteria.setCreatedTimeFrom(from);
  criteria.setRuntimeStatusList([OrchestrationStatus.COMPLETED, OrchestrationStatus.RUNNING]);
  const result = await c.purgeOrchestration(criteria);
  assert.ok((result?.deletedInstanceCount ?? 0) >= 3);
  for (const id of ids) assert.equal(await c.getOrchestrationState(id), undefined, `${id} was not purged`);
  assert.equal((await c.getOrchestrationState(running))?.runtimeStatus, OrchestrationStatus.RUNNING);
  await c.terminateOrchestration(running, "cleanup");
});
