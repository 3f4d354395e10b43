/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: the basic
 * orchestration shapes (empty, activity sequence, fan-out/fan-in, sub-orchestrations, timers),
 * payload round trips (falsy values, tags, custom status) and the client's instance lookups
 * (duplicate start, unknown id).
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import {
  OrchestrationStatus,
  whenAll,
  type ActivityContext,
  type OrchestrationContext,
  type TaskHubGrpcWorker,
} from "@microsoft/durabletask-js";
import { assertGrpcStatus, GrpcStatus } from "../support/grpc-status.ts";
import { msHarness, outputOf, waitForDone } from "../support/sdk-ms.ts";
import { eventually, uniqueId } from "../support/wait.ts";

const { it } = msHarness(register);

// ---- orchestrators and activities -------------------------------------------------------

async function* emptyOrchestrator(_ctx: OrchestrationContext, input: unknown): AsyncGenerator<never, unknown> {
  return input;
}

async function noOutputOrchestrator(_ctx: OrchestrationContext): Promise<void> {
  // Schedules nothing and returns nothing: the SDK completes it in its first episode.
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
  for (let i = 0; i < count; i += 1) tasks.push(ctx.callActivity<number, number>("square", i));
  const squares: number[] = yield whenAll(tasks);
  return squares.reduce((sum, n) => sum + n, 0);
}

async function* childOrchestrator(ctx: OrchestrationContext, n: number): AsyncGenerator<unknown, number> {
  const squared: number = yield ctx.callActivity("square", n);
  return squared + 1;
}

async function* parentOrchestrator(ctx: OrchestrationContext, input: { n: number; childId: string }): AsyncGenerator<unknown, unknown> {
  const fromChild: number = yield ctx.callSubOrchestrator("childOrchestrator", input.n, { instanceId: input.childId });
  return { fromChild, parentId: ctx.instanceId };
}

async function* subFanOutOrchestrator(ctx: OrchestrationContext, count: number): AsyncGenerator<unknown, number> {
  const tasks = [];
  // No instance ids: the SDK derives them (`<executionId>:<action id>`).
  for (let i = 0; i < count; i += 1) tasks.push(ctx.callSubOrchestrator<number, number>("childOrchestrator", i));
  const results: number[] = yield whenAll(tasks);
  return results.reduce((sum, n) => sum + n, 0);
}

async function* timerOrchestrator(ctx: OrchestrationContext, seconds: number): AsyncGenerator<unknown, unknown> {
  const startedAt = ctx.currentUtcDateTime.getTime();
  yield ctx.createTimer(seconds);
  const afterRelative = ctx.currentUtcDateTime.getTime();
  yield ctx.createTimer(new Date(afterRelative + 500));
  // Episode clocks come from the server's OrchestratorStarted events; the timer fired no earlier
  // than its fireAt, so the later episode's clock cannot be before it.
  return { waitedAtLeastMs: afterRelative - startedAt, done: "timers fired" };
}

function identity(_ctx: ActivityContext, value: unknown): unknown {
  return value;
}

async function* falsyOrchestrator(ctx: OrchestrationContext, input: unknown): AsyncGenerator<unknown, unknown> {
  const fromActivity: unknown = yield ctx.callActivity("identity", input);
  return fromActivity;
}

async function* startTimeOrchestrator(ctx: OrchestrationContext): AsyncGenerator<never, number> {
  // The first episode's clock: when the server let the instance start.
  return ctx.currentUtcDateTime.getTime();
}

async function* customStatusOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, string> {
  ctx.setCustomStatus({ stage: "waiting", progress: 0.5, tags: ["a", "b"] });
  const go: string = yield ctx.waitForExternalEvent("go");
  ctx.setCustomStatus({ stage: "done", go });
  return "finished";
}

