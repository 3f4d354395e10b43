/**
 * Failure handling end to end with `@microsoft/durabletask-js` against the real `dts serve`
 * process: activity failures (fatal and caught, with message and error type), a failing
 * sub-orchestration reported to its parent, and retry policies on activities (succeeding after
 * failures, and giving up after the maximum number of attempts).
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import {
  OrchestrationStatus,
  RetryPolicy,
  type ActivityContext,
  type OrchestrationContext,
  type TaskHubGrpcWorker,
} from "@microsoft/durabletask-js";
import { msHarness, outputOf, waitForDone } from "../support/sdk-ms.ts";
import { uniqueId } from "../support/wait.ts";

const { it } = msHarness(register);

// ---- orchestrators and activities -------------------------------------------------------

function failActivity(_ctx: ActivityContext, input: { message: string; name: string }): never {
  const err = new Error(input.message);
  err.name = input.name;
  throw err;
}

async function* failingOrchestrator(ctx: OrchestrationContext, input: { message: string; name: string }): AsyncGenerator<unknown, string> {
  yield ctx.callActivity("failActivity", input);
  return "unreachable";
}

async function* catchingOrchestrator(ctx: OrchestrationContext, input: { message: string; name: string }): AsyncGenerator<unknown, unknown> {
  try {
    yield ctx.callActivity("failActivity", input);
    return "unreachable";
  } catch (err) {
    const details = (err as { details?: { message: string; errorType: string } }).details;
    return { caught: true, message: details?.message, errorType: details?.errorType };
  }
}

async function* failingParentOrchestrator(ctx: OrchestrationContext, message: string): AsyncGenerator<unknown, unknown> {
  try {
    yield ctx.callSubOrchestrator("failingOrchestrator", { message, name: "ChildError" }, { instanceId: `${ctx.instanceId}-child` });
    return "unreachable";
  } catch (err) {
    return { caught: true, message: (err as Error).message };
  }
}

/** Attempts per orchestration instance, counted in this process (the only worker). */
const flakyAttempts = new Map<string, number>();

function flakyActivity(ctx: ActivityContext, failuresBeforeSuccess: number): number {
  const attempt = (flakyAttempts.get(ctx.orchestrationId) ?? 0) + 1;
  flakyAttempts.set(ctx.orchestrationId, attempt);
  if (attempt <= failuresBeforeSuccess) throw new Error(`attempt ${attempt} failed on purpose`);
  return attempt;
}

async function* retryOrchestrator(ctx: OrchestrationContext, input: { failures: number; maxAttempts: number }): AsyncGenerator<unknown, unknown> {
  const retry = new RetryPolicy({
    maxNumberOfAttempts: input.maxAttempts,
    firstRetryIntervalInMilliseconds: 200,
    backoffCoefficient: 1,
  });
  const attempt: number = yield ctx.callActivity("flakyActivity", input.failures, { retry });
  return { succeededOnAttempt: attempt };
}

function register(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("failingOrchestrator", failingOrchestrator);
  w.addNamedOrchestrator("catchingOrchestrator", catchingOrchestrator);
  w.addNamedOrchestrator("failingParentOrchestrator", failingParentOrchestrator);
  w.addNamedOrchestrator("retryOrchestrator", retryOrchestrator);
  w.addNamedActivity("failActivity", failActivity);
  w.addNamedActivity("flakyActivity", flakyActivity);
}

// ---- scenarios -----------------------------------------------------------------------------

it("an activity failure fails the orchestration with its details", async (c) => {
  const id = uniqueId("ms-fail");
  await c.scheduleNewOrchestration("failingOrchestrator", { message: `boom in ${id}`, name: "BoomError" }, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.FAILED);
  assert.ok(state.failureDetails, "failure details are present");
  assert.match(state.failureDetails.message, new RegExp(`boom in ${id}`));
  assert.ok(state.failureDetails.errorType.length > 0, "an error type is present");
  assert.ok(state.serializedOutput === undefined || state.serializedOutput === "", `no output: ${state.serializedOutput}`);
});

it("an activity failure reaches the orchestration with message and error type", async (c) => {
  const id = uniqueId("ms-catch");
  await c.scheduleNewOrchestration("catchingOrchestrator", { message: "no such customer: 17", name: "ValidationError" }, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { caught: true, message: "no such customer: 17", errorType: "ValidationError" });
});

it("a failing sub-orchestration reports its failure to the parent", async (c) => {
  const id = uniqueId("ms-subfail");
  await c.scheduleNewOrchestration("failingParentOrchestrator", `child boom ${id}`, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  const output = outputOf(state) as { caught: boolean; message: string };
  assert.equal(output.caught, true);
  assert.match(output.message, new RegExp(`child boom ${id}`));
  const child = await c.getOrchestrationState(`${id}-child`);
  assert.equal(child?.runtimeStatus, OrchestrationStatus.FAILED);
  assert.match(child?.failureDetails?.message ?? "", new RegExp(`child boom ${id}`));
});

it("retry policy: an activity failing twice then succeeding completes", async (c) => {
  const id = uniqueId("ms-retry");
  await c.scheduleNewOrchestration("retryOrchestrator", { failures: 2, maxAttempts: 5 }, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
  assert.deepEqual(outputOf(state), { succeededOnAttempt: 3 });
  assert.equal(flakyAttempts.get(id), 3);
});

it("retry policy: gives up after maxNumberOfAttempts and fails", async (c) => {
  const id = uniqueId("ms-retry-out");
  await c.scheduleNewOrchestration("retryOrchestrator", { failures: 100, maxAttempts: 2 }, id);
  const state = await waitForDone(c, id);
  assert.equal(state.runtimeStatus, OrchestrationStatus.FAILED);
  assert.match(state.failureDetails?.message ?? "", /attempt 2 failed on purpose/);
  assert.equal(flakyAttempts.get(id), 2);
});
