/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: what the
 * SDK catalogue (test/sdk/catalogue.json) does not cover of an instance's state. Payloads and
 * custom status only when asked for, tags always; a scheduled start time.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { OrchestrationStatus, type OrchestrationContext, type TaskHubGrpcWorker } from "@microsoft/durabletask-js";
import { msHarness, outputOf, waitForDone } from "../support/sdk-ms.ts";
import { uniqueId } from "../support/wait.ts";

const { it } = msHarness(register);

async function* statusThenEchoOrchestrator(ctx: OrchestrationContext, input: unknown): AsyncGenerator<never, unknown> {
  ctx.setCustomStatus({ stage: "done" });
  return input;
}

async function* startTimeOrchestrator(ctx: OrchestrationContext): AsyncGenerator<never, number> {
  // The first episode's clock: when the server let the instance start.
  return ctx.currentUtcDateTime.getTime();
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("statusThenEchoOrchestrator", statusThenEchoOrchestrator);
  w.addNamedOrchestrator("startTimeOrchestrator", startTimeOrchestrator);
}

it("input, output and custom status are returned only when asked for; tags always", async (c) => {
  const id = uniqueId("ms-payloads");
  const tags = { team: "e2e", "ключ": "значение" };
  await c.scheduleNewOrchestration("statusThenEchoOrchestrator", { big: "input" }, { instanceId: id, tags });
  await waitForDone(c, id);
  const bare = await c.getOrchestrationState(id, false);
  assert.ok(bare, "the instance exists");
  assert.equal(bare.runtimeStatus, OrchestrationStatus.COMPLETED);
  assert.equal(bare.name, "statusThenEchoOrchestrator");
  assert.equal(bare.serializedInput, undefined);
  assert.equal(bare.serializedOutput, undefined);
  assert.equal(bare.serializedCustomStatus ?? undefined, undefined);
  assert.deepEqual(bare.tags, tags, "tags are metadata, returned without payloads too");
  const full = await c.getOrchestrationState(id, true);
  assert.deepEqual(JSON.parse(full?.serializedInput ?? "null"), { big: "input" });
  assert.deepEqual(outputOf(full!), { big: "input" });
  assert.deepEqual(JSON.parse(full?.serializedCustomStatus ?? "null"), { stage: "done" });
});

it("a scheduled start time keeps the instance PENDING until then", async (c) => {
  const id = uniqueId("ms-scheduled");
  const startAt = new Date(Date.now() + 2_000);
  await c.scheduleNewOrchestration("startTimeOrchestrator", undefined, { instanceId: id, startAt });
  const pending = await c.getOrchestrationState(id);
  assert.equal(pending?.runtimeStatus, OrchestrationStatus.PENDING);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  const firstEpisodeAt = outputOf(state) as number;
  assert.ok(firstEpisodeAt >= startAt.getTime() - 5, `first episode at ${new Date(firstEpisodeAt).toISOString()}, start time ${startAt.toISOString()}`);
});
