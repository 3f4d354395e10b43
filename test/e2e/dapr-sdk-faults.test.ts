/**
 * Fault scenarios end to end with `@dapr/durabletask-js` 1.0.0 against the real `dts serve`
 * process: a worker process killed while it holds an activity (this SDK never sends completion
 * tokens, so the server correlates by instance id and task id), and `kill -9` of the server in
 * the middle of 200 running orchestrations followed by a restart on the same data directory.
 * Loads only the Dapr SDK (never the Microsoft one: they clash in one process).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import type { ActivityContext, OrchestrationContext, TaskHubGrpcClient, TaskHubGrpcWorker } from "@dapr/durabletask-js";
import { OrchestrationStatus } from "@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js";
import { ChildHandle } from "../support/child-process.ts";
import { createDaprClient, outputOf, silenceDaprConsole, startDaprWorker, stopAll, waitForDone, waitUntilReachable } from "../support/sdk-dapr.ts";
import { DtsServer, repoRoot, withServerOutput } from "../support/server-process.ts";
import { eventually, mapLimit, uniqueId } from "../support/wait.ts";
import { killedWorkerOrchestrator, killedWorkerOrchestratorName, slowStepActivityName } from "./fixtures/dapr-killed-worker-orchestration.ts";

silenceDaprConsole();

let server: DtsServer | undefined;

before(async () => {
  server = await DtsServer.start();
});

after(async () => {
  await server?.dispose();
});

function it(name: string, body: (s: DtsServer, t: TestContext) => Promise<void>, timeoutMs: number): void {
  test(name, { timeout: timeoutMs }, withServerOutput(() => [server], async (t: TestContext) => {
    assert.ok(server, "the server did not start");
    await body(server, t);
  }));
}

// ---- worker killed mid-activity --------------------------------------------------------------

let secondWorkerSlowSteps = 0;

function quickSlowStep(_ctx: ActivityContext, input: string): string {
  secondWorkerSlowSteps += 1;
  return `done:${input}`;
}

it("a worker killed mid-activity: the activity completes on a second worker", async (s) => {
  const fixture = join(repoRoot, "test", "e2e", "fixtures", "dapr-blocking-worker.ts");
  const child = new ChildHandle(process.execPath, ["--import", "tsx", fixture, s.grpcAddress], {
    cwd: repoRoot,
    label: "dapr blocking worker",
    echo: process.env["E2E_SDK_LOGS"] === "1",
  });
  let client: TaskHubGrpcClient | undefined;
  let second: TaskHubGrpcWorker | undefined;
  try {
    await child.waitForLine(/^worker-started$/, 30_000);
    client = createDaprClient(s.grpcAddress);
    const id = uniqueId("dapr-killed-worker");
    await client.scheduleNewOrchestration(killedWorkerOrchestratorName, "payload", id);
    await child.waitForLine(new RegExp(`^activity-started ${id} `), 30_000);
    const exit = await child.kill9();
    assert.equal(exit.signal, "SIGKILL");
    second = await startDaprWorker(s.grpcAddress, (w) => {
      w.addNamedOrchestrator(killedWorkerOrchestratorName, killedWorkerOrchestrator);
      w.addNamedActivity(slowStepActivityName, quickSlowStep);
    });
    const state = await waitForDone(client, id, 60);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(state.failureDetails));
    assert.deepEqual(outputOf(state), { first: "done:payload" });
    assert.ok(secondWorkerSlowSteps >= 1, "the second worker ran the activity");
  } finally {
    await child.kill9();
    await stopAll(second, client);
  }
}, 120_000);

// ---- kill -9 of the server with 200 orchestrations in flight -------------------------------

const progress = { stepA: 0, stepB: 0 };

function stepA(_ctx: ActivityContext, i: number): number {
  progress.stepA += 1;
  return i * 2;
}

function stepB(_ctx: ActivityContext, a: number): number {
  progress.stepB += 1;
  return a + 1;
}

async function* durableOrchestrator(ctx: OrchestrationContext, i: number): AsyncGenerator<unknown, unknown> {
  const a: number = yield ctx.callActivity("stepA", i);
  yield ctx.createTimer(1);
  const b: number = yield ctx.callActivity("stepB", a);
  return { i, b };
}

function registerDurable(w: TaskHubGrpcWorker): void {
  w.addNamedOrchestrator("durableOrchestrator", durableOrchestrator);
  w.addNamedActivity("stepA", stepA);
  w.addNamedActivity("stepB", stepB);
}

it("kill -9 of the server mid-run: all 200 orchestrations complete after a restart", async (s, t) => {
  const count = 200;
  let worker: TaskHubGrpcWorker | undefined = await startDaprWorker(s.grpcAddress, registerDurable);
  let client: TaskHubGrpcClient | undefined = createDaprClient(s.grpcAddress);
  try {
    const prefix = uniqueId("dapr-crash");
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    // Every start is acknowledged before the crash: acknowledged work must survive it. Two waves,
    // so the crash finds instances in every phase: completed, in stepB, waiting on the timer,
    // in stepA and not yet started. Inputs start at 1: this SDK drops a falsy activity output.
    const schedule = (id: string, i: number): Promise<string> => client!.scheduleNewOrchestration("durableOrchestrator", i + 1, id);
    await mapLimit(ids.slice(0, count / 2), 50, (id, i) => schedule(id, i));
    await eventually("the first wave to reach stepB", async () => (progress.stepB >= 10 ? true : undefined), 60_000, 10);
    await mapLimit(ids.slice(count / 2), 50, (id, i) => schedule(id, i + count / 2));
    await eventually("the second wave to be under way", async () => (progress.stepA >= count * 0.75 ? true : undefined), 60_000, 5);
    const progressAtCrash = { ...progress };
    await s.kill9();

    const { addressChanged } = await s.restart();
    t.diagnostic(`crash at ${JSON.stringify(progressAtCrash)}; restarted on ${addressChanged ? "a new" : "the same"} port`);
    await stopAll(client);
    client = createDaprClient(s.grpcAddress);
    await waitUntilReachable(client);
    if (addressChanged) {
      await stopAll(worker);
      worker = await startDaprWorker(s.grpcAddress, registerDurable);
    }
    // Otherwise the same worker reconnects by itself (this SDK retries every 5 s).

    const states = await mapLimit(ids, 50, (id) => waitForDone(client!, id, 120));
    const wrong = states
      .map((state, i) => ({ i: i + 1, status: state.runtimeStatus, output: outputOf(state), failure: state.failureDetails?.message }))
      .filter((r) => r.status !== OrchestrationStatus.COMPLETED || JSON.stringify(r.output) !== JSON.stringify({ i: r.i, b: 2 * r.i + 1 }));
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${count} instances ended wrong (crash at ${JSON.stringify(progressAtCrash)})`);
  } finally {
    await stopAll(worker, client);
  }
}, 240_000);
