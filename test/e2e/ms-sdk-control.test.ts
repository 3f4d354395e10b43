/**
 * End to end with `@microsoft/durabletask-js` against the real `dts serve` process: everything
 * that steers a running orchestration from outside or from another orchestration (external
 * events and timeouts, terminate plain and recursive, suspend/resume, continue-as-new with
 * carried events, sendEvent). Failure handling is in ms-sdk-failures.test.ts.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import {
  OrchestrationStatus,
  terminateOptions,
  whenAny,
  type ActivityContext,
  type OrchestrationContext,
  type Task,
  type TaskHubGrpcClient,
  type TaskHubGrpcWorker,
} from "@microsoft/durabletask-js";
import { msHarness, outputOf, waitForDone } from "../support/sdk-ms.ts";
import { eventually, sleep, uniqueId } from "../support/wait.ts";

const { it } = msHarness(register);

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

async function* parentOfWaiterOrchestrator(ctx: OrchestrationContext, childId: string): AsyncGenerator<unknown, unknown> {
  const fromChild: unknown = yield ctx.callSubOrchestrator("waitForeverOrchestrator", undefined, { instanceId: childId });
  return fromChild;
}

async function* grandparentOrchestrator(ctx: OrchestrationContext, ids: { childId: string; grandchildId: string }): AsyncGenerator<unknown, unknown> {
  const fromChild: unknown = yield ctx.callSubOrchestrator("parentOfWaiterOrchestrator", ids.grandchildId, { instanceId: ids.childId });
  return fromChild;
}

async function* waitForGoOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const go: unknown = yield ctx.waitForExternalEvent("go");
  return { go };
}

interface CounterState {
  readonly generation: number;
  readonly received: readonly unknown[];
}

/** One event per generation; every event raised during the run must reach some generation. */
async function* continueAsNewOrchestrator(ctx: OrchestrationContext, state: CounterState): AsyncGenerator<unknown, unknown> {
  const item: unknown = yield ctx.waitForExternalEvent("item");
  // An activity between events: events arriving meanwhile are buffered by the SDK and must be
  // carried over to the next generation (saveEvents = true).
  const echoed: unknown = yield ctx.callActivity("identity", item);
  const next: CounterState = { generation: state.generation + 1, received: [...state.received, echoed] };
  if (next.generation > 10) return next;
  ctx.continueAsNew(next, true);
  return undefined;
}

/**
 * The same, but the episode that continues as new takes a while (a real delay, outside replay),
 * so events raised at a steady pace arrive at the server while it runs, with earlier events
 * still buffered in the SDK: the carried-over events and the inbox events must keep their order.
 */
async function* slowContinueAsNewOrchestrator(ctx: OrchestrationContext, state: CounterState): AsyncGenerator<unknown, unknown> {
  const item: unknown = yield ctx.waitForExternalEvent("item");
  const echoed: unknown = yield ctx.callActivity("identity", item);
  const next: CounterState = { generation: state.generation + 1, received: [...state.received, echoed] };
  if (next.generation > 10) return next;
  if (!ctx.isReplaying) await sleep(150);
  ctx.continueAsNew(next, true);
  return undefined;
}

async function* receiverOrchestrator(ctx: OrchestrationContext): AsyncGenerator<unknown, unknown> {
  const ping: unknown = yield ctx.waitForExternalEvent("ping");
  return ping;
}

async function* senderOrchestrator(ctx: OrchestrationContext, receiverId: string): AsyncGenerator<unknown, string> {
  // The sendEvent action travels in the same completion as completeOrchestration.
  ctx.sendEvent(receiverId, "ping", { from: ctx.instanceId, n: 42 });
  return "sent";
}

function identity(_ctx: ActivityContext, value: unknown): unknown {
  return value;
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("severalEventsOrchestrator", severalEventsOrchestrator);
  w.addNamedOrchestrator("eventWithTimeoutOrchestrator", eventWithTimeoutOrchestrator);
  w.addNamedOrchestrator("waitForeverOrchestrator", waitForeverOrchestrator);
  w.addNamedOrchestrator("parentOfWaiterOrchestrator", parentOfWaiterOrchestrator);
  w.addNamedOrchestrator("grandparentOrchestrator", grandparentOrchestrator);
  w.addNamedOrchestrator("waitForGoOrchestrator", waitForGoOrchestrator);
  w.addNamedOrchestrator("continueAsNewOrchestrator", continueAsNewOrchestrator);
  w.addNamedOrchestrator("slowContinueAsNewOrchestrator", slowContinueAsNewOrchestrator);
  w.addNamedOrchestrator("receiverOrchestrator", receiverOrchestrator);
  w.addNamedOrchestrator("senderOrchestrator", senderOrchestrator);
  w.addNamedActivity("identity", identity);
}

