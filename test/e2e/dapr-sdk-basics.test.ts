/**
 * End to end with `@dapr/durabletask-js` 1.0.0 against the real `dts serve` process: the basic
 * orchestration shapes (empty, activity sequence, fan-out/fan-in, sub-orchestrations, timers),
 * payload round trips (falsy values, custom status as a raw string) and the client's instance
 * lookups (duplicate start, unknown id). Features this SDK lacks are listed as skipped tests
 * with the reason. The SDK never sends a task hub header: everything runs in hub `default`.
 * Loads only the Dapr SDK (never the Microsoft one: they clash in one process).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ActivityContext, OrchestrationContext, TaskHubGrpcWorker } from "@dapr/durabletask-js";
import { OrchestrationStatus } from "@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js";
import { whenAll } from "@dapr/durabletask-js/task/index.js";
import { assertGrpcStatus, GrpcStatus } from "../support/grpc-status.ts";
import { daprHarness, outputOf, silenceDaprConsole, waitForDone, waitForStart } from "../support/sdk-dapr.ts";
import { eventually, uniqueId } from "../support/wait.ts";

const { it } = daprHarness(register);

silenceDaprConsole();

// ---- orchestrators and activities -------------------------------------------------------
// This SDK only runs orchestrators that return an async iterator (it checks
// Symbol.asyncIterator), so generators are `async function*`.

async function* emptyOrchestrator(_ctx: OrchestrationContext, input: unknown): AsyncGenerator<never, unknown> {
  return input;
}

function greet(_ctx: ActivityContext, name: string): string {
  return `Hello, ${name}!`;
}

async function* sequenceOrchestrator(ctx: OrchestrationContext, cities: string[]): AsyncGenerator<unknown, string[]> {
  const greetings: string[] = [];
  for (const city of cities) {
    const greeting: string = yield ctx.callActivity("greet", city);
    greetings.push(greeting);
  }
  return greetings;
}

async function square(_ctx: ActivityContext, n: number): Promise<number> {
  return n * n;
}

async function* fanOutOrchestrator(ctx: OrchestrationContext, count: number): AsyncGenerator<unknown, number> {
  const tasks = [];
  // Inputs 1..count: this SDK drops a falsy activity output (square(0) would come back empty).
  for (let i = 1; i <= count; i += 1) tasks.push(ctx.callActivity<number, number>("square", i));
  const squares: number[] = yield whenAll(tasks);
  return squares.reduce((sum, n) => sum + n, 0);
}

async function* childOrchestrator(ctx: OrchestrationContext, n: number): AsyncGenerator<unknown, number> {
  const squared: number = yield ctx.callActivity("square", n);
  return squared + 1;
}

async function* parentOrchestrator(ctx: OrchestrationContext, input: { n: number; childId: string }): AsyncGenerator<unknown, unknown> {
  const fromChild: number = yield ctx.callSubOrchestrator("childOrchestrator", input.n, input.childId);
  return { fromChild, parentId: ctx.instanceId };
}

async function* subFanOutOrchestrator(ctx: OrchestrationContext, count: number): AsyncGenerator<unknown, number> {
  const tasks = [];
  // No instance ids: this SDK derives them as `<instanceId>:<action id>`.
  for (let i = 1; i <= count; i += 1) tasks.push(ctx.callSubOrchestrator<number, number>("childOrchestrator", i));
  const results: number[] = yield whenAll(tasks);
  return results.reduce((sum, n) => sum + n, 0);
}

async function* timerOrchestrator(ctx: OrchestrationContext, seconds: number): AsyncGenerator<unknown, string> {
  // This SDK computes fireAt from the wall clock; the server must keep the recorded fireAt.
  yield ctx.createTimer(seconds);
  yield ctx.createTimer(new Date(Date.now() + 500));
  return "timers fired";
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

async function* waitForeverOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const value: unknown = yield ctx.waitForExternalEvent("never-raised");
  return value;
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("emptyOrchestrator", emptyOrchestrator);
  w.addNamedOrchestrator("sequenceOrchestrator", sequenceOrchestrator);
  w.addNamedOrchestrator("fanOutOrchestrator", fanOutOrchestrator);
  w.addNamedOrchestrator("childOrchestrator", childOrchestrator);
  w.addNamedOrchestrator("parentOrchestrator", parentOrchestrator);
  w.addNamedOrchestrator("subFanOutOrchestrator", subFanOutOrchestrator);
  w.addNamedOrchestrator("timerOrchestrator", timerOrchestrator);
  w.addNamedOrchestrator("falsyOrchestrator", falsyOrchestrator);
  w.addNamedOrchestrator("customStatusOrchestrator", customStatusOrchestrator);
  w.addNamedOrchestrator("waitForeverOrchestrator", waitForeverOrchestrator);
  w.addNamedActivity("greet", greet);
  w.addNamedActivity("square", square);
  w.addNamedActivity("wrapIdentity", wrapIdentity);
}

// ---- scenarios -----------------------------------------------------------------------------

it("empty orchestration completes with its input as output", async (c) => {
  const id = uniqueId("dapr-empty");
  const returned = await c.scheduleNewOrchestration("emptyOrchestrator", { hello: "world" }, id);
  assert.equal(returned, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.equal(state.name, "emptyOrchestrator");
  assert.deepEqual(JSON.parse(state.serializedInput ?? "null"), { hello: "world" });
  assert.deepEqual(outputOf(state), { hello: "world" });
});

it("activity sequence returns every result in order", async (c) => {
  const id = uniqueId("dapr-sequence");
  const cities = ["Tokyo", "Seattle", "London", "Paris", "Lagos"];
  await c.scheduleNewOrchestration("sequenceOrchestrator", cities, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), cities.map((city) => `Hello, ${city}!`));
});

it("fan-out/fan-in of 100 activities sums every result", async (c) => {
  const id = uniqueId("dapr-fanout");
  await c.scheduleNewOrchestration("fanOutOrchestrator", 100, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  // Sum of i^2 for i in 1..100.
  assert.equal(outputOf(state), 338_350);
});

it("sub-orchestration with an explicit id returns its result to the parent", async (c) => {
  const id = uniqueId("dapr-parent");
  const childId = `${id}-child`;
  await c.scheduleNewOrchestration("parentOrchestrator", { n: 7, childId }, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { fromChild: 50, parentId: id });
  const child = await c.getOrchestrationState(childId);
  assert.ok(child, "the child instance exists");
  assert.equal(child.runtimeStatus, OrchestrationStatus.COMPLETED);
  assert.equal(outputOf(child), 50);
});

it("fan-out of 10 sub-orchestrations with default ids", async (c) => {
  const id = uniqueId("dapr-subfanout");
  await c.scheduleNewOrchestration("subFanOutOrchestrator", 10, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  // Sum of (i^2 + 1) for i in 1..10.
  assert.equal(outputOf(state), 395);
});

it("durable timers fire (relative seconds and absolute date)", async (c) => {
  const id = uniqueId("dapr-timer");
  await c.scheduleNewOrchestration("timerOrchestrator", 1, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.equal(outputOf(state), "timers fired");
});

for (const value of [0, "", false, null] as const) {
  it(`falsy value ${JSON.stringify(value)} round-trips through input, activity and output`, async (c) => {
    const id = uniqueId("dapr-falsy");
    await c.scheduleNewOrchestration("falsyOrchestrator", value, id);
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(state.serializedInput, JSON.stringify(value));
    assert.deepEqual(outputOf(state), { input: value, fromActivity: value });
  });
}

test("falsy values as bare activity or orchestration outputs", {
  skip: "@dapr/durabletask-js 1.0.0 drops falsy outputs itself (`output ? JSON.stringify(output) : undefined`)",
}, () => {});

test("tags on a started instance", { skip: "@dapr/durabletask-js 1.0.0 has no tags option" }, () => {});

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

it("starting a running instance again fails with ALREADY_EXISTS", async (c) => {
  const id = uniqueId("dapr-dup");
  await c.scheduleNewOrchestration("waitForeverOrchestrator", undefined, id);
  await waitForStart(c, id);
  await assertGrpcStatus(
    c.scheduleNewOrchestration("waitForeverOrchestrator", undefined, id),
    GrpcStatus.ALREADY_EXISTS,
    "duplicate start",
  );
  const state = await c.getOrchestrationState(id);
  assert.equal(state?.runtimeStatus, OrchestrationStatus.RUNNING);
  await c.terminateOrchestration(id, "cleanup");
  await waitForDone(c, id);
});

it("an unknown instance id is reported as not existing", async (c) => {
  const id = uniqueId("dapr-unknown");
  assert.equal(await c.getOrchestrationState(id), undefined);
  assert.equal(await c.getOrchestrationState(id, false), undefined);
});

it("raising an event to an unknown instance is NOT_FOUND", async (c) => {
  await assertGrpcStatus(c.raiseOrchestrationEvent(uniqueId("dapr-nobody"), "go", 1), GrpcStatus.NOT_FOUND, "raise to unknown");
});

it("invalid instance ids are INVALID_ARGUMENT", async (c) => {
  const tooLong = `${uniqueId("dapr-len")}-`.padEnd(101, "x");
  await assertGrpcStatus(c.scheduleNewOrchestration("emptyOrchestrator", 1, tooLong), GrpcStatus.INVALID_ARGUMENT, "101-char id");
  await assertGrpcStatus(c.scheduleNewOrchestration("emptyOrchestrator", 1, `@${uniqueId("dapr-at")}`), GrpcStatus.INVALID_ARGUMENT, "id starting with @");
  await assertGrpcStatus(c.scheduleNewOrchestration("emptyOrchestrator", 1, `${uniqueId("dapr")}-日本`), GrpcStatus.INVALID_ARGUMENT, "non-ASCII id");
});
