/**
 * End to end with `@dapr/durabletask-js` 1.0.0 against the real `dts serve` process: steering a
 * running orchestration (external events and timeouts, terminate, suspend/resume,
 * continue-as-new with carried events) and activity failures. Features this SDK lacks
 * (recursive terminate, sendEvent, retry policies) are listed as skipped tests with the reason.
 * Loads only the Dapr SDK (never the Microsoft one: they clash in one process).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ActivityContext, OrchestrationContext, TaskHubGrpcClient, TaskHubGrpcWorker } from "@dapr/durabletask-js";
import { OrchestrationStatus } from "@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js";
import { whenAny } from "@dapr/durabletask-js/task/index.js";
import type { Task } from "@dapr/durabletask-js/task/task.js";
import { daprHarness, outputOf, silenceDaprConsole, waitForDone, waitForStart } from "../support/sdk-dapr.ts";
import { eventually, sleep, uniqueId } from "../support/wait.ts";

const { it } = daprHarness(register);

silenceDaprConsole();

// ---- orchestrators and activities -------------------------------------------------------

async function* severalEventsOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const first: unknown = yield ctx.waitForExternalEvent("first");
  const second: unknown = yield ctx.waitForExternalEvent("second");
  const third: unknown = yield ctx.waitForExternalEvent("third");
  const items: unknown[] = [];
  for (let i = 0; i < 3; i += 1) items.push(yield ctx.waitForExternalEvent("item"));
  return { first, second, third, items };
}

async function* eventWithTimeoutOrchestrator(ctx: OrchestrationContext, timeoutS: number): AsyncGenerator<unknown, unknown> {
  const approval = ctx.waitForExternalEvent("approval");
  const timeout = ctx.createTimer(timeoutS);
  const winner: Task<unknown> = yield whenAny([approval, timeout]);
  if (winner === approval) return { approved: approval.getResult() };
  return "timed out";
}

async function* waitForeverOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const value: unknown = yield ctx.waitForExternalEvent("never-raised");
  return value;
}

async function* waitForGoOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const go: unknown = yield ctx.waitForExternalEvent("go");
  return { go };
}

interface CounterState {
  readonly generation: number;
  readonly received: readonly unknown[];
}

/**
 * One event per generation; every event raised during the run must reach some generation.
 * Each generation waits for its own event name (`item-<generation>`): this SDK drops an event
 * whose name it has already waited for in the same execution when no wait is pending (its
 * `_pendingEvents[name]` stays an empty array, which it takes for a waiter), so events of one
 * name could not be buffered and carried over reliably. Distinct names exercise the server's
 * carry-over path without tripping that SDK bug.
 */
async function* continueAsNewOrchestrator(ctx: OrchestrationContext, state: CounterState): AsyncGenerator<unknown, unknown> {
  const item: unknown = yield ctx.waitForExternalEvent(`item-${state.generation}`);
  const echoed: unknown = yield ctx.callActivity("identity", item);
  const next: CounterState = { generation: state.generation + 1, received: [...state.received, echoed] };
  if (next.generation > 10) return next;
  ctx.continueAsNew(next, true);
  return undefined;
}

function identity(_ctx: ActivityContext, value: unknown): unknown {
  return value;
}

function failActivity(_ctx: ActivityContext, message: string): never {
  throw new Error(message);
}

async function* failingOrchestrator(ctx: OrchestrationContext, message: string): AsyncGenerator<unknown, string> {
  yield ctx.callActivity("failActivity", message);
  return "unreachable";
}

async function* catchingOrchestrator(ctx: OrchestrationContext, message: string): AsyncGenerator<unknown, unknown> {
  try {
    yield ctx.callActivity("failActivity", message);
    return "unreachable";
  } catch (err) {
    const details = (err as { details?: { message: string; errorType: string } }).details;
    return { caught: true, message: details?.message, errorType: details?.errorType };
  }
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("severalEventsOrchestrator", severalEventsOrchestrator);
  w.addNamedOrchestrator("eventWithTimeoutOrchestrator", eventWithTimeoutOrchestrator);
  w.addNamedOrchestrator("waitForeverOrchestrator", waitForeverOrchestrator);
  w.addNamedOrchestrator("waitForGoOrchestrator", waitForGoOrchestrator);
  w.addNamedOrchestrator("continueAsNewOrchestrator", continueAsNewOrchestrator);
  w.addNamedOrchestrator("failingOrchestrator", failingOrchestrator);
  w.addNamedOrchestrator("catchingOrchestrator", catchingOrchestrator);
  w.addNamedActivity("identity", identity);
  w.addNamedActivity("failActivity", failActivity);
}

async function waitRunning(c: TaskHubGrpcClient, instanceId: string): Promise<void> {
  await eventually(`${instanceId} to be RUNNING`, async () => {
    const state = await c.getOrchestrationState(instanceId, false);
    return state?.runtimeStatus === OrchestrationStatus.RUNNING ? true : undefined;
  });
}

// ---- scenarios -----------------------------------------------------------------------------