/** Waits until the instance exists and is RUNNING (it may not exist yet, e.g. a child). */
async function waitRunning(c: TaskHubGrpcClient, instanceId: string): Promise<void> {
  await eventually(`${instanceId} to be RUNNING`, async () => {
    const state = await c.getOrchestrationState(instanceId, false);
    return state?.runtimeStatus === OrchestrationStatus.RUNNING ? true : undefined;
  });
}

/**
 * Checks a continue-as-new run's collected events: first that none was lost or duplicated, then
 * that they kept the order they were raised in (carried-over events were received before any
 * event still waiting in the inbox, so they must come first in the next generation).
 */
function assertCarriedEvents(output: unknown, raised: readonly unknown[]): void {
  const { generation, received } = output as CounterState;
  assert.equal(generation, 11);
  const key = (v: unknown): string => JSON.stringify(v);
  assert.deepEqual([...received].map(key).sort(), [...raised].map(key).sort(), "every raised event reached exactly one generation");
  assert.deepEqual(received, raised, "events kept the order they were raised in across continue-as-new");
}

// ---- scenarios -----------------------------------------------------------------------------

it("several external events, raised out of order and before the instance runs", async (c) => {
  const id = uniqueId("ms-events");
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
  const id = uniqueId("ms-evt-first");
  await c.scheduleNewOrchestration("eventWithTimeoutOrchestrator", 60, id);
  await c.waitForOrchestrationStart(id, false, 30);
  await c.raiseOrchestrationEvent(id, "approval", { by: "alice" });
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { approved: { by: "alice" } });
});

it("external event with a timeout: the timer fires first", async (c) => {
  const id = uniqueId("ms-evt-timeout");
  await c.scheduleNewOrchestration("eventWithTimeoutOrchestrator", 1, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.equal(outputOf(state), "timed out");
  // A late event for a completed instance changes nothing.
  await c.raiseOrchestrationEvent(id, "approval", "too late").catch(() => undefined);
  const later = await c.getOrchestrationState(id);
  assert.equal(later?.runtimeStatus, OrchestrationStatus.COMPLETED);
  assert.equal(outputOf(later!), "timed out");
});

it("terminate: status TERMINATED and the termination output", async (c) => {
  const id = uniqueId("ms-terminate");
  await c.scheduleNewOrchestration("waitForeverOrchestrator", undefined, id);
  await c.waitForOrchestrationStart(id, false, 30);
  await c.terminateOrchestration(id, { reason: "stopped by the test" });
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.TERMINATED);
  assert.deepEqual(outputOf(state), { reason: "stopped by the test" });
  // Terminating a terminal instance is a no-op.
  await c.terminateOrchestration(id, "again").catch(() => undefined);
  const later = await c.getOrchestrationState(id);
  assert.equal(later?.runtimeStatus, OrchestrationStatus.TERMINATED);
  assert.deepEqual(outputOf(later!), { reason: "stopped by the test" });
});

it("recursive terminate terminates the sub-orchestrations too (two levels)", async (c) => {
  const id = uniqueId("ms-term-rec");
  const childId = `${id}-child`;
  const grandchildId = `${id}-grandchild`;
  await c.scheduleNewOrchestration("grandparentOrchestrator", { childId, grandchildId }, id);
  await waitRunning(c, grandchildId);
  await c.terminateOrchestration(id, terminateOptions({ output: "bye", recursive: true }));
  const parent = await waitForDone(c, id);
  assert.equal(parent.runtimeStatus, OrchestrationStatus.TERMINATED);
  assert.equal(outputOf(parent), "bye");
  const child = await waitForDone(c, childId);
  assert.equal(child.runtimeStatus, OrchestrationStatus.TERMINATED, "the child is terminated");
  const grandchild = await waitForDone(c, grandchildId);
  assert.equal(grandchild.runtimeStatus, OrchestrationStatus.TERMINATED, "the grandchild is terminated");
});

