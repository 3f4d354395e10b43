/**
 * Execution ids as `@microsoft/durabletask-js` sees them: the server mints every one as 32
 * lowercase hex characters without dashes, as the Azure service does, for a start, a
 * sub-orchestration, each continue-as-new generation, a restart and a rewind. The SDK derives
 * default child instance ids from them (`<executionId>:<4 hex>`), so the format shows there too.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { OrchestrationStatus, type OrchestrationContext, type TaskHubGrpcClient } from "@microsoft/durabletask-js";
import { msHarness, waitForDone } from "../support/sdk-ms.ts";
import { uniqueId } from "../support/wait.ts";

const dtsExecutionId = /^[0-9a-f]{32}$/;
const failedOnce = new Set<string>();

async function* leaf(): AsyncGenerator<never, string> {
  return "leaf";
}

/** Calls a child with the SDK's default id, then continues as new until `generations` is 0. */
async function* spawner(ctx: OrchestrationContext, generations: number): AsyncGenerator<unknown, unknown> {
  yield ctx.callSubOrchestrator(leaf);
  if (generations > 0) {
    ctx.continueAsNew(generations - 1, false);
    return undefined;
  }
  return "done";
}

/** Fails on its first run per instance, so it can be rewound. */
async function* failsOnce(ctx: OrchestrationContext): AsyncGenerator<unknown, string> {
  yield ctx.createTimer(ctx.currentUtcDateTime);
  if (!failedOnce.has(ctx.instanceId)) {
    failedOnce.add(ctx.instanceId);
    throw new Error("first run fails");
  }
  return "ok";
}

const { it } = msHarness((w) => {
  w.addOrchestrator(leaf);
  w.addOrchestrator(spawner);
  w.addOrchestrator(failsOnce);
});

/** The execution id in the instance's ExecutionStarted event, and its children's ids. */
async function executionOf(c: TaskHubGrpcClient, instanceId: string): Promise<{ executionId: string; childIds: string[] }> {
  const history = await c.getOrchestrationHistory(instanceId);
  const started = history.find((e) => e.type === "ExecutionStarted") as { orchestrationInstance?: { executionId?: string } } | undefined;
  const childIds = history.filter((e) => e.type === "SubOrchestrationInstanceCreated").map((e) => (e as { instanceId?: string }).instanceId ?? "");
  return { executionId: started?.orchestrationInstance?.executionId ?? "", childIds };
}

it("start, sub-orchestration, continue-as-new, restart and rewind all mint 32-hex execution ids", async (c) => {
  const id = uniqueId("exec-ids");
  await c.scheduleNewOrchestration(spawner, 2, id);
  assert.equal((await waitForDone(c, id)).runtimeStatus, OrchestrationStatus.COMPLETED);
  const afterContinues = await executionOf(c, id);
  assert.match(afterContinues.executionId, dtsExecutionId, "the last continue-as-new generation");
  assert.equal(afterContinues.childIds.length, 1);
  const [childId] = afterContinues.childIds as [string];
  assert.match(childId, /^[0-9a-f]{32}:[0-9a-f]{4}$/, "the SDK's default child id");
  assert.ok(childId.startsWith(`${afterContinues.executionId}:`), "the child id comes from the parent's execution id");
  assert.match((await executionOf(c, childId)).executionId, dtsExecutionId, "a sub-orchestration");

  await c.restartOrchestration(id, false);
  await waitForDone(c, id);
  const restarted = await executionOf(c, id);
  assert.match(restarted.executionId, dtsExecutionId, "a restart");
  assert.notEqual(restarted.executionId, afterContinues.executionId);

  const started = await c.scheduleNewOrchestration(failsOnce, undefined, uniqueId("exec-ids-rewind"));
  assert.equal((await waitForDone(c, started)).runtimeStatus, OrchestrationStatus.FAILED);
  const first = await executionOf(c, started);
  assert.match(first.executionId, dtsExecutionId, "a start");
  await c.rewindInstance(started, "again");
  assert.equal((await waitForDone(c, started)).runtimeStatus, OrchestrationStatus.COMPLETED);
  const rewound = await executionOf(c, started);
  assert.match(rewound.executionId, dtsExecutionId, "a rewind");
  assert.notEqual(rewound.executionId, first.executionId);
});
