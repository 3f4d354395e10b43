/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: worker-
 * assisted rewind beyond the SDK catalogue's `rewind` scenario. A failed child that was purged
 * is created again, the rewound history, and the negative cases. Activities fail on their
 * first run (module-level flags) and succeed after the rewind.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { OrchestrationStatus, type ActivityContext, type OrchestrationContext } from "@microsoft/durabletask-js";
import { assertGrpcStatus, GrpcStatus } from "../support/grpc-status.ts";
import { msHarness, waitForDone } from "../support/sdk-ms.ts";
import { uniqueId } from "../support/wait.ts";

const { it } = msHarness((w) => {
  w.addOrchestrator(flakyOrchestrator);
  w.addOrchestrator(parentOfFlaky);
  w.addOrchestrator(quick);
  w.addActivity(flaky);
  w.addActivity(steady);
});

/** Keys whose first run already failed: the activity fails once per key, then succeeds. */
const failedOnce = new Set<string>();

const flaky = async (_ctx: ActivityContext, key: string): Promise<string> => {
  if (!failedOnce.has(key)) {
    failedOnce.add(key);
    throw new Error(`first run of ${key} fails`);
  }
  return `ok ${key}`;
};

const steady = async (_ctx: ActivityContext, value: string): Promise<string> => `steady ${value}`;

async function* flakyOrchestrator(ctx: OrchestrationContext, key: string): AsyncGenerator<unknown, unknown> {
  const before: unknown = yield ctx.callActivity(steady, key);
  const result: unknown = yield ctx.callActivity(flaky, key);
  return [before, result];
}

async function* parentOfFlaky(ctx: OrchestrationContext, input: { key: string; childId: string }): AsyncGenerator<unknown, unknown> {
  const fromChild: unknown = yield ctx.callSubOrchestrator(flakyOrchestrator, input.key, { instanceId: input.childId });
  return { fromChild };
}

async function* quick(): AsyncGenerator<unknown, unknown> {
  return "done";
}

it("rewindInstance: a purged failed child is created again", async (c) => {
  const id = uniqueId("rewind-purged-parent");
  const childId = uniqueId("rewind-purged-child");
  const key = uniqueId("purged-key");
  await c.scheduleNewOrchestration(parentOfFlaky, { key, childId }, id);
  assert.equal((await waitForDone(c, id)).runtimeStatus, OrchestrationStatus.FAILED);
  assert.equal((await c.purgeOrchestration(childId))?.deletedInstanceCount, 1);
  await c.rewindInstance(id, "child was purged");
  const done = await waitForDone(c, id);
  assert.equal(done.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(done.failureDetails));
  assert.equal((await c.getOrchestrationState(childId))?.runtimeStatus, OrchestrationStatus.COMPLETED);
  const types = (await c.getOrchestrationHistory(id)).map((e) => String(e.type));
  assert.ok(types.includes("ExecutionRewound"), "the rewind is recorded in the history");
  assert.ok(!types.includes("SubOrchestrationInstanceFailed"), "the failure was removed from the history");
  assert.equal(types.filter((t) => t === "ExecutionCompleted").length, 1);
});

it("rewindInstance: NOT_FOUND for an unknown id, FAILED_PRECONDITION unless FAILED", async (c) => {
  await assertGrpcStatus(c.rewindInstance(uniqueId("nope"), "x"), GrpcStatus.NOT_FOUND, "unknown");
  const id = uniqueId("rewind-completed");
  await c.scheduleNewOrchestration(quick, undefined, id);
  await waitForDone(c, id);
  await assertGrpcStatus(c.rewindInstance(id, "x"), GrpcStatus.FAILED_PRECONDITION, "completed");
});