it("non-recursive terminate leaves the sub-orchestration running", async (c) => {
  const id = uniqueId("ms-term-flat");
  const childId = `${id}-child`;
  await c.scheduleNewOrchestration("parentOfWaiterOrchestrator", childId, id);
  await waitRunning(c, childId);
  await c.terminateOrchestration(id, terminateOptions({ output: "parent only", recursive: false }));
  const parent = await waitForDone(c, id);
  assert.equal(parent.runtimeStatus, OrchestrationStatus.TERMINATED);
  const child = await c.getOrchestrationState(childId);
  assert.equal(child?.runtimeStatus, OrchestrationStatus.RUNNING);
  // The child still works: finish it with its event.
  await c.raiseOrchestrationEvent(childId, "never-raised", "released");
  const done = await waitForDone(c, childId);
  assert.equal(done.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(done.failureDetails));
  assert.equal(outputOf(done), "released");
});

it("suspend and resume: SUSPENDED at once, events wait for the resume", async (c) => {
  const id = uniqueId("ms-suspend");
  await c.scheduleNewOrchestration("waitForGoOrchestrator", undefined, id);
  await c.waitForOrchestrationStart(id, false, 30);
  await c.suspendOrchestration(id);
  const suspended = await c.getOrchestrationState(id);
  assert.equal(suspended?.runtimeStatus, OrchestrationStatus.SUSPENDED, "status flips as soon as suspend returns");
  await c.raiseOrchestrationEvent(id, "go", "after resume");
  // Give a wrong server time to (wrongly) deliver the event and complete the instance.
  await sleep(1_500);
  const still = await c.getOrchestrationState(id);
  assert.equal(still?.runtimeStatus, OrchestrationStatus.SUSPENDED, "an event does not run a suspended instance");
  await c.resumeOrchestration(id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { go: "after resume" });
});

it("suspend and resume of an idle instance returns it to RUNNING", async (c) => {
  const id = uniqueId("ms-suspend-idle");
  await c.scheduleNewOrchestration("waitForGoOrchestrator", undefined, id);
  await c.waitForOrchestrationStart(id, false, 30);
  await c.suspendOrchestration(id);
  assert.equal((await c.getOrchestrationState(id))?.runtimeStatus, OrchestrationStatus.SUSPENDED);
  await c.resumeOrchestration(id);
  await waitRunning(c, id);
  await c.raiseOrchestrationEvent(id, "go", 1);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { go: 1 });
});

it("continue-as-new 10 times keeps every event raised during the run (saveEvents)", async (c) => {
  const id = uniqueId("ms-can");
  const initial: CounterState = { generation: 0, received: [] };
  await c.scheduleNewOrchestration("continueAsNewOrchestrator", initial, id);
  // All 11 events at once: most arrive while earlier generations are busy.
  for (let i = 0; i <= 10; i += 1) await c.raiseOrchestrationEvent(id, "item", i);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assertCarriedEvents(outputOf(state), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  // The instance's input is the last generation's input.
  const input = JSON.parse(state.serializedInput ?? "null") as CounterState;
  assert.equal(input.generation, 10);
});

it("continue-as-new while events keep arriving during each generation's last episode", async (c) => {
  const id = uniqueId("ms-can-steady");
  await c.scheduleNewOrchestration("slowContinueAsNewOrchestrator", { generation: 0, received: [] }, id);
  for (let i = 0; i <= 10; i += 1) {
    await c.raiseOrchestrationEvent(id, "item", `e${i}`);
    await sleep(40);
  }
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assertCarriedEvents(outputOf(state), Array.from({ length: 11 }, (_, i) => `e${i}`));
});

it("sendEvent delivers an event from one orchestration to another", async (c) => {
  const receiverId = uniqueId("ms-receiver");
  const senderId = uniqueId("ms-sender");
  await c.scheduleNewOrchestration("receiverOrchestrator", undefined, receiverId);
  await c.scheduleNewOrchestration("senderOrchestrator", receiverId, senderId);
  const sender = await waitForDone(c, senderId);
  assert.equal(sender.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(sender.failureDetails));
  assert.equal(outputOf(sender), "sent");
  const receiver = await waitForDone(c, receiverId);
  assert.equal(receiver.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(receiver.failureDetails));
  assert.deepEqual(outputOf(receiver), { from: senderId, n: 42 });
});
