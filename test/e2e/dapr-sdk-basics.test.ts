/**
 * End to end with `@dapr/durabletask-js` 1.0.0 against the real `dts serve` process: what this
 * SDK does differently from the others, which the SDK catalogue (test/sdk/catalogue.json, column
 * js-dapr) cannot show. It drops falsy outputs itself, so falsy inputs are checked with the
 * outputs wrapped; it sends custom statuses as raw strings, and an empty one with every
 * completion. Loads only the Dapr SDK (never the Microsoft one: they clash in one process).
 */
import assert from "node:assert/strict";
import type { ActivityContext, OrchestrationContext, TaskHubGrpcWorker } from "@dapr/durabletask-js";
import { OrchestrationStatus } from "@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js";
import { daprHarness, outputOf, silenceDaprConsole, waitForDone } from "../support/sdk-dapr.ts";
import { eventually, uniqueId } from "../support/wait.ts";

const { it } = daprHarness(register);

silenceDaprConsole();

// This SDK only runs orchestrators that return an async iterator (it checks
// Symbol.asyncIterator), so generators are `async function*`.

async function* emptyOrchestrator(_ctx: OrchestrationContext, input: unknown): AsyncGenerator<never, unknown> {
  return input;
}

function wrapIdentity(_ctx: ActivityContext, wrapped: { value: unknown }): { value: unknown } {
  return wrapped;
}

async function* falsyOrchestrator(ctx: OrchestrationContext, input: unknown): AsyncGenerator<unknown, unknown> {
  // This SDK drops bare falsy outputs (`output ? JSON.stringify(output) : undefined`), so the
  // values travel inside objects on the way out; the inputs are bare.
  const fromActivity: { value: unknown } = yield ctx.callActivity("wrapIdentity", { value: input });
  return { input, fromActivity: fromActivity.value };
}

async function* customStatusOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, string> {
  ctx.setCustomStatus("waiting for go");
  const go: string = yield ctx.waitForExternalEvent("go");
  ctx.setCustomStatus(`done: ${go}`);
  return "finished";
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("emptyOrchestrator", emptyOrchestrator);
  w.addNamedOrchestrator("falsyOrchestrator", falsyOrchestrator);
  w.addNamedOrchestrator("customStatusOrchestrator", customStatusOrchestrator);
  w.addNamedActivity("wrapIdentity", wrapIdentity);
}

for (const value of [0, "", false, null] as const) {
  it(`falsy input ${JSON.stringify(value)} round-trips through the input and an activity`, async (c) => {
    const id = uniqueId("dapr-falsy");
    await c.scheduleNewOrchestration("falsyOrchestrator", value, id);
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(state.serializedInput, JSON.stringify(value));
    assert.deepEqual(outputOf(state), { input: value, fromActivity: value });
  });
}

it("custom status (a raw string) is visible while running and after completion", async (c) => {
  const id = uniqueId("dapr-custom");
  await c.scheduleNewOrchestration("customStatusOrchestrator", undefined, id);
  const waiting = await eventually("the first custom status", async () => {
    const state = await c.getOrchestrationState(id);
    return state?.serializedCustomStatus ? state : undefined;
  });
  // This SDK stores the string as is, not JSON-encoded.
  assert.equal(waiting.serializedCustomStatus, "waiting for go");
  assert.equal(waiting.runtimeStatus, OrchestrationStatus.RUNNING);
  await c.raiseOrchestrationEvent(id, "go", "now");
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.equal(state.serializedCustomStatus, "done: now");
  assert.equal(outputOf(state), "finished");
});

it("an orchestration that never sets a custom status has none", async (c) => {
  // This SDK sends an empty custom status with every completion; the server must treat it as none.
  const id = uniqueId("dapr-no-custom");
  await c.scheduleNewOrchestration("emptyOrchestrator", 1, id);
  const state = await waitForDone(c, id);
  assert.ok(state.serializedCustomStatus === undefined || state.serializedCustomStatus === "", `custom status: ${state.serializedCustomStatus}`);
});