async function* waitForeverOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const value: unknown = yield ctx.waitForExternalEvent("never-raised");
  return value;
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("emptyOrchestrator", emptyOrchestrator);
  w.addNamedOrchestrator("noOutputOrchestrator", noOutputOrchestrator);
  w.addNamedOrchestrator("sequenceOrchestrator", sequenceOrchestrator);
  w.addNamedOrchestrator("fanOutOrchestrator", fanOutOrchestrator);
  w.addNamedOrchestrator("childOrchestrator", childOrchestrator);
  w.addNamedOrchestrator("parentOrchestrator", parentOrchestrator);
  w.addNamedOrchestrator("subFanOutOrchestrator", subFanOutOrchestrator);
  w.addNamedOrchestrator("timerOrchestrator", timerOrchestrator);
  w.addNamedOrchestrator("falsyOrchestrator", falsyOrchestrator);
  w.addNamedOrchestrator("customStatusOrchestrator", customStatusOrchestrator);
  w.addNamedOrchestrator("startTimeOrchestrator", startTimeOrchestrator);
  w.addNamedOrchestrator("waitForeverOrchestrator", waitForeverOrchestrator);
  w.addNamedActivity("greet", greet);
  w.addNamedActivity("square", square);
  w.addNamedActivity("identity", identity);
}

// ---- scenarios -----------------------------------------------------------------------------