it("several external events, raised out of order and before the instance runs", async (c) => {
  const id = uniqueId("dapr-events");
  await c.scheduleNewOrchestration("severalEventsOrchestrator", undefined, id);
  await c.raiseOrchestrationEvent(id, "third", 3);
  await c.raiseOrchestrationEvent(id, "item", "x");
  await c.raiseOrchestrationEvent(id, "first", { one: 1 });
  await c.raiseOrchestrationEvent(id, "item", "y");
  await c.raiseOrchestrationEvent(id, "second", [2]);
  await c.raiseOrchestrationEvent(id, "item", "z");
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { first: { one: 1 }, second: [2], third: 3, items: ["x", "y", "z"] });
});

it("external event with a timeout: the event arrives first", async (c) => {
  const id = uniqueId("dapr-evt-first");
  await c.scheduleNewOrchestration("eventWithTimeoutOrchestrator", 60, id);
  await waitForStart(c, id);
  await c.raiseOrchestrationEvent(id, "approval", { by: "alice" });
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { approved: { by: "alice" } });
});

it("external event with a timeout: the timer fires first", async (c) => {
  const id = uniqueId("dapr-evt-timeout");
  await c.scheduleNewOrchestration("eventWithTimeoutOrchestrator", 1, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.equal(outputOf(state), "timed out");
});

it("terminate: status TERMINATED and the termination output", async (c) => {
  const id = uniqueId("dapr-terminate");
  await c.scheduleNewOrchestration("waitForeverOrchestrator", undefined, id);
  await waitForStart(c, id);
  await c.terminateOrchestration(id, { reason: "stopped by the test" });
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.TERMINATED);
  assert.deepEqual(outputOf(state), { reason: "stopped by the test" });
});

test("recursive terminate", { skip: "@dapr/durabletask-js 1.0.0 has no recursive option (its TerminateRequest lacks the field)" }, () => {});

it("suspend and resume: SUSPENDED at once, events wait for the resume", async (c) => {
  const id = uniqueId("dapr-suspend");
  await c.scheduleNewOrchestration("waitForGoOrchestrator", undefined, id);
  await waitForStart(c, id);
  await c.suspendOrchestration(id);
  const suspended = await c.getOrchestrationState(id);
  assert.equal(suspended?.runtimeStatus, OrchestrationStatus.SUSPENDED, "status flips as soon as suspend returns");
  await c.raiseOrchestrationEvent(id, "go", "after resume");
  await sleep(1_500);
  const still = await c.getOrchestrationState(id);
  assert.equal(still?.runtimeStatus, OrchestrationStatus.SUSPENDED, "an event does not run a suspended instance");
  await c.resumeOrchestration(id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { go: "after resume" });
});

it("suspend and resume of an idle instance returns it to RUNNING", async (c) => {
  const id = uniqueId("dapr-suspend-idle");
  await c.scheduleNewOrchestration("waitForGoOrchestrator", undefined, id);
  await waitForStart(c, id);
  await c.suspendOrchestration(id);
  assert.equal((await c.getOrchestrationState(id))?.runtimeStatus, OrchestrationStatus.SUSPENDED);
  await c.resumeOrchestration(id);
  await waitRunning(c, id);
  await c.raiseOrchestrationEvent(id, "go", "one");
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { go: "one" });
});

it("continue-as-new 10 times keeps every event raised during the run (saveEvents)", async (c) => {
  const id = uniqueId("dapr-can");
  await c.scheduleNewOrchestration("continueAsNewOrchestrator", { generation: 0, received: [] }, id);
  // Non-falsy values: this SDK drops falsy carried-over event data and falsy activity outputs.
  for (let i = 0; i <= 10; i += 1) await c.raiseOrchestrationEvent(id, `item-${i}`, `e${i}`);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  const { generation, received } = outputOf(state) as CounterState;
  assert.equal(generation, 11);
  const raised = Array.from({ length: 11 }, (_, i) => `e${i}`);
  assert.deepEqual([...received].sort(), [...raised].sort(), "every raised event reached exactly one generation");
  assert.deepEqual(received, raised);
  const input = JSON.parse(state.serializedInput ?? "null") as CounterState;
  assert.equal(input.generation, 10);
});

test("sendEvent between orchestrations", { skip: "@dapr/durabletask-js 1.0.0 has no sendEvent" }, () => {});

it("an activity failure fails the orchestration with its details", async (c) => {
  const id = uniqueId("dapr-fail");
  await c.scheduleNewOrchestration("failingOrchestrator", `boom in ${id}`, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.FAILED);
  assert.ok(state.failureDetails, "failure details are present");
  assert.match(state.failureDetails.message, new RegExp(`boom in ${id}`));
  assert.ok(state.failureDetails.errorType.length > 0, "an error type is present");
});

it("an activity failure reaches the orchestration with its message", async (c) => {
  const id = uniqueId("dapr-catch");
  await c.scheduleNewOrchestration("catchingOrchestrator", "no such customer: 17", id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  // This SDK reports errorType as the error's constructor name.
  assert.deepEqual(outputOf(state), { caught: true, message: "no such customer: 17", errorType: "Error" });
});

test("retry policy on an activity", { skip: "@dapr/durabletask-js 1.0.0 has no retry policies" }, () => {});
