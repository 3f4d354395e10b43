/**
 * Fault scenarios end to end with `@microsoft/durabletask-js` against the real `dts serve`
 * process: a worker process killed while it holds an activity, `kill -9` of the server in the
 * middle of 200 running orchestrations followed by a restart on the same data directory, and a
 * graceful SIGTERM stop after which every result is still where it was left.
 * Loads only the Microsoft SDK (never the Dapr one: they clash in one process).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import {
  OrchestrationStatus,
  type ActivityContext,
  type OrchestrationContext,
  type TaskHubGrpcClient,
  type TaskHubGrpcWorker,
} from "@microsoft/durabletask-js";
import { ChildHandle } from "../support/child-process.ts";
import { createMsClient, outputOf, startMsWorker, stopAll, waitForDone, waitUntilReachable } from "../support/sdk-ms.ts";
import { DtsServer, repoRoot, withServerOutput } from "../support/server-process.ts";
import { eventually, mapLimit, uniqueId } from "../support/wait.ts";
import { killedWorkerOrchestrator, killedWorkerOrchestratorName, slowStepActivityName } from "./fixtures/ms-killed-worker-orchestration.ts";

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
  const fixture = join(repoRoot, "test", "e2e", "fixtures", "ms-blocking-worker.ts");
  const child = new ChildHandle(process.execPath, ["--import", "tsx", fixture, s.grpcAddress], {
    cwd: repoRoot,
    label: "ms blocking worker",
    echo: process.env["E2E_SDK_LOGS"] === "1",
  });
  let client: TaskHubGrpcClient | undefined;
  let second: TaskHubGrpcWorker | undefined;
  try {
    await child.waitForLine(/^worker-started$/, 30_000);
    client = createMsClient(s.grpcAddress);
    const id = uniqueId("ms-killed-worker");
    await client.scheduleNewOrchestration(killedWorkerOrchestratorName, "payload", id);
    await child.waitForLine(new RegExp(`^activity-started ${id} `), 30_000);
    const exit = await child.kill9();
    assert.equal(exit.signal, "SIGKILL");
    second = await startMsWorker(s.grpcAddress, (w) => {
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
  let worker: TaskHubGrpcWorker | undefined = await startMsWorker(s.grpcAddress, registerDurable);
  let client: TaskHubGrpcClient | undefined = createMsClient(s.grpcAddress);
  try {
    const prefix = uniqueId("ms-crash");
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    // Every start is acknowledged before the crash: acknowledged work must survive it. Two waves,
    // so the crash finds instances in every phase: completed, in stepB, waiting on the timer,
    // in stepA and not yet started.
    const schedule = (id: string, i: number): Promise<string> => client!.scheduleNewOrchestration("durableOrchestrator", i, id);
    await mapLimit(ids.slice(0, count / 2), 50, (id, i) => schedule(id, i));
    await eventually("the first wave to reach stepB", async () => (progress.stepB >= 10 ? true : undefined), 60_000, 10);
    await mapLimit(ids.slice(count / 2), 50, (id, i) => schedule(id, i + count / 2));
    await eventually("the second wave to be under way", async () => (progress.stepA >= count * 0.75 ? true : undefined), 60_000, 5);
    const progressAtCrash = { ...progress };
    await s.kill9();

    const { addressChanged } = await s.restart();
    t.diagnostic(`crash at ${JSON.stringify(progressAtCrash)}; restarted on ${addressChanged ? "a new" : "the same"} port`);
    // A fresh client: the old channel may sit in its reconnect back-off and fail calls fast.
    await stopAll(client);
    client = createMsClient(s.grpcAddress);
    await waitUntilReachable(client);
    if (addressChanged) {
      // The old worker would keep retrying the old port; point a new one at the new address.
      await stopAll(worker);
      worker = await startMsWorker(s.grpcAddress, registerDurable);
    }
    // Otherwise the same worker reconnects by itself (the SDK retries with back-off).

    const states = await mapLimit(ids, 50, (id) => waitForDone(client!, id, 120));
    const wrong = states
      .map((state, i) => ({ i, status: state.runtimeStatus, output: outputOf(state), failure: state.failureDetails?.message }))
      .filter((r) => r.status !== OrchestrationStatus.COMPLETED || JSON.stringify(r.output) !== JSON.stringify({ i: r.i, b: 2 * r.i + 1 }));
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${count} instances ended wrong (crash at ${JSON.stringify(progressAtCrash)})`);
  } finally {
    await stopAll(worker, client);
  }
}, 240_000);

// ---- graceful stop keeps everything ----------------------------------------------------------

async function* echoOrchestrator(_ctx: OrchestrationContext, input: unknown): AsyncGenerator<never, unknown> {
  return input;
}

it("SIGTERM stops the server cleanly and every result is still there after a restart", async (s) => {
  let worker: TaskHubGrpcWorker | undefined = await startMsWorker(s.grpcAddress, (w) => {
    w.addNamedOrchestrator("echoOrchestrator", echoOrchestrator);
  });
  let client: TaskHubGrpcClient | undefined = createMsClient(s.grpcAddress);
  try {
    const id = uniqueId("ms-graceful");
    await client.scheduleNewOrchestration("echoOrchestrator", { kept: "across restarts", n: 1 }, id);
    const first = await waitForDone(client, id);
    assert.equal(first.runtimeStatus, OrchestrationStatus.COMPLETED, JSON.stringify(first.failureDetails));

    // Stop with a worker stream and a client channel still open.
    const { exit, forced } = await s.stop("SIGTERM");
    assert.equal(forced, false, "the server exits on SIGTERM by itself");
    assert.equal(exit.code, 0, `exit code after SIGTERM (signal ${exit.signal})`);

    await stopAll(worker, client);
    worker = undefined;
    await s.restart();
    client = createMsClient(s.grpcAddress);
    await waitUntilReachable(client);
    const afterRestart = await client.getOrchestrationState(id);
    assert.ok(afterRestart, "the instance survived the restart");
    assert.equal(afterRestart.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(afterRestart.name, "echoOrchestrator");
    assert.deepEqual(outputOf(afterRestart), { kept: "across restarts", n: 1 });
    assert.deepEqual(JSON.parse(afterRestart.serializedInput ?? "null"), { kept: "across restarts", n: 1 });
  } finally {
    await stopAll(worker, client);
  }
}, 90_000);