it("empty orchestration completes with its input as output", async (c) => {
  const id = uniqueId("ms-empty");
  const returned = await c.scheduleNewOrchestration("emptyOrchestrator", { hello: "world" }, id);
  assert.equal(returned, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.equal(state.name, "emptyOrchestrator");
  assert.equal(state.instanceId, id);
  assert.deepEqual(JSON.parse(state.serializedInput ?? "null"), { hello: "world" });
  assert.deepEqual(outputOf(state), { hello: "world" });
});

it("orchestration without output completes with no output", async (c) => {
  const id = uniqueId("ms-nooutput");
  await c.scheduleNewOrchestration("noOutputOrchestrator", undefined, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.ok(state.serializedOutput === undefined || state.serializedOutput === "", `output: ${state.serializedOutput}`);
});

it("activity sequence returns every result in order", async (c) => {
  const id = uniqueId("ms-sequence");
  const cities = ["Tokyo", "Seattle", "London", "Paris", "Lagos"];
  await c.scheduleNewOrchestration("sequenceOrchestrator", cities, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), cities.map((city) => `Hello, ${city}!`));
});

it("fan-out/fan-in of 100 activities sums every result", async (c) => {
  const id = uniqueId("ms-fanout");
  await c.scheduleNewOrchestration("fanOutOrchestrator", 100, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  // Sum of i^2 for i in 0..99.
  assert.equal(outputOf(state), 328_350);
});

it("sub-orchestration with an explicit id returns its result to the parent", async (c) => {
  const id = uniqueId("ms-parent");
  const childId = `${id}-child`;
  await c.scheduleNewOrchestration("parentOrchestrator", { n: 7, childId }, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { fromChild: 50, parentId: id });
  const child = await c.getOrchestrationState(childId);
  assert.ok(child, "the child instance exists");
  assert.equal(child.runtimeStatus, OrchestrationStatus.COMPLETED);
  assert.equal(child.name, "childOrchestrator");
  assert.equal(outputOf(child), 50);
});

it("fan-out of 10 sub-orchestrations with default ids", async (c) => {
  const id = uniqueId("ms-subfanout");
  await c.scheduleNewOrchestration("subFanOutOrchestrator", 10, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  // Sum of (i^2 + 1) for i in 0..9.
  assert.equal(outputOf(state), 295);
});

it("durable timers fire (relative seconds and absolute date)", async (c) => {
  const id = uniqueId("ms-timer");
  await c.scheduleNewOrchestration("timerOrchestrator", 1, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  const output = outputOf(state) as { waitedAtLeastMs: number; done: string };
  assert.equal(output.done, "timers fired");
  // A timer never fires before its fireAt (a few ms of slack for timestamp rounding only).
  assert.ok(output.waitedAtLeastMs >= 995, `the episode after a 1 s timer started ${output.waitedAtLeastMs} ms after the first`);
});

for (const value of [0, "", false, null] as const) {
  it(`falsy value ${JSON.stringify(value)} round-trips through input, activity and output`, async (c) => {
    const id = uniqueId("ms-falsy");
    await c.scheduleNewOrchestration("falsyOrchestrator", value, id);
    const state = await waitForDone(c, id);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.equal(state.serializedInput, JSON.stringify(value));
    assert.equal(state.serializedOutput, JSON.stringify(value));
    assert.equal(outputOf(state), value);
  });
}

it("non-ASCII text round-trips through input, activity and output", async (c) => {
  const id = uniqueId("ms-unicode");
  const value = { text: "Hello, 世界! 👋 Ünïcödé", nested: ["ø", "\u0000", "\n"] };
  await c.scheduleNewOrchestration("falsyOrchestrator", value, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), value);
});

it("payloads are returned only when asked for", async (c) => {
  const id = uniqueId("ms-payloads");
  await c.scheduleNewOrchestration("emptyOrchestrator", { big: "input" }, id);
  await waitForDone(c, id);
  const bare = await c.getOrchestrationState(id, false);
  assert.ok(bare, "the instance exists");
  assert.equal(bare.runtimeStatus, OrchestrationStatus.COMPLETED);
  assert.equal(bare.name, "emptyOrchestrator");
  assert.equal(bare.serializedInput, undefined);
  assert.equal(bare.serializedOutput, undefined);
  const full = await c.getOrchestrationState(id, true);
  assert.deepEqual(JSON.parse(full?.serializedInput ?? "null"), { big: "input" });
  assert.deepEqual(outputOf(full!), { big: "input" });
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

it("tags given at start are visible on the instance state", async (c) => {
  const id = uniqueId("ms-tags");
  const tags = { team: "e2e", purpose: "tags round trip", empty: "", "ключ": "значение" };
  await c.scheduleNewOrchestration("emptyOrchestrator", 1, { instanceId: id, tags });
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(state.tags, tags);
  const fetched = await c.getOrchestrationState(id, false);
  assert.deepEqual(fetched?.tags, tags, "tags are metadata, returned without payloads too");
});

it("custom status (an object) is visible while running and after completion", async (c) => {
  const id = uniqueId("ms-custom");
  await c.scheduleNewOrchestration("customStatusOrchestrator", undefined, id);
  const waiting = await eventually("the first custom status", async () => {
    const state = await c.getOrchestrationState(id);
    return state?.serializedCustomStatus ? state : undefined;
  });
  assert.deepEqual(JSON.parse(waiting.serializedCustomStatus ?? ""), { stage: "waiting", progress: 0.5, tags: ["a", "b"] });
  assert.equal(waiting.runtimeStatus, OrchestrationStatus.RUNNING);
  const withoutPayloads = await c.getOrchestrationState(id, false);
  assert.equal(withoutPayloads?.serializedCustomStatus ?? undefined, undefined, "no custom status unless payloads are asked for");
  await c.raiseOrchestrationEvent(id, "go", "now");
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(JSON.parse(state.serializedCustomStatus ?? ""), { stage: "done", go: "now" });
  assert.equal(outputOf(state), "finished");
});

it("starting a running instance again fails with ALREADY_EXISTS", async (c) => {
  const id = uniqueId("ms-dup");
  await c.scheduleNewOrchestration("waitForeverOrchestrator", undefined, id);
  await c.waitForOrchestrationStart(id, false, 30);
  const details = await assertGrpcStatus(
    c.scheduleNewOrchestration("waitForeverOrchestrator", undefined, id),
    GrpcStatus.ALREADY_EXISTS,
    "duplicate start",
  );
  assert.ok(details.length > 0, "the status carries a message");
  // The original instance is untouched.
  const state = await c.getOrchestrationState(id);
  assert.equal(state?.runtimeStatus, OrchestrationStatus.RUNNING);
  await c.terminateOrchestration(id, "cleanup");
  await waitForDone(c, id);
});

it("an unknown instance id is reported as not existing", async (c) => {
  const id = uniqueId("ms-unknown");
  assert.equal(await c.getOrchestrationState(id), undefined);
  assert.equal(await c.getOrchestrationState(id, false), undefined);
  assert.equal(await c.waitForOrchestrationStart(id, false, 10), undefined);
  assert.equal(await c.waitForOrchestrationCompletion(id, true, 10), undefined);
});
